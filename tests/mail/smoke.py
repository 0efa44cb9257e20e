#!/usr/bin/env python3
"""Smoke test of the mail harness: real Postfix + Dovecot on 127.0.0.1.

Starts the harness in a temporary directory, sends mail through Postfix
submission (STARTTLS) and submissions (implicit TLS) with smtplib and swaks,
and checks delivery over IMAPS and in the maildir store. Always stops the
harness. Prints one line per check and exits non-zero on any failure.
Run as root: python3 tests/mail/smoke.py [--keep]
"""
from __future__ import annotations

import base64
import imaplib
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

ALICE, BOB, CAROL = "alice@clinic.test", "bob@clinic.test", "carol@partner.test"
BIG_BYTES = 30 * 1000 * 1000

results: list[tuple[str, bool, float, str]] = []


def check(name):
    """check(name)(fn, *args): runs fn, prints and records ok/FAILED with its duration."""

    def run(fn, *args):
        t0 = time.monotonic()
        try:
            detail = fn(*args) or ""
            ok = True
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            detail = f"{type(e).__name__}: {e}"
            if os.environ.get("MAIL_SMOKE_TRACE"):
                traceback.print_exc()
            ok = False
        took = time.monotonic() - t0
        results.append((name, ok, took, detail))
        print(f"{'ok' if ok else 'FAILED':6} {took:5.2f}s  {name}{'  -- ' + detail if detail else ''}", flush=True)
        return ok

    return run


def make_message(sender: str, to: list[str], subject: str, body: bytes, extra: str = "") -> tuple[bytes, bytes]:
    """(whole message, body) with CRLF line ends and a unique Message-ID."""
    mid = f"<{uuid.uuid4().hex}@clinic.test>"
    head = (
        f"From: {sender}\r\nTo: {', '.join(to)}\r\nSubject: {subject}\r\n"
        f"Message-ID: {mid}\r\nDate: Sat, 28 Nov 2026 12:00:00 +0000\r\n"
        f"MIME-Version: 1.0\r\n{extra}"
    )
    if "Content-Type" not in extra:
        head += "Content-Type: text/plain; charset=us-ascii\r\n"
    return head.encode() + b"\r\n" + body, body


def find(messages: list[bytes], token: bytes) -> bytes:
    hits = [m for m in messages if token in m]
    if len(hits) != 1:
        raise AssertionError(f"expected 1 message with {token!r}, found {len(hits)} of {len(messages)}")
    return hits[0]


def same_body(stored: bytes, body: bytes, where: str) -> None:
    _head, got = harness.split_message(stored)
    if got != body:
        raise AssertionError(f"{where}: body differs ({len(got)} bytes stored, {len(body)} sent)")


def smtp_starttls(env) -> smtplib.SMTP:
    s = smtplib.SMTP(env["tls_hostname"], env["ports"]["submission"], timeout=30)
    s.ehlo("smoke.clinic.test")
    if s.has_extn("auth"):
        raise AssertionError("AUTH offered before STARTTLS")
    s.starttls(context=harness.ssl_context(env))
    s.ehlo("smoke.clinic.test")
    return s


def auth(s: smtplib.SMTP, mech: str, user: str, password: str) -> None:
    s.user, s.password = user, password
    fn = s.auth_plain if mech == "PLAIN" else s.auth_login
    code, resp = s.auth(mech, fn, initial_response_ok=(mech == "PLAIN"))
    if code != 235:
        raise AssertionError(f"AUTH {mech}: {code} {resp!r}")


