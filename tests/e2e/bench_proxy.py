#!/usr/bin/env python3
"""One-go benchmark of `sealpost run` against the mail harness.

    cargo build --release -p sealpost
    python3 tests/e2e/bench_proxy.py [PATH/TO/release/sealpost] [--quick]

For 10 KB, 100 KB and 10 MB messages (100/100/5 of each, after 2 warm-ups) it
sends (a) directly to Postfix submission, (b) through the proxy as a clean
message (plain relay) and (c) through the proxy with PHI (encrypted), each on
one persistent STARTTLS+AUTH session, timing every message from MAIL to the
DATA reply. It prints median and p99 per mode, the added latency against
direct, and throughput as a ratio to direct. Then 50 concurrent sessions
(threads) each send 5 x 100 KB PHI messages through the proxy; all must
succeed. The proxy's RSS (/proc/PID/status) is read idle after start, sampled
every 10 ms during the 50-session load, and its high-water mark at the end.

Targets (issue 3): added median latency <= 10 ms for 100 KB with encryption;
RSS idle <= 30 MB; <= 100 MB at 50 sessions. A miss is reported, not failed:
the exit status is non-zero only on errors (a failed send, a crash).
"""
from __future__ import annotations

import contextlib
import email.policy
import email.utils
import os
import smtplib
import statistics
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "mail"))

from common import (  # noqa: E402
    Proxy, clean_env, default_binary, rss_kb, run, tempdir, write_config,
)
from harness import Harness, ssl_context  # noqa: E402

ALICE, BOB = "alice@clinic.test", "bob@clinic.test"
SIZES = [("10 KB", 10_000, 100), ("100 KB", 100_000, 100), ("10 MB", 10_000_000, 5)]
WARMUP = 2
SESSIONS, PER_SESSION, CONC_SIZE = 50, 5, 100_000
TARGET_ADDED_MS = 10.0
TARGET_RSS_IDLE_MB = 30.0
TARGET_RSS_LOAD_MB = 100.0

CLEAN_TEXT = (
    "Hi Bob,\r\n\r\nthe quarterly budget meeting moves to Thursday at 3 pm in room 204.\r\n"
    "Please bring the printer lease figures and the catering invoice from the spring event.\r\n"
    "We also need to decide on the new phone contract before the end of the month.\r\n\r\n"
)
PHI_TEXT = (
    "Dear Dr. Brown,\r\n\r\nI am referring my patient Margarethe Quillfeather (DOB 03/14/1957,\r\n"
    "MRN 4471902) to your service. She was diagnosed with hypertrophic cardiomyopathy in\r\n"
    "March and has had two episodes of syncope since. Current medication: metoprolol\r\n"
    "50 mg twice daily.\r\n\r\n"
)


