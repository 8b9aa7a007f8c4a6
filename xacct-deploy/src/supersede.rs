//! Which statements others wrote in a shared policy the deployment's own statements make
//! redundant: the old hand-written (or Terraform, or CDK) statements of a share brought in with
//! `import`, once the grants that replace them are in the code.
//!
//! Recognised by meaning, not by `Sid`: a foreign `Allow` statement is superseded when every
//! (principal, action, resource) it names is named by one of the deployment's statements whose
//! conditions are among its own (the same operator, key and values: ours then asks no more than
//! it did). Anything else — a `Deny`, a `Not*` element, a wildcard ours does not spell the same
//! way, a condition ours adds — is at most partly covered, and kept.

use serde_json::Value;

/// How much of a foreign statement the deployment's statements cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Every request it allows, ours allow: it can go.
    Full,
    /// Some of it: it stays, and the plan says what is left.
    Partial,
    /// None of it.
    None,
}

fn list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The principals of a statement, each as `kind:value` (`AWS:arn…`, `*` for everyone).
fn principals(statement: &Value) -> Vec<String> {
    match &statement["Principal"] {
        Value::String(s) => vec![format!("AWS:{s}")],
        Value::Object(map) => map
            .iter()
            .flat_map(|(kind, v)| list(v).into_iter().map(move |p| format!("{kind}:{p}")))
            .collect(),
        _ => Vec::new(),
    }
}

/// `pattern` (with `*` and `?`) matches `text` read literally: ours covers theirs only when it
/// matches their pattern as written, so a broader wildcard of theirs is never covered by chance.
/// Actions compare without case, ARNs with it.
fn covers(pattern: &str, text: &str, ignore_case: bool) -> bool {
    policy_core::eval::wildcard(pattern, text, ignore_case)
}

/// Every condition of `ours` appears in `theirs` with the same operator, key and values.
fn conditions_within(ours: &Value, theirs: &Value) -> bool {
    let Some(ours) = ours.as_object() else {
        return true;
    };
    ours.iter().all(|(operator, keys)| {
        keys.as_object().into_iter().flatten().all(|(key, values)| {
            theirs[operator]
                .as_object()
                .and_then(|t| {
                    t.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(key))
                        .map(|(_, v)| v)
                })
                .is_some_and(|v| {
                    let (mut a, mut b) = (list(v), list(values));
                    a.sort();
                    b.sort();
                    a == b
                })
        })
    })
}

/// How much of `foreign` the `ours` statements cover.
pub fn coverage(foreign: &Value, ours: &[Value]) -> Coverage {
    let simple = foreign["Effect"] == "Allow"
        && ["NotPrincipal", "NotAction", "NotResource"]
            .iter()
            .all(|k| foreign[*k].is_null());
    let (who, what, where_) = (
        principals(foreign),
        list(&foreign["Action"]),
        list(&foreign["Resource"]),
    );
    if !simple || who.is_empty() || what.is_empty() || where_.is_empty() {
        return Coverage::None;
    }
    let mut covered = 0;
    let mut total = 0;
    for p in &who {
        for a in &what {
            for r in &where_ {
                total += 1;
                let by_some = ours.iter().any(|o| {
                    o["Effect"] == "Allow"
                        && principals(o).iter().any(|op| op == p)
                        && list(&o["Action"]).iter().any(|oa| covers(oa, a, true))
                        && list(&o["Resource"]).iter().any(|or| covers(or, r, false))
                        && conditions_within(&o["Condition"], &foreign["Condition"])
                });
                covered += usize::from(by_some);
            }
        }
    }
    match covered {
        0 => Coverage::None,
        n if n == total => Coverage::Full,
        _ => Coverage::Partial,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const AP: &str = "arn:aws:s3:us-east-1:222222222222:accesspoint/guide-ap";

    fn ours() -> Vec<Value> {
        vec![
            json!({"Sid": "XacctList", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
                   "Action": "s3:ListBucket", "Resource": AP, "Condition": {"StringLike": {"s3:prefix": "reports/*"}}}),
            json!({"Sid": "XacctObjects", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
                   "Action": "s3:GetObject", "Resource": format!("{AP}/object/reports/*")}),
        ]
    }

    #[test]
    fn the_same_access_written_otherwise_is_superseded() {
        let theirs = json!({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111111111111:role/consumer"]},
            "Action": ["s3:GetObject"], "Resource": [format!("{AP}/object/reports/2026/*")]});
        assert_eq!(coverage(&theirs, &ours()), Coverage::Full);
        let listing = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
            "Action": "s3:ListBucket", "Resource": AP,
            "Condition": {"StringLike": {"s3:prefix": ["reports/*"]}, "Bool": {"aws:SecureTransport": "true"}}});
        assert_eq!(
            coverage(&listing, &ours()),
            Coverage::Full,
            "theirs asks more than ours"
        );
    }

    #[test]
    fn more_than_ours_grant_is_kept() {
        let wider = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
            "Action": ["s3:GetObject", "s3:PutObject"], "Resource": format!("{AP}/object/reports/*")});
        assert_eq!(coverage(&wider, &ours()), Coverage::Partial);
        let everywhere = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
            "Action": "s3:GetObject", "Resource": format!("{AP}/object/*")});
        assert_eq!(
            coverage(&everywhere, &ours()),
            Coverage::None,
            "a broader wildcard is not ours"
        );
        let unlisted = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/consumer"},
            "Action": "s3:ListBucket", "Resource": AP});
        assert_eq!(
            coverage(&unlisted, &ours()),
            Coverage::None,
            "ours asks for a prefix, theirs did not"
        );
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": format!("{AP}/object/reports/*")});
        assert_eq!(coverage(&deny, &ours()), Coverage::None);
        let other = json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333333333333:role/bi"},
            "Action": "s3:GetObject", "Resource": format!("{AP}/object/reports/*")});
        assert_eq!(coverage(&other, &ours()), Coverage::None);
    }
}
