//! hyper answers a request it cannot parse by itself, before the router sees
//! anything: `400` (malformed), `414` (target too long) or `431` (head over
//! the size or header-count bound), each with an empty body and `connection:
//! close`. [`JsonAutoReplies`] wraps a connection's I/O and rewrites exactly
//! those answers into the relay's one JSON error ([`AppError`]), so every
//! error a client can get has the same shape.
//!
//! An answer is rewritten only when its bytes are a complete head of one of
//! those statuses with `content-length: 0`, `connection: close` and no
//! `content-type` — the router's answers always carry a JSON body, so they
//! never match.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::StatusCode;
use hyper::rt::{Read, ReadBufCursor, Write};

use super::error::AppError;

/// The I/O of one connection, with hyper's automatic error answers made
/// JSON.
#[derive(Debug)]
pub struct JsonAutoReplies<T> {
    inner: T,
    /// A rewritten answer being written, and how many bytes of hyper's
    /// buffer it stands for.
    pending: Option<Rewrite>,
}

#[derive(Debug)]
struct Rewrite {
    bytes: Vec<u8>,
    written: usize,
    stands_for: usize,
}

impl<T> JsonAutoReplies<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

/// The JSON answer for `head`, when `head` is one of hyper's automatic
/// error answers.
pub fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let rest = text.strip_prefix("HTTP/1.1 ")?;
    let (lines, after) = rest.split_once("\r\n\r\n")?;
    if !after.is_empty() {
        return None;
    }
    let code: u16 = rest.get(..3)?.parse().ok()?;
    let status = StatusCode::from_u16(code).ok()?;
    if !matches!(code, 400 | 414 | 431) {
        return None;
    }
    let mut headers = lines.split("\r\n").skip(1);
    let lower: Vec<String> = headers.clone().map(str::to_ascii_lowercase).collect();
    let has = |line: &str| lower.iter().any(|l| l == line);
    if !has("content-length: 0")
        || !has("connection: close")
        || lower.iter().any(|l| l.starts_with("content-type:"))
    {
        return None;
    }
    let body = AppError::for_status(status).body().to_string();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncache-control: no-store\r\nconnection: close\r\ncontent-length: {}\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    if let Some(date) = headers.find(|l| l.to_ascii_lowercase().starts_with("date:")) {
        out.push_str(date);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&body);
    Some(out.into_bytes())
}

impl<T: Write + Unpin> JsonAutoReplies<T> {
    /// Writes the pending rewrite to the end; `Ready(Ok(n))` with the length
    /// of the buffer it replaced.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let Some(p) = self.pending.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        while p.written < p.bytes.len() {
            let rest = p.bytes.get(p.written..).unwrap_or_default();
            match Pin::new(&mut self.inner).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => p.written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = p.stands_for;
        self.pending = None;
        Poll::Ready(Ok(n))
    }
}

impl<T: Read + Unpin> Read for JsonAutoReplies<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: Write + Unpin> Write for JsonAutoReplies<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            if let Some(bytes) = rewrite(buf) {
                this.pending = Some(Rewrite {
                    bytes,
                    written: 0,
                    stands_for: buf.len(),
                });
            }
        }
        if this.pending.is_some() {
            return this.drive(cx);
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let first = bufs.iter().find(|b| !b.is_empty());
        if let Some(first) = first {
            if this.pending.is_some() || rewrite(first).is_some() {
                return Pin::new(this).poll_write(cx, first);
            }
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pending.is_some() {
            if let Poll::Ready(Err(e)) = this.drive(cx) {
                return Poll::Ready(Err(e));
            }
            if this.pending.is_some() {
                return Poll::Pending;
            }
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hyper_answers_become_json() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: Mon, 30 Nov 2026 13:05:06 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite(head).unwrap()).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(head.contains("\r\ncontent-type: application/json\r\n"));
        assert!(head.contains("\r\ndate: Mon, 30 Nov 2026 13:05:06 GMT"));
        assert!(head.contains(&format!("\r\ncontent-length: {}", body.len())));
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["code"], "headers_too_large");
        let bad = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
        assert!(String::from_utf8(rewrite(bad).unwrap())
            .unwrap()
            .contains("\"bad_input\""));
    }

    #[test]
    fn other_answers_are_left_alone() {
        for head in [
            // The router's answers carry JSON.
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            // A body follows in the same buffer.
            b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n{}",
            // Kept alive, or with a length.
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 2\r\n\r\n",
            b"data: {}\n\n",
        ] {
            assert!(rewrite(head).is_none(), "{}", String::from_utf8_lossy(head));
        }
    }
}
