//! `cargo run -p data-lake -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&data_lake::DATA_LAKE)
}
