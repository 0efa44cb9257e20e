#!/usr/bin/env python3
"""End-to-end mail harness: real Postfix and Dovecot on 127.0.0.1.

Everything lives in one directory DIR: configuration, a test CA, the queue,
the maildirs, sockets and logs. /etc/postfix and /etc/dovecot are never read
for settings or edited. Both servers listen on 127.0.0.1 only, on free
non-standard ports picked at start.

CLI:
    python3 tests/mail/harness.py start DIR [--domain D]... [--user ADDR:PASSWORD]...
    python3 tests/mail/harness.py stop DIR
    python3 tests/mail/harness.py status DIR

Library (Python 3.11, stdlib only):
    from harness import Harness, fetch_all, maildir_messages, wait_for_delivery
    with Harness(tmpdir) as env:            # env is the dict written to env.json
        ...send to env["host"], env["ports"]["submission"] with STARTTLS...
        msgs = wait_for_delivery(env, "bob@clinic.test", 1, timeout=20)
        raw = fetch_all(env, "bob@clinic.test", env["users"]["bob@clinic.test"]["password"])

See tests/mail/README.md.
"""
from __future__ import annotations

import argparse
import contextlib
import imaplib
import json
import os
import pwd
import grp
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"
TLS_NAME = "localhost"
MESSAGE_SIZE_LIMIT = 40 * 1024 * 1024  # 40 MiB: a 30 MB test message fits
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0

DEFAULT_USERS = {
    "alice@clinic.test": "alice-secret-1",
    "bob@clinic.test": "bob-secret-2",
    "carol@partner.test": "carol-secret-3",
}
DEFAULT_DOMAINS = ("clinic.test", "partner.test")



class HarnessError(RuntimeError):
    pass


# --------------------------------------------------------------------------
# small helpers


def _log(msg: str) -> None:
    if os.environ.get("MAIL_HARNESS_VERBOSE"):
        print(f"harness: {msg}", file=sys.stderr)


def _free_ports(n: int) -> list[int]:
    """n distinct free TCP ports on 127.0.0.1 (kernel-chosen, so non-standard)."""
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((HOST, 0))
            port = s.getsockname()[1]
            socks.append(s)
            if port >= 1024 and port not in ports:
                ports.append(port)
    finally:
        for s in socks:
            s.close()
    return ports


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, starttime) of pid from /proc, or None if it does not exist."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError, OSError):
        return None
    rest = data[data.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state); field 22 (starttime) is rest[19]
    return rest[0], int(rest[19])


def _alive(pid: int, starttime: int | None = None) -> bool:
    """True if pid runs (not a zombie) and, if given, has this start time."""
    st = _proc_stat(pid)
    if st is None or st[0] in ("Z", "X"):
        return False
    return starttime is None or st[1] == starttime


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            data = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        rest = data[data.rindex(")") + 2 :].split()
        kids.setdefault(int(rest[1]), []).append(int(entry))
    return kids


