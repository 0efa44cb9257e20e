"""Shared helpers for tests/e2e: the sealpost daemon as a child process,
OpenPGP keys made by independent implementations, PGP/MIME decryption with
GnuPG, sq, sqop and rnp, and SMTP clients that trust the proxy's local CA.

Python 3.11 stdlib only (plus tests/mail/harness.py).
"""
from __future__ import annotations

import contextlib
import email
import email.policy
import os
import queue
import re
import shutil
import signal
import smtplib
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = "Secure message"
LISTEN_RE = re.compile(r"sealpost: listening starttls=([\d.]+):(\d+) tls=([\d.]+):(\d+)")


class E2EError(RuntimeError):
    pass


def default_binary(profile: str = "debug") -> str:
    target = os.environ.get("CARGO_TARGET_DIR") or str(REPO / "target")
    return str(Path(target) / profile / "sealpost")


def run(cmd, *, input: bytes | None = None, timeout: float = 30.0, env=None, check=True,
        cwd=None) -> subprocess.CompletedProcess:
    """Runs cmd with captured output, a timeout and no inherited descriptors."""
    try:
        cp = subprocess.run(
            [str(c) for c in cmd], input=input if input is not None else b"",
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=env,
            close_fds=True, cwd=cwd,
        )
    except subprocess.TimeoutExpired as e:
        raise E2EError(f"{cmd[0]} timed out after {timeout}s") from e
    if check and cp.returncode != 0:
        raise E2EError(
            f"{' '.join(map(str, cmd))} exited {cp.returncode}: "
            f"{cp.stderr.decode(errors='replace').strip()[-800:]}"
        )
    return cp


def clean_env(**extra) -> dict:
    """The environment for sealpost children: none of the user's SEALPOST_*
    overrides, so only what the test passes applies."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEALPOST_")}
    env.setdefault("RUST_LOG", "info")
    env.update(extra)
    return env


# --------------------------------------------------------------------------
# the daemon


def free_ports(n: int) -> list[int]:
    """n distinct free TCP ports on 127.0.0.1 (kernel-chosen)."""
    import socket
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            if s.getsockname()[1] not in ports:
                ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def write_config(path: Path, upstream_port: int, ca_file: str, *, host="127.0.0.1",
                 tls="starttls", max_bytes=36700160, placeholder=PLACEHOLDER,
                 policy: str | None = None, listen_ports: tuple[int, int] = (0, 0)) -> None:
    text = f"""[smtp]
listen_starttls = "127.0.0.1:{listen_ports[0]}"
listen_tls = "127.0.0.1:{listen_ports[1]}"
placeholder_subject = "{placeholder}"
max_message_bytes = {max_bytes}

