//! End-to-end: a grant removed from the code loses every access path, a statement added to an
//! owned document is removed and one in a shared document kept, expired grants and replaced access
//! points, and what the deployment did not create is never taken over.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::{Deployment, DocumentKind};
use serde_json::{json, Value};
use xacct_deploy::{AccountSpec, DeployError, Mode, Op, Session};

/// A deployment of two grants, and the same deployment (same name) after its code changed: one
/// grant deleted (its requester's account is no longer named), the other renamed, moved to
/// another access point, its bridge role dropped and its actions narrowed.
mod sales_before {
    policy_macros::grants! {
        /// Sales data shared with two consumers.
        pub static SALES = {
            grant etl_reads_sales {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/etl-reader",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/sales",
                bucket: "sales-data",
                actions: [s3:GetObject, s3:ListBucket],
                prefixes: ["sales/"],
            }
            grant bi_reads_sales {
                requester: "arn:aws:iam::333333333333:role/bi",
                assume_role: "arn:aws:iam::222222222222:role/bi-reader",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/sales",
                bucket: "sales-data",
                actions: [s3:GetObject],
                prefixes: ["sales/"],
            }
        };
    }
}

mod sales_after {
    policy_macros::grants! {
        /// Sales data shared with one consumer, directly.
        pub static SALES = {
            grant etl_reads_reports {
                requester: "arn:aws:iam::111111111111:role/etl",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/sales-reports",
                bucket: "sales-data",
                actions: [s3:GetObject],
                prefixes: ["sales/"],
            }
        };
    }
}

/// The decision for `principal` reading `object` through `access_point`, judged by the
/// evaluator on every document of `deployment` (declared or left behind) as read back from AWS.
async fn live_decision(
    deployment: &Deployment,
    specs: &[AccountSpec],
    principal: &str,
    access_point: &str,
    object: &str,
) -> bool {
    use policy_core::eval::{Context, PolicySet};
    let session = Session::connect(deployment, specs).await.unwrap();
    let mut documents = Vec::new();
    for (target, live) in session.read_all().await.unwrap() {
        documents.extend(live.stored(target.doc));
    }
    let set = PolicySet::from_documents(&documents).unwrap();
    let resource = format!("{access_point}/object/{object}");
    policy_core::explain::explain(
        &set,
        deployment.grants(),
        principal,
        "s3:GetObject",
        &resource,
        &Context::new(),
    )
    .verdict
    .decided()
        || {
            // Through a bridge role the grant no longer declares: assume it, then read.
            let bridge = "arn:aws:iam::222222222222:role/bi-reader";
            let assume = policy_core::eval::Request {
                principal: principal.to_owned(),
                action: "sts:AssumeRole".into(),
                resource: bridge.into(),
                context: Context::new(),
            };
            let read = policy_core::eval::Request {
                principal: bridge.into(),
                action: "s3:GetObject".into(),
                resource,
                context: Context::new(),
            };
            policy_core::eval::evaluate(&set, &assume).verdict.decided()
                && policy_core::eval::evaluate(&set, &read).verdict.decided()
        }
}

