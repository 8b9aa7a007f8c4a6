//! `cargo run -p lambda-requester -- render | plan | apply | destroy`
fn main() -> std::process::ExitCode {
    xacct::cli::run(&lambda_requester::INVOICES)
}