[smtp.upstream]
host = "{host}"
port = {upstream_port}
tls = "{tls}"
extra_ca_file = "{ca_file}"
"""
    if policy:
        text += "\n[policy]\n" + policy
    path.write_text(text)


class Proxy:
    """`sealpost run` as a child process in its own session. stdout is read by
    a thread (first line gives the ports); stderr goes to a log file."""

    def __init__(self, binary: str, config: Path, data_dir: Path, log: Path,
                 managed_policy: Path | None = None):
        self.binary, self.config, self.data_dir, self.log = binary, config, data_dir, log
        self.managed_policy = managed_policy
        self.proc: subprocess.Popen | None = None
        self.lines: queue.Queue = queue.Queue()
        self.starttls_port = self.tls_port = 0
        self.ca_file: Path | None = None

    def start(self, timeout: float = 20.0) -> "Proxy":
        cmd = [self.binary, "run", "--config", str(self.config), "--data-dir", str(self.data_dir)]
        if self.managed_policy:
            cmd += ["--managed-policy", str(self.managed_policy)]
        self._logf = open(self.log, "ab")
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._logf,
            close_fds=True, start_new_session=True, env=clean_env(),
        )
        threading.Thread(target=self._reader, daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise E2EError(f"sealpost run printed no listening line in {timeout}s; log:\n{self.tail()}")
            try:
                line = self.lines.get(timeout=min(left, 0.2))
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise E2EError(f"sealpost run exited {self.proc.returncode}; log:\n{self.tail()}")
                continue
            if line is None:
                rc = self.proc.wait(timeout=5)
                raise E2EError(f"sealpost run closed stdout (exit {rc}); log:\n{self.tail()}")
            m = LISTEN_RE.search(line)
            if m:
                self.starttls_port, self.tls_port = int(m.group(2)), int(m.group(4))
                break
        self.ca_file = self.data_dir.parent / (self.data_dir.name + "-ca.pem")
        run([self.binary, "ca", "export", "--data-dir", self.data_dir, "-o", self.ca_file],
            env=clean_env())
        return self

    def _reader(self) -> None:
        assert self.proc and self.proc.stdout
        for raw in self.proc.stdout:
            self.lines.put(raw.decode(errors="replace"))
        self.lines.put(None)

    @property
    def pid(self) -> int:
        assert self.proc
        return self.proc.pid

    def alive(self) -> bool:
        return bool(self.proc) and self.proc.poll() is None

    def tail(self, n: int = 25) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])

    def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM, bounded wait, then SIGKILL. Returns the exit status."""
        if not self.proc:
            return None
        rc = self.proc.poll()
        if rc is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                rc = self.proc.wait(timeout=5)
                rc = f"killed after {timeout}s (SIGTERM ignored)"  # type: ignore[assignment]
        with contextlib.suppress(Exception):
            self.proc.stdout.close()  # type: ignore[union-attr]
        with contextlib.suppress(Exception):
            self._logf.close()
        return rc

    # -- clients ------------------------------------------------------------

    def client_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(self.ca_file))
        ctx.check_hostname = True
        return ctx

    def smtp_starttls(self, user: str | None = None, password: str | None = None,
                      timeout: float = 60.0) -> smtplib.SMTP:
        """An smtplib session on the STARTTLS listener, TLS verified against the
        proxy's CA with the name `localhost`; logged in if user is given."""
        s = smtplib.SMTP("localhost", self.starttls_port, timeout=timeout)
        return self._greet(s, user, password, starttls=True)

    def smtp_tls(self, user: str | None = None, password: str | None = None,
                 timeout: float = 60.0) -> smtplib.SMTP_SSL:
        s = smtplib.SMTP_SSL("localhost", self.tls_port, timeout=timeout,
                             context=self.client_context())
        return self._greet(s, user, password, starttls=False)

    def _greet(self, s, user: str | None, password: str | None, starttls: bool):
        """EHLO (and STARTTLS, EHLO again), then AUTH if user is given; closes
        the session on any failure."""
        try:
            s.ehlo("e2e.test")
            if starttls:
                s.starttls(context=self.client_context())
                s.ehlo("e2e.test")
            if user:
                s.login(user, password)
        except BaseException:
            with contextlib.suppress(Exception):
                s.close()
            raise
        return s


