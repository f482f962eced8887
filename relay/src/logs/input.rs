//! Opening the logs: files (plain or gzip, told apart by their first bytes,
//! so rotated `error.log.2.gz` and a renamed file both work) and standard
//! input (`-`, plain or gzip too). Everything is read as a stream through a
//! fixed buffer: memory does not grow with the file.
//!
//! Other compressions (zstd, xz, bzip2) are refused with a one-line error
//! that says how to feed them through standard input instead of being read
//! as garbage.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;
use serde::Serialize;

/// Read buffer size: large enough that the line splitter rarely copies.
pub const BUFFER: usize = 256 * 1024;

/// One log to read, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file.
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Source {
    /// `-` is standard input, anything else a path.
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            Source::Stdin
        } else {
            Source::Path(PathBuf::from(arg))
        }
    }

    /// The name used in reports and errors.
    pub fn name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Stdin => "-".to_owned(),
        }
    }
}

/// How an input was stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    /// Plain text.
    None,
    /// gzip (one or several members, as `logrotate` and `cat a.gz b.gz` make).
    Gzip,
}

impl Compression {
    /// `none` or `gzip`.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
        }
    }
}

/// An opened input.
pub struct Opened {
    /// The decompressed byte stream.
    pub reader: Box<dyn BufRead>,
    /// How it was stored.
    pub compression: Compression,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("compression", &self.compression)
            .finish_non_exhaustive()
    }
}

/// Opens `source` and detects its compression.
pub fn open(source: &Source) -> io::Result<Opened> {
    match source {
        Source::Stdin => detect(Box::new(BufReader::with_capacity(BUFFER, io::stdin()))),
        Source::Path(path) => open_path(path),
    }
}

fn open_path(path: &Path) -> io::Result<Opened> {
    let file = File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    detect(Box::new(BufReader::with_capacity(BUFFER, file)))
}

/// Wraps `reader` in a gzip decoder when it starts with the gzip magic.
pub fn detect(mut reader: Box<dyn BufRead>) -> io::Result<Opened> {
    let head = peek(&mut reader, 6)?;
    if let Some(name) = unsupported_compression(&head) {
        return Err(io::Error::other(format!(
            "compressed with {name}, which is not read directly; decompress it and pipe it to `tlslens-relay logs -`"
        )));
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        let gz = MultiGzDecoder::new(reader);
        return Ok(Opened {
            reader: Box::new(BufReader::with_capacity(BUFFER, gz)),
            compression: Compression::Gzip,
        });
    }
    Ok(Opened {
        reader,
        compression: Compression::None,
    })
}

/// Up to `n` first bytes, without consuming them (what one `fill_buf`
/// returns: the magic numbers looked at are at most 6 bytes).
fn peek(reader: &mut Box<dyn BufRead>, n: usize) -> io::Result<Vec<u8>> {
    let buf = reader.fill_buf()?;
    Ok(buf[..buf.len().min(n)].to_vec())
}

fn unsupported_compression(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some("zstd")
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        Some("xz")
    } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        Some("bzip2")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn read_all(bytes: Vec<u8>) -> io::Result<(Compression, Vec<u8>)> {
        let mut opened = detect(Box::new(io::Cursor::new(bytes)))?;
        let mut out = Vec::new();
        opened.reader.read_to_end(&mut out)?;
        Ok((opened.compression, out))
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).ok();
        e.finish().unwrap_or_default()
    }

    #[test]
    fn plain_and_gzip_and_concatenated_gzip_read_the_same() {
        let plain = b"line one\nline two\n".to_vec();
        assert_eq!(
            read_all(plain.clone()).ok(),
            Some((Compression::None, plain.clone()))
        );
        assert_eq!(
            read_all(gzip(&plain)).ok(),
            Some((Compression::Gzip, plain.clone()))
        );
        let mut two = gzip(b"line one\n");
        two.extend(gzip(b"line two\n"));
        assert_eq!(read_all(two).ok(), Some((Compression::Gzip, plain)));
    }

    #[test]
    fn other_compressions_are_refused_by_name() {
        for (magic, name) in [
            (vec![0x28, 0xb5, 0x2f, 0xfd, 0, 0], "zstd"),
            (vec![0xfd, b'7', b'z', b'X', b'Z', 0], "xz"),
            (b"BZh91AY&SY".to_vec(), "bzip2"),
        ] {
            let err = read_all(magic)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn truncated_gzip_is_an_error_not_a_panic() {
        let mut gz = gzip(&b"x".repeat(100_000));
        gz.truncate(gz.len() / 2);
        assert!(read_all(gz).is_err());
        assert_eq!(
            read_all(Vec::new()).ok(),
            Some((Compression::None, Vec::new()))
        );
    }
}