def message(size: int, phi: bool, n: int) -> bytes:
    """About `size` bytes on the wire: a text body (up to 20 KB of repeated
    paragraphs) plus a binary attachment for the rest."""
    m = EmailMessage()
    m["From"] = f"Alice Adams <{ALICE}>"
    m["To"] = BOB
    m["Subject"] = f"Referral {n}" if phi else f"Budget notes {n}"
    m["Date"] = email.utils.formatdate()
    m["Message-ID"] = email.utils.make_msgid(idstring=f"bench{n}", domain="clinic.test")
    para = PHI_TEXT if phi else CLEAN_TEXT
    text_len = min(size, 20_000) - 600
    m.set_content((para * (text_len // len(para) + 1))[:max(text_len, len(para))])
    rest = size - len(m.as_bytes())
    if rest > 1000:
        m.add_attachment(os.urandom(rest * 3 // 4 - 300), maintype="application", subtype="octet-stream",
                         filename="data.bin")
    return m.as_bytes(policy=email.policy.SMTP)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = min(len(xs) - 1, max(0, int(round(p / 100 * (len(xs) - 1) + 0.4999))))
    return xs[k]


class Bench:
    def __init__(self, binary: str, tmp: Path, quick: bool):
        self.bin, self.tmp, self.quick = binary, tmp, quick

    def session(self, where: str) -> smtplib.SMTP:
        pw = self.env["users"][ALICE]["password"]
        if where == "direct":
            s = smtplib.SMTP("localhost", self.env["ports"]["submission"], timeout=120)
            ctx = ssl_context(self.env)
        else:
            s = smtplib.SMTP("localhost", self.proxy.starttls_port, timeout=120)
            ctx = self.proxy.client_context()
        s.ehlo("bench.test")
        s.starttls(context=ctx)
        s.ehlo("bench.test")
        s.login(ALICE, pw)
        return s

    @staticmethod
    def send(s: smtplib.SMTP, raw: bytes) -> float:
        t0 = time.perf_counter()
        code, msg = s.mail(ALICE)
        if code != 250:
            raise RuntimeError(f"MAIL {code} {msg!r}")
        code, msg = s.rcpt(BOB)
        if code != 250:
            raise RuntimeError(f"RCPT {code} {msg!r}")
        code, msg = s.data(raw)
        dt = time.perf_counter() - t0
        if code != 250:
            raise RuntimeError(f"DATA {code} {msg!r}")
        return dt

    def series(self, where: str, size: int, n: int, phi: bool) -> tuple[list[float], float]:
        msgs = [message(size, phi, i) for i in range(n + WARMUP)]
        s = self.session(where)
        try:
            for raw in msgs[:WARMUP]:
                self.send(s, raw)
            t0 = time.perf_counter()
            times = [self.send(s, raw) for raw in msgs[WARMUP:]]
            total = time.perf_counter() - t0
        finally:
            with contextlib.suppress(Exception):
                s.quit()
        return times, total

    def concurrent(self) -> tuple[int, int, float, int]:
        errors: list[str] = []
        ok = [0]
        lock = threading.Lock()
        msgs = [message(CONC_SIZE, True, 1000 + i) for i in range(PER_SESSION)]
        barrier = threading.Barrier(SESSIONS)

        def worker():
            try:
                s = self.session("proxy")
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(f"connect/login: {e!r}")
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.abort()
                return
            try:
                barrier.wait(timeout=60)
                for raw in msgs:
                    self.send(s, raw)
                    with lock:
                        ok[0] += 1
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(repr(e))
            finally:
                with contextlib.suppress(Exception):
                    s.quit()

        peak = [0]
        stop = threading.Event()

        def sampler():
            while not stop.is_set():
                with contextlib.suppress(OSError):
                    peak[0] = max(peak[0], rss_kb(self.proxy.pid)[0])
                time.sleep(0.01)

        smp = threading.Thread(target=sampler, daemon=True)
        smp.start()
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(SESSIONS)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
        took = time.perf_counter() - t0
        stop.set()
        smp.join(timeout=2)
        hung = sum(t.is_alive() for t in threads)
        if hung:
            errors.append(f"{hung} sessions did not finish in 180 s")
        self.conc_errors = errors
        return ok[0], len(errors), took, peak[0]

    def run(self) -> int:
        h = Harness(self.tmp / "mail")
        self.proxy = None
        rc = 0
        try:
            self.env = h.start()
            data = self.tmp / "data"
            data.mkdir(mode=0o700)
            keys = data / "keys"
            run([self.bin, "keys", "generate", "--dir", keys, "--email", ALICE], env=clean_env())
            other = self.tmp / "bobkeys"
            run([self.bin, "keys", "generate", "--dir", other, "--email", BOB], env=clean_env())
            run([self.bin, "keys", "export", "--dir", other, BOB, "--armor", "-o", self.tmp / "bob.asc"],
                env=clean_env())
            run([self.bin, "keys", "import", "--dir", keys, self.tmp / "bob.asc"], env=clean_env())
            cfg = self.tmp / "sealpost.toml"
            write_config(cfg, self.env["ports"]["submission"], self.env["ca_file"])
            self.proxy = Proxy(self.bin, cfg, data, self.tmp / "proxy.log")
            os.environ["RUST_LOG"] = "warn"  # per-message info logging is not what we measure
            self.proxy.start()
            time.sleep(0.5)
            idle_rss, _ = rss_kb(self.proxy.pid)
            print(f"sealpost {self.bin}\nproxy pid {self.proxy.pid}; {os.cpu_count()} CPUs; "
                  f"idle RSS {idle_rss / 1024:.1f} MB\n", flush=True)

            rows = []
            results = {}
            sizes = [(l, s, max(3, n // 5) if self.quick else n) for l, s, n in SIZES]
            def measure(label, size, n):
                for mode, where, phi in (("direct", "direct", False), ("proxy plain", "proxy", False),
                                         ("proxy encrypt", "proxy", True)):
                    times, total = self.series(where, size, n, phi)
                    results[(label, mode)] = (times, total)
                    print(f"  {label:>6} {mode:<13} n={n:<3} median {statistics.median(times) * 1e3:8.1f} ms"
                          f"  p99 {pct(times, 99) * 1e3:8.1f} ms  total {total:6.2f} s", flush=True)

            for label, size, n in sizes[:2]:
                measure(label, size, n)
            # The 50 sessions come before the 10 MB runs, so their RSS is not
            # inflated by memory kept from the big messages.
            ok, errs, took, peak = self.concurrent()
            _, hwm_conc = rss_kb(self.proxy.pid)
            total_c = SESSIONS * PER_SESSION
            print(f"  {SESSIONS} concurrent sessions x {PER_SESSION} x 100 KB (PHI, encrypted): "
                  f"{ok}/{total_c} accepted in {took:.1f} s ({ok / took:.0f} msg/s); "
                  f"RSS peak sampled {peak / 1024:.1f} MB, VmHWM {hwm_conc / 1024:.1f} MB", flush=True)
            if errs or ok != total_c:
                rc = 1
                print("ERROR: concurrent sessions failed: " + "; ".join(self.conc_errors[:5]))
            for label, size, n in sizes[2:]:
                measure(label, size, n)
            print()
            print(f"{'size':>6}  {'mode':<13} {'median':>9} {'p99':>9} {'+median':>9} {'+p99':>9} {'thruput':>8}")
            for label, size, n in sizes:
                d_times, d_total = results[(label, "direct")]
                dm, dp = statistics.median(d_times), pct(d_times, 99)
                for mode in ("direct", "proxy plain", "proxy encrypt"):
                    times, total = results[(label, mode)]
                    m, p = statistics.median(times), pct(times, 99)
                    added = "" if mode == "direct" else f"{(m - dm) * 1e3:+8.1f}ms"
                    added99 = "" if mode == "direct" else f"{(p - dp) * 1e3:+8.1f}ms"
                    print(f"{label:>6}  {mode:<13} {m * 1e3:7.1f}ms {p * 1e3:7.1f}ms {added:>9} {added99:>9} "
                          f"{d_total / total:7.2f}x")
            rows.append(("added median latency, 100 KB encrypted",
                         (statistics.median(results[("100 KB", "proxy encrypt")][0])
                          - statistics.median(results[("100 KB", "direct")][0])) * 1e3,
                         TARGET_ADDED_MS, "ms"))

            _, hwm = rss_kb(self.proxy.pid)
            rows.append(("RSS idle after start", idle_rss / 1024, TARGET_RSS_IDLE_MB, "MB"))
            rows.append((f"RSS at {SESSIONS} sessions (max of sampled peak and VmHWM then)",
                         max(peak, hwm_conc) / 1024, TARGET_RSS_LOAD_MB, "MB"))
            rows.append(("VmHWM (whole run, incl. 10 MB messages)", hwm / 1024, None, "MB"))
            print("\ntargets:")
            for name, value, target, unit in rows:
                verdict = "" if target is None else ("PASS" if value <= target else "MISS")
                tgt = "" if target is None else f"(target <= {target:g} {unit})"
                print(f"  {verdict:<4} {name}: {value:.1f} {unit} {tgt}")
            if not self.proxy.alive():
                print(f"ERROR: the proxy exited; log:\n{self.proxy.tail()}")
                rc = 1
        except Exception as e:  # noqa: BLE001
            print(f"ERROR: {type(e).__name__}: {e}")
            if self.proxy:
                print(self.proxy.tail())
            rc = 1
        finally:
            if self.proxy:
                self.proxy.stop()
            h.stop()
        return rc


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    binary = args[0] if args else os.environ.get("SEALPOST_BIN") or default_binary("release")
    binary = str(Path(binary).resolve())
    if not os.access(binary, os.X_OK):
        print(f"ERROR: no sealpost binary at {binary} (cargo build --release -p sealpost)")
        return 2
    t0 = time.monotonic()
    with tempdir("sealpost-bench-") as tmp:
        tmp.chmod(0o755)
        rc = Bench(binary, tmp, quick).run()
    print(f"\nbench took {time.monotonic() - t0:.0f} s")
    return rc


if __name__ == "__main__":
    sys.exit(main())
