//! `cargo run -p direct-grant -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&direct_grant::PARTNER_UPLOADS)
}
