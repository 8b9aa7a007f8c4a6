//! `explain` with the layers a deployment does not write: a session policy passed to the session
//! that makes the request, and the policy of the VPC endpoint it goes through. No AWS call.

#![allow(clippy::unwrap_used)]

use std::process::Command;

const ETL: &str = "arn:aws:iam::111111111111:role/analytics-etl";
const OBJECT: &str =
    "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/customers/2026.csv";

/// Runs `explain` for the ETL role's read of a declared object, with `extra` arguments and the
/// files named in them written from `files`; returns the exit code, stdout and stderr.
fn explain(extra: &[&str], files: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = [
        "explain",
        "--principal",
        ETL,
        "--action",
        "s3:GetObject",
        "--resource",
        OBJECT,
        "--context",
        "sts:ExternalId=analytics-2026",
    ]
    .map(str::to_owned)
    .to_vec();
    for arg in extra {
        args.push(match files.iter().find(|(name, _)| name == arg) {
            Some((name, text)) => {
                let path = dir.path().join(name);
                std::fs::write(&path, text).unwrap();
                path.display().to_string()
            }
            None => (*arg).to_owned(),
        });
    }
    let out = Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(&args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const READ_ONLY_LISTING: &str = r#"{"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}"#;
const READS: &str = r#"{"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;

#[test]
fn a_session_policy_limits_the_bridge_role_session_and_is_named() {
    let (code, out, err) = explain(&[], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Decision: ALLOW"), "{out}");

    let (code, out, err) = explain(
        &["--session-policy", "session.json"],
        &[("session.json", READ_ONLY_LISTING)],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Decision: DENY"), "{out}");
    assert!(
        out.contains("assumed-role/analytics-reader/xacct-explain calls s3:GetObject"),
        "the request is made by a session of the bridge role: {out}"
    );
    assert!(
        out.contains("session policy given with --session-policy of arn:aws:sts::222222222222:assumed-role/analytics-reader/xacct-explain does not allow it"),
        "the layer that decided is named: {out}"
    );

    let (code, out, err) = explain(
        &["--session-policy", "session.json"],
        &[("session.json", READS)],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("Decision: ALLOW"),
        "a session policy that allows it: {out}"
    );
}

#[test]
fn an_endpoint_policy_limits_requests_through_its_endpoint_and_is_named() {
    let other_bucket_only = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::other-bucket/*"}]}"#;
    let through = [
        "--context",
        "aws:SourceVpce=vpce-0a1b2c3d",
        "--endpoint-policy",
        "endpoint.json",
    ];
    let (code, out, err) = explain(&through, &[("endpoint.json", other_bucket_only)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Decision: DENY"), "{out}");
    assert!(
        out.contains("endpoint policy") && out.contains("of vpce-0a1b2c3d does not allow it"),
        "{out}"
    );
    let open =
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#;
    let (code, out, err) = explain(&through, &[("endpoint.json", open)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("Decision: ALLOW"),
        "the default endpoint policy: {out}"
    );
}

#[test]
fn bad_session_and_endpoint_policies_are_one_line_errors() {
    let no_principal = r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let with_principal =
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#;
    let huge = format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [{}]}}]}}"#,
        (0..200)
            .map(|i| format!("\"arn:aws:s3:::b/{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let cases: [(&[&str], &str, &str); 6] = [
        (
            &["--session-policy", "p.json"],
            "{not json",
            "--session-policy",
        ),
        (
            &["--session-policy", "p.json"],
            with_principal,
            "has no `Principal`",
        ),
        (
            &["--session-policy", "p.json"],
            &huge,
            "AWS takes at most 2048",
        ),
        (
            &["--endpoint-policy", "p.json"],
            no_principal,
            "needs a `Principal`",
        ),
        (
            &["--endpoint-policy", "p.json"],
            with_principal,
            "aws:SourceVpce=vpce-",
        ),
        (&["--session-policy", "missing.json"], "", "missing.json"),
    ];
    for (args, text, says) in cases {
        let files = [("p.json", text)];
        let (code, _, err) = explain(args, &files);
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: `{says}` not in {err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
