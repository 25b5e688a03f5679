//! The `ecsim` binary: a thin shell around [`ecsim::cli`].
#![deny(clippy::print_stdout, clippy::print_stderr)]

fn main() {
    // A closed stdout or stderr (`ecsim list | head -1`, `ecsim validate x.json 2>&1 | true`)
    // ends the process quietly, as it ends `cat` or `grep`: killed by SIGPIPE, which the shell
    // shows as status 141 (128 + 13). Rust's runtime ignores SIGPIPE before `main`, so a write
    // to a closed pipe returns EPIPE instead, and every `println!`, `eprintln!` and progress
    // bar would have to handle it (or `println!` panics with exit 101, and the panic hook's own
    // message to the closed stderr aborts with 134). Restoring the default action here is the
    // one mechanism that covers every command and every write to stdout and stderr, whatever
    // writes it. ecsim writes no sockets and no pipes but these two, so nothing else can raise
    // the signal (an --out FIFO without a reader would, as it would for any Unix tool). Being
    // killed mid-write is safe by the output design: files are written under temporary names
    // and renamed, and a sweep's results.csv rows are checked, as after any SIGKILL.
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE, and signal(2) has no other precondition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // No panic or backtrace reaches a user: an internal error is reported in one line. The
    // hook never panics itself: its write to stderr ignores errors (where stderr is closed —
    // on Unix SIGPIPE has already ended the process by then — the message is lost, and the
    // exit status 101 still tells of the failure).
    std::panic::set_hook(Box::new(|info| {
        ecsim::term::err(&format!(
            "internal error (a bug in ecsim, please report it with the scenario): {info}"
        ));
    }));
    let code = ecsim::cli::main_with(std::env::args_os());
    std::process::exit(code);
}
