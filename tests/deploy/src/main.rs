//! The shared-data example's deploy tool, for tests that run it as a process.
fn main() -> std::process::ExitCode {
    xacct_deploy::cli::run(&shared_data::SHARING)
}
