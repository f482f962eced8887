//! Bounds-checked byte cursor and length-prefixing writer shared by every
//! parser and encoder of the codec. Nothing here can panic: a read past the
//! end is an [`Error::Truncated`], and a value too long for its length prefix
//! is an [`Error::TooLong`] reported when the writer is finished.

use super::Error;

/// A read cursor over a borrowed byte slice.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// Whether every byte has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Error> {
        if n > self.buf.len() {
            return Err(Error::Truncated { what });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    /// The next `N` bytes as an array.
    pub(crate) fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], Error> {
        let bytes = self.take(N, what)?;
        <[u8; N]>::try_from(bytes).map_err(|_| Error::Truncated { what })
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, Error> {
        let [b] = self.array::<1>(what)?;
        Ok(b)
    }

    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array::<2>(what)?))
    }

    pub(crate) fn u24(&mut self, what: &'static str) -> Result<u32, Error> {
        let [a, b, c] = self.array::<3>(what)?;
        Ok(u32::from_be_bytes([0, a, b, c]))
    }

    /// A vector with a `width`-byte big-endian length prefix (width 1, 2 or 3).
    pub(crate) fn vec(&mut self, width: usize, what: &'static str) -> Result<&'a [u8], Error> {
        let len = match width {
            1 => usize::from(self.u8(what)?),
            2 => usize::from(self.u16(what)?),
            _ => usize::try_from(self.u24(what)?).map_err(|_| Error::Truncated { what })?,
        };
        self.take(len, what)
    }

    /// A `u8`-length-prefixed vector.
    pub(crate) fn vec8(&mut self, what: &'static str) -> Result<&'a [u8], Error> {
        self.vec(1, what)
    }

    /// A `u16`-length-prefixed vector.
    pub(crate) fn vec16(&mut self, what: &'static str) -> Result<&'a [u8], Error> {
        self.vec(2, what)
    }

    /// A `u24`-length-prefixed vector.
    pub(crate) fn vec24(&mut self, what: &'static str) -> Result<&'a [u8], Error> {
        self.vec(3, what)
    }

    /// Fails with [`Error::TrailingData`] unless every byte has been read.
    pub(crate) fn finish(&self, what: &'static str) -> Result<(), Error> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(Error::TrailingData { what })
        }
    }
}

/// Reads a list of big-endian `u16` values filling `bytes` exactly.
pub(crate) fn u16_list(bytes: &[u8], what: &'static str) -> Result<Vec<u16>, Error> {
    let chunks = bytes.chunks_exact(2);
    if !chunks.remainder().is_empty() {
        return Err(Error::InvalidValue { what });
    }
    Ok(chunks
        .map(|pair| match *pair {
            [hi, lo] => u16::from_be_bytes([hi, lo]),
            _ => 0,
        })
        .collect())
}

/// Reads a list of big-endian 24-bit values filling `bytes` exactly.
pub(crate) fn u24_list(bytes: &[u8], what: &'static str) -> Result<Vec<u32>, Error> {
    let chunks = bytes.chunks_exact(3);
    if !chunks.remainder().is_empty() {
        return Err(Error::InvalidValue { what });
    }
    Ok(chunks
        .map(|triple| match *triple {
            [a, b, c] => u32::from_be_bytes([0, a, b, c]),
            _ => 0,
        })
        .collect())
}

/// An append-only encoder. Length prefixes are back-filled; a length that
/// does not fit its prefix is remembered and reported by [`Writer::finish`].
#[derive(Debug, Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
    err: Option<Error>,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records the first error; later ones are dropped.
    pub(crate) fn fail(&mut self, err: Error) {
        if self.err.is_none() {
            self.err = Some(err);
        }
    }

    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub(crate) fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// Writes the low 24 bits of `v`; a larger value is an error.
    pub(crate) fn u24(&mut self, v: u32, what: &'static str) {
        if v > 0x00FF_FFFF {
            self.fail(Error::TooLong {
                what,
                length: usize::try_from(v).unwrap_or(usize::MAX),
                max: 0x00FF_FFFF,
            });
        }
        let [_, a, b, c] = v.to_be_bytes();
        self.buf.extend_from_slice(&[a, b, c]);
    }

    pub(crate) fn bytes(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Writes a `width`-byte length prefix (1, 2 or 3) followed by whatever
    /// `body` writes.
    pub(crate) fn nested(
        &mut self,
        width: usize,
        what: &'static str,
        body: impl FnOnce(&mut Self),
    ) {
        let start = self.buf.len();
        self.buf.resize(start.saturating_add(width), 0);
        body(self);
        let len = self.buf.len().saturating_sub(start).saturating_sub(width);
        let max = max_for_width(width);
        if len > max {
            self.fail(Error::TooLong {
                what,
                length: len,
                max,
            });
            return;
        }
        let be = len.to_be_bytes();
        let src = be.get(be.len().saturating_sub(width)..);
        let dst = self.buf.get_mut(start..start.saturating_add(width));
        if let (Some(src), Some(dst)) = (src, dst) {
            dst.copy_from_slice(src);
        }
    }

    /// A vector with a `width`-byte length prefix.
    pub(crate) fn vec(&mut self, width: usize, what: &'static str, data: &[u8]) {
        self.nested(width, what, |w| w.bytes(data));
    }

    pub(crate) fn vec8(&mut self, what: &'static str, data: &[u8]) {
        self.vec(1, what, data);
    }

    pub(crate) fn vec16(&mut self, what: &'static str, data: &[u8]) {
        self.vec(2, what, data);
    }

    pub(crate) fn vec24(&mut self, what: &'static str, data: &[u8]) {
        self.vec(3, what, data);
    }

    /// The bytes written, or the first error met.
    pub(crate) fn finish(self) -> Result<Vec<u8>, Error> {
        match self.err {
            Some(err) => Err(err),
            None => Ok(self.buf),
        }
    }
}

/// The largest length a `width`-byte prefix can carry.
pub(crate) fn max_for_width(width: usize) -> usize {
    match width {
        1 => 0xFF,
        2 => 0xFFFF,
        _ => 0x00FF_FFFF,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn reader_reads_and_bounds_checks() {
        let mut r = Reader::new(&[1, 0, 2, 0, 0, 3, 2, 9, 9, 7]);
        assert_eq!(r.u8("a").unwrap(), 1);
        assert_eq!(r.u16("b").unwrap(), 2);
        assert_eq!(r.u24("c").unwrap(), 3);
        assert_eq!(r.vec8("d").unwrap(), &[9, 9]);
        assert!(r.finish("x").is_err());
        assert_eq!(r.u16("e"), Err(Error::Truncated { what: "e" }));
        assert_eq!(r.rest(), &[7]);
        assert!(r.is_empty());
        assert!(r.finish("x").is_ok());
    }

    #[test]
    fn writer_back_fills_and_reports_overflow() {
        let mut w = Writer::new();
        w.nested(2, "outer", |w| {
            w.vec8("inner", &[1, 2, 3]);
            w.u24(5, "n");
        });
        assert_eq!(w.finish().unwrap(), vec![0, 7, 3, 1, 2, 3, 0, 0, 5]);

        let mut w = Writer::new();
        w.vec8("big", &[0; 256]);
        assert_eq!(
            w.finish(),
            Err(Error::TooLong {
                what: "big",
                length: 256,
                max: 255
            })
        );
        let mut w = Writer::new();
        w.u24(1 << 24, "u24");
        assert!(w.finish().is_err());
    }

    #[test]
    fn lists() {
        assert_eq!(u16_list(&[0, 1, 0xC0, 0x2F], "l").unwrap(), vec![1, 0xC02F]);
        assert!(u16_list(&[0, 1, 2], "l").is_err());
        assert_eq!(u24_list(&[1, 0, 0x80], "l").unwrap(), vec![0x010080]);
        assert!(u24_list(&[1, 0], "l").is_err());
    }
}
