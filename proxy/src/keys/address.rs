//! How an email address is matched against certificate user IDs.
//!
//! # Case
//! Both parts of an address are compared ASCII-case-insensitively. The domain
//! is case-insensitive by RFC 5321. The local part may in theory be
//! case-sensitive, but no mail provider we deliver to treats it so, and the
//! OpenPGP ecosystem already folds it: the Web Key Directory lowercases the
//! local part before hashing it, GnuPG matches `<addr>` case-insensitively
//! and sequoia's `email_normalized` folds the whole address. An exact match
//! on the local part would only make us refuse to send to `Jane@clinic.org`
//! with a certificate for `jane@clinic.org` — the same mailbox — while it
//! adds no protection: a certificate in the store was put there by the user
//! or IT. Non-ASCII characters are compared exactly (no Unicode folding, no
//! IDNA mapping), which errs towards "no key found", i.e. refusing to send.
//!
//! The same rule is used by lookup, export by address and the CLI.

use sequoia_openpgp::packet::UserID;

/// Normalizes a bare address (`local@domain`, optionally in angle brackets)
/// for comparison, or `None` if it is not one: exactly one `@`, both parts
/// non-empty, no whitespace, angle brackets, or control characters.
pub fn normalize_address(address: &str) -> Option<String> {
    let a = address.trim();
    let a = a
        .strip_prefix('<')
        .and_then(|a| a.strip_suffix('>'))
        .unwrap_or(a);
    let (local, domain) = a.split_once('@')?;
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '@');
    if local.is_empty() || domain.is_empty() || local.contains(bad) || domain.contains(bad) {
        return None;
    }
    Some(format!(
        "{}@{}",
        local.to_ascii_lowercase(),
        domain.to_ascii_lowercase()
    ))
}

/// The normalized address of a user ID (`Name <addr>` or a bare `addr`), if
/// it has one.
pub fn user_id_address(uid: &UserID) -> Option<String> {
    let email = uid.email().ok().flatten()?;
    normalize_address(email)
}
