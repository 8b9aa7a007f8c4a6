//! `cargo run -p private-network -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&private_network::PRIVATE_LAKE)
}
