//! `sealpost native-host` as the browser runs it: the built binary on a
//! pipe, a temporary data dir with the user's key (made by `sealpost keys
//! generate`) and recipients' keys made by GnuPG; what it encrypts is
//! decrypted by `gpg`. Prints the start-up and encryption times
//! (`cargo test -p sealpost --test native_host -- --nocapture`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use base64::Engine;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_sealpost");
const ORIGIN: &str = "chrome-extension://dckaplmdhllppddbeohdpkfaoighnklg/";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    fn gnupg(&self) -> PathBuf {
        self.dir.path().join("gnupg")
    }
    fn sealpost(&self, args: &[&str]) -> std::process::Output {
        let out = Command::new(BIN)
            .args(args)
            .envs(self.env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "sealpost {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
    fn gpg(&self, args: &[&str]) -> std::process::Output {
        let out = Command::new("gpg")
            .args(["--batch", "--quiet", "--no-tty"])
            .args(args)
            .env("GNUPGHOME", self.gnupg())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
    fn env(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("SEALPOST_DATA_DIR", self.data()),
            ("SEALPOST_CONFIG", self.dir.path().join("sealpost.toml")),
            (
                "SEALPOST_MANAGED_POLICY",
                self.dir.path().join("no-policy.toml"),
            ),
            ("RUST_LOG", PathBuf::from("warn")),
        ]
    }
    fn spawn(&self, caller: &[&str]) -> Host {
        let mut child = Command::new(BIN)
            .arg("native-host")
            .args(caller)
            .envs(self.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        Host {
            stdin: Some(child.stdin.take().unwrap()),
            stdout: child.stdout.take().unwrap(),
            child,
        }
    }
}

struct Host {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
}

impl Host {
    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }
    fn send(&mut self, v: &Value) {
        let body = serde_json::to_vec(v).unwrap();
        let mut frame = (body.len() as u32).to_ne_bytes().to_vec();
        frame.extend(body);
        self.send_raw(&frame);
    }
    fn frame(&mut self) -> Value {
        let mut len = [0u8; 4];
        self.stdout.read_exact(&mut len).unwrap();
        let len = u32::from_ne_bytes(len) as usize;
        assert!(len <= 1024 * 1024, "a reply frame of {len} bytes");
        let mut body = vec![0u8; len];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }
    /// The next reply, reassembled from chunks if it came in several.
    fn reply(&mut self) -> (Value, usize) {
        let first = self.frame();
        if first["type"] != "chunk" {
            return (first, 1);
        }
        let mut text = String::new();
        let mut frame = first;
        let mut n = 0;
        loop {
            assert_eq!(frame["seq"], n as u64);
            text.push_str(frame["data"].as_str().unwrap());
            n += 1;
            if frame["last"] == true {
                break;
            }
            frame = self.frame();
        }
        (serde_json::from_str(&text).unwrap(), n)
    }
    fn ask(&mut self, v: Value) -> Value {
        self.send(&v);
        let (r, _) = self.reply();
        assert_eq!(r["id"], v["id"], "{r}");
        r
    }
    fn close(mut self) -> std::process::ExitStatus {
        drop(self.stdin.take());
        let mut rest = Vec::new();
        self.stdout.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty(), "unexpected output after the last reply");
        self.child.wait().unwrap()
    }
}

