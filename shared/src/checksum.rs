//! Check-digit and validity rules for identifiers that have them. Each
//! function takes the candidate's text as written (separators allowed where
//! the identifier's format allows them) and says whether it is valid.

/// Digits of `s`, ignoring spaces and hyphens; `None` if anything else appears.
fn digits(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => out.push(b - b'0'),
            b' ' | b'-' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Luhn (mod 10) over a digit sequence whose last digit is the check digit.
pub fn luhn(ds: &[u8]) -> bool {
    if ds.is_empty() {
        return false;
    }
    let sum: u32 = ds
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A payment card number: 13–19 digits, Luhn-valid, with a known issuer prefix.
pub fn credit_card(s: &str) -> bool {
    let Some(ds) = digits(s) else { return false };
    if !(13..=19).contains(&ds.len()) || !luhn(&ds) {
        return false;
    }
    let prefix = |n: usize| ds[..n].iter().fold(0u32, |a, &d| a * 10 + u32::from(d));
    let p2 = prefix(2);
    let p4 = prefix(4);
    let len = ds.len();
    match ds[0] {
        4 => matches!(len, 13 | 16 | 19),
        5 => (51..=55).contains(&p2) && len == 16,
        2 => (2221..=2720).contains(&p4) && len == 16,
        3 => (p2 == 34 || p2 == 37) && len == 15 || (3528..=3589).contains(&p4) && len >= 16,
        6 => (p4 == 6011 || p2 == 65 || (644..=649).contains(&prefix(3))) && len >= 16,
        _ => false,
    }
}

/// A US Social Security number under the SSA's rules: area not 000, 666 or
/// 900–999; group not 00; serial not 0000. Accepts `123-45-6789`,
/// `123 45 6789` and `123456789`.
pub fn ssn(s: &str) -> bool {
    let Some(ds) = digits(s) else { return false };
    let b = s.as_bytes();
    let grouped = b.len() == 11 && b[3] == b[6] && matches!(b[3], b'-' | b' ');
    if ds.len() != 9 || !(b.len() == 9 || grouped) {
        return false;
    }
    let area = u32::from(ds[0]) * 100 + u32::from(ds[1]) * 10 + u32::from(ds[2]);
    let group = ds[3] * 10 + ds[4];
    let serial = ds[5..].iter().all(|&d| d == 0);
    area != 0 && area != 666 && area < 900 && group != 0 && !serial
}

/// A National Provider Identifier: 10 digits starting with 1 or 2 whose last
/// digit is the Luhn check digit computed over `80840` + the first nine.
pub fn npi(s: &str) -> bool {
    let Some(ds) = digits(s) else { return false };
    if ds.len() != 10 || !(ds[0] == 1 || ds[0] == 2) {
        return false;
    }
    let mut full = vec![8, 0, 8, 4, 0];
    full.extend_from_slice(&ds);
    luhn(&full)
}

/// A DEA registration number: two letters then seven digits, where the last
/// digit equals the last digit of (d1+d3+d5) + 2·(d2+d4+d6).
pub fn dea(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 9 || !b[0].is_ascii_uppercase() || !(b[1].is_ascii_uppercase() || b[1] == b'9') {
        return false;
    }
    if !b"ABCDEFGHJKLMPRSTUX".contains(&b[0]) {
        return false;
    }
    let Some(d) = digits(&s[2..]) else {
        return false;
    };
    if d.len() != 7 {
        return false;
    }
    let sum = u32::from(d[0] + d[2] + d[4]) + 2 * u32::from(d[1] + d[3] + d[5]);
    sum % 10 == u32::from(d[6])
}

/// A 17-character vehicle identification number with a valid check digit
/// (position 9, ISO 3779 / 49 CFR 565 weights).
pub fn vin(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 17 {
        return false;
    }
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A' | b'J' => 1,
            b'B' | b'K' | b'S' => 2,
            b'C' | b'L' | b'T' => 3,
            b'D' | b'M' | b'U' => 4,
            b'E' | b'N' | b'V' => 5,
            b'F' | b'W' => 6,
            b'G' | b'P' | b'X' => 7,
            b'H' | b'Y' => 8,
            b'R' | b'Z' => 9,
            _ => return None, // I, O, Q and anything else are not allowed
        })
    };
    let mut sum = 0;
    let (mut letters, mut nums) = (0, 0);
    for (i, &c) in b.iter().enumerate() {
        let Some(v) = value(c) else { return false };
        if c.is_ascii_digit() {
            nums += 1;
        } else {
            letters += 1;
        }
        sum += v * WEIGHTS[i];
    }
    let check = match sum % 11 {
        10 => b'X',
        r => b'0' + r as u8,
    };
    letters >= 2 && nums >= 4 && b[8] == check
}

/// A Medicare Beneficiary Identifier (CMS format): 11 characters, dashes
/// allowed after the 4th and 7th. Positions 1: 1–9; 2, 5, 8, 9: letter;
/// 3, 6: letter or digit; 4, 7, 10, 11: digit. Letters exclude S, L, O, I, B, Z.
pub fn mbi(s: &str) -> bool {
    let cleaned: Vec<u8> = s.bytes().filter(|&b| b != b'-').collect();
    if cleaned.len() != 11 {
        return false;
    }
    let letter = |c: u8| c.is_ascii_uppercase() && !b"SLOIBZ".contains(&c);
    let alnum = |c: u8| letter(c) || c.is_ascii_digit();
    let c = &cleaned;
    (b'1'..=b'9').contains(&c[0])
        && letter(c[1])
        && alnum(c[2])
        && c[3].is_ascii_digit()
        && letter(c[4])
        && alnum(c[5])
        && c[6].is_ascii_digit()
        && letter(c[7])
        && letter(c[8])
        && c[9].is_ascii_digit()
        && c[10].is_ascii_digit()
}

