//! End-to-end: the record of what a deployment owns forged by a second identity (one that may
//! write SSM parameters or tag roles, and nothing else), then plan, apply, destroy and verify
//! run; what the deployment did not create is judged by reading AWS back with boto3.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::ownership::{record_path, OWNER_TAG};
use policy_core::DocumentKind;
use serde_json::{json, Value};
use xacct_deploy::record::Entry;
use xacct_deploy::{DeployError, Mode, Op, Session};

const OWNER: &str = "222222222222";
const VICTIM_AP: &str = "arn:aws:s3:us-east-1:222222222222:accesspoint/victim-ap";
const THEIRS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:222222222222:accesspoint/victim-ap/object/*"}]}"#;

fn path() -> String {
    record_path(&shared_data::SHARING.name)
}

/// An entry as xacct writes it, for a resource of the owner's account.
fn entry(kind: DocumentKind, target: &str, name: &str, owned: bool) -> Entry {
    Entry {
        account: OWNER.into(),
        kind,
        target: target.into(),
        name: Some(name.into()),
        region: (kind == DocumentKind::AccessPoint).then(|| "us-east-1".into()),
        owned,
        adopted: false,
        grants: vec!["old".into()],
    }
}

fn forge(parameter: &str, value: &str) {
    fixture(
        "forge-parameter",
        &json!({"account": OWNER, "name": parameter, "value": value}),
    );
}

/// Someone else's access point with a policy of theirs, created before anything is forged.
fn victim_access_point() {
    fixture(
        "create-access-point",
        &json!({"account": OWNER, "name": "victim-ap", "bucket": "marketing-customer-data"}),
    );
    fixture(
        "put-access-point-policy",
        &json!({"account": OWNER, "name": "victim-ap", "policy": THEIRS}),
    );
}

fn victim_intact() {
    assert!(
        fixture("access-points", &json!({"account": OWNER}))
            .as_array()
            .unwrap()
            .contains(&json!("victim-ap")),
        "the victim's access point is still there"
    );
    let stored = fixture(
        "read",
        &json!([{"account": OWNER, "kind": "access-point-policy", "name": "victim-ap", "target": VICTIM_AP}]),
    );
    assert_eq!(
        xacct_deploy::plan::normalize(&stored[0]),
        xacct_deploy::plan::normalize(&serde_json::from_str(THEIRS).unwrap()),
        "its policy is as its owner wrote it"
    );
}

/// `plan` of the shared-data binary, as a user runs it: its exit code and standard error.
fn plan_cli() -> (Option<i32>, String) {
    let mut args = vec!["plan".to_owned()];
    for account in shared_data::SHARING.accounts() {
        args.push("--account".into());
        args.push(format!(
            "{account}=role:arn:aws:iam::{account}:role/xacct-deployer"
        ));
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(&args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn session() -> Session<'static> {
    Session::connect(&shared_data::SHARING, &specs(&shared_data::SHARING))
        .await
        .unwrap()
}

/// Entries that are not exactly what xacct writes stop plan, apply and destroy with an error
/// naming the account, the parameter and its writer; nothing is written, and verify lists them.
#[test]
fn a_forged_entry_stops_every_plan_with_its_parameter_named() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    victim_access_point();
    fixture(
        "create-role",
        &json!({"account": OWNER, "role": "victim-role", "inline": ["victim-inline"]}),
    );
    runtime().block_on(apply(deployment, Mode::Apply));
    let path = path();
    let real = entry(
        DocumentKind::AccessPoint,
        "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
        "marketing-data",
        true,
    );
    let harmless = entry(
        DocumentKind::AccessPoint,
        "arn:aws:s3:us-east-1:222222222222:accesspoint/harmless",
        "victim-ap",
        true,
    );
    let inline = entry(
        DocumentKind::RoleInlinePolicy,
        "arn:aws:iam::222222222222:role/victim-role",
        "victim-inline",
        false,
    );
    let not_an_arn = entry(DocumentKind::AccessPoint, "victim-ap", "victim-ap", true);
    let copy = Entry {
        name: Some("victim-ap".into()),
        ..real.clone()
    };
    let forgeries = [
        // The plan would show one access point and the delete call name another.
        (
            harmless.parameter(&path),
            harmless.to_value(),
            "implies `harmless`",
        ),
        // An inline policy xacct never wrote (its are all xacct-<name>).
        (
            inline.parameter(&path),
            inline.to_value(),
            "implies `xacct-",
        ),
        // A copy of a real entry under another parameter name.
        (
            format!("{path}r/zzzz"),
            copy.to_value(),
            "whose entry is stored as",
        ),
        // A target that is not an ARN: never reaches an SDK call.
        (
            not_an_arn.parameter(&path),
            not_an_arn.to_value(),
            "not an access point ARN",
        ),
        // A value xacct does not write.
        (
            real.parameter(&path),
            real.to_value().replace(",\"", ", \""),
            "not written the way",
        ),
    ];
    for (parameter, value, words) in forgeries {
        let before = fixture("parameters", &json!({"account": OWNER, "path": path}));
        forge(&parameter, &value);
        runtime().block_on(async {
            let session = session().await;
            for mode in [Mode::Apply, Mode::Destroy] {
                let error = session.plan(mode, false).await.expect_err(words);
                let text = error.to_string();
                assert!(
                    matches!(error, DeployError::Record { .. })
                        && text.contains(&parameter)
                        && text.contains(OWNER)
                        && text.contains(
                            "last written by arn:aws:sts::222222222222:assumed-role/record-writer/"
                        )
                        && text.contains(words),
                    "{text}"
                );
                let help = error.help().unwrap();
                assert!(
                    help.contains(&format!("--name {parameter}"))
                        && help.contains("nothing was planned"),
                    "{help}"
                );
            }
            let differences = session.verify(None).await.unwrap();
            assert!(
                differences
                    .iter()
                    .any(|d| d.contains(&parameter) && d.contains(words)),
                "{differences:?}"
            );
        });
        // The command line: one error line naming it, exit 1.
        let (code, stderr) = plan_cli();
        assert_eq!(code, Some(1), "{stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert!(
            errors.len() == 1 && errors[0].contains(&parameter),
            "{stderr}"
        );
        victim_intact();
        assert_eq!(
            fixture(
                "role-policies",
                &json!({"account": OWNER, "role": "victim-role"})
            ),
            json!(["victim-inline"])
        );
        // Put back as it was: the real entry's value (its history kept), or no parameter.
        match before.get(&parameter).and_then(Value::as_str) {
            Some(value) => forge(&parameter, value),
            None => {
                fixture(
                    "delete-parameter",
                    &json!({"account": OWNER, "name": parameter}),
                );
            }
        }
        runtime().block_on(async {
            assert!(!session()
                .await
                .plan(Mode::Apply, false)
                .await
                .unwrap()
                .has_changes());
        });
    }
}

/// An entry exactly as xacct would write it, for an access point and a role someone else
/// created (the role even tagged as the deployment's by an identity with only iam:TagRole): the
/// resources stay, with their policies, and the entries leave the record.
#[test]
fn what_the_deployment_did_not_create_is_left_in_place_whatever_the_record_says() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    victim_access_point();
    fixture(
        "create-role",
        &json!({"account": OWNER, "role": "victim-role", "inline": ["their-policy"]}),
    );
    runtime().block_on(apply(deployment, Mode::Apply));
    fixture(
        "tag-role",
        &json!({"account": OWNER, "role": "victim-role", "key": OWNER_TAG, "value": deployment.name.to_string()}),
    );
    let path = path();
    let forged_ap = entry(DocumentKind::AccessPoint, VICTIM_AP, "victim-ap", true);
    let forged_policy = entry(
        DocumentKind::AccessPointPolicy,
        VICTIM_AP,
        "victim-ap",
        false,
    );
    let forged_role = entry(
        DocumentKind::Role,
        "arn:aws:iam::222222222222:role/victim-role",
        "victim-role",
        true,
    );
    for forged in [&forged_ap, &forged_policy, &forged_role] {
        forge(&forged.parameter(&path), &forged.to_value());
    }
    runtime().block_on(async {
        let session = session().await;
        let differences = session.verify(None).await.unwrap();
        for what in [
            "access point arn:aws:s3:us-east-1:222222222222:accesspoint/victim-ap",
            "role arn:aws:iam::222222222222:role/victim-role",
        ] {
            assert!(
                differences
                    .iter()
                    .any(|d| d.contains(what)
                        && d.contains("before its record entry was first written")),
                "{what}: {differences:?}"
            );
        }
        for mode in [Mode::Apply, Mode::Destroy] {
            let plan = session.plan(mode, false).await.unwrap();
            let deletes: Vec<(DocumentKind, &str)> = plan
                .changes
                .iter()
                .filter(|c| matches!(c.op, Op::Delete | Op::Replace))
                .map(|c| (c.doc.kind, c.doc.target.as_ref()))
                .collect();
            assert!(
                deletes.iter().all(|(_, target)| !target.contains("victim")),
                "{mode:?}: {deletes:?}"
            );
            for what in ["victim-ap", "victim-role"] {
                assert!(
                    plan.kept.iter().any(|k| k.contains(what)
                        && k.contains("left in place")
                        && k.contains("did not create it")),
                    "{what}: {:?}",
                    plan.kept
                );
            }
        }
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        session.apply(&plan, &|_| {}).await.unwrap();
    });
    victim_intact();
    assert_eq!(
        fixture(
            "role-policies",
            &json!({"account": OWNER, "role": "victim-role"})
        ),
        json!(["their-policy"])
    );
    // The deployment let go of what it could not show it created.
    let record = fixture("parameters", &json!({"account": OWNER, "path": path}));
    for forged in [&forged_ap, &forged_policy, &forged_role] {
        assert!(record.get(forged.parameter(&path)).is_none(), "{record}");
    }
    // What it did create still goes on destroy.
    runtime().block_on(apply(deployment, Mode::Destroy));
    assert_eq!(
        fixture("access-points", &json!({"account": OWNER})),
        json!(["victim-ap"])
    );
    victim_intact();
    assert_eq!(
        fixture(
            "role-policies",
            &json!({"account": OWNER, "role": "victim-role"})
        ),
        json!(["their-policy"])
    );
}

/// `--adopt` records what it takes over as adopted: destroy releases it (its policy loses only
/// the deployment's statements) unless deletion is asked for.
#[test]
fn an_adopted_access_point_is_released_and_deleted_only_when_asked() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    fixture(
        "create-access-point",
        &json!({"account": OWNER, "name": "marketing-data", "bucket": "marketing-customer-data"}),
    );
    let adopt = || {
        runtime().block_on(async {
            let session = session().await;
            let plan = session.plan(Mode::Apply, true).await.unwrap();
            session.apply(&plan, &|_| {}).await.unwrap();
            assert!(!session
                .plan(Mode::Apply, false)
                .await
                .unwrap()
                .has_changes());
        })
    };
    adopt();
    let record = fixture("parameters", &json!({"account": OWNER, "path": path()}));
    assert!(
        record.as_object().unwrap().values().any(|v| v
            .as_str()
            .unwrap()
            .contains("marketing-data")
            && v.as_str().unwrap().contains(r#""adopted":true"#)),
        "{record}"
    );
    runtime().block_on(async {
        let session = session().await;
        let plan = session.plan(Mode::Destroy, false).await.unwrap();
        assert!(
            plan.kept
                .iter()
                .any(|k| k.contains("accesspoint/marketing-data") && k.contains("released")),
            "{:?}",
            plan.kept
        );
        session.apply(&plan, &|_| {}).await.unwrap();
    });
    assert_eq!(
        fixture("access-points", &json!({"account": OWNER})),
        json!(["marketing-data"])
    );
    let ap_policy = fixture(
        "read",
        &json!([{"account": OWNER, "kind": "access-point-policy", "name": "marketing-data", "target": "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data"}]),
    );
    assert!(
        !ap_policy[0].to_string().contains(&deployment.sid_prefix()),
        "the deployment's statements are gone: {ap_policy}"
    );
    assert_eq!(
        fixture("parameters", &json!({"account": OWNER, "path": path()})),
        json!({})
    );
    adopt();
    runtime().block_on(async {
        let session = session().await;
        let plan = session.plan_with(Mode::Destroy, false, true).await.unwrap();
        session.apply(&plan, &|_| {}).await.unwrap();
    });
    assert_eq!(
        fixture("access-points", &json!({"account": OWNER})),
        json!([])
    );
}

/// Two deployments that declare the same access point.
mod first {
    policy_macros::grants! {
        pub static FIRST = {
            grant reads {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/first-reader",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/contested",
                bucket: "shared-bucket",
                actions: [s3:GetObject],
            }
        };
    }
}

mod second {
    policy_macros::grants! {
        pub static SECOND = {
            grant reads {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/second-reader",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/contested",
                bucket: "shared-bucket",
                actions: [s3:GetObject],
            }
        };
    }
}

#[test]
fn adopt_refuses_an_access_point_another_deployment_records() {
    let _emulator = emulator();
    let (first, second) = (&first::FIRST, &second::SECOND);
    seed(first);
    runtime().block_on(async {
        apply(first, Mode::Apply).await;
        let session = Session::connect(second, &specs(second)).await.unwrap();
        let error = session
            .plan(Mode::Apply, true)
            .await
            .expect_err("the access point is FIRST's");
        assert!(
            error.to_string().contains("accesspoint/contested")
                && error.to_string().contains("record of deployment FIRST"),
            "{error}"
        );
        assert!(!has_changes(first, Mode::Apply).await);
    });
}

/// What `deployer-policy` prints, judged by the project's evaluator: it allows every call a
/// plan, apply, verify, plan and destroy really make (the tool's own log of its SDK calls), and refuses
/// each of them on another deployment's record and on a role the deployment does not create.
#[test]
fn the_deployer_policy_allows_every_call_and_nothing_of_another_deployment() {
    let _emulator = emulator();
    for deployment in [
        &shared_data::SHARING,
        &encrypted_lake::ENCRYPTED_LAKE,
        &direct_grant::PARTNER_UPLOADS,
    ] {
        emulator_reset();
        seed(deployment);
        let calls = runtime().block_on(async {
            let mut calls = Vec::new();
            for mode in [Mode::Apply, Mode::Apply, Mode::Destroy] {
                let session = Session::connect(deployment, &specs(deployment))
                    .await
                    .unwrap();
                let plan = session.plan(mode, false).await.unwrap();
                session.apply(&plan, &|_| {}).await.unwrap();
                if mode == Mode::Apply {
                    // verify reads the other layers: boundaries, managed policies, buckets.
                    session.verify(None).await.unwrap();
                }
                calls.extend(session.call_log());
            }
            calls
        });
        let policies = xacct_deploy::permissions::deployer_policies(deployment);
        let documents: Vec<policy_core::Document> = policies
            .iter()
            .map(|(account, policy)| policy_core::Document {
                account: account.clone().into(),
                kind: DocumentKind::RoleInlinePolicy,
                target: format!("arn:aws:iam::{account}:role/xacct-deployer").into(),
                name: Some("deployer".into()),
                policy: Some(policy.to_string().into()),
                bucket: None,
                bucket_account: None,
                region: None,
                path: None,
                vpc: None,
                grants: Vec::new().into(),
            })
            .collect();
        // A key's policy decides first: the key's owners' statement, as `seed` wrote it, lets
        // IAM policies of its account grant its use ("Key policies in AWS KMS").
        let mut documents = documents;
        for key in deployment
            .documents()
            .iter()
            .filter(|d| d.kind == DocumentKind::KeyPolicy)
        {
            let owners = json!({"Version": "2012-10-17", "Statement": [{"Sid": "KeyAdministrators", "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{}:root", key.account)}, "Action": "kms:*", "Resource": "*"}]});
            documents.push(policy_core::Document {
                policy: Some(owners.to_string().into()),
                ..key.clone()
            });
        }
        let mut set = policy_core::eval::PolicySet::from_documents(&documents).unwrap();
        // Whose bucket it is decides which policies judge a request: the deployment says.
        for doc in deployment.documents() {
            if let (DocumentKind::BucketPolicy, Some(bucket)) = (doc.kind, doc.name.as_deref()) {
                set.set_bucket_owner(bucket, &doc.account);
            }
        }
        let decide = |account: &str, action: &str, resource: &str| {
            let request = policy_core::eval::Request {
                principal: format!("arn:aws:iam::{account}:role/xacct-deployer"),
                action: action.to_owned(),
                resource: resource.to_owned(),
                context: Default::default(),
            };
            policy_core::eval::evaluate(&set, &request).verdict
        };
        // `audit`: CloudTrail's event history and the last accessed report of every grant's
        // bridge role or requester in the account.
        for account in policies.keys() {
            for action in xacct_deploy::permissions::AUDIT_UNSCOPED {
                assert_eq!(
                    decide(account, action, "*"),
                    policy_core::eval::Verdict::Allow,
                    "{action}"
                );
            }
        }
        for grant in deployment.grants() {
            if let Some(entity) = xacct_deploy::audit::entity_of(grant) {
                let account = entity.split(':').nth(4).unwrap();
                if policies.contains_key(account) {
                    assert_eq!(
                        decide(account, xacct_deploy::permissions::AUDIT_ENTITY, &entity),
                        policy_core::eval::Verdict::Allow,
                        "{entity}"
                    );
                }
            }
        }
        let own_path = format!("/xacct/{}/", deployment.name);
        let created_roles: Vec<String> = deployment
            .documents()
            .iter()
            .filter(|d| d.kind == DocumentKind::Role)
            .map(|d| d.target.to_string())
            .collect();
        let mut operations = std::collections::BTreeSet::new();
        assert!(calls.len() > 20, "{} calls", calls.len());
        for call in &calls {
            for (action, resource) in xacct_deploy::permissions::requests(deployment, call) {
                operations.insert(action);
                assert_eq!(
                    decide(&call.account, action, &resource),
                    policy_core::eval::Verdict::Allow,
                    "{} {action} on {resource}",
                    deployment.name
                );
                let elsewhere = if resource.contains(&own_path) {
                    Some(resource.replace(&own_path, "/xacct/SOMEONE_ELSE/"))
                } else if created_roles.contains(&resource) {
                    Some(format!("arn:aws:iam::{}:role/someone-elses", call.account))
                } else {
                    None
                };
                if let Some(elsewhere) = elsewhere {
                    assert_eq!(
                        decide(&call.account, action, &elsewhere),
                        policy_core::eval::Verdict::Deny,
                        "{action} on {elsewhere}"
                    );
                }
            }
        }
        // The run reached the record, the proof of creation and the deletes.
        for action in [
            "ssm:DescribeParameters",
            "ssm:GetParameterHistory",
            "ssm:PutParameter",
            "ssm:DeleteParameter",
            "s3:DeleteBucketPolicy",
        ] {
            assert!(operations.contains(action), "{action} in {operations:?}");
        }
    }
}
