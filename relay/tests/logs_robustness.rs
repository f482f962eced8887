//! `logs` never panics and never gives up on bad input: every truncation of
//! real log lines, random byte flips, random binary, invalid UTF-8, NUL
//! bytes, a 1 MB line and a line with no end, corrupt gzip. Deterministic
//! (a fixed xorshift seed), so a failure reproduces.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;

use tlslens_relay::logs::{self, LogsFlags, LogsReport, LogsSettings};

const NOW: i64 = 1_796_083_200; // 2026-12-01T00:00:00Z

/// Real lines of every recognised shape.
const SAMPLES: [&str; 9] = [
    "2026/11/30 11:58:39 [info] 12555#12555: *1 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 192.0.2.7, server: 0.0.0.0:443",
    "2026/11/30 11:58:40 [info] 12555#12555: *7 handshake rejected while SSL handshaking, client: 2001:db8::1, server: [::]:443",
    "2026/11/30 11:58:40 [info] 1#1: *8 client sent plain HTTP request to HTTPS port while reading client request headers, client: 192.0.2.3, server: localhost, request: \"GET / HTTP/1.0\"",
    "[Mon Nov 30 12:00:05.083758 2026] [ssl:info] [pid 15188:tid 15246] [client 127.0.0.1:56740] AH02008: SSL library error 1 in handshake (server localhost:443)",
    "[Mon Nov 30 12:00:05.083772 2026] [ssl:info] [pid 15188:tid 15246] SSL Library Error: error:0A000418:SSL routines::tlsv1 alert unknown ca (SSL alert number 48)",
    "[Mon Nov 30 12:00:17.215234 2026] [ssl:info] [pid 15782:tid 15785] [client 127.0.0.1:43308] AH02033: No hostname was provided via SNI for a name based virtual host",
    "<134>Nov 30 12:00:22 localhost haproxy[16153]: 127.0.0.1:38494 [30/Nov/2026:12:00:22.785] fe/1: SSL handshake failure (error:0A0000C1:SSL routines::no shared cipher)",
    "<134>1 2026-11-30T12:00:22.123Z localhost haproxy 16153 - [a b=\"c\"] ::1:1 [30/Nov/2026:12:00:22.785] fe/1: Timeout during SSL handshake",
    "2026-11-30T12:00:22+0100 web nginx: 2026/11/30 11:58:39 [crit] 5#5: *1 SSL_do_handshake() failed (SSL: error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:SSL alert number 48) while SSL handshaking, client: 192.0.2.7, server: x",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn settings(files: &[&Path]) -> LogsSettings {
    let flags = LogsFlags {
        files: files.iter().map(|f| f.display().to_string()).collect(),
        json: true,
        since: None,
        timezone: Some("UTC".into()),
        top: 5,
        scan_report: None,
    };
    LogsSettings::from_flags(&flags, NOW, false).unwrap()
}

fn analyse(files: &[&Path]) -> (LogsReport, usize) {
    let mut err = Vec::new();
    logs::analyse(&settings(files), &mut err)
}

fn sane(r: &LogsReport) {
    assert!(
        r.failures <= r.lines.total + 1,
        "{} > {}",
        r.failures,
        r.lines.total
    );
    assert!(r.lines.unrecognised <= r.lines.total);
    let sum: u64 = r.causes.iter().map(|c| c.count).sum();
    assert_eq!(sum, r.failures);
    // Both renderings work on whatever was found.
    assert!(logs::render::json(r).starts_with('{'));
    assert!(!logs::render::human(r, true).is_empty());
}

#[test]
fn every_truncation_and_byte_flip_of_real_lines_is_handled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mutated.log");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut data = Vec::new();
    for sample in SAMPLES {
        let b = sample.as_bytes();
        for cut in 0..=b.len() {
            data.extend_from_slice(&b[..cut]);
            data.push(b'\n');
            data.extend_from_slice(&b[cut..]);
            data.push(b'\n');
        }
        for _ in 0..400 {
            let mut m = b.to_vec();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(m.len());
                m[i] = rng.next() as u8;
            }
            data.extend_from_slice(&m);
            data.push(b'\n');
        }
    }
    std::fs::write(&path, &data).unwrap();
    let (report, unreadable) = analyse(&[&path]);
    assert_eq!(unreadable, 0);
    sane(&report);
    assert!(report.failures > 0);
}

#[test]
fn random_binary_long_lines_and_invalid_utf8_are_unrecognised_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(42);
    let mut data = Vec::new();
    for _ in 0..2000 {
        let len = rng.below(300);
        data.extend((0..len).map(|_| rng.next() as u8));
        data.push(b'\n');
    }
    data.extend(b"\xff\xfe\xfd invalid utf-8 \xc3\x28\n");
    data.extend(b"2026/11/30 11:58:39 [info] 1#1: *1 handshake rejected while SSL handshaking, client: \xff\xfe, server: \x00\n");
    data.extend(std::iter::repeat_n(b'A', 1 << 20));
    data.push(b'\n');
    data.extend(SAMPLES[0].as_bytes());
    data.push(b'\n');
    data.extend(std::iter::repeat_n(b'B', 300_000)); // no final newline
    let path = dir.path().join("binary.log");
    std::fs::write(&path, &data).unwrap();
    let (report, unreadable) = analyse(&[&path]);
    assert_eq!(unreadable, 0);
    sane(&report);
    assert_eq!(report.lines.too_long, 2);
    assert_eq!(report.failures, 2, "the two real failures still count");
    assert!(report.lines.unrecognised > 1000);
}

#[test]
fn corrupt_gzip_is_an_error_for_that_file_only() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.log");
    std::fs::write(&good, format!("{}\n", SAMPLES[0])).unwrap();
    let bad = dir.path().join("bad.log.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for _ in 0..10_000 {
        writeln!(gz, "{}", SAMPLES[6]).unwrap();
    }
    let mut bytes = gz.finish().unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 64].fill(0x55);
    std::fs::write(&bad, &bytes).unwrap();
    let junk = dir.path().join("junk.gz");
    std::fs::write(&junk, b"\x1f\x8b\x08\x00garbage").unwrap();
    let (report, unreadable) = analyse(&[&bad, &junk, &good]);
    assert_eq!(unreadable, 2);
    sane(&report);
    assert!(report.inputs[0].error.is_some());
    assert!(report.inputs[1].error.is_some());
    assert!(report.inputs[2].error.is_none());
    assert_eq!(report.causes[0].count, 1, "the good file's failure counts");
}
