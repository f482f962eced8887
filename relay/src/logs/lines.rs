//! Splitting a byte stream into lines with bounded memory.
//!
//! Lines are handed out as byte slices straight from the read buffer when
//! they fit in it (the common case: no copy); a line that straddles two
//! buffer fills is assembled in a carry buffer of at most [`MAX_LINE`] bytes.
//! A longer line is not kept at all: it is reported as [`Line::TooLong`] and
//! skipped up to its newline, so a 10 GB file without a newline reads in
//! constant memory. Bytes are not assumed to be UTF-8. A trailing `\r` is
//! dropped (logs copied from Windows).

use std::io::{self, BufRead};

/// Longest line kept, in bytes. Server log lines are a few hundred bytes;
/// nginx caps its own at 2048 (`NGX_MAX_ERROR_STR`), Apache at 8192.
pub const MAX_LINE: usize = 64 * 1024;

/// One line of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// A line without its newline.
    Text(&'a [u8]),
    /// A line longer than the limit (its bytes are gone).
    TooLong,
}

/// What reading a stream saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Lines (including too-long ones and an unterminated last line).
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// Calls `each` for every line of `reader`, with at most `max` bytes kept
/// per line. Returns the totals, or the first read error together with the
/// totals up to it.
pub fn for_each_line<R: BufRead + ?Sized>(
    reader: &mut R,
    max: usize,
    mut each: impl FnMut(Line<'_>),
) -> Result<Totals, (io::Error, Totals)> {
    let mut totals = Totals::default();
    let mut carry: Vec<u8> = Vec::new();
    let mut discarding = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err((e, totals)),
        };
        if buf.is_empty() {
            if discarding {
                totals.lines += 1;
                each(Line::TooLong);
            } else if !carry.is_empty() {
                totals.lines += 1;
                each(Line::Text(trim_cr(&carry)));
            }
            return Ok(totals);
        }
        let len = buf.len();
        totals.bytes += len as u64;
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', buf) {
            let piece = &buf[start..nl];
            totals.lines += 1;
            if discarding {
                discarding = false;
                each(Line::TooLong);
            } else if carry.is_empty() {
                if piece.len() > max {
                    each(Line::TooLong);
                } else {
                    each(Line::Text(trim_cr(piece)));
                }
            } else if carry.len() + piece.len() > max {
                carry.clear();
                each(Line::TooLong);
            } else {
                carry.extend_from_slice(piece);
                each(Line::Text(trim_cr(&carry)));
                carry.clear();
            }
            start = nl + 1;
        }
        let rest = &buf[start..];
        if !discarding {
            if carry.len() + rest.len() > max {
                carry = Vec::new();
                discarding = true;
            } else {
                carry.extend_from_slice(rest);
            }
        }
        reader.consume(len);
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    fn collect(data: &[u8], buffer: usize, max: usize) -> (Vec<Option<Vec<u8>>>, Totals) {
        let mut reader = BufReader::with_capacity(buffer, Cursor::new(data.to_vec()));
        let mut out = Vec::new();
        let totals = for_each_line(&mut reader, max, |l| {
            out.push(match l {
                Line::Text(t) => Some(t.to_vec()),
                Line::TooLong => None,
            })
        })
        .unwrap_or_else(|(_, t)| t);
        (out, totals)
    }

    #[test]
    fn lines_split_the_same_whatever_the_buffer_size() {
        let data = b"one\r\ntwo\n\nthree\nlast without newline";
        for buffer in [1, 2, 3, 7, 64, 4096] {
            let (lines, totals) = collect(data, buffer, 1000);
            let want: Vec<Option<Vec<u8>>> =
                [&b"one"[..], b"two", b"", b"three", b"last without newline"]
                    .iter()
                    .map(|l| Some(l.to_vec()))
                    .collect();
            assert_eq!(lines, want, "buffer {buffer}");
            assert_eq!(totals.lines, 5);
            assert_eq!(totals.bytes, data.len() as u64);
        }
    }

    #[test]
    fn over_long_lines_are_skipped_and_reading_goes_on() {
        let mut data = b"short\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 100));
        data.extend(b"\nafter\n");
        data.extend(std::iter::repeat_n(b'y', 100));
        for buffer in [4, 16, 1024] {
            let (lines, totals) = collect(&data, buffer, 50);
            assert_eq!(
                lines,
                vec![Some(b"short".to_vec()), None, Some(b"after".to_vec()), None],
                "buffer {buffer}"
            );
            assert_eq!(totals.lines, 4);
        }
    }

    #[test]
    fn empty_input_has_no_lines() {
        let (lines, totals) = collect(b"", 16, 10);
        assert!(lines.is_empty());
        assert_eq!(totals, Totals::default());
    }
}
