//! Reading a trust-anchor file (`--ca-file`, `ca_file`): only a regular file
//! (a FIFO would block the open or the read forever, `/dev/zero` would never
//! end), at most [`MAX_CA_FILE`] bytes — both through [`crate::file`] —
//! PEM text whose every certificate block must decode and parse — a bad
//! block is reported with its number and line, never skipped.

use std::path::Path;

use tlslens_core::Der;

use super::error::{BadBlock, BadBlocks, BlockProblem, Problem, SettingError};
use super::name::Name;
use crate::file::{self, FileError};

/// The largest trust-anchor file read (the whole Mozilla bundle is about
/// 0.2 MiB).
pub const MAX_CA_FILE: u64 = 4 * 1024 * 1024;

/// PEM labels read as certificates; other blocks (keys, CRLs) are skipped.
const CERT_LABELS: [&str; 3] = ["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"];

/// Reads extra trust anchors from `path`, the value of `name`.
pub fn load_anchors(name: Name, path: &Path) -> Result<Vec<Der>, SettingError> {
    let shown = path.display().to_string();
    let text = match file::read_text(path, MAX_CA_FILE) {
        Ok(text) => text,
        Err(FileError::NotText) => {
            return Err(SettingError::invalid(name, &shown, Problem::NotPem))
        }
        Err(e) => return Err(SettingError::file(name, path, e)),
    };
    let (certs, bad) = read_pem(&text);
    if !bad.is_empty() {
        return Err(SettingError::invalid(
            name,
            &shown,
            Problem::BadPem(BadBlocks(bad)),
        ));
    }
    if certs.is_empty() {
        return Err(SettingError::invalid(name, &shown, Problem::NoCertificate));
    }
    Ok(certs)
}

/// The certificates of PEM `text` and its unusable blocks. Text outside the
/// blocks (comments, as in CA bundles) is ignored; blocks that are not
/// certificates (keys) are skipped but counted.
pub fn read_pem(text: &str) -> (Vec<Der>, Vec<BadBlock>) {
    const BEGIN: &str = "-----BEGIN ";
    let mut certs = Vec::new();
    let mut bad = Vec::new();
    let mut number = 0;
    let mut offset = 0;
    while let Some(found) = text.get(offset..).and_then(|t| t.find(BEGIN)) {
        number += 1;
        let start = offset + found;
        let line = line_of(text, start);
        let after = &text[start + BEGIN.len()..];
        let block = after.find("-----").and_then(|label_end| {
            let label = &after[..label_end];
            let body = &after[label_end + 5..];
            let end = format!("-----END {label}-----");
            let body_end = body.find(&end)?;
            let used = BEGIN.len() + label_end + 5 + body_end + end.len();
            Some((label, &body[..body_end], used))
        });
        let Some((label, body, used)) = block else {
            bad.push(BadBlock {
                number,
                line,
                problem: BlockProblem::Unclosed,
            });
            break;
        };
        offset = start + used;
        if !CERT_LABELS.contains(&label) {
            continue;
        }
        match tlslens_core::der::decode_base64(body) {
            None => bad.push(BadBlock {
                number,
                line,
                problem: BlockProblem::NotBase64,
            }),
            Some(der) => match tlslens_core::cert::parse(&der) {
                Ok(_) => certs.push(Der(der)),
                Err(why) => bad.push(BadBlock {
                    number,
                    line,
                    problem: BlockProblem::NotCertificate(why),
                }),
            },
        }
    }
    (certs, bad)
}

/// The 1-based line of byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |t| t.bytes().filter(|b| *b == b'\n').count())
        + 1
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::settings::name::Setting;

    fn pem(der: &[u8]) -> String {
        tlslens_core::der::to_pem(der)
    }

    #[test]
    fn bad_blocks_are_numbered_with_their_line() {
        let text = format!(
            "# a bundle\n{}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n{}-----BEGIN CERTIFICATE-----\nMIIB\n",
            pem(&[0x30, 0x03, 0x02, 0x01, 0x01]),
            pem(&[0x30, 0x00]),
        );
        let (certs, bad) = read_pem(&text);
        assert!(certs.is_empty());
        let got: Vec<String> = bad.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(
            got[0].starts_with("block 1 (line 2): not a valid X.509 certificate"),
            "{got:?}"
        );
        assert_eq!(got[1], "block 3 (line 8): not base64");
        assert!(
            got[2].starts_with("block 4 (line 11): not a valid X.509"),
            "{got:?}"
        );
        assert_eq!(got[3], "block 5 (line 14): no END line");
    }

    #[test]
    fn files_that_are_not_regular_are_refused_without_reading() {
        let name = || Name::Flag(Setting::CaFile);
        let e = load_anchors(name(), Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--ca-file \"/dev/zero\": not a regular file (a character device)"
        );
        let e = load_anchors(name(), Path::new("/")).unwrap_err();
        assert!(e.to_string().ends_with("(a directory)"), "{e}");
        let e = load_anchors(name(), Path::new("/nonexistent/ca.pem")).unwrap_err();
        assert!(e.to_string().contains("cannot read it"), "{e}");
    }

    #[test]
    fn size_is_capped() {
        let dir = std::env::temp_dir().join(format!("tlslens-anchors-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.pem");
        std::fs::write(&big, vec![b'#'; (MAX_CA_FILE + 1) as usize]).unwrap();
        let e = load_anchors(Name::Key(Setting::CaFile), &big).unwrap_err();
        assert!(e.to_string().ends_with("larger than 4 MiB"), "{e}");
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "# nothing\n").unwrap();
        let e = load_anchors(Name::Key(Setting::CaFile), &empty).unwrap_err();
        assert!(e.to_string().ends_with("no PEM certificate in it"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
