//! The targets of a `scan` run: the arguments, then `--targets-file` — one
//! `HOST[:PORT]` a line, `#` starting a comment (at the start of a line or
//! after a blank), blank lines skipped. A line that is not a target is a
//! [`SettingError::TargetsFile`] naming the file and the line.

use std::path::Path;

use super::error::{LineProblem, SettingError};
use super::name::Name;
use crate::resolve::{parse_target, TargetSpec};

/// The flag, as errors name it.
pub const TARGETS_FILE: &str = "--targets-file";

/// The largest targets file read: a regular file (not a pipe or a device,
/// see [`crate::file`]) of at most 4 MiB — [`MAX_TARGETS`] lines with room
/// for comments.
pub const MAX_TARGETS_FILE: u64 = 4 * 1024 * 1024;

/// Targets in one run at most (a file of a million lines is a mistake).
pub const MAX_TARGETS: usize = 10_000;

/// The arguments' targets, then the file's, in the order given.
pub fn targets(args: &[String], file: Option<&Path>) -> Result<Vec<TargetSpec>, SettingError> {
    let mut out = args
        .iter()
        .map(|a| parse_target(a).map_err(SettingError::from))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(path) = file {
        let text = crate::file::read_text(path, MAX_TARGETS_FILE)
            .map_err(|e| SettingError::file(Name::Path(TARGETS_FILE.into()), path, e))?;
        let from_file = parse_targets_file(&text, path)?;
        if from_file.is_empty() {
            return Err(SettingError::NoTargets {
                path: path.to_owned(),
            });
        }
        out.extend(from_file);
    }
    if out.len() > MAX_TARGETS {
        return Err(SettingError::TooManyTargets {
            count: out.len(),
            max: MAX_TARGETS,
        });
    }
    Ok(out)
}

/// The targets of a targets file's `text` (`path` is for the errors).
pub fn parse_targets_file(text: &str, path: &Path) -> Result<Vec<TargetSpec>, SettingError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let error = |problem: LineProblem| SettingError::TargetsFile {
            path: path.to_owned(),
            line: i + 1,
            text: line.to_owned(),
            problem,
        };
        if line.split_whitespace().nth(1).is_some() {
            return Err(error(LineProblem::SeveralWords));
        }
        out.push(parse_target(line).map_err(|e| error(LineProblem::Target(e)))?);
    }
    Ok(out)
}

/// The line up to its comment: `#` at the start or after whitespace.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let at = (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()));
    match at {
        Some(i) => &line[..i],
        None => line,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<String>, String> {
        parse_targets_file(text, Path::new("targets.txt"))
            .map(|v| v.iter().map(|t| format!("{}:{}", t.host, t.port)).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn comments_blank_lines_and_ports() {
        let text = "# our endpoints\n\nexample.com\n  shop.example:8443   # the shop\n\t\n[2001:db8::1]:443\nhttps://api.example/health\n";
        assert_eq!(
            parse(text).unwrap(),
            [
                "example.com:443",
                "shop.example:8443",
                "2001:db8::1:443",
                "api.example:443"
            ]
        );
        assert_eq!(parse("").unwrap(), Vec::<String>::new());
        assert_eq!(parse("# only\n#comments\n").unwrap(), Vec::<String>::new());
        // Windows line ends.
        assert_eq!(parse("a.example\r\nb.example\r\n").unwrap().len(), 2);
    }

    #[test]
    fn a_bad_line_names_the_file_and_the_line() {
        assert_eq!(
            parse("ok.example\n# fine\nexample.com:99999\n").unwrap_err(),
            "--targets-file targets.txt line 3: \"example.com:99999\": invalid port \"99999\" in example.com:99999"
        );
        assert_eq!(
            parse("a.example b.example\n").unwrap_err(),
            "--targets-file targets.txt line 1: \"a.example b.example\": expected one HOST[:PORT] per line"
        );
        assert!(parse("ftp://x.example\n")
            .unwrap_err()
            .starts_with("--targets-file targets.txt line 1: "));
        assert!(parse("exa_mple..com\n").is_err());
    }

    #[test]
    fn a_hash_inside_a_word_is_not_a_comment() {
        // `#` only starts a comment at the start or after a blank, so a URL
        // fragment stays part of the word (and the URL parser drops it).
        assert_eq!(
            parse("https://x.example/#top\n").unwrap(),
            ["x.example:443"]
        );
    }

    #[test]
    fn arguments_come_first_and_files_must_name_targets() {
        let dir = std::env::temp_dir().join(format!("tlslens-targets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.txt");
        std::fs::write(&file, "b.example\n").unwrap();
        let got = targets(&["a.example:8443".to_owned()], Some(&file)).unwrap();
        let hosts: Vec<&str> = got.iter().map(|t| t.host.as_str()).collect();
        assert_eq!(hosts, ["a.example", "b.example"]);
        std::fs::write(&file, "# nothing\n").unwrap();
        let e = targets(&[], Some(&file)).unwrap_err().to_string();
        assert!(e.contains("no targets in"), "{e}");
        let e = targets(&[], Some(&dir.join("missing.txt")))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--targets-file "), "{e}");
        assert!(e.contains("cannot read it"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_targets_file_that_is_not_a_regular_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("targets.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let e = targets(&[], Some(&fifo)).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "--targets-file {:?}: not a regular file (a FIFO)",
                fifo.display().to_string()
            )
        );
        let e = targets(&[], Some(Path::new("/dev/zero"))).unwrap_err();
        assert!(e.to_string().ends_with("(a character device)"), "{e}");
    }
}
