//! The names that mark what a deployment owns in AWS: the statement-id prefix of its statements
//! in shared policies, the name of its inline policies, the tag on the roles it creates and the
//! path of its inventory. Every rule that decides "is this ours" starts here
//! (ARCHITECTURE.md "Ownership").
//!
//! Each name is an injective function of the deployment's name: two deployments never share a
//! statement-id prefix or an inline policy name, whatever their names (`D` and `d`, `SALES_DATA`
//! and `SALES_DATA_`), so neither can claim, change or delete what the other wrote.

use crate::diagnostic::Problem;

/// The tag that marks a role as created by a deployment; its value is the deployment's name.
pub const OWNER_TAG: &str = "xacct:deployment";

/// Longest deployment name: its inline policy name must fit IAM's 128 characters.
const MAX_NAME: usize = 64;

/// `analytics_reads_customers` → `AnalyticsReadsCustomers`; `SHARING` → `Sharing`.
pub fn pascal_case(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A deployment name must map to AWS's statement-id alphabet (ASCII letters and digits) and to
/// IAM names: ASCII letters, digits and `_`, at most 64 characters.
pub fn check_deployment_name(name: &str) -> Result<(), Problem> {
    if let Some(c) = name
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '_')
    {
        return Err(Problem::new(format!(
            "the deployment name `{name}` contains `{c}`, which AWS statement ids and IAM names cannot carry"
        ))
        .help("name the static with ASCII letters, digits and `_`, e.g. `SALES_SHARING`"));
    }
    if name.len() > MAX_NAME {
        return Err(Problem::new(format!(
            "the deployment name `{name}` is {} characters long, over {MAX_NAME}",
            name.len()
        ))
        .help("its inline policy name must fit IAM's 128 characters: choose a shorter name"));
    }
    Ok(())
}

/// `SHARING`, `DATA_LAKE`, `V2_DATA`: words of capitals and digits, each starting with a capital,
/// joined by single underscores. Their PascalCase (`DataLake`) gives the words back, so it can
/// name them without loss; every other name is escaped.
fn is_screaming_snake(name: &str) -> bool {
    !name.is_empty()
        && name.split('_').all(|word| {
            word.starts_with(|c: char| c.is_ascii_uppercase())
                && word
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// Any other name in letters and digits only, losslessly: `Z` → `ZZ`, `_` → `Zu`.
fn escape_for_sid(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        match c {
            'Z' => out.push_str("ZZ"),
            '_' => out.push_str("Zu"),
            c => out.push(c),
        }
    }
    out
}

/// The start of every statement id a deployment writes: `Xacct`, the length of the encoded name,
/// the encoded name. The length makes the prefixes prefix-free (`SHARING` never claims the
/// statements of `SHARING_DATA`); escaped names carry an `E` where others have a digit, so the two
/// encodings never meet.
pub fn sid_prefix(deployment: &str) -> String {
    if is_screaming_snake(deployment) {
        let name = pascal_case(deployment);
        format!("Xacct{}{name}", name.len())
    } else {
        let name = escape_for_sid(deployment);
        format!("XacctE{}{name}", name.len())
    }
}

/// The name of the inline policy the deployment puts on a role or user. IAM compares these
/// names without regard to case, so escaped names mark capitals with `.`.
pub fn inline_policy_name(deployment: &str) -> String {
    if is_screaming_snake(deployment) {
        return format!(
            "xacct-{}",
            deployment.to_ascii_lowercase().replace('_', "-")
        );
    }
    let mut name = String::from("xacct=");
    for c in deployment.chars() {
        if c.is_ascii_uppercase() {
            name.push('.');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// Whether a statement id belongs to the deployment whose prefix is `sid_prefix`: the prefix,
/// then the start of a grant's PascalCase name.
pub fn owns_sid(sid: &str, sid_prefix: &str) -> bool {
    sid.strip_prefix(sid_prefix)
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Where the deployment's inventory lives in each account's SSM Parameter Store.
pub fn record_path(deployment: &str) -> String {
    format!("/xacct/{deployment}/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names() {
        assert_eq!(
            pascal_case("analytics_reads_customers"),
            "AnalyticsReadsCustomers"
        );
        assert_eq!(sid_prefix("SHARING"), "Xacct7Sharing");
        assert_eq!(inline_policy_name("DATA_LAKE"), "xacct-data-lake");
    }

    #[test]
    fn names_differing_by_case_or_underscores_do_not_share_a_namespace() {
        for (a, b) in [
            ("D", "d"),
            ("SALES_DATA", "SALES_DATA_"),
            ("A_B", "AB"),
            ("A1B", "A_1B"),
        ] {
            assert_ne!(sid_prefix(a), sid_prefix(b), "{a} {b}");
            assert_ne!(
                inline_policy_name(a).to_lowercase(),
                inline_policy_name(b).to_lowercase(),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn refuses_what_aws_cannot_name() {
        assert!(check_deployment_name("SHARING").is_ok());
        assert!(check_deployment_name("ÉTÉ").is_err());
        assert!(check_deployment_name(&"A".repeat(65)).is_err());
    }

    fn deployment_name() -> impl Strategy<Value = String> {
        "[A-Za-z_][A-Za-z0-9_]{0,12}"
    }

    proptest! {
        /// No deployment's prefix starts another's statement ids, and inline policy names are
        /// distinct even compared without case, as IAM compares them.
        #[test]
        fn namespaces_are_injective(a in deployment_name(), b in deployment_name()) {
            prop_assume!(a != b);
            let (pa, pb) = (sid_prefix(&a), sid_prefix(&b));
            let sid_of_b = format!("{pb}SomeGrantObjects");
            prop_assert!(!owns_sid(&sid_of_b, &pa), "{a} claims {sid_of_b}");
            prop_assert_ne!(
                inline_policy_name(&a).to_lowercase(),
                inline_policy_name(&b).to_lowercase()
            );
            prop_assert!(sid_of_b.chars().all(|c| c.is_ascii_alphanumeric()));
        }
    }
}
