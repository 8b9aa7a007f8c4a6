//! `cargo run -p encrypted-lake -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&encrypted_lake::ENCRYPTED_LAKE)
}
