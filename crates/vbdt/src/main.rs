//! vbdt: sign and verify the PDFs Vietnamese state agencies issue, copy and receive.

mod cli;
mod cmd_chain;
mod cmd_copy;
mod cmd_ltv;
mod cmd_sign;
mod cmd_verify;
mod demo;
mod exit;
mod help_vi;
mod inputs;
mod interrupt;
mod issuing;
mod msg;
mod profile;
mod remote;
mod secrets;
mod signing;
mod testpki;
mod trust_args;
mod verify_out;

fn main() -> std::process::ExitCode {
    // Like any Unix filter, stop quietly when the reader of our output goes away
    // (`vbdt verify … | head`): Rust ignores SIGPIPE, which made println! panic (exit 101).
    // Network writes are unaffected (std sends with MSG_NOSIGNAL).
    // SAFETY: setting a signal's disposition to its default at the start of main, before
    // any thread exists, has no memory-safety conditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cli::parse();
    let outcome = match cli.command {
        cli::Command::Sign(args) => cmd_sign::run(&args),
        cli::Command::Copy(args) => cmd_copy::run_copy(&args),
        cli::Command::Attach(args) => cmd_copy::run_attach(&args),
        cli::Command::Verify(args) => cmd_verify::run(&args),
        cli::Command::Chain(args) => cmd_chain::run(&args),
        cli::Command::Ltv(args) => cmd_ltv::run(&args),
        // demo and testpki only make files of their own: a failure is an output that
        // cannot be written (or made), the same kind for both.
        cli::Command::Demo(args) => demo::run(&args).unwrap_or_else(|err| {
            eprintln!("vbdt demo: {}", msg::anyhow_error(&err, args.lang == cli::Lang::Vi));
            exit::BAD_INPUT
        }),
        cli::Command::Completions(args) => {
            cli::completions(&args);
            exit::OK
        }
        cli::Command::Man(args) => match cli::man(&args) {
            Ok(()) => exit::OK,
            Err(err) => {
                eprintln!("vbdt man: {}", msg::io(&err, args.lang == cli::Lang::Vi));
                exit::BAD_INPUT
            }
        },
        cli::Command::Testpki(args) => match testpki::run(&args) {
            Ok(()) => exit::OK,
            Err(err) => {
                eprintln!("vbdt testpki: {}", msg::anyhow_error(&err, args.lang == cli::Lang::Vi));
                exit::BAD_INPUT
            }
        },
    };
    std::process::ExitCode::from(exit::code(outcome))
}
