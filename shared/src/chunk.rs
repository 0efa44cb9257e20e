//! Splitting text into chunks that are scanned independently: runs of
//! paragraphs of at least `MIN_CHUNK` bytes that end at a blank line, and
//! pieces of at most `MAX_CHUNK` bytes cut at a line break or a space inside
//! longer paragraphs. (Very short chunks would cost more in per-search set-up
//! than in scanning.) The split is greedy and
//! memoryless: where the next chunk ends depends only on the text from where
//! it starts. That is what lets the incremental scanner re-chunk from any old
//! chunk start and get exactly what a full scan gets.

use std::ops::Range;

/// The longest chunk, in bytes.
pub const MAX_CHUNK: usize = 4096;

/// A chunk ends at the first blank line this many bytes or more after its start.
pub const MIN_CHUNK: usize = 768;

/// The chunk starting at `start`: its text range, and where the next one
/// starts (after the separating blank lines). `start` must be a char boundary.
pub(crate) fn next_chunk(text: &str, start: usize) -> (Range<usize>, usize) {
    let b = text.as_bytes();
    let limit = (start + MAX_CHUNK).min(b.len());
    let mut i = start;
    // Look for a blank line within the limit.
    while let Some(p) = memchr::memchr(b'\n', &b[i..limit]) {
        let nl = i + p;
        let mut j = nl + 1;
        while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r') {
            j += 1;
        }
        if j < b.len() && b[j] == b'\n' && nl - start >= MIN_CHUNK {
            // A blank line: the chunk ends at the first newline, the next
            // starts after the last of the run of blank lines.
            let mut end = nl;
            if end > start && b[end - 1] == b'\r' {
                end -= 1;
            }
            let mut next = j + 1;
            loop {
                let mut k = next;
                while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\r') {
                    k += 1;
                }
                if k < b.len() && b[k] == b'\n' {
                    next = k + 1;
                } else {
                    break;
                }
            }
            return (start..end, next);
        }
        i = nl + 1;
        if i >= limit {
            break;
        }
    }
    if limit == b.len() {
        return (start..b.len(), b.len());
    }
    // Too long: cut after the last newline, else the last space, else at a
    // char boundary, within the limit.
    let window = &b[start..limit];
    let cut = memchr::memrchr(b'\n', window)
        .or_else(|| memchr::memrchr(b' ', window))
        .map(|p| start + p + 1)
        .filter(|&p| p > start)
        .unwrap_or_else(|| {
            let mut p = limit;
            while !text.is_char_boundary(p) {
                p -= 1;
            }
            p
        });
    (start..cut, cut)
}

/// All chunks of `text`.
pub(crate) fn chunks(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let (r, next) = next_chunk(text, at);
        if !r.is_empty() {
            out.push(r);
        }
        debug_assert!(next > at);
        at = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs() {
        let (a, b) = ("a".repeat(MIN_CHUNK), "b".repeat(MIN_CHUNK));
        let t = format!("{a}\nx\n\n{b}\r\n\r\n\r\nfour\n\nfive");
        let c: Vec<&str> = chunks(&t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            c,
            [format!("{a}\nx"), b.clone(), "four\n\nfive".to_string()]
        );
    }

    #[test]
    fn long_paragraphs_are_cut_at_lines() {
        let line = "x".repeat(99) + "\n";
        let t = line.repeat(100);
        let c = chunks(&t);
        assert!(c.len() >= 3);
        assert!(c.iter().all(|r| r.len() <= MAX_CHUNK));
        assert_eq!(c.iter().map(|r| r.len()).sum::<usize>(), t.len());
    }

    #[test]
    fn no_spaces_cuts_at_char_boundaries() {
        let t = "é".repeat(5000);
        let c = chunks(&t);
        assert!(c
            .iter()
            .all(|r| t.is_char_boundary(r.start) && t.is_char_boundary(r.end)));
    }
}