def _descendants(pid: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def _tail(path: str | os.PathLike, lines: int = 30) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return f"(no {path})"
    return "\n".join(text.splitlines()[-lines:])


def _t(label: str, t0: float) -> None:
    _log(f"{label}: {time.monotonic() - t0:.2f}s")


def _run(cmd: list[str], log: Path, timeout: float = 30.0, check: bool = True) -> int:
    """Runs cmd with stdin closed, stdout/stderr appended to log, no inherited fds."""
    with open(log, "ab") as out:
        out.write(("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n").encode())
        out.flush()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            close_fds=True,
            start_new_session=True,
        )
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
            raise HarnessError(f"{cmd[0]} timed out after {timeout}s; log {log}:\n{_tail(log)}")
    if check and rc != 0:
        raise HarnessError(f"{' '.join(cmd)} failed (exit {rc}); log {log}:\n{_tail(log)}")
    return rc


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _env_key(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", address).upper()


# --------------------------------------------------------------------------
# configuration writers


def _make_tls(tls: Path, log: Path) -> None:
    """A test CA and a server certificate for localhost / 127.0.0.1 (EC P-256)."""
    tls.mkdir(parents=True, exist_ok=True)
    ca_key, ca_crt = tls / "ca.key", tls / "ca.crt"
    srv_key, srv_csr, srv_crt = tls / "server.key", tls / "server.csr", tls / "server.crt"
    ext = tls / "server.ext"
    ext.write_text(
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature, keyEncipherment\n"
        "extendedKeyUsage = serverAuth\n"
        "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
        "subjectKeyIdentifier = hash\n"
        "authorityKeyIdentifier = keyid\n"
    )
    ossl = "openssl"
    _run([ossl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(ca_key)], log)
    _run(
        [ossl, "req", "-x509", "-new", "-key", str(ca_key), "-sha256", "-days", "3650",
         "-subj", "/CN=Sealpost Test Mail CA", "-out", str(ca_crt),
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign",
         "-addext", "subjectKeyIdentifier=hash"],
        log,
    )
    _run([ossl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(srv_key)], log)
    _run([ossl, "req", "-new", "-key", str(srv_key), "-subj", "/CN=localhost", "-out", str(srv_csr)], log)
    _run(
        [ossl, "x509", "-req", "-in", str(srv_csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
         "-CAcreateserial", "-sha256", "-days", "825", "-extfile", str(ext), "-out", str(srv_crt)],
        log,
    )
    for k in (ca_key, srv_key):
        k.chmod(0o600)
    # Postfix wants key and chain in one file for smtpd_tls_chain_files.
    (tls / "server-chain.pem").write_bytes(srv_key.read_bytes() + srv_crt.read_bytes())
    (tls / "server-chain.pem").chmod(0o600)


def _dovecot_conf(d: Path, ports: dict[str, int], mail_uid: int, mail_gid: int) -> str:
    dv = d / "dovecot"
    tls = d / "tls"
    dh = "ssl_dh = </usr/share/dovecot/dh.pem\n" if Path("/usr/share/dovecot/dh.pem").exists() else ""
    return f"""# Generated by tests/mail/harness.py. Standalone: reads nothing from /etc/dovecot.
instance_name = dovecot-sealpost-test
base_dir = {dv}/run
state_dir = {dv}/state
protocols = imap lmtp
listen = {HOST}
log_path = {d}/logs/dovecot.log
info_log_path = {d}/logs/dovecot.log
debug_log_path = {d}/logs/dovecot.log
log_timestamp = "%Y-%m-%d %H:%M:%S "
import_environment = TZ

ssl = yes
ssl_cert = <{tls}/server.crt
ssl_key = <{tls}/server.key
{dh}ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes

# No brute-force slowdowns: wrong-password tests must not slow later logins.
auth_failure_delay = 0
auth_mechanisms = plain login
auth_verbose = yes
auth_username_format = %Lu

first_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
mail_location = maildir:~/Maildir
# Store messages exactly as received on the wire (CRLF), so tests can compare
# maildir files byte for byte with what they sent.
mail_save_crlf = yes
mail_fsync = never

namespace inbox {{
  inbox = yes
  separator = /
}}

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu {dv}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%Lu {dv}/users
}}

service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {ports['imap']}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {ports['imaps']}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
service lmtp {{
  unix_listener lmtp-postfix {{
    mode = 0660
    user = postfix
    group = postfix
  }}
}}
service auth {{
  unix_listener auth-postfix {{
    mode = 0660
    user = postfix
    group = postfix
  }}
}}
# Removing the anvil-auth-penalty listener turns the auth penalty off.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service doveadm {{
  inet_listener {{
    port = 0
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@clinic.test
}}
"""


def _postfix_main_cf(d: Path, domains: list[str]) -> str:
    pf = d / "postfix"
    dv = d / "dovecot"
    tls = d / "tls"
    return f"""# Generated by tests/mail/harness.py. Standalone: nothing from /etc/postfix.
compatibility_level = 3.6
config_directory = {pf}
queue_directory = {d}/postfix-queue
data_directory = {d}/postfix-data
mail_owner = postfix
setgid_group = postdrop
maillog_file = {d}/logs/postfix.log
maillog_file_prefixes = {d}/logs
syslog_name = postfix-sealpost-test

myhostname = localhost
mydomain = localdomain
myorigin = $myhostname
mydestination =
mynetworks = 127.0.0.1/32
inet_interfaces = {HOST}
inet_protocols = ipv4
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
append_dot_mydomain = no

# Never touch the network: no DNS, nothing leaves this host.
disable_dns_lookups = yes
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native
smtpd_peername_lookup = no
default_transport = error:5.7.1 the Sealpost test mail harness does not relay
relay_transport = error:5.7.1 the Sealpost test mail harness does not relay
address_verify_map =

# Every accepted domain is delivered into Dovecot over LMTP.
virtual_mailbox_domains = {' '.join(domains)}
virtual_mailbox_maps = texthash:{pf}/vmailbox
virtual_transport = lmtp:unix:{dv}/run/lmtp-postfix
lmtp_tls_security_level = none

message_size_limit = {MESSAGE_SIZE_LIMIT}
mailbox_size_limit = 0
virtual_mailbox_limit = 0
smtputf8_enable = yes
# Deliver bodies as received (no 8bit -> quoted-printable conversion).
disable_mime_output_conversion = yes
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 200
smtpd_client_connection_rate_limit = 0
smtpd_client_auth_rate_limit = 0
queue_run_delay = 10s
minimal_backoff_time = 10s
maximal_backoff_time = 30s
bounce_queue_lifetime = 1h
maximal_queue_lifetime = 1h
notify_classes =

smtpd_tls_chain_files = {tls}/server-chain.pem
smtpd_tls_security_level = may
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_session_cache_database =
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
smtp_tls_security_level = none

smtpd_sasl_type = dovecot
smtpd_sasl_path = {dv}/run/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_tls_auth_only = yes
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
"""


def _postfix_master_cf(ports: dict[str, int]) -> str:
    common = (
        "  -o smtpd_sasl_auth_enable=yes\n"
        "  -o smtpd_tls_auth_only=yes\n"
        "  -o smtpd_client_restrictions=\n"
        "  -o smtpd_helo_restrictions=\n"
        "  -o smtpd_sender_restrictions=\n"
        "  -o smtpd_relay_restrictions=reject_unauth_destination\n"
        "  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject\n"
        "  -o milter_macro_daemon_name=ORIGINATING\n"
    )
    return (
        "# Generated by tests/mail/harness.py. chroot is off everywhere.\n"
        "# service type  private unpriv  chroot  wakeup  maxproc command + args\n"
        f"{HOST}:{ports['submission']} inet n - n - - smtpd\n"
        "  -o syslog_name=postfix/submission\n"
        "  -o smtpd_tls_security_level=encrypt\n"
        + common
        + f"{HOST}:{ports['submissions']} inet n - n - - smtpd\n"
        "  -o syslog_name=postfix/submissions\n"
        "  -o smtpd_tls_wrappermode=yes\n"
        "  -o smtpd_tls_security_level=encrypt\n"
        + common
        + """pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
  -o smtputf8_enable=no
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
  -o smtputf8_enable=no
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
    )


# --------------------------------------------------------------------------
# start / stop


def load_env(directory: str | os.PathLike) -> dict:
    """The env.json of a started harness."""
    return json.loads((Path(directory) / "env.json").read_text())


def _running_pids(d: Path) -> list[tuple[str, int, int | None]]:
    """(name, pid, starttime) of harness masters that still run in d."""
    out = []
    env_file = d / "env.json"
    recorded = {}
    if env_file.exists():
        try:
            env = json.loads(env_file.read_text())
            for name, info in env.get("processes", {}).items():
                recorded[name] = (info["pid"], info.get("starttime"))
        except (ValueError, KeyError, TypeError):
            pass
    # Also look at the pid files, in case start failed before env.json was written.
    for name, pidfile in (
        ("postfix", d / "postfix-queue" / "pid" / "master.pid"),
        ("dovecot", d / "dovecot" / "run" / "master.pid"),
    ):
        if name not in recorded:
            pid = _read_pid(pidfile)
            if pid:
                recorded[name] = (pid, None)
    for name, (pid, starttime) in recorded.items():
        if _alive(pid, starttime) and _is_ours(name, pid):
            out.append((name, pid, starttime))
    return out


def _is_ours(name: str, pid: int) -> bool:
    """Guards against a recycled pid: the process must look like that master."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    if name == "postfix":
        return exe.endswith("/master") or "master" in cmdline
    return "dovecot" in exe or "dovecot" in cmdline


def running(directory: str | os.PathLike) -> bool:
    return bool(_running_pids(Path(directory)))


def stop(directory: str | os.PathLike, timeout: float = STOP_TIMEOUT) -> None:
    """Stops the Postfix and Dovecot started in directory (by pid). Safe to repeat."""
    d = Path(directory)
    masters = _running_pids(d)
    if not masters:
        return
    # Remember every descendant first: after the masters exit they are orphans.
    victims: dict[int, int | None] = {}
    for _name, pid, starttime in masters:
        victims[pid] = starttime
        for c in _descendants(pid):
            st = _proc_stat(c)
            if st:
                victims[c] = st[1]
    for _name, pid, _st in masters:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(p, s) for p, s in victims.items()):
            break
        time.sleep(0.05)
    leftovers = [p for p, s in victims.items() if _alive(p, s)]
    for p in leftovers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p, victims[p]) for p in leftovers):
        time.sleep(0.05)
    still = [p for p in leftovers if _alive(p, victims[p])]
    if still:
        raise HarnessError(f"could not stop processes {still} of the mail harness in {d}")


