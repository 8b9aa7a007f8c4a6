//! `cargo run -p temporary-audit -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&temporary_audit::LEDGER_AUDIT)
}
