//! `cargo run -p cross-account-access-point -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&cross_account_access_point::ARCHIVE)
}
