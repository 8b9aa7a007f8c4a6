//! `cargo run -p multi-access-point -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&multi_access_point::REPORTING)
}