fn gpg_available() -> bool {
    Command::new("gpg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn setup() -> Env {
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::create_dir(env.gnupg()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(env.gnupg(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::write(env.dir.path().join("sealpost.toml"), "").unwrap();
    env.sealpost(&[
        "keys",
        "generate",
        "--email",
        "me@clinic.example",
        "--name",
        "Me",
    ]);
    for uid in ["Bob <bob@partner.example>", "Carol <carol@lab.example>"] {
        env.gpg(&[
            "--passphrase",
            "",
            "--quick-gen-key",
            uid,
            "future-default",
            "default",
            "never",
        ]);
    }
    let exported = env.gpg(&["--armor", "--export"]).stdout;
    let file = env.dir.path().join("partners.asc");
    std::fs::write(&file, exported).unwrap();
    env.sealpost(&["keys", "import", file.to_str().unwrap()]);
    env
}

fn gpg_decrypt(env: &Env, armored: &str) -> Vec<u8> {
    let file = env.dir.path().join("message.asc");
    std::fs::write(&file, armored).unwrap();
    env.gpg(&["--decrypt", file.to_str().unwrap()]).stdout
}

fn code(r: &Value) -> &str {
    r["error"]["code"].as_str().unwrap_or("")
}

#[test]
fn native_host_end_to_end() {
    if !gpg_available() {
        eprintln!("gpg not installed; skipping");
        return;
    }
    let env = setup();

    let started = Instant::now();
    let mut host = env.spawn(&[ORIGIN]);
    // The extension's probe: no id.
    host.send(&json!({"type": "status"}));
    let (status, _) = host.reply();
    let startup = started.elapsed();
    assert_eq!(status["ok"], true, "{status}");
    assert_eq!(status["id"], Value::Null);
    assert_eq!(status["has_secret_key"], true);
    assert_eq!(status["own_keys"][0]["address"], "me@clinic.example");
    assert_eq!(status["recipient_certificates"], 2);
    assert_eq!(status["policy"]["source"], "user");

    let r = host.ask(json!({"id": 1, "type": "recipients",
        "addresses": ["bob@partner.example", "Carol <carol@lab.example>", "dan@nowhere.example"]}));
    let statuses: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["found", "found", "none"]);

    // Encrypt with an attachment; gpg (as Bob) reads it.
    let attachment = b"Hemoglobin A1C: 9.1%\nGlucose: 180 mg/dL\n".repeat(10);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&attachment);
    let e = host.ask(json!({"id": 2, "type": "encrypt",
        "from": "Me <me@clinic.example>", "to": ["Bob <bob@partner.example>"],
        "cc": ["carol@lab.example"],
        "subject": "Labs for Jane Roe (DOB 02/01/1960)",
        "text": "Jane's A1C is 9.1; please adjust metformin.\n",
        "html": "<p>Jane's A1C is 9.1; please adjust metformin.</p>",
        "attachments": [{"name": "labs.txt", "type": "text/plain", "data_base64": b64}]}));
    assert_eq!(e["ok"], true, "{e}");
    assert_eq!(e["placeholder_subject"], "Secure message");
    assert_eq!(e["recipients"], 2);
    assert_eq!(e["encrypted_to_sender"], true);
    let armored = e["armored"].as_str().unwrap();
    assert!(!armored.contains("Jane") && !armored.contains("metformin"));
    let plain = gpg_decrypt(&env, armored);
    let msg = mail_parser::MessageParser::default()
        .parse(&plain[..])
        .unwrap();
    assert_eq!(msg.subject(), Some("Labs for Jane Roe (DOB 02/01/1960)"));
    assert!(msg
        .body_text(0)
        .unwrap()
        .contains("Jane's A1C is 9.1; please adjust metformin."));
    let att = msg.attachments().next().expect("an attachment");
    assert_eq!(
        mail_parser::MimeHeaders::attachment_name(att),
        Some("labs.txt")
    );
    assert_eq!(att.contents(), &attachment[..]);
    let text = String::from_utf8_lossy(&plain);
    assert!(text.contains("hp=\"cipher\"") && text.contains("protected-headers=\"v1\""));
    assert!(text.contains("HP-Outer: Subject: Secure message"));

    // A recipient without a key: nothing encrypted.
    let m = host.ask(
        json!({"id": 3, "type": "encrypt", "from": "me@clinic.example",
        "to": ["bob@partner.example", "dan@nowhere.example"], "subject": "s", "text": "t"}),
    );
    assert_eq!(code(&m), "missing_keys");
    assert_eq!(m["error"]["addresses"], json!(["dan@nowhere.example"]));

    // 100 KB to 2 recipients, timed.
    let body: String = "The patient was seen today for follow-up. ".repeat(2400);
    assert!(body.len() >= 100_000);
    let t = Instant::now();
    let big = host.ask(
        json!({"id": 4, "type": "encrypt", "from": "me@clinic.example",
        "to": ["bob@partner.example", "carol@lab.example"], "subject": "Follow-up", "text": body}),
    );
    let encrypt_100k = t.elapsed();
    assert_eq!(big["ok"], true);

    // A reply over 1 MB arrives in chunks and reassembles.
    let blob: Vec<u8> = (0..2_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    host.send(
        &json!({"id": 5, "type": "encrypt", "from": "me@clinic.example",
        "to": ["bob@partner.example"], "subject": "scan", "text": "see attached",
        "attachments": [{"name": "scan.bin", "data_base64":
            base64::engine::general_purpose::STANDARD.encode(&blob)}]}),
    );
    let (chunked, frames) = host.reply();
    assert_eq!(chunked["id"], 5);
    assert!(frames >= 3, "{frames} frames");
    let plain = gpg_decrypt(&env, chunked["armored"].as_str().unwrap());
    let msg = mail_parser::MessageParser::default()
        .parse(&plain[..])
        .unwrap();
    assert_eq!(msg.attachments().next().unwrap().contents(), &blob[..]);

    // Audit: a sent-encrypted record and an override.
    let a = host.ask(json!({"id": 6, "type": "audit", "event": "sent_encrypted",
        "verdict": "phi", "action": "encrypt", "categories": {"name": 1, "condition": 1},
        "recipient_domains": ["partner.example", "lab.example"], "sender_domain": "clinic.example"}));
    assert_eq!(a["recorded"], true, "{a}");
    let o = host.ask(json!({"id": 7, "type": "audit", "event": "override",
        "verdict": "phi", "action": "encrypt", "recipient_domains": ["partner.example"],
        "justification": "patient-requested"}));
    assert_eq!(o["recorded"], true, "{o}");

    // Malformed frames: each answered, the host keeps serving.
    host.send_raw(&3u32.to_ne_bytes());
    host.send_raw(b"{x}");
    assert_eq!(code(&host.reply().0), "bad_json");
    let mut bad_utf8 = 2u32.to_ne_bytes().to_vec();
    bad_utf8.extend([0xc3, 0x28]);
    host.send_raw(&bad_utf8);
    assert_eq!(code(&host.reply().0), "bad_utf8");
    assert_eq!(
        code(&host.ask(json!({"id": 8, "type": "launch"}))),
        "unknown_type"
    );
    assert_eq!(
        code(&host.ask(json!({"id": 9, "type": "status", "verbose": true}))),
        "bad_request"
    );
    // Oversized (49 MiB): discarded in pieces and answered.
    let len: u32 = 49 * 1024 * 1024;
    host.send_raw(&len.to_ne_bytes());
    let junk = vec![b' '; 1024 * 1024];
    for _ in 0..49 {
        host.send_raw(&junk);
    }
    let (too_big, _) = host.reply();
    assert_eq!(code(&too_big), "frame_too_large");
    let s = host.ask(json!({"id": 10, "type": "status"}));
    assert_eq!(s["ok"], true);
    // Cut mid-frame: the host exits cleanly.
    host.send_raw(&100u32.to_ne_bytes());
    host.send_raw(b"{\"id\":");
    assert!(host.close().success());

    // The audit log the proxy uses verifies.
    let verify = env.sealpost(&["audit", "verify"]);
    let out = String::from_utf8_lossy(&verify.stdout);
    assert!(out.contains("OK, 2 records"), "{out}");
    let log = std::fs::read_to_string(env.data().join("audit.jsonl")).unwrap();
    assert!(!log.contains('@') && !log.contains("Jane"));

    println!(
        "native-host start-up (spawn to status reply): {:.1} ms",
        startup.as_secs_f64() * 1000.0
    );
    println!(
        "encrypt 100 KB to 2 recipients (request to reply): {:.1} ms",
        encrypt_100k.as_secs_f64() * 1000.0
    );
}

#[test]
fn native_host_refuses_other_callers() {
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::write(env.dir.path().join("sealpost.toml"), "").unwrap();
    for caller in [
        &["chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"][..],
        &[][..],
        &[
            "/home/u/.mozilla/native-messaging-hosts/com.sealpost.agent.json",
            "evil@example.org",
        ][..],
    ] {
        let mut host = env.spawn(caller);
        let r = host.ask(json!({"id": 1, "type": "status"}));
        assert_eq!(code(&r), "origin_not_allowed", "{caller:?}");
        assert_eq!(host.close().code(), Some(1));
    }
    assert!(!Path::new(&env.data()).join("audit.jsonl").exists());
}

#[test]
fn native_host_with_a_broken_config_says_why() {
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::write(env.dir.path().join("sealpost.toml"), "[smtp]\nbogus = 1\n").unwrap();
    let mut host = env.spawn(&[ORIGIN]);
    let r = host.ask(json!({"id": 1, "type": "status"}));
    assert_eq!(code(&r), "agent_unavailable");
    assert!(
        r["error"]["message"].as_str().unwrap().contains("bogus"),
        "{r}"
    );
    let r = host.ask(json!({"id": 2, "type": "recipients", "addresses": []}));
    assert_eq!(code(&r), "agent_unavailable");
    assert_eq!(host.close().code(), Some(2));
}
