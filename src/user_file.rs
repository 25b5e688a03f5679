//! Reading a file a user names (a scenario, a trace): the one way ecsim opens one.
//!
//! Only a regular file is read, and at most a cap of bytes of it. Anything else — a directory,
//! a FIFO, a device such as `/dev/zero`, a socket — is refused without reading, and so is a
//! file larger than the cap: the caller turns the reason into an exit-2 message naming the file.
//! The file's type is looked at before it is opened (so a FIFO is never opened, which would
//! block until a writer came), opened without blocking on Unix all the same (so a file swapped
//! for a FIFO in between cannot block either), and looked at again once open; then at most
//! cap + 1 bytes are read, so a file that grows while it is read cannot take more memory than
//! that.
//!
//! ```
//! use ecsim::user_file;
//! let dir = std::env::temp_dir().join(format!("ecsim-doc-user-file-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("five.txt");
//! std::fs::write(&path, "12345").unwrap();
//! assert_eq!(user_file::read(&path, 5, "trace").unwrap(), b"12345");
//! let too_large = user_file::read(&path, 4, "trace").unwrap_err();
//! assert_eq!(too_large, "it is larger than 4 bytes, the limit for a trace");
//! assert_eq!(
//!     user_file::read(&dir, 5, "trace").unwrap_err(),
//!     "it is a directory, not a file"
//! );
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::fs::{File, FileType, OpenOptions};
use std::io::Read;
use std::path::Path;

/// What kind of thing other than a regular file `t` is, for a message.
fn kind(t: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Why a file that is not a regular file is refused.
fn not_regular(t: &FileType) -> String {
    match kind(t) {
        "not a regular file" => "it is not a regular file".into(),
        "a directory" => "it is a directory, not a file".into(),
        k => format!("it is {k}, not a regular file"),
    }
}

/// A size for a message: `16 MiB` when it is a whole number of MiB, else bytes.
fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn open(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer opens it; O_NONBLOCK returns at once
        // (and changes nothing for a regular file).
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path)
}

/// The bytes of the regular file at `path` (symbolic links followed), at most `cap` of them;
/// `what` names the file in the message ("scenario file", "trace"). The error is the reason,
/// without the path: "no such file", "it is a FIFO (named pipe), not a regular file", "it is
/// larger than 16 MiB, the limit for a scenario file", or the system's message.
pub fn read(path: &Path, cap: u64, what: &str) -> Result<Vec<u8>, String> {
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    let too_large = || format!("it is larger than {}, the limit for a {what}", size(cap));
    if meta.len() > cap {
        return Err(too_large());
    }
    let file = open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(cap) as usize);
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_fifos_are_refused_without_blocking() {
        // /dev/zero is a character device: refused on its metadata, nothing read (reading it
        // would never end).
        assert_eq!(
            read(Path::new("/dev/zero"), 10, "trace").unwrap_err(),
            "it is a character device, not a regular file"
        );
        // A FIFO with no writer: opening it for reading would block for ever.
        let dir = std::env::temp_dir().join(format!("ecsim-user-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert_eq!(
            read(&fifo, 10, "trace").unwrap_err(),
            "it is a FIFO (named pipe), not a regular file"
        );
        // Opened without blocking: even past the metadata check, the open returns at once.
        assert!(open(&fifo).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_cap_is_inclusive_and_named() {
        let dir = std::env::temp_dir().join(format!("ecsim-user-file-cap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("two-mib");
        std::fs::write(&f, vec![b'x'; 2 * 1024 * 1024]).unwrap();
        // 2 MiB exactly: at the cap it is read whole; one byte less and it is refused, the
        // cap shown in bytes since 2 MiB − 1 is not a whole number of MiB.
        assert_eq!(
            read(&f, 2 * 1024 * 1024, "trace").unwrap().len(),
            2 * 1024 * 1024
        );
        assert_eq!(
            read(&f, 2 * 1024 * 1024 - 1, "trace").unwrap_err(),
            "it is larger than 2097151 bytes, the limit for a trace"
        );
        assert_eq!(
            read(&f, 1024 * 1024, "scenario file").unwrap_err(),
            "it is larger than 1 MiB, the limit for a scenario file"
        );
        assert_eq!(
            read(&dir.join("missing"), 1, "trace").unwrap_err(),
            "no such file"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
