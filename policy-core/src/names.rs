//! Naming rules AWS enforces when it creates a resource, one check per rule so each mistake gets
//! its own message.
//!
//! Sources: S3 user guide "Bucket naming rules" (general purpose buckets) and "Access points naming
//! rules"; IAM user guide "IAM and AWS STS quotas" (name and path limits) and the `CreateRole` /
//! `CreateUser` API references (character classes).

use crate::diagnostic::Problem;

/// Access point names: 3-50 characters of lowercase letters, digits and hyphens, starting with a
/// letter or digit, not ending with a hyphen, without the reserved alias suffixes.
pub fn check_access_point_name(name: &str) -> Result<(), Problem> {
    let what = |m: String| Problem::new(format!("access point name `{name}` {m}"));
    let len = name.chars().count();
    if !(3..=50).contains(&len) {
        return Err(what(format!("is {len} characters long"))
            .help("access point names are 3 to 50 characters"));
    }
    if let Some(c) = name.chars().find(|c| c.is_ascii_uppercase()) {
        return Err(what(format!("contains uppercase `{c}`")).help(format!(
            "access point names are lowercase: `{}`",
            name.to_ascii_lowercase()
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(what(format!("contains `{c}`")).help("access point names use only lowercase letters, digits and hyphens (no `_`, `.` or spaces)"));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(what("starts or ends with a hyphen".into())
            .help("begin and end the name with a letter or digit"));
    }
    for suffix in ["-s3alias", "--xa--s3", "--ol-s3"] {
        if name.ends_with(suffix) {
            return Err(what(format!("ends with the reserved suffix `{suffix}`"))
                .help("AWS reserves this suffix for access point aliases; choose another name"));
        }
    }
    Ok(())
}

/// General purpose bucket names.
pub fn check_bucket_name(name: &str) -> Result<(), Problem> {
    let what = |m: String| Problem::new(format!("bucket name `{name}` {m}"));
    let len = name.chars().count();
    if !(3..=63).contains(&len) {
        return Err(
            what(format!("is {len} characters long")).help("bucket names are 3 to 63 characters")
        );
    }
    if let Some(c) = name.chars().find(|c| c.is_ascii_uppercase()) {
        return Err(what(format!("contains uppercase `{c}`")).help(format!(
            "bucket names are lowercase: `{}`",
            name.to_ascii_lowercase()
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        return Err(what(format!("contains `{c}`"))
            .help("bucket names use only lowercase letters, digits, `.` and `-`"));
    }
    let edge = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !name.starts_with(edge) || !name.ends_with(edge) {
        return Err(what("does not begin and end with a letter or digit".into())
            .help("remove the leading or trailing `.` or `-`"));
    }
    if name.contains("..") {
        return Err(what("contains two adjacent periods".into())
            .help("separate the labels with a single `.`"));
    }
    if name.contains(".-") || name.contains("-.") {
        return Err(what("has a hyphen next to a period".into())
            .help("S3 refuses `.-` and `-.` in bucket names; drop the hyphen"));
    }
    if is_ipv4_like(name) {
        return Err(what("is formatted as an IP address".into())
            .help("bucket names must not look like `192.168.5.4`"));
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Err(what(format!("starts with the reserved prefix `{prefix}`"))
                .help("AWS reserves this prefix; choose another name"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Err(what(format!("ends with the reserved suffix `{suffix}`")).help("AWS reserves this suffix for aliases and other bucket types; choose another name"));
        }
    }
    Ok(())
}

fn is_ipv4_like(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    labels.len() == 4
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.len() <= 3 && l.chars().all(|c| c.is_ascii_digit()))
}

/// IAM role names: 1-64 characters of `[A-Za-z0-9+=,.@_-]`.
pub fn check_role_name(name: &str) -> Result<(), Problem> {
    check_iam_name("role", name, 64)
}

/// IAM user names: 1-64 characters of `[A-Za-z0-9+=,.@_-]`.
pub fn check_user_name(name: &str) -> Result<(), Problem> {
    check_iam_name("user", name, 64)
}

fn check_iam_name(kind: &str, name: &str, max: usize) -> Result<(), Problem> {
    let len = name.chars().count();
    if len == 0 {
        return Err(Problem::new(format!("{kind} name is empty"))
            .help(format!("write the {kind} name after `{kind}/`")));
    }
    if len > max {
        return Err(
            Problem::new(format!("{kind} name `{name}` is {len} characters long"))
                .help(format!("IAM {kind} names are at most {max} characters")),
        );
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        return Err(
            Problem::new(format!("{kind} name `{name}` contains `{c}`")).help(format!(
                "IAM {kind} names use only letters, digits and `+=,.@_-`"
            )),
        );
    }
    Ok(())
}

/// IAM paths: `/` alone or `/segments/`, at most 512 characters of printable ASCII.
pub fn check_iam_path(path: &str) -> Result<(), Problem> {
    if path.len() > 512 {
        return Err(
            Problem::new(format!("IAM path is {} characters long", path.len()))
                .help("IAM paths are at most 512 characters"),
        );
    }
    if !path.starts_with('/') || !path.ends_with('/') {
        return Err(
            Problem::new(format!("IAM path `{path}` must begin and end with `/`"))
                .help("write `/` or `/team/`"),
        );
    }
    if path.contains("//") {
        return Err(
            Problem::new(format!("IAM path `{path}` has an empty segment"))
                .help("remove the doubled `/`"),
        );
    }
    if let Some(c) = path.chars().find(|c| !('\u{21}'..='\u{7e}').contains(c)) {
        return Err(Problem::new(format!(
            "IAM path `{path}` contains `{}`",
            c.escape_default()
        ))
        .help("IAM paths use printable ASCII without spaces"));
    }
    Ok(())
}

/// Paths IAM keeps for itself: roles cannot be created there.
pub fn check_creatable_role_path(path: &str) -> Result<(), Problem> {
    if path.starts_with("/aws-service-role/") || path.starts_with("/aws-reserved/") {
        return Err(Problem::new(format!(
            "IAM path `{path}` is reserved for AWS-managed roles"
        ))
        .help("roles this tool creates need a path of your own, e.g. `/` or `/xacct/`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_rules_one_by_one() {
        assert!(check_bucket_name("marketing-customer-data").is_ok());
        assert!(check_bucket_name("a.b-c").is_ok());
        for (bad, says) in [
            ("ab", "characters long"),
            ("Marketing", "uppercase"),
            ("my_bucket", "contains `_`"),
            ("-abc", "begin and end"),
            ("a..b", "adjacent periods"),
            ("192.168.5.4", "IP address"),
            ("xn--abc", "reserved prefix"),
            ("data-s3alias", "reserved suffix"),
            ("data.mrap", "reserved suffix"),
        ] {
            let message = check_bucket_name(bad).unwrap_err().message;
            assert!(message.contains(says), "{bad}: {message}");
        }
    }

    #[test]
    fn access_point_rules_one_by_one() {
        assert!(check_access_point_name("marketing-data").is_ok());
        for (bad, says) in [
            ("ab", "characters long"),
            ("Data", "uppercase"),
            ("a.bc", "contains `.`"),
            ("abc-", "hyphen"),
            ("x-s3alias", "reserved"),
        ] {
            let message = check_access_point_name(bad).unwrap_err().message;
            assert!(message.contains(says), "{bad}: {message}");
        }
    }

    #[test]
    fn iam_names_and_paths() {
        assert!(check_role_name("analytics-etl+v2@team").is_ok());
        assert!(check_role_name(&"r".repeat(65)).is_err());
        assert!(check_role_name("has space").is_err());
        assert!(check_iam_path("/a/b/").is_ok());
        assert!(check_iam_path("/a//").is_err());
        assert!(check_creatable_role_path("/aws-service-role/x/").is_err());
    }
}