def main() -> int:
    keep = "--keep" in sys.argv
    t_start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="sealpost-mail-smoke-"))
    h = harness.Harness(tmp)
    sent: dict[str, list[tuple[bytes, bytes]]] = {BOB: [], CAROL: [], ALICE: []}
    env = {}
    pw = {}
    failed_start = False

    def start():
        nonlocal env, pw
        env = h.start()
        pw = {u: i["password"] for u, i in env["users"].items()}
        return f"submission {env['ports']['submission']}, submissions {env['ports']['submissions']}, imaps {env['ports']['imaps']} in {tmp}"

    def postfix_check():
        r = subprocess.run(["postfix", "-c", env["postfix_config_dir"], "check"], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=30)
        if r.returncode != 0:
            raise AssertionError(f"postfix check exit {r.returncode}: {r.stderr.decode()}")
        warn = [ln for ln in Path(env["logs"]["postfix"]).read_text().splitlines() if "warning:" in ln and "postfix-script" in ln]
        if warn:
            raise AssertionError("; ".join(warn[:3]))

    def send_starttls_plain():
        token = uuid.uuid4().hex.encode()
        msg, body = make_message(ALICE, [BOB], "starttls plain", b"STARTTLS + PLAIN " + token + b"\r\n.leading dot\r\n")
        with smtp_starttls(env) as s:
            auth(s, "PLAIN", ALICE, pw[ALICE])
            refused = s.sendmail(ALICE, [BOB], msg)
        if refused:
            raise AssertionError(f"refused {refused}")
        sent[BOB].append((token, body))

    def send_implicit_tls_login():
        token = uuid.uuid4().hex.encode()
        msg, body = make_message(ALICE, [CAROL], "implicit tls login", b"SMTPS + LOGIN " + token + b"\r\n")
        with smtplib.SMTP_SSL(env["tls_hostname"], env["ports"]["submissions"], timeout=30,
                              context=harness.ssl_context(env)) as s:
            s.ehlo("smoke.clinic.test")
            auth(s, "LOGIN", ALICE, pw[ALICE])
            refused = s.sendmail(ALICE, [CAROL], msg)
        if refused:
            raise AssertionError(f"refused {refused}")
        sent[CAROL].append((token, body))

    def send_swaks():
        if not shutil.which("swaks"):
            raise AssertionError("swaks is not installed (tests/setup.sh)")
        token = uuid.uuid4().hex.encode()
        msg, body = make_message(ALICE, [BOB, CAROL], "swaks starttls", b"swaks " + token + b"\r\n")
        data = tmp / "swaks-message.eml"
        # --no-data-fixup: swaks sends the file verbatim (else it appends a CRLF),
        # so the file carries the end-of-data dot itself.
        data.write_bytes(msg + b".\r\n")
        r = subprocess.run(
            ["swaks", "--server", env["host"], "--port", str(env["ports"]["submission"]),
             "--tls", "--tls-verify", "--tls-ca-path", env["ca_file"], "--tls-sni", env["tls_hostname"],
             "--auth", "PLAIN", "--auth-user", ALICE, "--auth-password", pw[ALICE],
             "--from", ALICE, "--to", f"{BOB},{CAROL}", "--ehlo", "swaks.clinic.test",
             "--data", f"@{data}", "--no-data-fixup", "--timeout", "30"],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
        )
        out = r.stdout.decode(errors="replace")
        if r.returncode != 0 or "<~  250 2.0.0 Ok: queued" not in out:
            raise AssertionError(f"swaks exit {r.returncode}:\n{out[-1500:]}\n{r.stderr.decode(errors='replace')[-500:]}")
        sent[BOB].append((token, body))
        sent[CAROL].append((token, body))

    def wrong_password():
        with smtp_starttls(env) as s:
            try:
                auth(s, "PLAIN", ALICE, "not-the-password")
            except smtplib.SMTPAuthenticationError as e:
                if e.smtp_code != 535:
                    raise AssertionError(f"expected 535, got {e.smtp_code}")
            else:
                raise AssertionError("wrong password accepted")
        t0 = time.monotonic()
        with smtp_starttls(env) as s:
            auth(s, "PLAIN", ALICE, pw[ALICE])
        smtp_took = time.monotonic() - t0
        with imaplib.IMAP4_SSL(env["tls_hostname"], env["ports"]["imaps"], ssl_context=harness.ssl_context(env)) as m:
            try:
                m.login(BOB, "not-the-password")
            except imaplib.IMAP4.error:
                pass
            else:
                raise AssertionError("IMAP accepted a wrong password")
        t0 = time.monotonic()
        with imaplib.IMAP4_SSL(env["tls_hostname"], env["ports"]["imaps"], ssl_context=harness.ssl_context(env)) as m:
            m.login(BOB, pw[BOB])
        imap_took = time.monotonic() - t0
        if smtp_took > 5 or imap_took > 5:
            raise AssertionError(f"login after a failure took SMTP {smtp_took:.1f}s, IMAP {imap_took:.1f}s")
        return f"535; next login SMTP {smtp_took:.2f}s, IMAP {imap_took:.2f}s"

    def no_relay_no_anonymous():
        with smtp_starttls(env) as s:
            code, _ = s.mail(ALICE)
            code, resp = s.rcpt(BOB)
            if code < 500:
                raise AssertionError(f"unauthenticated RCPT accepted: {code} {resp!r}")
        with smtp_starttls(env) as s:
            auth(s, "PLAIN", ALICE, pw[ALICE])
            s.mail(ALICE)
            code, resp = s.rcpt("someone@example.com")
            if code < 500:
                raise AssertionError(f"relay to example.com accepted: {code} {resp!r}")
            code, resp = s.rcpt("nobody@clinic.test")
            if code < 500:
                raise AssertionError(f"unknown user accepted: {code} {resp!r}")
        return "unauthenticated, foreign domain and unknown user rejected"

    def smtputf8_and_8bit():
        token = uuid.uuid4().hex.encode()
        subject = "Grüße – Befund für Zoë ✓"
        body = ("Hällo Bob, 8-bit body: äöü ß € ✓ " + token.decode() + "\r\n").encode("utf-8")
        msg, body = make_message(
            f"Älice Müller <{ALICE}>", [BOB], subject, body,
            extra="Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
        )
        with smtp_starttls(env) as s:
            for ext in ("smtputf8", "8bitmime"):
                if not s.has_extn(ext):
                    raise AssertionError(f"{ext.upper()} not announced")
            auth(s, "PLAIN", ALICE, pw[ALICE])
            refused = s.sendmail(ALICE, [BOB], msg, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
        if refused:
            raise AssertionError(f"refused {refused}")
        sent[BOB].append((token, body))
        # and a plain 8BITMIME message without SMTPUTF8
        token2 = uuid.uuid4().hex.encode()
        msg2, body2 = make_message(
            ALICE, [CAROL], "8bit body", "Grüße aus der Praxis ".encode() + token2 + b"\r\n",
            extra="Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
        )
        with smtp_starttls(env) as s:
            auth(s, "PLAIN", ALICE, pw[ALICE])
            refused = s.sendmail(ALICE, [CAROL], msg2, mail_options=["BODY=8BITMIME"])
        if refused:
            raise AssertionError(f"refused {refused}")
        sent[CAROL].append((token2, body2))
        got = find(harness.wait_for_delivery(env, BOB, len(sent[BOB]), 20), token)
        if subject.encode() not in got:
            raise AssertionError("UTF-8 subject not stored as sent")

    def big_message():
        token = uuid.uuid4().hex.encode()
        raw = base64.encodebytes(os.urandom(BIG_BYTES * 3 // 4)).replace(b"\n", b"\r\n")
        body = b"big " + token + b"\r\n" + raw
        msg, body = make_message(ALICE, [ALICE], "30 MB", body)
        t0 = time.monotonic()
        with smtp_starttls(env) as s:
            auth(s, "PLAIN", ALICE, pw[ALICE])
            refused = s.sendmail(ALICE, [ALICE], msg)
        if refused:
            raise AssertionError(f"refused {refused}")
        sent_took = time.monotonic() - t0
        stored = find(harness.wait_for_delivery(env, ALICE, 1, 30), token)
        same_body(stored, body, "maildir")
        return f"{len(msg) / 1e6:.1f} MB accepted in {sent_took:.1f}s, stored byte-exact"

    def delivered(user):
        expect = sent[user]
        store = harness.wait_for_delivery(env, user, len(expect), 20)
        imap = harness.fetch_all(env, user, pw[user])
        if len(store) != len(expect) or len(imap) != len(expect):
            raise AssertionError(f"{len(expect)} sent, {len(store)} in maildir, {len(imap)} over IMAP")
        for token, body in expect:
            same_body(find(store, token), body, "maildir")
            same_body(find(imap, token), body, "IMAP")
        return f"{len(expect)} messages, bodies byte-exact in maildir and over IMAPS"

    steps = [
        ("start harness", start),
        ("postfix check", postfix_check),
        ("smtplib STARTTLS + AUTH PLAIN -> bob", send_starttls_plain),
        ("smtplib implicit TLS + AUTH LOGIN -> carol", send_implicit_tls_login),
        ("swaks STARTTLS + AUTH -> bob, carol", send_swaks),
        ("wrong password: 535, next login fast", wrong_password),
        ("no relay, no anonymous submission", no_relay_no_anonymous),
        ("SMTPUTF8 (UTF-8 headers) and 8BITMIME body", smtputf8_and_8bit),
        ("delivered to bob", lambda: delivered(BOB)),
        ("delivered to carol", lambda: delivered(CAROL)),
        ("30 MB message", big_message),
    ]
    try:
        for name, fn in steps:
            ok = check(name)(fn)
            if not ok and name == "start harness":
                failed_start = True
                break
    finally:
        pids = dict(env.get("processes", {})) if env else {}
        kids = []
        for info in pids.values():
            kids += harness._descendants(info["pid"])

        def stop_and_verify():
            h.stop()
            h.stop()  # must be safe twice
            left = [p for p in kids + [i["pid"] for i in pids.values()] if harness._alive(p)]
            if left:
                raise AssertionError(f"processes left running: {left}")

        check("stop harness (twice), nothing left running")(stop_and_verify)

    failures = [r for r in results if not r[1]]
    total = time.monotonic() - t_start
    if failures or keep:
        print(f"harness directory kept for inspection: {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"mail smoke: {len(results) - len(failures)} passed, {len(failures)} failed, {total:.1f}s")
    return 1 if failures or failed_start else 0


if __name__ == "__main__":
    sys.exit(main())