/// A dotted-quad IPv4 address with every octet ≤ 255 and no leading zeros.
pub fn ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|v| v <= 255)
        })
}

/// A North American phone number: area code and exchange start with 2–9.
/// `s` is the ten national digits (country code removed).
pub fn nanp(ds: &[u8]) -> bool {
    ds.len() == 10 && ds[0] >= 2 && ds[3] >= 2 && !(ds[1] == 1 && ds[2] == 1)
}

/// A calendar date: month 1–12, day within the month (leap years allowed
/// for 29 February). `year` of `None` means a date written without a year.
pub fn calendar_date(year: Option<u32>, month: u32, day: u32) -> bool {
    let max = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) => 28,
            _ => 29,
        },
        _ => return false,
    };
    (1..=max).contains(&day)
}

/// Specimen numbers that official documentation and payment-processor test
/// suites publish: CMS's example MBI, the Woolworth and SSA advertising SSNs,
/// and the standard test card numbers.
const PUBLISHED_SAMPLES: &[&str] = &[
    "078051120",
    "123456789",
    "1EG4TE5MK73",
    "219099999",
    "371449635398431",
    "378282246310005",
    "4012888888881881",
    "4111111111111111",
    "4242424242424242",
    "5105105105105100",
    "5555555555554444",
    "6011111111111117",
];

/// Whether `s` (separators ignored) is a published specimen number.
pub(crate) fn published_sample(s: &str) -> bool {
    let mut buf = [0u8; 20];
    let mut n = 0;
    for b in s.bytes().filter(u8::is_ascii_alphanumeric) {
        if n == buf.len() {
            return false;
        }
        buf[n] = b.to_ascii_uppercase();
        n += 1;
    }
    PUBLISHED_SAMPLES
        .binary_search_by(|p| p.as_bytes().cmp(&buf[..n]))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_cards() {
        for ok in [
            "4111 1111 1111 1111",
            "5500-0000-0000-0004",
            "340000000000009",
            "6011000000000004",
            "2223003122003222",
        ] {
            assert!(credit_card(ok), "{ok}");
        }
        for bad in [
            "4111 1111 1111 1112",
            "1234567812345678",
            "4111",
            "0000000000000000",
            "41111111111111111111",
        ] {
            assert!(!credit_card(bad), "{bad}");
        }
    }

    #[test]
    fn ssn_rules() {
        assert!(ssn("123-45-6789"));
        assert!(ssn("123 45 6789"));
        assert!(ssn("078051121"));
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "123-00-4567",
            "123-45-0000",
            "12-345-6789",
            "123-45-678",
        ] {
            assert!(!ssn(bad), "{bad}");
        }
    }

    #[test]
    fn npi_check_digit() {
        assert!(npi("1234567893")); // CMS's published example
        assert!(!npi("1234567890"));
        assert!(!npi("3234567893"));
        assert!(!npi("123456789"));
    }

    #[test]
    fn dea_check_digit() {
        // 1+3+5 = 9; 2*(2+4+6)=24; 33 → check digit 3
        assert!(dea("AB1234563"));
        assert!(dea("FB1234563"));
        assert!(!dea("AB1234564"));
        assert!(!dea("ab1234563"));
        assert!(!dea("QB1234563")); // Q is not a registrant type
        assert!(!dea("AB123456"));
    }

    #[test]
    fn published_samples() {
        assert!(PUBLISHED_SAMPLES.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert!(published_sample("1EG4-TE5-MK73"));
        assert!(published_sample("4111 1111 1111 1111"));
        assert!(published_sample("078-05-1120"));
        assert!(!published_sample("1EG4-TE5-MK74"));
        assert!(!published_sample("412-68-2093"));
    }

    #[test]
    fn vin_check_digit() {
        assert!(vin("1M8GDM9AXKP042788"));
        assert!(!vin("11111111111111111")); // no letters
        assert!(!vin("1M8GDM9A1KP042788"));
        assert!(!vin("1M8GDM9AXKP04278"));
        assert!(!vin("1M8GDM9AXKP04278O"));
    }

    #[test]
    fn mbi_positions() {
        assert!(mbi("1EG4-TE5-MK73"));
        assert!(mbi("1EG4TE5MK73"));
        assert!(!mbi("0EG4TE5MK73")); // position 1 may not be 0
        assert!(!mbi("1SG4TE5MK73")); // S excluded
        assert!(!mbi("1EG4TE5MK7")); // too short
        assert!(mbi("1E44TE5MK73")); // position 3 may be a digit
        assert!(!mbi("1EGATE5MK73")); // position 4 must be a digit
    }

    #[test]
    fn ipv4_octets() {
        assert!(ipv4("192.168.10.4"));
        assert!(ipv4("10.0.0.1"));
        assert!(!ipv4("256.1.1.1"));
        assert!(!ipv4("01.2.3.4"));
        assert!(!ipv4("1.2.3"));
    }

    #[test]
    fn dates() {
        assert!(calendar_date(Some(2024), 2, 29));
        assert!(!calendar_date(Some(2023), 2, 29));
        assert!(calendar_date(None, 2, 29));
        assert!(!calendar_date(Some(1961), 13, 4));
        assert!(!calendar_date(Some(1961), 4, 31));
    }

    #[test]
    fn nanp_rules() {
        assert!(nanp(&[6, 1, 7, 5, 5, 5, 0, 1, 2, 3]));
        assert!(!nanp(&[1, 1, 7, 5, 5, 5, 0, 1, 2, 3]));
        assert!(!nanp(&[6, 1, 7, 1, 5, 5, 0, 1, 2, 3]));
    }
}
