use std::fs;

use sealpost_policy::{Action, Verdict};

use super::*;

fn err_key(doc: &str) -> (String, String) {
    match ProxyConfig::from_toml(doc).unwrap_err() {
        ConfigError::Schema { key, message } | ConfigError::Invalid { key, message } => {
            (key, message)
        }
        e => panic!("{doc:?}: unexpected {e}"),
    }
}

#[test]
fn empty_file_is_the_gmail_default() {
    let cfg = ProxyConfig::from_toml("").unwrap();
    assert_eq!(cfg, ProxyConfig::default());
    let up = &cfg.smtp.upstream;
    assert_eq!(
        (up.host.as_str(), up.port(), up.tls),
        ("smtp.gmail.com", 465, UpstreamTls::Implicit)
    );
    assert_eq!(cfg.smtp.listen_starttls.to_string(), "127.0.0.1:1587");
    assert_eq!(cfg.smtp.listen_tls.to_string(), "127.0.0.1:1465");
    assert_eq!(cfg.smtp.placeholder_subject, "Secure message");
    assert_eq!(cfg.smtp.max_message_bytes, 35 * 1024 * 1024);
    cfg.validate().unwrap();
}

#[test]
fn example_profiles_parse() {
    let gmail = ProxyConfig::from_toml(include_str!("../../examples/gmail.toml")).unwrap();
    let mut expected = ProxyConfig::default();
    expected.smtp.upstream.port = Some(465);
    assert_eq!(gmail, expected);

    let o365 = ProxyConfig::from_toml(include_str!("../../examples/office365.toml")).unwrap();
    let up = &o365.smtp.upstream;
    assert_eq!(up.host, "smtp.office365.com");
    assert_eq!((up.port(), up.tls), (587, UpstreamTls::Starttls));
}

#[test]
fn unknown_keys_are_named() {
    let cases = [
        ("colour = 1", "colour", "colour"),
        ("[smtp]\nlisten = \"127.0.0.1:25\"", "smtp", "listen"),
        ("[smtp.upstream]\nhots = \"x\"", "smtp.upstream", "hots"),
        ("[policy]\nthreshold = 1", "policy", "threshold"),
        ("[smtp.upstream]\ntls = \"ssl\"", "smtp.upstream.tls", "ssl"),
        (
            "[smtp]\nlisten_tls = \"localhost:1465\"",
            "smtp.listen_tls",
            "",
        ),
    ];
    for (doc, key, word) in cases {
        let (k, message) = err_key(doc);
        assert!(k.starts_with(key), "{doc:?}: key {k}: {message}");
        assert!(message.contains(word), "{doc:?}: {message}");
    }
}

#[test]
fn listeners_must_be_loopback() {
    for (doc, key) in [
        (
            "[smtp]\nlisten_starttls = \"0.0.0.0:1587\"",
            "smtp.listen_starttls",
        ),
        (
            "[smtp]\nlisten_tls = \"192.168.1.10:1465\"",
            "smtp.listen_tls",
        ),
        ("[smtp]\nlisten_tls = \"[::]:1465\"", "smtp.listen_tls"),
    ] {
        let (k, message) = err_key(doc);
        assert_eq!(k, key, "{doc:?}");
        assert!(message.contains("loopback"), "{message}");
    }
    ProxyConfig::from_toml(
        "[smtp]\nlisten_tls = \"[::1]:1465\"\nlisten_starttls = \"127.0.0.2:1587\"",
    )
    .unwrap();
}

#[test]
fn plaintext_upstream_only_on_loopback() {
    let (k, message) =
        err_key("[smtp.upstream]\nhost = \"smtp.gmail.com\"\ntls = \"none-loopback-only\"");
    assert_eq!(k, "smtp.upstream.tls");
    assert!(message.contains("smtp.gmail.com"), "{message}");
    for host in ["localhost", "127.0.0.1", "[::1]", "::1"] {
        let doc = format!(
            "[smtp.upstream]\nhost = \"{host}\"\nport = 2525\ntls = \"none-loopback-only\""
        );
        ProxyConfig::from_toml(&doc).unwrap_or_else(|e| panic!("{host}: {e}"));
    }
    let (k, _) = err_key("[smtp.upstream]\nhost = \"localhost\"\nport = 1465");
    assert_eq!(k, "smtp.upstream.port");
    let (k, _) = err_key("[smtp]\nplaceholder_subject = \"a\\r\\nBcc: x\"");
    assert_eq!(k, "smtp.placeholder_subject");
}

