//! How results reach the operator: tables on a terminal, plain tab-separated text when
//! piped, JSON on request; colour only on a terminal and never with NO_COLOR.

use std::io::{self, IsTerminal, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table};
use serde::Serialize;

/// Whether stdout is a terminal (tables, progress bars) or a pipe (plain text).
pub fn stdout_is_tty() -> bool {
    io::stdout().is_terminal()
}

/// Whether stderr is a terminal (progress bars, prompts).
pub fn stderr_is_tty() -> bool {
    io::stderr().is_terminal()
}

/// Whether colour may be used on stdout.
pub fn color() -> bool {
    stdout_is_tty() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Rows with a header, printed as a table on a terminal and tab-separated otherwise.
pub struct Rows {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns never wrapped (ids must stay whole to be copied).
    whole: Vec<usize>,
}

/// Narrower than this, a terminal gets the table unwrapped rather than one character
/// per line (some report 0 columns).
const MIN_WIDTH: u16 = 40;

impl Rows {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(header: I) -> Rows {
        Rows {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            whole: Vec::new(),
        }
    }

    /// Keeps column `index` on one line: other columns wrap first, and if the row still
    /// does not fit, it runs past the terminal's edge.
    pub fn keep_whole(mut self, index: usize) -> Rows {
        self.whole.push(index);
        self
    }

    pub fn push<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, row: I) {
        self.rows.push(row.into_iter().map(Into::into).collect());
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the rows to stdout.
    ///
    /// # Errors
    /// Write errors, including a closed pipe (which the caller treats as success).
    pub fn print(&self) -> io::Result<()> {
        let mut out = io::stdout().lock();
        if stdout_is_tty() {
            let mut t = Table::new();
            let width = t.width().filter(|w| *w >= MIN_WIDTH);
            t.load_style(UTF8_FULL_CONDENSED).set_header(&self.header);
            match width {
                Some(w) => {
                    t.set_width(w)
                        .set_content_arrangement(ContentArrangement::Dynamic);
                }
                None => {
                    t.set_content_arrangement(ContentArrangement::Disabled);
                }
            }
            if !color() {
                t.force_no_tty();
            }
            for r in &self.rows {
                let mut row = comfy_table::Row::from(r);
                // Squeezed columns are cut, not wrapped: one job per line.
                if !self.whole.is_empty() {
                    row.max_height(1);
                }
                t.add_row(row);
            }
            for i in &self.whole {
                if let Some(c) = t.column_mut(*i) {
                    c.set_constraint(ColumnConstraint::ContentWidth);
                }
            }
            writeln!(out, "{t}")
        } else {
            writeln!(out, "{}", self.header.join("\t"))?;
            for r in &self.rows {
                writeln!(
                    out,
                    "{}",
                    r.iter()
                        .map(|c| c.replace(['\t', '\n'], " "))
                        .collect::<Vec<_>>()
                        .join("\t")
                )?;
            }
            Ok(())
        }
    }
}

/// Prints one JSON document on its own line.
pub fn json_line<T: Serialize>(value: &T) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, value).map_err(io::Error::other)?;
    writeln!(out)
}

/// Prints pretty JSON.
pub fn json_pretty<T: Serialize>(value: &T) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::other)?;
    writeln!(out)
}

/// Prints a line to stdout, surfacing a closed pipe as an error instead of panicking.
pub fn line(s: impl std::fmt::Display) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{s}")
}

/// `1 job`, `2 jobs`: a count with its noun in the right number.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Asks `question` on the terminal and says whether the answer was yes. Without a
/// terminal to ask on, a change is only made when the caller passed `--yes`: a script
/// must say so rather than have bench assume it.
///
/// # Errors
/// A usage error (exit 2) naming `--yes` when there is no terminal and `yes` is false;
/// an I/O error reading the answer.
pub fn confirm(question: &str, yes: bool) -> anyhow::Result<bool> {
    use std::io::BufRead as _;
    if yes {
        return Ok(true);
    }
    if !io::stdin().is_terminal() {
        return Err(crate::usage!(
            "{question} Not run from a terminal, so nothing was changed; pass --yes to go ahead without asking"
        )
        .into());
    }
    eprint!("{question} [y/N] ");
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES"))
}