def start(
    directory: str | os.PathLike,
    domains: list[str] | tuple[str, ...] = (),
    users: dict[str, str] | None = None,
) -> dict:
    """Writes the configuration into directory, starts Dovecot then Postfix,
    waits until all ports accept connections, writes env.json and env.sh and
    returns the env dict. `users` (address -> password) is added to the default
    users; `domains` to clinic.test and partner.test (user domains are added
    automatically). A harness still running in directory is stopped first."""
    for attempt in range(3):
        try:
            return _start_once(directory, domains, users)
        except HarnessError as e:
            # A port picked as free may have been taken before the daemons
            # bound it: try again with new ports.
            if "already in use" not in str(e) and not _logs_mention(directory, "already in use"):
                raise
            _log(f"port collision on attempt {attempt + 1}; retrying")
    return _start_once(directory, domains, users)


def _logs_mention(directory: str | os.PathLike, text: str) -> bool:
    logs = Path(directory) / "logs"
    for name in ("dovecot.log", "dovecot-start.log", "postfix.log", "postfix-start.log"):
        with contextlib.suppress(OSError):
            if text in (logs / name).read_text(errors="replace"):
                return True
    return False


def _start_once(directory, domains, users) -> dict:
    if os.geteuid() != 0:
        raise HarnessError("the mail harness must run as root (Postfix and Dovecot need it)")
    for tool in ("postfix", "dovecot", "openssl", "postconf"):
        if not shutil.which(tool) and not Path("/usr/sbin", tool).exists():
            raise HarnessError(f"{tool} is not installed; run tests/setup.sh")
    d = Path(directory).resolve()
    d.mkdir(parents=True, exist_ok=True)
    if running(d):
        _log(f"a harness is still running in {d}; stopping it first")
        stop(d)
    # Start from a clean slate: remove everything we may have written before.
    for sub in ("postfix", "postfix-queue", "postfix-data", "dovecot", "mail", "tls", "logs", "env.json", "env.sh"):
        p = d / sub
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()
    d.chmod(0o755)  # postfix, dovecot and mail users traverse it

    all_users = dict(DEFAULT_USERS)
    for addr, pw in (users or {}).items():
        all_users[addr.lower()] = pw
    all_domains: list[str] = []
    for dom in list(DEFAULT_DOMAINS) + list(domains) + [a.rsplit("@", 1)[1] for a in all_users]:
        dom = dom.lower()
        if dom not in all_domains:
            all_domains.append(dom)
    for addr, pw in all_users.items():
        if ":" in pw or "\n" in pw or ":" in addr or "@" not in addr:
            raise HarnessError(f"unusable user {addr!r} (no ':' or newlines, need an @)")

    logs = d / "logs"
    logs.mkdir()
    setup_log = logs / "setup.log"

    try:
        mail_pw = pwd.getpwnam("mail")
        mail_uid, mail_gid = mail_pw.pw_uid, mail_pw.pw_gid
    except KeyError:
        mail_uid, mail_gid = 65534, grp.getgrnam("nogroup").gr_gid

    ports = dict(zip(("submission", "submissions", "imap", "imaps"), _free_ports(4)))

    t0 = time.monotonic()
    _make_tls(d / "tls", setup_log)
    _t("tls", t0)

    # Maildirs: DIR/mail/<domain>/<local>/Maildir, owned by the mail user.
    mail_root = d / "mail"
    mail_root.mkdir()
    os.chown(mail_root, mail_uid, mail_gid)
    user_info = {}
    passwd_lines = []
    for addr, pw in all_users.items():
        local, dom = addr.rsplit("@", 1)
        home = mail_root / dom / local
        home.mkdir(parents=True, exist_ok=True)
        for p in (mail_root / dom, home):
            os.chown(p, mail_uid, mail_gid)
        passwd_lines.append(f"{addr}:{{PLAIN}}{pw}:{mail_uid}:{mail_gid}::{home}::")
        user_info[addr] = {"password": pw, "home": str(home), "maildir": str(home / "Maildir")}

    dv = d / "dovecot"
    (dv / "run").mkdir(parents=True)
    (dv / "state").mkdir()
    (dv / "users").write_text("\n".join(passwd_lines) + "\n")
    (dv / "users").chmod(0o640)
    os.chown(dv / "users", 0, grp.getgrnam("dovecot").gr_gid)
    dconf = dv / "dovecot.conf"
    dconf.write_text(_dovecot_conf(d, ports, mail_uid, mail_gid))

    pf = d / "postfix"
    pf.mkdir()
    # `postfix check` creates the rest of the queue tree, but needs its root.
    # Not inside config_directory: postfix-script would warn about ownership.
    (d / "postfix-queue").mkdir(mode=0o755)
    (pf / "main.cf").write_text(_postfix_main_cf(d, all_domains))
    (pf / "master.cf").write_text(_postfix_master_cf(ports))
    (pf / "vmailbox").write_text("".join(f"{a} OK\n" for a in all_users))

    env: dict = {}
    try:
        # Dovecot first: Postfix needs its auth and LMTP sockets.
        _run(["dovecot", "-c", str(dconf)], logs / "dovecot-start.log", timeout=START_TIMEOUT)
        _t("dovecot started", t0)
        _run(["postfix", "-c", str(pf), "start"], logs / "postfix-start.log", timeout=START_TIMEOUT)
        _t("postfix started", t0)

        deadline = time.monotonic() + START_TIMEOUT
        need_files = [dv / "run" / "master.pid", dv / "run" / "auth-postfix",
                      dv / "run" / "lmtp-postfix", d / "postfix-queue" / "pid" / "master.pid"]
        while True:
            missing = [str(f) for f in need_files if not f.exists()]
            closed = [f"{k}:{p}" for k, p in ports.items() if not _port_open(p)]
            if not missing and not closed:
                break
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"mail harness not ready after {START_TIMEOUT}s: missing {missing}, closed ports {closed}\n"
                    f"--- dovecot.log\n{_tail(logs / 'dovecot.log')}\n"
                    f"--- postfix.log\n{_tail(logs / 'postfix.log')}\n"
                    f"--- postfix-start.log\n{_tail(logs / 'postfix-start.log')}"
                )
            time.sleep(0.05)

        _t("ports ready", t0)
        processes = {}
        for name, pidfile in (("postfix", d / "postfix-queue" / "pid" / "master.pid"),
                              ("dovecot", dv / "run" / "master.pid")):
            pid = _read_pid(pidfile)
            st = _proc_stat(pid) if pid else None
            if not pid or not st:
                raise HarnessError(f"{name} master is not running (pid file {pidfile})")
            processes[name] = {"pid": pid, "starttime": st[1], "pidfile": str(pidfile)}

        env = {
            "dir": str(d),
            "host": HOST,
            "tls_hostname": TLS_NAME,
            "ports": ports,
            "submission_port": ports["submission"],
            "submissions_port": ports["submissions"],
            "imap_port": ports["imap"],
            "imaps_port": ports["imaps"],
            "ca_file": str(d / "tls" / "ca.crt"),
            "server_cert": str(d / "tls" / "server.crt"),
            "server_key": str(d / "tls" / "server.key"),
            "domains": all_domains,
            "users": user_info,
            "maildir_root": str(mail_root),
            "message_size_limit": MESSAGE_SIZE_LIMIT,
            "postfix_config_dir": str(pf),
            "dovecot_config": str(dconf),
            "lmtp_socket": str(dv / "run" / "lmtp-postfix"),
            "auth_socket": str(dv / "run" / "auth-postfix"),
            "processes": processes,
            "pids": {k: v["pid"] for k, v in processes.items()},
            "logs": {
                "postfix": str(logs / "postfix.log"),
                "dovecot": str(logs / "dovecot.log"),
                "postfix_start": str(logs / "postfix-start.log"),
                "dovecot_start": str(logs / "dovecot-start.log"),
                "setup": str(setup_log),
            },
        }
        (d / "env.json").write_text(json.dumps(env, indent=2) + "\n")
        (d / "env.sh").write_text(_env_sh(env))
    except BaseException:
        with contextlib.suppress(Exception):
            stop(d)
        raise
    return env


