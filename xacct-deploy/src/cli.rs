//! The command line a user's own binary exposes.
use policy_core::Deployment;
use std::process::ExitCode;

pub fn run(deployment: &Deployment) -> ExitCode {
    let value: serde_json::Value = serde_json::from_str(deployment.render_json()).unwrap_or_default();
    println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    ExitCode::SUCCESS
}
