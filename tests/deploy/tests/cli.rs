//! End-to-end: the command line — exit codes, a closed pipe, a full disk, bad connection options.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::process::Command;

#[test]
fn cli_plan_exit_codes() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let mut args: Vec<String> = vec![
        "shared-data".into(),
        "plan".into(),
        "--detailed-exitcode".into(),
    ];
    for a in deployment.accounts() {
        args.extend([
            "--account".into(),
            format!("{a}=role:arn:aws:iam::{a}:role/xacct-deployer"),
        ]);
    }
    // `run_from` starts its own runtime: call it from a plain thread.
    let run = |args: Vec<String>| {
        std::thread::spawn(move || xacct_deploy::cli::run_from(&shared_data::SHARING, args))
            .join()
            .unwrap()
    };
    assert_eq!(
        run(args.clone()),
        std::process::ExitCode::from(2),
        "changes pending"
    );
    let mut apply_args = args.clone();
    apply_args[1] = "apply".into();
    apply_args[2] = "--auto-approve".into();
    assert_eq!(run(apply_args), std::process::ExitCode::SUCCESS);
    assert_eq!(
        run(args.clone()),
        std::process::ExitCode::SUCCESS,
        "no changes"
    );
    assert_eq!(
        run(vec![
            "shared-data".into(),
            "plan".into(),
            "--account".into(),
            "12=role:x".into()
        ]),
        std::process::ExitCode::from(1)
    );
}

/// The example's command line as a process, its stdout closed before it writes or on a full disk.
fn run_cli(args: &[&str], stdout: std::process::Stdio) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(args)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A reader that went away: the read end closes before anything is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_one_line() {
    let explain = [
        "explain",
        "--principal",
        "arn:aws:iam::111111111111:role/analytics-etl",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/customers/a.csv",
    ];
    for args in [&["render"][..], &explain[..]] {
        let (code, stderr) = run_cli(args, std::process::Stdio::piped());
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let (code, stderr) = run_cli(args, full.into());
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: cannot write the output"),
            "{stderr}"
        );
    }
}

/// The example's command line as a process with `env` set, its exit code and stderr.
fn run_cli_env(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(args)
        .envs(env.iter().copied())
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_connection_options_are_one_clear_error_before_any_call() {
    let keys = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let with = |extra: (&'static str, &'static str)| {
        let mut env = keys.to_vec();
        env.push(extra);
        env
    };
    type Case<'a> = (&'a [&'a str], Vec<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 3] = [
        (
            &[
                "plan",
                "--account",
                "111111111111=profile:a",
                "--account",
                "111111111111=profile:b",
            ],
            keys.to_vec(),
            "account 111111111111 is given more than once",
        ),
        (
            // Environment credentials are set: the profile must still be the one used.
            &["plan", "--account", "111111111111=profile:no-such-profile"],
            with(("AWS_ENDPOINT_URL", "http://127.0.0.1:9")),
            "profile `no-such-profile` gives no credentials",
        ),
        (
            &["plan"],
            with(("AWS_ENDPOINT_URL", "notaurl")),
            "the endpoint `notaurl`",
        ),
    ];
    for (args, env, expected) in cases {
        let (code, stderr) = run_cli_env(args, &env);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
        assert!(
            !stderr.contains("Request {") && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
}
