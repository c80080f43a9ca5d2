//! The committed completions and man pages must match what the clap definitions
//! generate. Regenerate with `cargo run -- generate` (or BENCH_UPDATE_GENERATED=1).

use std::path::Path;

#[test]
fn completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("BENCH_UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    let mut expected = std::collections::BTreeSet::new();
    for (rel, contents) in
        bench::generate::files(&<bench::cli::Cli as clap::CommandFactory>::command())
    {
        let path = root.join(&rel);
        expected.insert(rel.clone());
        if std::fs::read(&path).ok().as_deref() != Some(&contents[..]) {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &contents).unwrap();
            } else {
                stale.push(rel.display().to_string());
            }
        }
    }
    for dir in ["completions", "man"] {
        for entry in std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let rel = Path::new(dir).join(entry.file_name());
            if !expected.contains(&rel) {
                if update {
                    std::fs::remove_file(entry.path()).unwrap();
                } else {
                    stale.push(format!("{} (no longer generated)", rel.display()));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {}\nrun `cargo run -- generate` and commit the result",
        stale.join(", ")
    );
}
