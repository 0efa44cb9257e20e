//! Incremental scanning for the editor. After a keystroke only the chunks the
//! edit touched are scanned again; the others keep their findings, shifted.
//! Because chunking is greedy and memoryless (see `chunk`), re-chunking from
//! the start of the chunk before the edit until the new boundaries line up
//! with the old ones gives exactly the chunks — and so the findings — that a
//! full scan of the new text gives.

use std::ops::Range;

use crate::category::Part;
use crate::chunk::next_chunk;
use crate::config::Policy;
use crate::detect::{scan_chunk, ChunkScan};
use crate::scan::{judge, Assessment, TextScan};
use crate::toggle::Toggle;

/// A text being edited, with its findings kept per chunk.
#[derive(Debug, Clone, Default)]
pub struct IncrementalScan {
    part: Part,
    text: String,
    /// Chunk ranges (into `text`) and their scans (offsets relative to the chunk).
    chunks: Vec<(Range<usize>, ChunkScan)>,
    /// Bytes scanned by the last update, for tests and benchmarks.
    last_scanned: usize,
}

impl IncrementalScan {
    /// Scans `text` in full.
    pub fn new(text: &str, part: Part) -> IncrementalScan {
        let mut s = IncrementalScan {
            part,
            text: String::new(),
            chunks: Vec::new(),
            last_scanned: 0,
        };
        s.set_text(text);
        s
    }

    /// Replaces the whole text and scans it in full.
    pub fn set_text(&mut self, text: &str) {
        self.text = text.to_string();
        self.chunks.clear();
        self.last_scanned = 0;
        let mut at = 0;
        while at < self.text.len() {
            let (r, next) = next_chunk(&self.text, at);
            self.push_chunk(r);
            at = next;
        }
    }

    fn push_chunk(&mut self, r: Range<usize>) {
        if r.is_empty() {
            return;
        }
        self.last_scanned += r.len();
        let scan = scan_chunk(&self.text[r.clone()], self.part);
        self.chunks.push((r, scan));
    }

    /// Replaces `range` of the text (byte offsets, on char boundaries) with
    /// `replacement` and rescans only what changed. Returns `false` and changes
    /// nothing if the range is out of bounds or not on char boundaries.
    pub fn edit(&mut self, range: Range<usize>, replacement: &str) -> bool {
        let t = &self.text;
        if range.start > range.end
            || range.end > t.len()
            || !t.is_char_boundary(range.start)
            || !t.is_char_boundary(range.end)
        {
            return false;
        }
        let delta = replacement.len() as isize - range.len() as isize;
        self.text.replace_range(range.clone(), replacement);
        // First chunk to redo: the one before the chunk the edit starts in
        // (an edit at a chunk's start can join it to the previous chunk).
        let first = self
            .chunks
            .partition_point(|(r, _)| r.end < range.start)
            .saturating_sub(1);
        let restart = self
            .chunks
            .get(first)
            .map_or(0, |(r, _)| r.start.min(range.start));
        let restart = if first == 0 { 0 } else { restart };
        // Old chunks wholly after the edit, shifted into the new text: where
        // re-chunking meets one of their starts, the rest is unchanged.
        let tail: Vec<(Range<usize>, ChunkScan)> = self
            .chunks
            .drain(first..)
            .filter(|(r, _)| r.start > range.end)
            .map(|(r, s)| {
                (
                    ((r.start as isize + delta) as usize)..((r.end as isize + delta) as usize),
                    s,
                )
            })
            .collect();
        self.last_scanned = 0;
        let edit_end = range.start + replacement.len();
        let mut at = restart;
        let mut tail_iter = tail.into_iter().peekable();
        while at < self.text.len() {
            // Skip shifted chunks that now start before `at`.
            while tail_iter.peek().is_some_and(|(r, _)| r.start < at) {
                tail_iter.next();
            }
            if at > edit_end && tail_iter.peek().is_some_and(|(r, _)| r.start == at) {
                self.chunks.extend(tail_iter);
                return true;
            }
            let (r, next) = next_chunk(&self.text, at);
            self.push_chunk(r);
            at = next;
        }
        true
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Bytes scanned by the last `new`, `set_text` or `edit`.
    pub fn last_scanned(&self) -> usize {
        self.last_scanned
    }

    /// All findings and cues, offsets into the current text.
    pub fn scan(&self) -> TextScan {
        let mut out = TextScan::default();
        for (r, c) in &self.chunks {
            out.cues.add(c.cues);
            out.findings.extend(c.findings.iter().map(|f| {
                let mut f = *f;
                f.start += r.start;
                f.end += r.start;
                f
            }));
        }
        out
    }

    /// Judges this text as a message body, with an optional subject.
    pub fn assess(
        &self,
        subject: Option<&str>,
        policy: &Policy,
        toggle: Option<Toggle>,
    ) -> Assessment {
        let s = subject.map(|s| (s, crate::scan::scan_text(s, Part::Subject)));
        judge(s, (&self.text, self.scan()), policy, toggle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::scan_text;

    fn body() -> String {
        let mut s = String::new();
        for i in 0..200 {
            s.push_str(&format!(
                "Paragraph {i}: Pt Maria Lopez, DOB 03/04/1961, MRN 00{i}48291, seen for type 2 diabetes; call (617) 555-01{:02}.\n\n",
                i % 100
            ));
        }
        s
    }

    #[test]
    fn edits_match_a_full_rescan() {
        let mut inc = IncrementalScan::new(&body(), Part::Body);
        let edits: &[(usize, usize, &str)] = &[
            (10, 10, "x"),
            (0, 0, "Hello\n\n"),
            (200, 260, ""),
            (500, 500, "\n\n"),
            (900, 903, "Jose Garcia 4 Mar 1961 "),
            (5000, 5000, "\n\n"),
            (7000, 7100, "x\n\ny"),
            (0, 30, ""),
        ];
        for &(s, e, rep) in edits {
            let (s, e) = (s.min(inc.text().len()), e.min(inc.text().len()));
            let (s, e) = (floor(inc.text(), s), floor(inc.text(), e));
            assert!(inc.edit(s..e, rep));
            let full = scan_text(inc.text(), Part::Body);
            assert_eq!(inc.scan(), full, "after editing {s}..{e}");
        }
        let len = inc.text().len();
        inc.edit(len..len, "x");
        assert!(
            inc.last_scanned() < 3 * crate::chunk::MIN_CHUNK,
            "scanned {}",
            inc.last_scanned()
        );
    }

    #[test]
    fn bad_ranges_change_nothing() {
        let mut inc = IncrementalScan::new("héllo", Part::Body);
        assert!(!inc.edit(2..3, "x"));
        assert!(!inc.edit(3..99, "x"));
        assert_eq!(inc.text(), "héllo");
    }

    fn floor(t: &str, mut i: usize) -> usize {
        while !t.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}