#[test]
fn a_grant_deleted_from_the_code_loses_every_access_path() {
    let _emulator = emulator();
    let before = &sales_before::SALES;
    let after = &sales_after::SALES;
    seed(before);
    let everyone = all_specs(&["111111111111", "222222222222", "333333333333"]);
    let bi = "arn:aws:iam::333333333333:role/bi";
    let old_ap = "arn:aws:s3:us-east-1:222222222222:accesspoint/sales";
    runtime().block_on(async {
        apply(before, Mode::Apply).await;
        assert!(live_decision(before, &everyone, bi, old_ap, "sales/q1.csv").await, "bi reads before");

        // The account of the deleted grant's requester is no longer named: plan asks for it.
        let error = Session::connect(after, &specs(after))
            .await
            .unwrap()
            .plan(Mode::Apply, false)
            .await
            .expect_err("account 333333333333 still holds the deployment's resources");
        assert!(
            matches!(&error, DeployError::UndeclaredAccount { account, .. } if account == "333333333333"),
            "{error}"
        );

        let session = Session::connect(after, &everyone).await.unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        // Another process, with nothing but AWS to go by, plans the same.
        let again = Session::connect(after, &everyone)
            .await
            .unwrap()
            .plan(Mode::Apply, false)
            .await
            .unwrap();
        let summary = |p: &xacct_deploy::Plan| {
            p.changes
                .iter()
                .map(|c| (c.doc.kind, c.doc.target.to_string(), c.op))
                .collect::<Vec<_>>()
        };
        assert_eq!(summary(&plan), summary(&again));
        let differences = session.verify(None).await.unwrap();
        assert!(
            differences
                .iter()
                .any(|d| d.contains("role/bi-reader") && d.contains("no grant declares it")),
            "verify reports the access left by the deleted grant: {differences:?}"
        );
        let gone: Vec<(DocumentKind, &str, Option<&str>)> = plan
            .changes
            .iter()
            .filter(|c| c.op == Op::Delete)
            .map(|c| (c.doc.kind, c.doc.target.as_ref(), c.reason.as_deref()))
            .collect();
        for (kind, target) in [
            (DocumentKind::Role, "arn:aws:iam::222222222222:role/bi-reader"),
            (DocumentKind::Role, "arn:aws:iam::222222222222:role/etl-reader"),
            (DocumentKind::RoleInlinePolicy, bi),
            (DocumentKind::AccessPoint, old_ap),
        ] {
            assert!(gone.iter().any(|(k, t, _)| *k == kind && *t == target), "{kind:?} {target} in {gone:?}");
        }
        assert!(
            gone.iter().any(|(_, t, reason)| *t == bi && *reason == Some("grant bi_reads_sales is no longer declared")),
            "{gone:?}"
        );
        session.apply(&plan, &|_| {}).await.unwrap();

        // A fresh session (no state but AWS's) plans nothing, with only the declared accounts.
        assert!(!has_changes(after, Mode::Apply).await, "converged");
        assert!(!live_decision(before, &everyone, bi, old_ap, "sales/q1.csv").await, "bi reads after");
        let etl = "arn:aws:iam::111111111111:role/etl";
        let new_ap = "arn:aws:s3:us-east-1:222222222222:accesspoint/sales-reports";
        assert!(live_decision(after, &specs(after), etl, new_ap, "sales/q1.csv").await);
        assert!(!live_decision(before, &everyone, etl, old_ap, "sales/q1.csv").await);
    });
    assert_stored_equals_render(after);
    assert_eq!(
        fixture("count-roles", &json!({"account": "222222222222"})),
        json!(0)
    );
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(1)
    );
}

