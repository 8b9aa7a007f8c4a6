//! `xacct import --access-point ARN --account ID=…`: for a team with no deployment crate yet,
//! the shares it runs today as `grants!` code to start one from. The other commands act on a
//! deployment's own binary (`cargo run -p <your crate> -- plan`); here they see no grant.
fn main() -> std::process::ExitCode {
    let no_grants = xacct::Deployment::EMPTY;
    xacct::cli::run(&no_grants)
}
