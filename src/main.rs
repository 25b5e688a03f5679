//! The `ecsim` binary: a thin shell around [`ecsim::cli`].
#![deny(clippy::print_stdout, clippy::print_stderr)]

fn main() {
    // No panic or backtrace reaches a user: an internal error is reported in one line.
    std::panic::set_hook(Box::new(|info| {
        ecsim::term::err(&format!(
            "internal error (a bug in ecsim, please report it with the scenario): {info}"
        ));
    }));
    let code = ecsim::cli::main_with(std::env::args_os());
    std::process::exit(code);
}
