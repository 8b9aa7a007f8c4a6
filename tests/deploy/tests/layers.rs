//! End-to-end: `verify` reads every layer AWS evaluates for a declared grant — the requesters'
//! and bridge roles' permissions boundaries and other policies, the bucket's default encryption
//! and Object Ownership — and names the layer that breaks or widens a grant; `plan` warns of the
//! bucket settings before an apply. Each layer is changed with boto3, as someone outside xacct
//! would, then changed back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use xacct_deploy::{Mode, Session};

mod lake {
    policy_macros::grants! {
        /// A data lake read through a bridge role and written directly.
        pub static LAKE = {
            grant etl_reads_reports {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/etl-reader",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/lake",
                bucket: "lake-data",
                actions: [s3:GetObject],
                prefixes: ["reports/"],
            }
            grant analyst_reads_reports {
                requester: "arn:aws:iam::111111111111:user/ana",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/lake",
                bucket: "lake-data",
                actions: [s3:GetObject],
                prefixes: ["reports/"],
            }
            grant organization_reads_public {
                requester: "o-a1b2c3d4e5",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/lake",
                bucket: "lake-data",
                actions: [s3:GetObject],
                prefixes: ["public/"],
            }
            grant loader_writes_incoming {
                requester: "arn:aws:iam::111111111111:role/loader",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/lake",
                bucket: "lake-data",
                actions: [s3:PutObject],
                prefixes: ["incoming/"],
            }
        };
    }
}

use lake::LAKE;

async fn verify() -> Vec<String> {
    Session::connect(&LAKE, &specs(&LAKE))
        .await
        .unwrap()
        .verify(None)
        .await
        .unwrap()
}

fn managed(role: &str, name: &str, policy: serde_json::Value, as_: &str) -> String {
    let account = &role[13..25];
    fixture(
        "managed-policy",
        &json!({"account": account, "role": role, "name": name, "policy": policy.to_string(), "as": as_}),
    )
    .as_str()
    .unwrap()
    .to_owned()
}

fn remove(role: &str, arn: &str, as_: &str) {
    let account = &role[13..25];
    fixture(
        "managed-policy",
        &json!({"account": account, "role": role, "remove": arn, "as": as_}),
    );
}

fn the_one(differences: &[String], words: &[&str]) {
    assert!(
        differences
            .iter()
            .any(|d| words.iter().all(|w| d.contains(w))),
        "no difference says {words:?}: {differences:#?}"
    );
}