#[test]
fn a_statement_added_to_a_policy_the_deployment_created_is_removed_and_one_in_a_shared_policy_kept()
{
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(apply(deployment, Mode::Apply));
    let stranger = json!({"Sid": "Stranger", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/*"});
    let docs: Value = serde_json::from_str(deployment.render_json()).unwrap();
    let policy_docs: Vec<&Value> = docs
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "access-point-policy" || d["kind"] == "bucket-policy")
        .collect();
    for doc in &policy_docs {
        let mut stored = fixture("read", &json!([doc]))[0].clone();
        stored["Statement"]
            .as_array_mut()
            .unwrap()
            .push(stranger.clone());
        if doc["kind"] == "access-point-policy" {
            fixture(
                "put-access-point-policy",
                &json!({"account": doc["account"], "name": doc["name"], "policy": stored.to_string()}),
            );
        } else {
            fixture(
                "seed",
                &json!({"bucket_policies": [[doc["account"], doc["name"], stored.to_string()]]}),
            );
        }
    }
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        let changed: Vec<DocumentKind> = plan
            .changes
            .iter()
            .filter(|c| c.op != Op::NoOp)
            .map(|c| c.doc.kind)
            .collect();
        assert_eq!(
            changed,
            vec![DocumentKind::AccessPointPolicy],
            "only the access point we created drifted"
        );
        let change = plan.changes.iter().find(|c| c.op != Op::NoOp).unwrap();
        assert!(change
            .before
            .as_deref()
            .is_some_and(|b| b.contains("Stranger")));
        assert!(!change
            .after
            .as_deref()
            .is_some_and(|a| a.contains("Stranger")));
        session.apply(&plan, &|_| {}).await.unwrap();
    });
    let ap_doc = policy_docs
        .iter()
        .find(|d| d["kind"] == "access-point-policy")
        .unwrap();
    assert_eq!(
        xacct_deploy::plan::normalize(&fixture("read", &json!([ap_doc]))[0]),
        xacct_deploy::plan::normalize(&ap_doc["policy"]),
        "the access point policy is exactly what the deployment declares"
    );
    let bucket = fixture(
        "read",
        &json!([policy_docs
            .iter()
            .find(|d| d["kind"] == "bucket-policy")
            .unwrap()]),
    )[0]
    .clone();
    assert!(
        bucket["Statement"].as_array().unwrap().contains(&stranger),
        "the bucket policy is shared: {bucket}"
    );
    // Destroy deletes the access point it created, whatever its policy held.
    runtime().block_on(apply(deployment, Mode::Destroy));
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(0)
    );
}

#[test]
fn an_access_point_someone_else_created_is_neither_taken_over_nor_deleted() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    fixture(
        "create-access-point",
        &json!({"account": "222222222222", "name": "marketing-data", "bucket": "marketing-customer-data"}),
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let error = session
            .plan(Mode::Apply, false)
            .await
            .expect_err("refused without --adopt");
        assert!(
            error.to_string().contains("access point") && error.to_string().contains("--adopt"),
            "{error}"
        );
        let plan = session.plan(Mode::Destroy, false).await.unwrap();
        assert!(plan
            .changes
            .iter()
            .all(|c| c.doc.kind != DocumentKind::AccessPoint || c.op == Op::NoOp));
        session.apply(&plan, &|_| {}).await.unwrap();
    });
    assert_eq!(
        fixture("count-access-points", &json!({"account": "222222222222"})),
        json!(1)
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, true).await.unwrap();
        session.apply(&plan, &|_| {}).await.unwrap();
        assert!(!has_changes(deployment, Mode::Apply).await, "adopted");
    });
}

/// Two deployments whose names differ only by case, in the same accounts, on the same bucket and
/// the same requester role.
mod upper {
    policy_macros::grants! {
        pub static D = {
            grant reads {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/reader-upper",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/d-upper",
                bucket: "shared-bucket",
                actions: [s3:GetObject],
            }
        };
    }
}

mod lower {
    #![allow(non_upper_case_globals)]
    policy_macros::grants! {
        pub static d = {
            grant reads {
                requester: "arn:aws:iam::111111111111:role/etl",
                assume_role: "arn:aws:iam::222222222222:role/reader-lower",
                access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/d-lower",
                bucket: "shared-bucket",
                actions: [s3:GetObject],
            }
        };
    }
}

#[test]
fn deployments_named_d_and_lowercase_d_never_touch_each_other() {
    let _emulator = emulator();
    let (upper, lower) = (&upper::D, &lower::d);
    assert_ne!(upper.sid_prefix(), lower.sid_prefix());
    assert_ne!(
        upper.inline_policy_name().to_lowercase(),
        lower.inline_policy_name().to_lowercase()
    );
    seed(upper);
    runtime().block_on(async {
        apply(upper, Mode::Apply).await;
        apply(lower, Mode::Apply).await;
        assert!(
            !has_changes(upper, Mode::Apply).await,
            "D untouched by d's apply"
        );
        apply(lower, Mode::Destroy).await;
        assert!(
            !has_changes(upper, Mode::Apply).await,
            "D untouched by d's destroy"
        );
        assert!(!has_changes(lower, Mode::Destroy).await);
    });
    assert_stored_equals_render(upper);
    for (doc, stored) in lower.documents().iter().zip(read_back(lower)) {
        if doc.kind == DocumentKind::BucketPolicy {
            let text = stored.to_string();
            assert!(
                !text.contains(&format!("\"{}", lower.sid_prefix())),
                "{text}"
            );
            assert!(
                text.contains(&format!("\"{}", upper.sid_prefix())),
                "{text}"
            );
        } else {
            assert!(
                stored.is_null(),
                "{} {} left: {stored}",
                doc.kind.as_str(),
                doc.target
            );
        }
    }
}

#[test]
fn a_trust_policy_naming_a_deleted_role_by_its_unique_id_is_reported_and_repaired() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    runtime().block_on(apply(deployment, Mode::Apply));
    let trust = deployment
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::RoleTrustPolicy)
        .unwrap();
    let broken = trust.policy.as_deref().unwrap().replace(
        "arn:aws:iam::111111111111:role/analytics-etl",
        "AROAEXAMPLEUNIQUEID42",
    );
    fixture(
        "update-trust",
        &json!({"account": trust.account, "role": trust.target.rsplit('/').next(), "policy": broken}),
    );
    runtime().block_on(async {
        let session = Session::connect(deployment, &specs(deployment))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        let change = plan
            .changes
            .iter()
            .find(|c| c.op != Op::NoOp)
            .expect("the trust policy changes");
        assert_eq!(change.doc.kind, DocumentKind::RoleTrustPolicy);
        assert!(
            change
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("AROAEXAMPLEUNIQUEID42")),
            "{:?}",
            change.reason
        );
        let differences = session.verify(None).await.unwrap();
        assert!(
            differences
                .iter()
                .any(|d| d.contains("AROAEXAMPLEUNIQUEID42")),
            "{differences:?}"
        );
        session.apply(&plan, &|_| {}).await.unwrap();
        assert!(!has_changes(deployment, Mode::Apply).await, "repaired");
    });
    assert_stored_equals_render(deployment);
}

/// The deployment in force now, as the command line computes it.
fn in_force_now(deployment: &Deployment) -> policy_core::pipeline::InForce<'_> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    policy_core::pipeline::in_force(deployment, i64::try_from(now).unwrap()).unwrap()
}

/// A grant whose expiry has passed is planned away like a deleted one, with the expiry as the
/// reason: its own documents go, its statements leave the documents it shared, and the grant
/// still in force keeps exactly its access. `verify` says so before the apply.
#[test]
fn an_expired_grant_is_reported_and_its_access_removed() {
    let _emulator = emulator();
    let declared = &private_network::PRIVATE_LAKE;
    seed(declared);
    runtime().block_on(apply(declared, Mode::Apply));
    // The same code after `bi_reads`'s expiry (an expiry in the past).
    let mut expired = declared.clone();
    let mut grants = expired.grants.to_vec();
    let bi = grants.iter_mut().find(|g| g.name == "bi_reads").unwrap();
    bi.restrictions.expires =
        Some(policy_core::restrictions::Expiry::parse("2020-01-01T00:00:00Z").unwrap());
    expired.grants = grants.into();
    let in_force = in_force_now(&expired);
    assert_eq!(in_force.expired.len(), 1);
    assert_eq!(in_force.expired[0].0, "bi_reads");
    let specs = specs(declared);
    runtime().block_on(async {
        let session =
            Session::connect_in_force(&in_force, &specs, std::time::Duration::from_secs(20))
                .await
                .unwrap();
        let differences = session.verify(None).await.unwrap();
        assert!(
            differences.iter().any(|d| d
                .contains("grant bi_reads expired at 2020-01-01T00:00:00Z")
                && d.contains("run apply")),
            "{differences:#?}"
        );
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        assert_eq!(
            plan.expired,
            [("bi_reads".to_owned(), "2020-01-01T00:00:00Z".to_owned())]
        );
        let mut changes: Vec<(DocumentKind, Op, String)> = plan
            .changes
            .iter()
            .filter(|c| c.op != Op::NoOp)
            .map(|c| (c.doc.kind, c.op, c.reason.clone().unwrap_or_default()))
            .collect();
        changes.sort_by_key(|c| c.0);
        let reason = "grant bi_reads expired at 2020-01-01T00:00:00Z".to_owned();
        assert_eq!(
            changes,
            vec![
                (DocumentKind::RoleInlinePolicy, Op::Delete, reason.clone()),
                (DocumentKind::AccessPointPolicy, Op::Update, reason.clone()),
                (DocumentKind::BucketPolicy, Op::Update, reason.clone()),
            ]
        );
        session.apply(&plan, &|_| {}).await.unwrap();
        let again = session.plan(Mode::Apply, false).await.unwrap();
        assert!(!again.has_changes(), "converged after the removal");
        assert!(session.verify(None).await.unwrap().is_empty());
    });
    assert_stored_equals_render(&in_force.deployment);
    let gone = read_back(declared);
    let bi_policy = declared
        .documents()
        .iter()
        .position(|d| d.target.as_ref() == "arn:aws:iam::111111111111:role/bi-dashboards")
        .unwrap();
    assert!(
        gone[bi_policy].is_null(),
        "the expired grant's identity policy is deleted: {}",
        gone[bi_policy]
    );
}

/// An access point's network origin is fixed when it is created: changing `access_point_vpc` of
/// an access point the deployment created replaces it (deleted, created with the VPC, its policy
/// written again), and the plan says why.
#[test]
fn a_new_network_origin_replaces_the_access_point() {
    let _emulator = emulator();
    let with_vpc = &private_network::PRIVATE_LAKE;
    // The same grants on an internet-facing access point.
    let grants: Vec<policy_core::Grant> = with_vpc
        .grants()
        .iter()
        .map(|g| {
            let mut g = g.clone();
            g.restrictions.access_point_vpc = None;
            g
        })
        .collect();
    let internet = policy_core::pipeline::build_from_grants(&with_vpc.name, &grants).unwrap();
    seed(&internet);
    runtime().block_on(apply(&internet, Mode::Apply));
    assert_stored_equals_render(&internet);
    runtime().block_on(async {
        let session = Session::connect(with_vpc, &specs(with_vpc)).await.unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        let changes: Vec<(DocumentKind, Op, String)> = plan
            .changes
            .iter()
            .filter(|c| c.op != Op::NoOp)
            .map(|c| (c.doc.kind, c.op, c.reason.clone().unwrap_or_default()))
            .collect();
        assert_eq!(changes.len(), 2, "{changes:#?}");
        assert_eq!((changes[0].0, changes[0].1), (DocumentKind::AccessPoint, Op::Replace));
        assert!(
            changes[0].2.contains("it has network origin Internet, the grants declare network origin VPC vpc-0f1e2d3c4b5a69788"),
            "{}",
            changes[0].2
        );
        assert_eq!(
            changes[1],
            (
                DocumentKind::AccessPointPolicy,
                Op::Update,
                "the access point is replaced".to_owned()
            )
        );
        assert!(plan.summary().contains("1 to replace"), "{}", plan.summary());
        session.apply(&plan, &|_| {}).await.unwrap();
        assert!(!has_changes(with_vpc, Mode::Apply).await, "converged");
    });
    assert_stored_equals_render(with_vpc);
    // Back to the internet: the other way round, too.
    runtime().block_on(async {
        let session = Session::connect(&internet, &specs(&internet))
            .await
            .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        assert_eq!(plan.count(Op::Replace), 1);
        session.apply(&plan, &|_| {}).await.unwrap();
        apply(&internet, Mode::Destroy).await;
    });
    assert!(read_back(&internet).iter().all(Value::is_null));
}

/// The key policy of an SSE-KMS bucket's key is shared: apply adds the deployment's statements
/// after the key's administrators', which stay first and untouched; destroy takes out only ours.
#[test]
fn a_key_policy_keeps_its_administrators_and_loses_only_our_statements() {
    let _emulator = emulator();
    let deployment = &encrypted_lake::ENCRYPTED_LAKE;
    seed(deployment);
    let key_doc = deployment
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::KeyPolicy)
        .unwrap();
    let read_key = || fixture("read", &json!([key_doc.to_json()]))[0].clone();
    let sids = |policy: &Value| -> Vec<String> {
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    runtime().block_on(apply(deployment, Mode::Apply));
    let applied = read_key();
    let prefix = deployment.sid_prefix();
    let applied_sids = sids(&applied);
    assert_eq!(applied_sids[0], "KeyAdministrators", "{applied}");
    assert_eq!(
        applied_sids[1..]
            .iter()
            .filter(|s| s.starts_with(&prefix))
            .count(),
        2,
        "{applied}"
    );
    assert_stored_equals_render(deployment);
    runtime().block_on(async {
        assert!(!has_changes(deployment, Mode::Apply).await, "converged");
        apply(deployment, Mode::Destroy).await;
    });
    assert_eq!(sids(&read_key()), ["KeyAdministrators"]);
}