def _env_sh(env: dict) -> str:
    q = shlex.quote
    lines = [
        "# Generated by tests/mail/harness.py; source it from a shell test.",
        f"MAIL_DIR={q(env['dir'])}",
        f"MAIL_HOST={q(env['host'])}",
        f"MAIL_TLS_HOSTNAME={q(env['tls_hostname'])}",
        f"MAIL_SUBMISSION_PORT={env['ports']['submission']}",
        f"MAIL_SUBMISSIONS_PORT={env['ports']['submissions']}",
        f"MAIL_IMAP_PORT={env['ports']['imap']}",
        f"MAIL_IMAPS_PORT={env['ports']['imaps']}",
        f"MAIL_CA_FILE={q(env['ca_file'])}",
        f"MAIL_MAILDIR_ROOT={q(env['maildir_root'])}",
        f"MAIL_DOMAINS={q(' '.join(env['domains']))}",
        f"MAIL_USERS={q(' '.join(env['users']))}",
        f"MAIL_POSTFIX_PID={env['pids']['postfix']}",
        f"MAIL_DOVECOT_PID={env['pids']['dovecot']}",
        f"MAIL_POSTFIX_LOG={q(env['logs']['postfix'])}",
        f"MAIL_DOVECOT_LOG={q(env['logs']['dovecot'])}",
    ]
    for addr, info in env["users"].items():
        k = _env_key(addr)
        lines.append(f"MAIL_PASSWORD_{k}={q(info['password'])}")
        lines.append(f"MAIL_MAILDIR_{k}={q(info['maildir'])}")
    names = [ln.split("=", 1)[0] for ln in lines[1:]]
    lines.append("export " + " ".join(names))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# library helpers for tests