#[test]
fn verify_names_the_boundary_the_policy_and_the_bucket_setting_that_break_or_widen_a_grant() {
    let _emulator = emulator();
    seed(&LAKE);
    let rt = runtime();
    rt.block_on(apply(&LAKE, Mode::Apply));
    assert_eq!(
        rt.block_on(verify()),
        Vec::<String>::new(),
        "a clean account is clean"
    );
    // Block Public Access off (the emulator's buckets have none) is a warning under the
    // organization grant, not a difference; on, nothing is said.
    let report = |rt: &tokio::runtime::Runtime| {
        rt.block_on(async {
            let session = Session::connect(&LAKE, &specs(&LAKE)).await.unwrap();
            session.verify_report(None).await.unwrap()
        })
    };
    let found = report(&rt);
    assert!(found.differences.is_empty(), "{found:#?}");
    assert_eq!(found.warnings.len(), 1, "{found:#?}");
    the_one(
        &found.warnings,
        &[
            "grant organization_reads_public",
            "BlockPublicPolicy and RestrictPublicBuckets off",
            "lake-data",
        ],
    );
    fixture(
        "public-access-block",
        &json!({"account": "222222222222", "bucket": "lake-data"}),
    );
    assert_eq!(report(&rt), xacct_deploy::Verification::default());

    // A boundary on the requester that does not allow assuming the bridge role.
    let etl = "arn:aws:iam::111111111111:role/etl";
    let boundary = managed(
        etl,
        "dev-boundary",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
        "boundary",
    );
    the_one(
        &rt.block_on(verify()),
        &[
            "etl_reads_reports",
            "is denied `sts:AssumeRole`",
            "the permissions boundary arn:aws:iam::111111111111:policy/dev-boundary of arn:aws:iam::111111111111:role/etl does not allow it",
        ],
    );
    remove(etl, &boundary, "boundary");

    // A managed policy with a deny on the writer.
    let loader = "arn:aws:iam::111111111111:role/loader";
    let no_writes = managed(
        loader,
        "no-writes",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoWrites", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}),
        "attached",
    );
    the_one(
        &rt.block_on(verify()),
        &[
            "loader_writes_incoming",
            "is denied `s3:PutObject`",
            "denied by statement `NoWrites` of the managed policy arn:aws:iam::111111111111:policy/no-writes attached to arn:aws:iam::111111111111:role/loader",
        ],
    );
    remove(loader, &no_writes, "attached");

    // A user's group with a deny.
    let ana = "arn:aws:iam::111111111111:user/ana";
    let group = json!({"account": "111111111111", "user": ana, "group": "analysts", "name": "NoReads",
        "policy": json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}).to_string()});
    fixture("group-policy", &group);
    the_one(
        &rt.block_on(verify()),
        &[
            "analyst_reads_reports",
            "is denied `s3:GetObject`",
            "denied by statement `NoReads` of the inline policy NoReads of group analysts (of arn:aws:iam::111111111111:user/ana)",
        ],
    );
    let mut undo = group.clone();
    undo["remove"] = json!(true);
    fixture("group-policy", &undo);

    // A managed policy on the bridge role that widens what it may do through the access point.
    let reader = "arn:aws:iam::222222222222:role/etl-reader";
    let wide = managed(
        reader,
        "wide",
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
        "attached",
    );
    the_one(
        &rt.block_on(verify()),
        &[
            "is allowed",
            "which no grant declares",
            "allowed by statement `Everything` of the managed policy arn:aws:iam::222222222222:policy/wide attached to arn:aws:iam::222222222222:role/etl-reader",
        ],
    );
    remove(reader, &wide, "attached");
    assert_eq!(rt.block_on(verify()), Vec::<String>::new(), "clean again");

    // The bucket: SSE-KMS with a key no grant names, and ACLs on under a write grant.
    let settings = fixture(
        "bucket-settings",
        &json!({"account": "222222222222", "bucket": "lake-data", "kms": true, "ownership": "ObjectWriter"}),
    );
    let key = settings["key"].as_str().unwrap();
    let differences = rt.block_on(verify());
    the_one(
        &differences,
        &[
            "grant etl_reads_reports",
            "lake-data",
            key,
            "names no key",
            "kms_key",
        ],
    );
    the_one(
        &differences,
        &[
            "grant loader_writes_incoming",
            "Object Ownership ObjectWriter",
            "BucketOwnerEnforced",
        ],
    );
    assert!(
        !differences
            .iter()
            .any(|d| d.contains("grant etl_reads_reports") && d.contains("Object Ownership")),
        "a read grant is not affected by ACLs: {differences:#?}"
    );
    // plan says it before an apply, and only then: a destroy leaves nothing to break.
    let plan = |mode| {
        rt.block_on(async {
            let session = Session::connect(&LAKE, &specs(&LAKE)).await.unwrap();
            session.plan(mode, false).await.unwrap()
        })
    };
    let warnings = plan(Mode::Apply).warnings;
    assert_eq!(warnings.len(), 5, "{warnings:#?}");
    the_one(
        &warnings,
        &[
            "grant loader_writes_incoming",
            "Object Ownership ObjectWriter",
        ],
    );
    assert!(plan(Mode::Destroy).warnings.is_empty());
    fixture(
        "bucket-settings",
        &json!({"account": "222222222222", "bucket": "lake-data", "kms": false, "ownership": "BucketOwnerEnforced"}),
    );
    assert!(plan(Mode::Apply).warnings.is_empty());
    assert_eq!(rt.block_on(verify()), Vec::<String>::new(), "clean again");
}

/// `explain --live` judges the live documents with the other layers, as verify does: a
/// permissions boundary on the requester refuses what the rendered documents allow.
#[test]
fn explain_live_names_the_boundary_that_refuses() {
    let _emulator = emulator();
    let sharing = &shared_data::SHARING;
    seed(sharing);
    runtime().block_on(apply(sharing, Mode::Apply));
    let etl = "arn:aws:iam::111111111111:role/analytics-etl";
    managed(
        etl,
        "no-assume",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
        "boundary",
    );
    let explain = |live: bool| {
        let mut args: Vec<String> = [
            "explain",
            "--principal",
            etl,
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/customers/2026.csv",
            "--context",
            "sts:ExternalId=analytics-2026",
        ]
        .map(str::to_owned)
        .to_vec();
        if live {
            args.push("--live".into());
            for account in sharing.accounts() {
                args.push("--account".into());
                args.push(format!(
                    "{account}=role:arn:aws:iam::{account}:role/xacct-deployer"
                ));
            }
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(
        explain(false).contains("Decision: ALLOW"),
        "the rendered documents allow it"
    );
    let live = explain(true);
    assert!(live.contains("Decision: DENY"), "{live}");
    assert!(
        live.contains("the permissions boundary arn:aws:iam::111111111111:policy/no-assume of arn:aws:iam::111111111111:role/analytics-etl does not allow it"),
        "{live}"
    );
}
