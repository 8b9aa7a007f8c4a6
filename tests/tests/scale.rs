//! Statement merging at scale: requesters with the same access share statements, so one access
//! point serves hundreds of them and one bridge role's trust policy dozens; the proof runs on the
//! merged documents, and the same grants in any order give the same bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::{build, DeploymentInput, GrantInput, Loc, Spanned};

fn s(text: &str) -> Option<Spanned<String>> {
    Some(Spanned::new(text.to_owned(), Loc::UNKNOWN))
}

fn list(items: &[&str]) -> Option<Spanned<Vec<Spanned<String>>>> {
    Some(Spanned::new(
        items
            .iter()
            .map(|i| Spanned::new((*i).to_owned(), Loc::UNKNOWN))
            .collect(),
        Loc::UNKNOWN,
    ))
}

/// Consumer `i`: a role in its own account (39 characters, a typical role ARN).
fn consumer(i: usize) -> String {
    format!("arn:aws:iam::{}:role/consumer", 100_000_000_000 + i)
}

fn deployment(grants: Vec<GrantInput>) -> DeploymentInput {
    DeploymentInput {
        name: Spanned::new("LAKE".into(), Loc::UNKNOWN),
        doc: String::new(),
        grants,
    }
}

/// Consumers, each a role in its own account, reading one prefix through one access point.
fn direct_grants(order: impl Iterator<Item = usize>) -> DeploymentInput {
    deployment(
        order
            .map(|i| GrantInput {
                name: Spanned::new(format!("consumer_{i}"), Loc::UNKNOWN),
                requester: s(&consumer(i)),
                access_point: s("arn:aws:s3:us-east-1:222222222222:accesspoint/shared"),
                bucket: s("lake"),
                actions: list(&["s3:GetObject", "s3:ListBucket"]),
                prefixes: list(&["curated/"]),
                ..GrantInput::default()
            })
            .collect(),
    )
}

fn policy_of<'a>(docs: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    &docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == kind)
        .unwrap()["policy"]
}

