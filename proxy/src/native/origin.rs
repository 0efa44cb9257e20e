//! Who is calling: the browser passes the caller on the command line.
//!
//! - Chrome, Chromium and Edge: the first argument is the extension's
//!   origin, `chrome-extension://<id>/` (on Windows a second one,
//!   `--parent-window=<n>`, follows).
//! - Firefox: the first argument is the path of the host manifest, the
//!   second the extension's id.
//!
//! Only the Sealpost extension may talk to the host: the host manifests
//! allow only it, and the host checks again, since anything that can run
//! the binary can pass any argument but only a browser passes a real one.

/// The Sealpost extension's Chrome/Edge id (fixed by the manifest's `key`,
/// see `extension/README.md`).
pub const CHROME_EXTENSION_ID: &str = "dckaplmdhllppddbeohdpkfaoighnklg";

/// The Sealpost extension's Firefox id (`browser_specific_settings.gecko.id`).
pub const FIREFOX_EXTENSION_ID: &str = "sealpost@sealpost.org";

/// A caller the host accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A Chromium-family browser's extension, by origin.
    Chrome(String),
    /// A Firefox extension, by id.
    Firefox(String),
}

/// Why a caller was refused (the message names what was passed, which is
/// an extension id or origin, not user data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("caller not allowed: {0}")]
pub struct NotAllowed(pub String);

/// The built-in allowed origins and ids.
pub fn built_in() -> Vec<String> {
    vec![
        format!("chrome-extension://{CHROME_EXTENSION_ID}/"),
        FIREFOX_EXTENSION_ID.to_string(),
    ]
}

/// Identifies the caller from the browser's arguments and checks it against
/// `allowed` (origins `chrome-extension://<id>/` and Firefox ids).
pub fn check(args: &[String], allowed: &[String]) -> Result<Caller, NotAllowed> {
    let caller = match args {
        [origin, ..] if origin.starts_with("chrome-extension://") => Caller::Chrome(origin.clone()),
        [_manifest, id, ..] => Caller::Firefox(id.clone()),
        [] => return Err(NotAllowed("no caller given".into())),
        [other] => return Err(NotAllowed(other.chars().take(120).collect())),
    };
    let name = match &caller {
        Caller::Chrome(o) => o,
        Caller::Firefox(id) => id,
    };
    let normalized = |s: &str| s.trim_end_matches('/').to_string();
    if allowed.iter().any(|a| normalized(a) == normalized(name)) {
        Ok(caller)
    } else {
        Err(NotAllowed(name.chars().take(120).collect()))
    }
}
