//! The one way every command writes a file. A regular file is written whole or not at all: a
//! temporary file created exclusively, with an unpredictable name, in the target's folder
//! (`tempfile`, so a planted symlink is never followed), flushed to disk, then renamed over the
//! target; on any error, or if the process is interrupted before the rename, the target is
//! untouched and the temporary file is removed (it is deleted when dropped). A target that
//! exists and is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO, a process
//! substitution) is written in place, never replaced. An existing regular file is replaced
//! only with `--force`. `-` is stdout.

use std::io::Write;
use std::path::Path;

/// Why an output could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// The target exists and `--force` was not given: bad input (exit 2).
    Exists(String),
    /// The folder does not exist or is not a folder: bad input (exit 2).
    BadFolder(String),
    /// The write itself failed (permissions, a full disk, …): exit 1.
    Io(String),
    /// A file the output continues from (a checkpoint journal) cannot be read: bad input (exit 2).
    Unreadable(String),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Exists(m) | OutputError::BadFolder(m) | OutputError::Io(m) | OutputError::Unreadable(m) => {
                f.write_str(m)
            }
        }
    }
}

/// Where an output goes.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Stdout,
    File { path: &'a Path, force: bool },
}

impl<'a> Target<'a> {
    /// `--out PATH` (with `--force`), `--out -` or no `--out`.
    pub fn of(path: Option<&'a Path>, force: bool) -> Target<'a> {
        match path {
            None => Target::Stdout,
            Some(p) if p.as_os_str() == "-" => Target::Stdout,
            Some(p) => Target::File { path: p, force },
        }
    }

    /// Fails early (before a long run) when the target could not be written.
    pub fn check(&self) -> Result<(), OutputError> {
        match *self {
            Target::Stdout => Ok(()),
            Target::File { path, force } => {
                folder(path)?;
                match std::fs::metadata(path) {
                    Ok(m) if m.is_file() && !force => Err(exists(path)),
                    Ok(m) if m.is_dir() => {
                        Err(OutputError::BadFolder(format!("cannot write {}: it is a folder", path.display())))
                    }
                    _ => Ok(()),
                }
            }
        }
    }

    pub fn write(&self, bytes: &[u8]) -> Result<(), OutputError> {
        match *self {
            Target::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|_| out.flush())
                    .map_err(|e| OutputError::Io(format!("cannot write to stdout: {e}")))
            }
            Target::File { path, force } => write_file(path, bytes, force),
        }
    }
}

fn exists(path: &Path) -> OutputError {
    OutputError::Exists(format!("{} exists; add --force to replace it", path.display()))
}

/// The folder a target goes in; it must exist.
fn folder(path: &Path) -> Result<&Path, OutputError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => {
            Err(OutputError::BadFolder(format!("cannot write {}: {} is not a folder", path.display(), dir.display())))
        }
        Err(e) => Err(OutputError::BadFolder(format!(
            "cannot write {}: {} (the folder {} does not exist)",
            path.display(),
            plain(&e),
            dir.display()
        ))),
    }
}

/// The OS message without Rust's "(os error N)".
fn plain(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), OutputError> {
    let mut s = Stream::open(path, force)?;
    s.write_all(bytes)?;
    s.finish()
}

/// An output written piece by piece (rows of a large CSV) with the guarantees of
/// [`Target::write`]: to a temporary file renamed over the target by [`Stream::finish`], so
/// that memory does not grow with the output and an error or an interruption leaves the
/// target untouched.
pub struct Stream {
    path: Option<std::path::PathBuf>,
    force: bool,
    sink: Sink,
}

enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    /// Stdout, whole: an anonymous temporary file copied to stdout by `finish`, so that an
    /// interrupted command prints nothing.
    Spool(std::io::BufWriter<std::fs::File>),
    InPlace(std::io::BufWriter<std::fs::File>),
    Temporary(std::io::BufWriter<tempfile::NamedTempFile>),
}

