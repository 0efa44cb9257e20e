//! The shipped policy in TOML and JSON is one policy.

use sealpost_policy::Policy;

#[test]
fn shipped_toml_and_json_policies_are_equal() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../packaging/policy/");
    let toml = std::fs::read_to_string(format!("{dir}sealpost-policy.toml")).unwrap();
    let json = std::fs::read_to_string(format!("{dir}sealpost-policy.json")).unwrap();
    let a = Policy::from_toml(&toml).unwrap();
    let b = Policy::from_json(&json).unwrap();
    assert_eq!(a, b);
    assert!(a.allowed_term("riverside family medicine"));
}
