//! A webhook receiver on 127.0.0.1 that collects the JSON bodies POSTed to
//! it (the alerts of `watch`) and answers 204.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// A webhook receiver on 127.0.0.1 collecting JSON bodies.
pub struct Hook {
    pub port: u16,
    got: Arc<Mutex<Vec<Value>>>,
}

impl Hook {
    pub fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while let Ok(n) = s.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(i) = text.find("\r\n\r\n") {
                        let len: usize = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse().unwrap())
                            })
                            .unwrap_or(0);
                        if buf.len() >= i + 4 + len {
                            let body = &buf[i + 4..i + 4 + len];
                            sink.lock()
                                .unwrap()
                                .push(serde_json::from_slice(body).unwrap());
                            let _ = s
                                .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
                            break;
                        }
                    }
                }
            }
        });
        Self { port, got }
    }

    pub fn alerts(&self) -> Vec<Value> {
        self.got.lock().unwrap().clone()
    }
}