impl Target<'_> {
    /// A [`Stream`] to this target.
    pub fn stream(&self) -> Result<Stream, OutputError> {
        match *self {
            Target::Stdout => {
                Ok(Stream { path: None, force: false, sink: Sink::Stdout(std::io::BufWriter::new(std::io::stdout())) })
            }
            Target::File { path, force } => Stream::open(path, force),
        }
    }

    /// A [`Stream`] that, to stdout too, writes whole or not at all: to stdout through an
    /// anonymous temporary file copied out by [`Stream::finish`].
    pub fn stream_whole(&self) -> Result<Stream, OutputError> {
        match *self {
            Target::Stdout => {
                let f = tempfile::tempfile()
                    .map_err(|e| OutputError::Io(format!("cannot create a temporary file: {}", plain(&e))))?;
                Ok(Stream {
                    path: None,
                    force: false,
                    sink: Sink::Spool(std::io::BufWriter::with_capacity(1 << 16, f)),
                })
            }
            Target::File { path, force } => Stream::open(path, force),
        }
    }
}

impl Stream {
    fn open(path: &Path, force: bool) -> Result<Stream, OutputError> {
        let io = |e: std::io::Error| OutputError::Io(format!("cannot write {}: {}", path.display(), plain(&e)));
        let stream = |sink| Stream { path: Some(path.to_path_buf()), force, sink };
        match std::fs::metadata(path) {
            // Not a regular file: a device, a FIFO, a terminal. Written in place, never replaced.
            Ok(m) if !m.is_file() && !m.is_dir() => {
                let f = std::fs::OpenOptions::new().write(true).open(path).map_err(io)?;
                return Ok(stream(Sink::InPlace(std::io::BufWriter::new(f))));
            }
            Ok(m) if m.is_dir() => {
                return Err(OutputError::BadFolder(format!("cannot write {}: it is a folder", path.display())));
            }
            Ok(_) if !force => return Err(exists(path)),
            _ => {}
        }
        let dir = folder(path)?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".peritrial-").suffix(".tmp");
        #[cfg(unix)]
        {
            // Readable as an ordinary output (the umask applies), not tempfile's private 0600.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir).map_err(io)?;
        Ok(stream(Sink::Temporary(std::io::BufWriter::with_capacity(1 << 16, tmp))))
    }

    fn error(&self, e: std::io::Error) -> OutputError {
        match &self.path {
            Some(p) => OutputError::Io(format!("cannot write {}: {}", p.display(), plain(&e))),
            None => OutputError::Io(format!("cannot write to stdout: {e}")),
        }
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), OutputError> {
        let r = match &mut self.sink {
            Sink::Stdout(w) => w.write_all(bytes),
            Sink::Spool(w) => w.write_all(bytes),
            Sink::InPlace(w) => w.write_all(bytes),
            Sink::Temporary(w) => w.write_all(bytes),
        };
        r.map_err(|e| self.error(e))
    }

    /// Flushes, and puts a temporary file in place (fsync, rename; without `--force`, a file
    /// that appeared meanwhile is not replaced).
    pub fn finish(self) -> Result<(), OutputError> {
        let Stream { path, force, sink } = self;
        let named = |e: std::io::Error| match &path {
            Some(p) => OutputError::Io(format!("cannot write {}: {}", p.display(), plain(&e))),
            None => OutputError::Io(format!("cannot write to stdout: {e}")),
        };
        match sink {
            Sink::Stdout(mut w) => w.flush().map_err(named),
            Sink::Spool(w) => {
                use std::io::Seek;
                let mut f = w.into_inner().map_err(|e| named(e.into_error()))?;
                f.seek(std::io::SeekFrom::Start(0)).map_err(named)?;
                let mut out = std::io::stdout().lock();
                std::io::copy(&mut f, &mut out).and_then(|_| out.flush()).map(|_| ()).map_err(named)
            }
            Sink::InPlace(mut w) => w.flush().map_err(named),
            Sink::Temporary(w) => {
                let tmp = w.into_inner().map_err(|e| named(e.into_error()))?;
                tmp.as_file().sync_all().map_err(named)?;
                let path = path.as_deref().expect("a temporary file has a target");
                if force {
                    tmp.persist(path).map_err(|e| named(e.error))?;
                } else {
                    tmp.persist_noclobber(path).map_err(|e| {
                        if e.error.kind() == std::io::ErrorKind::AlreadyExists { exists(path) } else { named(e.error) }
                    })?;
                }
                Ok(())
            }
        }
    }
}