/// 236 consumers with the same access fit one access point and one bucket policy (before merging,
/// 30 did): two statements each, every consumer named once in each, 84 bytes a consumer; the
/// bucket policy reaches its 20 KB first. Shuffled, the same bytes.
#[test]
fn two_hundred_thirty_six_consumers_share_one_access_point() {
    let n = 236;
    let built = build(&direct_grants(0..n)).unwrap_or_else(|d| panic!("{d}"));
    let docs: serde_json::Value = serde_json::from_str(built.render_json()).unwrap();
    for kind in ["access-point-policy", "bucket-policy"] {
        let policy = policy_of(&docs, kind);
        assert!(policy.to_string().len() <= 20 * 1024, "{kind}");
        let statements = policy["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 2, "{kind}: {statements:#?}");
        for st in statements {
            assert_eq!(st["Principal"]["AWS"].as_array().unwrap().len(), n);
            assert!(st["Sid"].as_str().unwrap().starts_with("Xacct4LakeShared"));
        }
    }
    let shuffled = (0..n).map(|i| (i * 7) % n);
    let again = build(&direct_grants(shuffled)).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(again.render_json(), built.render_json());
}

/// 450 consumers with the same access fit one access point: past what two statements naming each
/// consumer hold, the objects and the listing are one statement (`StringLikeIfExists s3:prefix`),
/// and the access point refuses every listing without a prefix, which no grant on it declares.
/// The proof ran on these documents (a listing without `s3:prefix`, or with an empty one, must be
/// refused). Shuffled, the same bytes.
#[test]
fn four_hundred_fifty_consumers_share_one_access_point() {
    let n = 450;
    let built = build(&direct_grants(0..n)).unwrap_or_else(|d| panic!("{d}"));
    let docs: serde_json::Value = serde_json::from_str(built.render_json()).unwrap();
    let access_point = "arn:aws:s3:us-east-1:222222222222:accesspoint/shared";
    let ap_policy = policy_of(&docs, "access-point-policy");
    let bucket_policy = policy_of(&docs, "bucket-policy");
    for policy in [ap_policy, bucket_policy] {
        assert!(policy.to_string().len() <= 20 * 1024);
    }
    let read = |policy: &serde_json::Value| {
        let statements = policy["Statement"].as_array().unwrap();
        let allows: Vec<&serde_json::Value> = statements
            .iter()
            .filter(|st| st["Effect"] == "Allow")
            .collect();
        assert_eq!(allows.len(), 1, "{statements:#?}");
        assert_eq!(allows[0]["Principal"]["AWS"].as_array().unwrap().len(), n);
        assert_eq!(
            allows[0]["Action"],
            serde_json::json!(["s3:GetObject", "s3:ListBucket"])
        );
        assert_eq!(
            allows[0]["Condition"]["StringLikeIfExists"]["s3:prefix"],
            "curated/*"
        );
        statements.len()
    };
    assert_eq!(read(bucket_policy), 1, "the access point's deny is enough");
    assert_eq!(read(ap_policy), 2);
    let deny = ap_policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["Effect"] == "Deny")
        .unwrap();
    assert_eq!(
        *deny,
        serde_json::json!({
            "Sid": "Xacct4LakeListOnlyUnderPrefixes",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:ListBucket",
            "Resource": access_point,
            "Condition": {"Null": {"s3:prefix": "true"}},
        })
    );
    let shuffled = (0..n).map(|i| (i * 7) % n);
    let again = build(&direct_grants(shuffled)).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(again.render_json(), built.render_json());
}

/// A grant that lists the whole access point keeps its consumers' statements apart (the deny
/// would take its listing away): the same 300 consumers do not fit then, and the error says why.
#[test]
fn a_whole_listing_on_the_access_point_keeps_statements_apart() {
    let mut input = direct_grants(0..300);
    input.grants.push(GrantInput {
        name: Spanned::new("catalog".to_owned(), Loc::UNKNOWN),
        requester: s("arn:aws:iam::333333333333:role/catalog"),
        access_point: s("arn:aws:s3:us-east-1:222222222222:accesspoint/shared"),
        bucket: s("lake"),
        actions: list(&["s3:ListBucket"]),
        ..GrantInput::default()
    });
    let error = build(&input).unwrap_err().to_string();
    assert!(error.contains("over AWS's limit of 20480 bytes"), "{error}");
    assert!(
        error.contains("`catalog` lists the whole access point, so each requester is named in two statements; with a prefix it would let them share one"),
        "{error}"
    );
}

/// Past the limit, the error says by how much and what would make it fit.
#[test]
fn a_policy_still_over_its_limit_says_by_how_much_and_what_would_fit() {
    let error = build(&direct_grants(0..600)).unwrap_err().to_string();
    assert!(
        error.contains("would be 25778 bytes, 5298 over AWS's limit of 20480 bytes"),
        "{error}"
    );
    assert!(
        error.contains("it holds the statements of 600 grant(s) (`consumer_0`, `consumer_1`, `consumer_2`, `consumer_3`, `consumer_4` and 595 more)"),
        "{error}"
    );
    assert!(error.contains("second access point"), "{error}");
    assert!(
        error.contains("one grant to it (`requester: \"o-…\"`)"),
        "{error}"
    );
}

/// Consumers that are the accounts of one organization (or OU), however many, are one grant: one
/// statement per kind of access in the access point and bucket policies, for 300 accounts as for
/// 3, beside 200 named consumers on the same access point.
#[test]
fn an_organization_of_any_size_is_one_statement_beside_named_consumers() {
    let mut input = direct_grants(0..200);
    for (name, requester) in [
        ("whole_organization", "o-a1b2c3d4e5"),
        ("analytics_unit", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"),
    ] {
        input.grants.push(GrantInput {
            name: Spanned::new(name.to_owned(), Loc::UNKNOWN),
            requester: s(requester),
            access_point: s("arn:aws:s3:us-east-1:222222222222:accesspoint/shared"),
            bucket: s("lake"),
            actions: list(&["s3:GetObject", "s3:ListBucket"]),
            prefixes: list(&["curated/"]),
            ..GrantInput::default()
        });
    }
    let built = build(&input).unwrap_or_else(|d| panic!("{d}"));
    let docs: serde_json::Value = serde_json::from_str(built.render_json()).unwrap();
    let everyone: Vec<&serde_json::Value> = policy_of(&docs, "access-point-policy")["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|st| st["Principal"]["AWS"] == "*")
        .collect();
    assert_eq!(everyone.len(), 4, "objects and listing, for each grant");
}

/// 40 requesters assuming one bridge role with the same external id share one trust statement,
/// within the trust policy's 2,048 characters; the role's own permissions are one set of
/// statements whoever assumes it.
#[test]
fn forty_requesters_share_one_trust_policy() {
    let grants = (0..40)
        .map(|i| GrantInput {
            name: Spanned::new(format!("team_{i}"), Loc::UNKNOWN),
            requester: s(&consumer(i)),
            assume_role: s("arn:aws:iam::222222222222:role/lake-reader"),
            access_point: s("arn:aws:s3:us-east-1:222222222222:accesspoint/shared"),
            bucket: s("lake"),
            actions: list(&["s3:GetObject", "s3:ListBucket"]),
            prefixes: list(&["curated/"]),
            external_id: s("lake-2026"),
            ..GrantInput::default()
        })
        .collect();
    let built = build(&deployment(grants)).unwrap_or_else(|d| panic!("{d}"));
    let docs: serde_json::Value = serde_json::from_str(built.render_json()).unwrap();
    let trust = policy_of(&docs, "role-trust-policy");
    assert!(
        trust.to_string().len() <= 2048,
        "{}",
        trust.to_string().len()
    );
    let statements = trust["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    assert_eq!(
        statements[0]["Principal"]["AWS"].as_array().unwrap().len(),
        40
    );
}
