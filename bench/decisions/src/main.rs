//! Decisions per second of the xacct evaluator on the shared-data example, against the Cedar
//! authorizer on an equivalent policy set, in the same run: `bash bench/decisions.sh`.
//! The ratio is the result; the seconds depend on the machine.

use std::time::Instant;

// The example names the macro `xacct::grants!`; here, without the SDK `xacct` brings, that path is
// the macro itself.
extern crate policy_macros as xacct;

#[path = "../../../examples/shared-data/src/lib.rs"]
mod shared_data;

const AP: &str = "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data";
const BRIDGE: &str = "arn:aws:iam::222222222222:role/analytics-reader";

/// The same questions for both: the bridge role reads or lists inside and outside the prefix,
/// and another principal tries the same.
fn requests() -> Vec<(&'static str, &'static str, String, Option<&'static str>, bool)> {
    let mut out = Vec::new();
    for principal in [BRIDGE, "arn:aws:iam::333333333333:role/stranger"] {
        let ok = principal == BRIDGE;
        out.push((principal, "s3:GetObject", format!("{AP}/object/customers/2026.csv"), None, ok));
        out.push((principal, "s3:GetObject", format!("{AP}/object/orders/2026.csv"), None, false));
        out.push((principal, "s3:PutObject", format!("{AP}/object/customers/2026.csv"), None, false));
        out.push((principal, "s3:ListBucket", AP.to_owned(), Some("customers/2026/"), ok));
        out.push((principal, "s3:ListBucket", AP.to_owned(), Some("orders/"), false));
    }
    out
}

const CEDAR: &str = r#"
permit(principal == Role::"arn:aws:iam::222222222222:role/analytics-reader", action == Action::"s3:GetObject", resource)
when { resource.access_point == "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data" && resource.key like "customers/*" };
permit(principal == Role::"arn:aws:iam::222222222222:role/analytics-reader", action == Action::"s3:ListBucket", resource == AccessPoint::"arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data")
when { context.prefix like "customers/*" };
"#;

fn main() {
    let rounds = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(20_000usize);
    let requests = requests();

    // xacct: the full evaluation (identity, access point and bucket policies) per request.
    let set = match policy_core::eval::PolicySet::from_documents(shared_data::SHARING.documents()) {
        Ok(set) => set,
        Err(e) => return eprintln!("error: {e}"),
    };
    let ours: Vec<policy_core::eval::Request> = requests
        .iter()
        .map(|(p, a, r, prefix, _)| policy_core::eval::Request {
            principal: (*p).to_owned(),
            action: (*a).to_owned(),
            resource: r.clone(),
            context: prefix.map(|x| ("s3:prefix".to_owned(), vec![x.to_owned()])).into_iter().collect(),
        })
        .collect();
    for (request, (.., expected)) in ours.iter().zip(&requests) {
        assert_eq!(policy_core::eval::evaluate(&set, request).allowed(), *expected, "{request:?}");
    }

    // Cedar: the same decisions from an equivalent policy set.
    let policies: cedar_policy::PolicySet = CEDAR.parse().unwrap_or_else(|e| panic!("cedar policies: {e}"));
    let mut entities = Vec::new();
    let mut cedar_requests = Vec::new();
    for (i, (p, a, r, prefix, _)) in requests.iter().enumerate() {
        let resource = match r.split_once("/object/") {
            Some((ap, key)) => {
                let id = format!("object-{i}");
                entities.push(serde_json::json!({"uid": {"type": "Object", "id": id}, "attrs": {"access_point": ap, "key": key}, "parents": []}));
                format!(r#"Object::"{id}""#)
            }
            None => format!(r#"AccessPoint::"{r}""#),
        };
        let context = cedar_policy::Context::from_pairs([("prefix".to_owned(), cedar_policy::RestrictedExpression::new_string(prefix.unwrap_or("").to_owned()))]).unwrap_or_else(|e| panic!("{e}"));
        let request = cedar_policy::Request::new(
            format!(r#"Role::"{p}""#).parse().unwrap_or_else(|e| panic!("{e}")),
            format!(r#"Action::"{a}""#).parse().unwrap_or_else(|e| panic!("{e}")),
            resource.parse().unwrap_or_else(|e| panic!("{e}")),
            context,
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        cedar_requests.push(request);
    }
    let entities = cedar_policy::Entities::from_json_value(serde_json::Value::Array(entities), None).unwrap_or_else(|e| panic!("{e}"));
    let authorizer = cedar_policy::Authorizer::new();
    for (request, (.., expected)) in cedar_requests.iter().zip(&requests) {
        let allowed = authorizer.is_authorized(request, &policies, &entities).decision() == cedar_policy::Decision::Allow;
        assert_eq!(allowed, *expected, "cedar {request}");
    }

    let mut ours_rate = Vec::new();
    let mut cedar_rate = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut allowed = 0usize;
        for _ in 0..rounds {
            for request in &ours {
                allowed += usize::from(policy_core::eval::evaluate(&set, request).allowed());
            }
        }
        ours_rate.push((rounds * ours.len()) as f64 / start.elapsed().as_secs_f64());
        std::hint::black_box(allowed);
        let start = Instant::now();
        let mut allowed = 0usize;
        for _ in 0..rounds {
            for request in &cedar_requests {
                allowed += usize::from(authorizer.is_authorized(request, &policies, &entities).decision() == cedar_policy::Decision::Allow);
            }
        }
        cedar_rate.push((rounds * cedar_requests.len()) as f64 / start.elapsed().as_secs_f64());
        std::hint::black_box(allowed);
    }
    ours_rate.sort_by(f64::total_cmp);
    cedar_rate.sort_by(f64::total_cmp);
    let (o, c) = (ours_rate[2], cedar_rate[2]);
    println!("shared-data, {} requests x {rounds} rounds, median of 5 alternating runs:", requests.len());
    println!("  xacct evaluator: {o:>12.0} decisions/s");
    println!("  cedar-policy:    {c:>12.0} decisions/s");
    println!("  ratio xacct/cedar: {:.2}", o / c);
}
