//! Store file I/O: private directories and atomic writes with the final
//! mode set at `open(2)`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use sequoia_openpgp::parse::Parse;
use sequoia_openpgp::Cert;

use super::KeyError;

pub(super) fn read_cert(path: &Path) -> Result<Option<Cert>, KeyError> {
    match fs::read(path) {
        Ok(bytes) => Cert::from_bytes(&bytes)
            .map(Some)
            .map_err(|_| KeyError::Corrupt {
                path: path.to_path_buf(),
            }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(KeyError::io(path, e)),
    }
}

pub(super) fn remove_if_exists(path: &Path) -> Result<(), KeyError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(KeyError::io(path, e)),
    }
}

#[derive(Clone, Copy)]
pub(super) enum Mode {
    Public,
    Private,
}

pub(super) fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| KeyError::io(dir, e))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, created with its final mode, then renamed over `path`.
pub(super) fn write_file(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), KeyError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut nonce = [0u8; 8];
    sequoia_openpgp::crypto::random(&mut nonce).map_err(KeyError::openpgp)?;
    let tmp = dir.join(format!(".{name}.{:016x}.tmp", u64::from_le_bytes(nonce)));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(match mode {
            Mode::Public => 0o644,
            Mode::Private => 0o600,
        });
    }
    #[cfg(not(unix))]
    let _ = mode;
    let result = (|| -> io::Result<()> {
        let mut file: File = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(KeyError::io(path, e));
    }
    Ok(())
}
