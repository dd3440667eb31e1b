//! Opening `FILE` (or `-` for standard input) and telling its format.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use crate::rows::Format;

/// The input named on the command line.
pub struct Input {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    /// CSV or NDJSON.
    pub format: Format,
}

impl Input {
    /// Resolves `FILE` and `--format`: the format comes from `--format`,
    /// else from the file's extension; standard input needs `--format`.
    pub fn new(file: &str, format: Option<Format>) -> Result<Input, String> {
        let path = (file != "-").then(|| PathBuf::from(file));
        let format = match (format, &path) {
            (Some(f), _) => f,
            (None, None) => {
                return Err(
                    "reading standard input (-) needs --format csv or --format ndjson".into(),
                )
            }
            (None, Some(_)) => Format::from_path(file).ok_or_else(|| {
                format!(
                    "cannot tell the format of {file} from its extension (.csv, .ndjson, .jsonl): give --format csv or --format ndjson"
                )
            })?,
        };
        Ok(Input { path, format })
    }

    /// Opens the input for one pass.
    pub fn open(&self) -> Result<Box<dyn Read + Send>, String> {
        match &self.path {
            None => Ok(Box::new(io::stdin())),
            Some(p) => match File::open(p) {
                Ok(f) if f.metadata().is_ok_and(|m| m.is_dir()) => Err(format!(
                    "{} is a directory, not a file of events",
                    p.display()
                )),
                Ok(f) => Ok(Box::new(f)),
                Err(e) => Err(format!("cannot open {}: {e}", p.display())),
            },
        }
    }

    /// The file's size in bytes (for the progress bar), if it is a file.
    pub fn size(&self) -> Option<u64> {
        self.path
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
    }

    /// How the input is named in messages.
    pub fn name(&self) -> String {
        match &self.path {
            None => "standard input".into(),
            Some(p) => p.display().to_string(),
        }
    }
}
