//! `cargo run -p shared-data -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&shared_data::SHARING)
}