def ssl_context(env: dict) -> ssl.SSLContext:
    """A client TLS context that trusts only the harness's test CA."""
    ctx = ssl.create_default_context(cafile=env["ca_file"])
    ctx.check_hostname = True
    return ctx


def fetch_all(env: dict, user: str, password: str, mailbox: str = "INBOX") -> list[bytes]:
    """All messages in mailbox as raw RFC 5322 bytes (CRLF), over IMAPS,
    verifying the test CA, in UID order. Does not set \\Seen."""
    with imaplib.IMAP4_SSL(
        TLS_NAME, env["ports"]["imaps"], ssl_context=ssl_context(env), timeout=30
    ) as imap:
        imap.login(user, password)
        typ, _ = imap.select(mailbox, readonly=True)
        if typ != "OK":
            raise HarnessError(f"cannot select {mailbox} for {user}")
        typ, data = imap.uid("SEARCH", None, "ALL")
        uids = data[0].split() if data and data[0] else []
        out = []
        for uid in uids:
            typ, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            if typ != "OK":
                raise HarnessError(f"FETCH {uid} failed for {user}: {data}")
            for part in data:
                if isinstance(part, tuple):
                    out.append(part[1])
                    break
        imap.logout()
        return out


def _maildir_files(env: dict, user: str) -> list[Path]:
    info = env["users"].get(user.lower())
    maildir = Path(info["maildir"]) if info else Path(env["maildir_root"]) / user.rsplit("@", 1)[1] / user.rsplit("@", 1)[0] / "Maildir"
    files = []
    for sub in ("new", "cur"):
        p = maildir / sub
        if p.is_dir():
            files.extend(f for f in p.iterdir() if f.is_file())

    def order(f: Path):
        # Maildir names start with the delivery time: "<secs>.M<usecs>P<pid>...".
        m = re.match(r"(\d+)\.M(\d+)", f.name)
        return (int(m.group(1)), int(m.group(2)), f.name) if m else (0, 0, f.name)

    return sorted(files, key=order)