def rss_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of pid in kB."""
    rss = hwm = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return rss, hwm


def send_raw(s: smtplib.SMTP, sender: str, rcpts: list[str], data: bytes,
             mail_options=(), rcpt_options=()) -> dict:
    """One transaction step by step, without raising: returns the reply of
    each step {"mail": (code, text), "rcpt": [(code, text)...], "data": (code, text)}
    ("data" is None if no recipient was accepted or MAIL failed)."""
    out: dict = {"mail": None, "rcpt": [], "data": None}
    code, msg = s.mail(sender, list(mail_options))
    out["mail"] = (code, msg.decode(errors="replace"))
    if code != 250:
        s.rset()
        return out
    ok = False
    for r in rcpts:
        code, msg = s.rcpt(r, list(rcpt_options))
        out["rcpt"].append((code, msg.decode(errors="replace")))
        ok = ok or code in (250, 251)
    if not ok:
        s.rset()
        return out
    code, msg = s.data(data)
    out["data"] = (code, msg.decode(errors="replace"))
    return out


# --------------------------------------------------------------------------
# keys


class GnuPG:
    """A throw-away GNUPGHOME. stop() kills its agent (gpgconf --kill)."""

    def __init__(self, home: Path):
        self.home = home
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        (home / "gpg-agent.conf").write_text("allow-loopback-pinentry\n")

    def gpg(self, *args, input: bytes | None = None, check=True, timeout=60.0):
        return run(["gpg", "--homedir", self.home, "--batch", "--no-tty", "--quiet",
                    "--pinentry-mode", "loopback", "--passphrase", "", *args],
                   input=input, check=check, timeout=timeout)

    def generate(self, uid: str) -> None:
        self.gpg("--quick-gen-key", uid, "future-default", "default", "never")

    def export(self, email_addr: str) -> bytes:
        return self.gpg("--armor", "--export", email_addr).stdout

    def export_secret(self, email_addr: str) -> bytes:
        return self.gpg("--armor", "--export-secret-keys", email_addr).stdout

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            run(["gpgconf", "--homedir", self.home, "--kill", "all"], timeout=10, check=False)


# --------------------------------------------------------------------------
# PGP/MIME


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def pgp_mime_ciphertext(raw: bytes) -> tuple[email.message.EmailMessage, bytes]:
    """Checks the RFC 3156 structure and returns (outer message, armored part 2)."""
    outer = parse(raw)
    if outer.get_content_type() != "multipart/encrypted":
        raise E2EError(f"not multipart/encrypted but {outer.get_content_type()}")
    if (outer.get_param("protocol") or "").lower() != "application/pgp-encrypted":
        raise E2EError(f"protocol parameter is {outer.get_param('protocol')!r}")
    parts = outer.get_payload()
    if not isinstance(parts, list) or len(parts) != 2:
        raise E2EError(f"multipart/encrypted has {len(parts) if isinstance(parts, list) else 0} parts, not 2")
    if parts[0].get_content_type() != "application/pgp-encrypted":
        raise E2EError(f"part 1 is {parts[0].get_content_type()}")
    if "Version: 1" not in (parts[0].get_payload(decode=True) or b"").decode(errors="replace"):
        raise E2EError("part 1 lacks 'Version: 1'")
    if parts[1].get_content_type() != "application/octet-stream":
        raise E2EError(f"part 2 is {parts[1].get_content_type()}")
    ct = parts[1].get_payload(decode=True) or b""
    if b"-----BEGIN PGP MESSAGE-----" not in ct:
        raise E2EError("part 2 is not an armored OpenPGP message")
    return outer, ct


def decrypt_gpg(gpg: GnuPG, ct: bytes, tmp: Path) -> bytes:
    st = tmp / "gpg-status"
    cp = gpg.gpg("--status-file", st, "--decrypt", input=ct, check=False)
    status = st.read_text(errors="replace") if st.exists() else ""
    if cp.returncode != 0 or "DECRYPTION_OKAY" not in status:
        raise E2EError(f"gpg: exit {cp.returncode}, status: "
                       f"{' '.join(l.split(' ', 1)[1] for l in status.splitlines() if 'DECRYPT' in l or 'ERROR' in l)}; "
                       f"{cp.stderr.decode(errors='replace').strip()[-300:]}")
    return cp.stdout


def decrypt_sq(key: Path, ct: bytes) -> bytes:
    return run(["sq", "decrypt", "--recipient-key", key], input=ct).stdout


def decrypt_sqop(key: Path, ct: bytes) -> bytes:
    return run(["sqop", "decrypt", key], input=ct).stdout


def decrypt_rnp(key: Path, ct: bytes, tmp: Path) -> bytes:
    home = tmp / "rnp-home"
    home.mkdir(exist_ok=True)
    src, out = tmp / "rnp-in.asc", tmp / "rnp-out"
    src.write_bytes(ct)
    with contextlib.suppress(FileNotFoundError):
        out.unlink()
    run(["rnp", "--homedir", home, "--keyfile", key, "--notty", "--decrypt", src,
         "--output", out, "--overwrite"])
    return out.read_bytes()


def protected_part(cleartext: bytes) -> email.message.EmailMessage:
    """The decrypted MIME entity, with the header-protection markers checked."""
    inner = parse(cleartext)
    ct = inner.get_content_type()
    if not ct.startswith("multipart/"):
        raise E2EError(f"decrypted part is {ct}, not a multipart wrapper")
    if inner.get_param("protected-headers") != "v1":
        raise E2EError(f"decrypted part lacks protected-headers=\"v1\" ({inner.get('Content-Type')})")
    if inner.get_param("hp") != "cipher":
        raise E2EError(f"decrypted part lacks hp=\"cipher\" ({inner.get('Content-Type')})")
    return inner


def find_attachment(msg: email.message.EmailMessage, filename: str) -> bytes | None:
    for part in msg.walk():
        if part.get_filename() == filename:
            return part.get_payload(decode=True)
    return None


def find_part(msg: email.message.EmailMessage, ctype: str) -> str | None:
    for part in msg.walk():
        if part.get_content_type() == ctype:
            return part.get_content()
    return None


def norm_ws(s: str) -> str:
    return " ".join(str(s).split())


@contextlib.contextmanager
def tempdir(prefix: str):
    d = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)
