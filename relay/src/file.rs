//! Reading a whole file named on the command line or in a config (a
//! trust-anchor file, a targets file, the watch config, a saved scan
//! report): only a regular file, and at most a given number of bytes.
//!
//! A FIFO would block the open until a writer comes (and the read until it
//! closes), a character device such as `/dev/zero` would never end, a
//! directory cannot be read: each is refused with a [`FileError`] saying
//! what the path is, before it is opened — checked on the path's metadata
//! first, because opening a FIFO blocks, then again on the open handle, in
//! case the path changed in between. The size is checked on the metadata
//! and again while reading (a file may grow).
//!
//! Log files are not read here: `logs` streams its inputs, which may
//! legitimately be standard input or a pipe.
//!
//! A leaf module: it imports nothing from the crate, so both the settings
//! layer and the libraries (`logs`) may use it.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// What a path that is not a regular file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A named pipe.
    Fifo,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// A Unix socket.
    Socket,
    /// A directory.
    Directory,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// The kind of `meta`, which is not a regular file.
    fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let t = meta.file_type();
            if t.is_fifo() {
                return FileKind::Fifo;
            }
            if t.is_char_device() {
                return FileKind::CharDevice;
            }
            if t.is_block_device() {
                return FileKind::BlockDevice;
            }
            if t.is_socket() {
                return FileKind::Socket;
            }
        }
        if meta.is_dir() {
            FileKind::Directory
        } else {
            FileKind::Other
        }
    }

    /// The kind in words, with its article: `a FIFO`, `a directory`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Fifo => "a FIFO",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Directory => "a directory",
            FileKind::Other => "something else",
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file was not read. The text does not name the file: the caller
/// puts its flag or key and the path in front.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// It cannot be opened or read (missing, no permission).
    #[error("{0}")]
    Io(#[source] std::io::Error),
    /// It is not a regular file.
    #[error("not a regular file ({0})")]
    NotAFile(FileKind),
    /// It has more than `max` bytes.
    #[error("larger than {} MiB", .max / (1024 * 1024))]
    TooLarge {
        /// The limit, in bytes.
        max: u64,
    },
    /// It is not UTF-8 text ([`read_text`] only).
    #[error("not UTF-8 text")]
    NotText,
}

/// The bytes of `path`, a regular file of at most `max` bytes.
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, FileError> {
    // Checked before opening: opening a FIFO for reading blocks until a
    // writer comes.
    check(&std::fs::metadata(path).map_err(FileError::Io)?, max)?;
    let file = File::open(path).map_err(FileError::Io)?;
    check(&file.metadata().map_err(FileError::Io)?, max)?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(FileError::Io)?;
    if bytes.len() as u64 > max {
        return Err(FileError::TooLarge { max });
    }
    Ok(bytes)
}

/// The text of `path`, a regular file of at most `max` bytes of UTF-8.
pub fn read_text(path: &Path, max: u64) -> Result<String, FileError> {
    String::from_utf8(read(path, max)?).map_err(|_| FileError::NotText)
}

/// A regular file of at most `max` bytes.
fn check(meta: &Metadata, max: u64) -> Result<(), FileError> {
    if !meta.is_file() {
        return Err(FileError::NotAFile(FileKind::of(meta)));
    }
    if meta.len() > max {
        return Err(FileError::TooLarge { max });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_by_kind() {
        let kind = |p: &str| match read(Path::new(p), 1024) {
            Err(FileError::NotAFile(k)) => Some(k),
            _ => None,
        };
        assert_eq!(kind("/dev/zero"), Some(FileKind::CharDevice));
        assert_eq!(kind("/"), Some(FileKind::Directory));
        let e = read(Path::new("/dev/null"), 1024).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (a character device)");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Opening it would block this test forever: no writer comes.
        let e = read(&fifo, 1024).unwrap_err();
        assert!(matches!(e, FileError::NotAFile(FileKind::Fifo)), "{e}");
        assert_eq!(e.to_string(), "not a regular file (a FIFO)");
    }

    #[test]
    fn size_and_text_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read(&path, 5).unwrap(), b"12345");
        let e = read(&path, 4).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { max: 4 }), "{e}");
        std::fs::write(&path, vec![b'x'; 3 * 1024 * 1024]).unwrap();
        let e = read(&path, 2 * 1024 * 1024).unwrap_err();
        assert_eq!(e.to_string(), "larger than 2 MiB");
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert!(matches!(read_text(&path, 5), Err(FileError::NotText)));
        let e = read(&dir.path().join("missing"), 5).unwrap_err();
        assert!(matches!(e, FileError::Io(_)), "{e}");
    }
}
