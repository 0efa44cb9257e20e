//! Helpers for Sealpost's end-to-end tests: where things are, and how to run
//! the `sealpost` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repo")
        .to_path_buf()
}

/// `../shared` beside the repository (read-only development data).
pub fn shared_dir() -> PathBuf {
    repo_root().join("..").join("shared")
}

/// The labelled evaluation set.
pub fn labelled_dir() -> PathBuf {
    repo_root().join("shared/testdata/labelled")
}

/// The second labelled set, written blind to the detector (see its README).
pub fn holdout_dir() -> PathBuf {
    repo_root().join("shared/testdata/holdout")
}

/// The `sealpost` binary of this workspace, built once if needed.
pub fn sealpost_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/e2e-HASH → target/<profile>/sealpost
        let profile_dir = exe.parent().and_then(Path::parent).expect("target layout");
        let bin = profile_dir.join("sealpost");
        // Build in the profile these tests were built in (`--release` or not).
        let mut args = vec!["build", "--quiet", "-p", "sealpost", "--bin", "sealpost"];
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            args.push("--release");
        }
        let status = Command::new(env!("CARGO"))
            .args(&args)
            .current_dir(repo_root())
            .status()
            .expect("running cargo build");
        assert!(status.success(), "building sealpost failed");
        assert!(bin.exists(), "no binary at {}", bin.display());
        bin
    })
}

/// Runs `sealpost` with `args`, feeding `stdin`.
pub fn sealpost(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(sealpost_bin())
        .args(args)
        .current_dir(repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting sealpost");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("writing stdin");
    child.wait_with_output().expect("waiting for sealpost")
}

/// One row of `labels.tsv`.
#[derive(Debug, Clone)]
pub struct Label {
    /// File name inside the labelled directory.
    pub file: String,
    /// `phi`, `possible` or `clean`.
    pub verdict: String,
    /// Categories that occur in the message.
    pub categories: Vec<String>,
}

/// Reads `labels.tsv` of the labelled set.
pub fn labels() -> Vec<Label> {
    labels_in(&labelled_dir())
}

/// Reads `labels.tsv` of a labelled set in `dir`.
pub fn labels_in(dir: &Path) -> Vec<Label> {
    let path = dir.join("labels.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= 3, "bad label row {l:?}");
            Label {
                file: cols[0].to_string(),
                verdict: cols[1].to_string(),
                categories: cols[2]
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty() && *c != "-")
                    .map(String::from)
                    .collect(),
            }
        })
        .collect()
}