def maildir_messages(env: dict, user: str) -> list[bytes]:
    """Raw files of user's INBOX straight from the store (new/ and cur/), in
    delivery order. Dovecot stores them with CRLF line ends (mail_save_crlf)."""
    out = []
    for f in _maildir_files(env, user):
        with contextlib.suppress(FileNotFoundError):  # moved new/ -> cur/ meanwhile
            out.append(f.read_bytes())
    return out


def wait_for_delivery(env: dict, user: str, count: int = 1, timeout: float = 20.0) -> list[bytes]:
    """Polls the maildir until user has at least count messages; returns them.
    Raises TimeoutError with the log tails otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        msgs = maildir_messages(env, user)
        if len(msgs) >= count:
            return msgs
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{user}: {len(msgs)} of {count} messages after {timeout}s\n"
                f"--- postfix.log\n{_tail(env['logs']['postfix'], 15)}\n"
                f"--- dovecot.log\n{_tail(env['logs']['dovecot'], 15)}"
            )
        time.sleep(0.05)


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """(header block, body) of a raw message, split at the first empty line."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = raw.find(sep)
        if i >= 0:
            return raw[: i + len(sep) // 2], raw[i + len(sep) :]
    return raw, b""


class Harness:
    """Context manager: `with Harness(dir) as env:` starts, and always stops."""

    def __init__(self, directory: str | os.PathLike, domains=(), users: dict[str, str] | None = None):
        self.dir = Path(directory)
        self.domains = list(domains)
        self.users = users
        self.env: dict | None = None

    def start(self) -> dict:
        self.env = start(self.dir, self.domains, self.users)
        return self.env

    def stop(self) -> None:
        stop(self.dir)

    def __enter__(self) -> dict:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------
# CLI


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Postfix + Dovecot on 127.0.0.1 for end-to-end tests")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start", help="write config into DIR and start both servers")
    s.add_argument("dir")
    s.add_argument("--domain", action="append", default=[], help="extra accepted domain")
    s.add_argument("--user", action="append", default=[], metavar="ADDR:PASSWORD", help="extra user")
    p = sub.add_parser("stop", help="stop the servers started in DIR (safe to repeat)")
    p.add_argument("dir")
    p = sub.add_parser("status", help="exit 0 if a harness runs in DIR")
    p.add_argument("dir")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "start":
            users = {}
            for u in args.user:
                addr, sep, pw = u.partition(":")
                if not sep:
                    ap.error(f"--user needs ADDR:PASSWORD, got {u!r}")
                users[addr] = pw
            env = start(args.dir, args.domain, users)
            print(f"mail harness running in {env['dir']}: submission {env['ports']['submission']}, "
                  f"submissions {env['ports']['submissions']}, imap {env['ports']['imap']}, "
                  f"imaps {env['ports']['imaps']}; CA {env['ca_file']}; env in {env['dir']}/env.json")
        elif args.cmd == "stop":
            stop(args.dir)
        else:
            up = running(args.dir)
            print("running" if up else "stopped")
            return 0 if up else 1
    except HarnessError as e:
        print(f"harness: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
