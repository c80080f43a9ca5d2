//! Shell completions and man pages, generated from the clap definitions so they can
//! never drift from the real flags. `bench generate all DIR` rewrites the committed
//! `completions/` and `man/`; a test fails when those are stale.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap_complete::Shell;

/// Options of the hidden `bench generate`.
#[derive(Debug, Clone, clap::Args)]
pub struct GenerateArgs {
    /// Folder that holds `completions/` and `man/`
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
}

/// Every generated file for the command line `cmd`: path relative to the project
/// root, and contents.
pub fn files(cmd: &clap::Command) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for (shell, name) in [
        (Shell::Bash, "bench.bash"),
        (Shell::Zsh, "_bench"),
        (Shell::Fish, "bench.fish"),
        (Shell::Elvish, "bench.elv"),
        (Shell::PowerShell, "_bench.ps1"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "bench", &mut buf);
        out.push((Path::new("completions").join(name), buf));
    }
    man_pages(cmd, "bench", &mut out);
    out
}

fn man_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let cmd = cmd
        .clone()
        .name(clap::builder::Str::from(name.to_owned()))
        .bin_name(name.replace('-', " "));
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .expect("rendering to a Vec cannot fail");
    out.push((Path::new("man").join(format!("{name}.1")), buf));
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}

/// Writes every generated file for `cmd` under `args.dir`.
pub fn run(args: &GenerateArgs, cmd: &clap::Command) -> Result<()> {
    for (rel, contents) in files(cmd) {
        let path = args.dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