#[test]
fn load_resolves_extra_ca_next_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sealpost.toml");
    fs::write(&path, "[smtp.upstream]\nextra_ca_file = \"postfix-ca.pem\"").unwrap();
    let cfg = ProxyConfig::load(&path).unwrap();
    assert_eq!(
        cfg.smtp.upstream.extra_ca_file,
        Some(dir.path().join("postfix-ca.pem"))
    );
}

fn paths_in(dir: &Path, explicit: bool) -> Paths {
    Paths {
        config_file: dir.join("sealpost.toml"),
        config_explicit: explicit,
        managed_policy: dir.join("managed/policy.toml"),
        data_dir: dir.join("data"),
    }
}

#[test]
fn no_file_means_defaults_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load(&paths_in(dir.path(), false)).unwrap();
    assert_eq!(loaded.proxy, ProxyConfig::default());
    assert_eq!(loaded.policy.source, PolicySource::User);
    assert!(loaded.policy.warning.is_none());
    let err = load(&paths_in(dir.path(), true)).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
    assert!(err.to_string().contains("sealpost.toml"), "{err}");
}

#[test]
fn managed_policy_overrides_user_policy_wholly() {
    let dir = tempfile::tempdir().unwrap();
    let paths = paths_in(dir.path(), true);
    fs::write(
        &paths.config_file,
        "[policy.actions]\npossible = \"encrypt\"\n[policy.allow]\nterms = [\"Clinic\"]",
    )
    .unwrap();
    let user = load(&paths).unwrap();
    assert_eq!(user.policy.source, PolicySource::User);
    assert_eq!(
        user.policy.policy.action(Verdict::Possible, Verdict::Clean),
        Action::Encrypt
    );

    fs::create_dir_all(paths.managed_policy.parent().unwrap()).unwrap();
    fs::write(&paths.managed_policy, "[actions]\nphi = \"block\"").unwrap();
    let managed = load(&paths).unwrap();
    assert_eq!(
        managed.policy.source,
        PolicySource::Managed(paths.managed_policy.clone())
    );
    let p = &managed.policy.policy;
    assert_eq!(p.action(Verdict::Phi, Verdict::Clean), Action::Block);
    // Wholly: the user's settings are gone, not merged.
    assert_eq!(p.action(Verdict::Possible, Verdict::Clean), Action::Warn);
    assert!(!p.allowed_term("clinic"));
}

#[test]
fn invalid_managed_policy_falls_back_to_strictest() {
    let dir = tempfile::tempdir().unwrap();
    let paths = paths_in(dir.path(), false);
    fs::create_dir_all(paths.managed_policy.parent().unwrap()).unwrap();
    fs::write(&paths.managed_policy, "[thresholds]\nphi = 7").unwrap();
    let loaded = load(&paths).unwrap();
    let r = &loaded.policy;
    assert_eq!(
        r.source,
        PolicySource::StrictestFallback(paths.managed_policy.clone())
    );
    assert_eq!(r.policy, sealpost_policy::Policy::strictest());
    let warning = r.warning.as_ref().unwrap().to_string();
    assert!(
        warning.contains("thresholds.phi") && warning.contains("strictest"),
        "{warning}"
    );

    // Unreadable (here: a directory) is unusable too.
    fs::remove_file(&paths.managed_policy).unwrap();
    fs::create_dir(&paths.managed_policy).unwrap();
    let loaded = load(&paths).unwrap();
    assert!(matches!(
        loaded.policy.source,
        PolicySource::StrictestFallback(_)
    ));
}

#[test]
fn invalid_user_policy_is_an_error_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let paths = paths_in(dir.path(), true);
    fs::write(
        &paths.config_file,
        "[policy.thresholds]\npossible = 0.9\nphi = 0.5",
    )
    .unwrap();
    let err = load(&paths).unwrap_err().to_string();
    assert!(err.contains("policy.thresholds.possible"), "{err}");
}
