//! `cargo run -p organization-share -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&organization_share::ORG_LAKE)
}