/// A file complete on disk under a temporary name (or, for a target that is not a regular
/// file, already written), put in place by [`commit`]. Dropped uncommitted, its temporary file
/// goes and the target is untouched.
pub struct Staged {
    path: std::path::PathBuf,
    force: bool,
    /// The temporary file, closed (an export of 100,000 per-trial files holds no descriptor
    /// per file).
    tmp: Option<tempfile::TempPath>,
}

impl Stream {
    /// Flushes and syncs the file without putting it in place: an export of several files
    /// stages them all, then [`commit`]s them together, so that a failure at any of them
    /// leaves every earlier file as it was.
    pub fn stage(self) -> Result<Staged, OutputError> {
        let Stream { path, force, sink } = self;
        let path = path.expect("an export stages files, not stdout");
        let named = |e: std::io::Error| OutputError::Io(format!("cannot write {}: {}", path.display(), plain(&e)));
        match sink {
            Sink::Temporary(w) => {
                let tmp = w.into_inner().map_err(|e| named(e.into_error()))?;
                tmp.as_file().sync_all().map_err(named)?;
                Ok(Staged { path, force, tmp: Some(tmp.into_temp_path()) })
            }
            sink => {
                Stream { path: Some(path.clone()), force, sink }.finish()?;
                Ok(Staged { path, force, tmp: None })
            }
        }
    }
}

/// Writes `bytes` to `path`'s temporary file and stages it (see [`Stream::stage`]).
pub fn stage(path: &Path, bytes: &[u8], force: bool) -> Result<Staged, OutputError> {
    let mut s = Stream::open(path, force)?;
    s.write_all(bytes)?;
    s.stage()
}

/// Puts staged files in place in their order. `mark`, the file that says an export is
/// complete (sample's `trials.csv`), is removed first, so that a commit cut short (renames in
/// one folder, which fail only when the disk does) leaves a folder that says it is incomplete
/// rather than one file set's index beside another's data; it is then put in place last.
pub fn commit(files: Vec<Staged>, mark: &Path) -> Result<(), OutputError> {
    if files.iter().any(|f| f.path == mark) {
        match std::fs::remove_file(mark) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(OutputError::Io(format!("cannot replace {}: {}", mark.display(), plain(&e)))),
        }
    }
    let (marks, rest): (Vec<Staged>, Vec<Staged>) = files.into_iter().partition(|f| f.path == mark);
    for Staged { path, force, tmp } in rest.into_iter().chain(marks) {
        let Some(tmp) = tmp else { continue };
        let named = |e: std::io::Error| OutputError::Io(format!("cannot write {}: {}", path.display(), plain(&e)));
        if force {
            tmp.persist(&path).map_err(|e| named(e.error))?;
        } else {
            tmp.persist_noclobber(&path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists { exists(&path) } else { named(e.error) }
            })?;
        }
    }
    Ok(())
}

