//! `cargo run -p multi-access-point -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct_deploy::cli::run(&multi_access_point::REPORTING)
}
