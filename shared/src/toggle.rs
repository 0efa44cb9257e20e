//! Per-message toggles: subject tags such as `[secure]` and `[nosecure]`, and
//! the `X-Sealpost-Secure: on|off` header, as configured by the policy.

use serde::Serialize;

use crate::config::Policy;

/// What the sender asked for this message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Toggle {
    /// Encrypt this message whatever the verdict.
    Secure,
    /// Skip encryption: an override, honoured only if the policy allows it.
    NoSecure,
}

impl Policy {
    /// Finds a toggle tag in a subject (case-insensitive) and returns it with
    /// the subject as it should be sent: every configured tag removed and the
    /// spacing tidied. A subject with both kinds of tag counts as `Secure`
    /// (fail closed).
    pub fn toggle_in_subject(&self, subject: &str) -> (Option<Toggle>, String) {
        let t = &self.config().toggles;
        let mut out = subject.to_string();
        let mut found = None;
        let mut strip = |tags: &[String], kind: Toggle, found: &mut Option<Toggle>| {
            for tag in tags {
                while let Some(p) = find_ci(&out, tag) {
                    out.replace_range(p..p + tag.len(), "");
                    *found = Some(match (*found, kind) {
                        (Some(Toggle::Secure), _) | (_, Toggle::Secure) => Toggle::Secure,
                        _ => Toggle::NoSecure,
                    });
                }
            }
        };
        strip(&t.nosecure_tags, Toggle::NoSecure, &mut found);
        strip(&t.secure_tags, Toggle::Secure, &mut found);
        let tidy = out.split_whitespace().collect::<Vec<_>>().join(" ");
        (
            found,
            if found.is_some() {
                tidy
            } else {
                subject.to_string()
            },
        )
    }

    /// Reads the toggle header's value (`on`/`off`, also `yes`/`no`,
    /// `true`/`false`, `1`/`0`). Anything else is `None`.
    pub fn toggle_in_header(&self, value: &str) -> Option<Toggle> {
        match value.trim().to_ascii_lowercase().as_str() {
            "on" | "yes" | "true" | "1" => Some(Toggle::Secure),
            "off" | "no" | "false" | "0" => Some(Toggle::NoSecure),
            _ => None,
        }
    }
}

/// Byte position of `needle` in `hay`, ASCII case-insensitively.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let last = h.len() - n.len();
    // Candidates are where the needle's first byte occurs in either case.
    let (lo, up) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
    memchr::memchr2_iter(lo, up, &h[..=last]).find(|&i| {
        hay.is_char_boundary(i)
            && hay.is_char_boundary(i + n.len())
            && h[i..i + n.len()].eq_ignore_ascii_case(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_found_and_stripped() {
        let p = Policy::default();
        assert_eq!(
            p.toggle_in_subject("[SECURE] Lab results"),
            (Some(Toggle::Secure), "Lab results".into())
        );
        assert_eq!(
            p.toggle_in_subject("Lunch [nosecure]"),
            (Some(Toggle::NoSecure), "Lunch".into())
        );
        assert_eq!(
            p.toggle_in_subject("[nosecure] [secure] x"),
            (Some(Toggle::Secure), "x".into())
        );
        assert_eq!(
            p.toggle_in_subject("Plain  subject"),
            (None, "Plain  subject".into())
        );
        assert_eq!(p.toggle_in_header(" On "), Some(Toggle::Secure));
        assert_eq!(p.toggle_in_header("maybe"), None);
    }
}