/// A folder to write files into (`--plots`, `sample --out`): created if absent; one that is
/// not empty is refused without `force`.
pub fn output_folder(dir: &Path, force: bool) -> Result<(), OutputError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(OutputError::Exists(format!(
                    "{}: the folder is not empty; add --force to write into it (files of the same names are replaced)",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .map_err(|e| OutputError::Io(format!("cannot create the folder {}: {e}", dir.display()))),
        Err(e) => Err(OutputError::BadFolder(format!("{}: not a folder that can be read: {e}", dir.display()))),
    }
}

/// Opens an existing file to append lines to (a sweep's checkpoint journal).
pub fn append_to(path: &Path) -> Result<std::fs::File, OutputError> {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| OutputError::Io(format!("{}: cannot append: {e}", path.display())))
}

/// Takes the exclusive advisory lock (`flock`) of a file another peritrial may be writing (a
/// sweep's checkpoint journal, resumed twice at once), held while the returned handle lives
/// and released by the system if the process dies. `None` when the file does not exist; a
/// file that another process holds is refused (exit 2).
/// With `append`, the handle is open for appending too (the journal a sweep resumes into: one
/// open file holds the lock and takes the lines).
pub fn lock(path: &Path, append: bool) -> Result<Option<std::fs::File>, OutputError> {
    let file = match std::fs::OpenOptions::new().read(true).append(append).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(OutputError::Unreadable(format!("{}: cannot read: {}", path.display(), plain(&e)))),
    };
    lock_file(file, path).map(Some)
}

/// Locks an open file as [`lock`] does.
pub fn lock_file(file: std::fs::File, path: &Path) -> Result<std::fs::File, OutputError> {
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(OutputError::Exists(format!(
            "{}: another peritrial is writing this checkpoint now; wait for it to finish (two runs appending to one checkpoint would wreck it)",
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(OutputError::Io(format!("{}: cannot lock: {}", path.display(), plain(&e))))
        }
    }
}

/// Appends `bytes` to a file opened by [`append_to`] and flushes them to disk.
pub fn append(file: &mut std::fs::File, bytes: &[u8], path: &Path) -> Result<(), OutputError> {
    use std::io::Write;
    file.write_all(bytes)
        .and_then(|_| file.sync_data())
        .map_err(|e| OutputError::Io(format!("{}: cannot append: {e}", path.display())))
}

/// Cuts a file to its first `len` bytes (a journal's sound part, before appending after it).
pub fn truncate(path: &Path, len: u64) -> Result<(), OutputError> {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(len))
        .map_err(|e| OutputError::Io(format!("{}: cannot append: {e}", path.display())))
}

/// A checkpoint file a run replaces as it goes: refused when it exists and is not a peritrial
/// checkpoint (`run S --checkpoint S` would have turned the scenario into one), unless `force`.
pub fn check_checkpoint(path: &Path, force: bool) -> Result<(), OutputError> {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else { return Ok(()) };
    if force || !path.is_file() {
        return Ok(());
    }
    let mut head = String::new();
    // The format is the first key of every checkpoint: the first KiB says.
    let _ = file.take(1024).read_to_string(&mut head);
    let ours = ["peritrial-checkpoint", "peritrial-sweep-checkpoint", "peritrial-size-checkpoint"]
        .iter()
        .any(|f| head.contains(&format!("\"format\": \"{f}\"")) || head.contains(&format!("\"format\":\"{f}\"")));
    if ours {
        Ok(())
    } else {
        Err(OutputError::Exists(format!(
            "{}: exists and is not a peritrial checkpoint; give --checkpoint a new file (or --force to replace it)",
            path.display()
        )))
    }
}

/// Refuses two outputs given one path (`--out X --html X`): the second would replace the first.
pub fn check_distinct(outputs: &[(&str, &Path)]) -> Result<(), OutputError> {
    let key = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    for (i, (a, pa)) in outputs.iter().enumerate() {
        for (b, pb) in &outputs[i + 1..] {
            if pa.as_os_str() != "-" && key(pa) == key(pb) {
                return Err(OutputError::BadFolder(format!(
                    "{a} and {b} are both {}: each output needs its own file",
                    pa.display()
                )));
            }
        }
    }
    Ok(())
}
