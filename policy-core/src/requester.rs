//! Who a grant is for: one IAM principal, or every identity of an AWS organization (or of one of
//! its organizational units).
//!
//! An organization is named in resource policies as `Principal: {"AWS": "*"}` limited by
//! `aws:PrincipalOrgID`, or by `aws:PrincipalOrgPaths` for an OU and the OUs below it ("AWS global
//! condition context keys", IAM User Guide,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
//! The organization's accounts grant their own identities: xacct writes no identity policy for
//! such a grant.

use crate::arn::Principal;
use crate::basics::Text;
use crate::diagnostic::Problem;
use std::fmt;

/// The requester of a grant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Requester {
    Principal(Principal),
    Organization(OrgScope),
}

impl Requester {
    /// An IAM ARN, `o-…` (an organization) or `o-…/r-…/ou-…/` (an organizational unit).
    pub fn parse(text: &str) -> Result<Requester, Problem> {
        if text.starts_with("o-") {
            OrgScope::parse(text).map(Requester::Organization)
        } else {
            Principal::parse(text).map(Requester::Principal)
        }
    }

    /// The one IAM principal, when the grant is for one.
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Requester::Principal(p) => Some(p),
            Requester::Organization(_) => None,
        }
    }
}

/// As the grant wrote it: the ARN, or the organization id or path.
impl fmt::Display for Requester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requester::Principal(p) => write!(f, "{p}"),
            Requester::Organization(o) => write!(f, "{o}"),
        }
    }
}

/// Every identity of an organization, or of the accounts under one organizational unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OrgScope {
    /// `o-` and 10 to 32 lowercase letters or digits.
    pub id: Text,
    /// `o-…/r-…/ou-…/…/`: the OU and every OU below it; `None` for the whole organization.
    pub path: Option<Text>,
}

impl OrgScope {
    /// The shapes AWS Organizations gives its ids ("Organizations API Reference": `Organization`
    /// `^o-[a-z0-9]{10,32}$`, `Root` `^r-[0-9a-z]{4,32}$`, `OrganizationalUnit`
    /// `^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`), and the path form of `aws:PrincipalOrgPaths`.
    pub fn parse(text: &str) -> Result<OrgScope, Problem> {
        let Some((id, rest)) = text.split_once('/') else {
            check_id(text, "o-", &[(10, 32)], "an organization")?;
            return Ok(OrgScope {
                id: text.to_owned().into(),
                path: None,
            });
        };
        check_id(id, "o-", &[(10, 32)], "an organization")?;
        let Some(parts) = rest.strip_suffix('/') else {
            return Err(Problem::new(format!(
                "the organization path `{text}` does not end with `/`"
            ))
            .help(format!(
                "write `{text}/`: a path names an organizational unit and ends with `/`"
            )));
        };
        let mut parts = parts.split('/');
        let root = parts.next().unwrap_or_default();
        check_id(root, "r-", &[(4, 32)], "an organization root")?;
        let units: Vec<&str> = parts.collect();
        if units.is_empty() {
            return Err(Problem::new(format!(
                "`{text}` names the organization's root: that is the whole organization"
            ))
            .help(format!("write `{id}` to grant the whole organization")));
        }
        for unit in &units {
            check_ou(unit)?;
        }
        Ok(OrgScope {
            id: id.to_owned().into(),
            path: Some(text.to_owned().into()),
        })
    }

    /// Whether a principal with these `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths` values is
    /// in scope: the declaration, computed apart from the evaluator.
    pub fn admits(&self, org_id: Option<&[String]>, org_paths: Option<&[String]>) -> bool {
        let in_org = org_id.is_some_and(|ids| ids.iter().any(|id| *id == self.id));
        let under = match &self.path {
            None => true,
            Some(path) => {
                org_paths.is_some_and(|paths| paths.iter().any(|p| p.starts_with(&**path)))
            }
        };
        in_org && under
    }
}

impl fmt::Display for OrgScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path.as_deref().unwrap_or(&self.id))
    }
}

/// `prefix` then lowercase letters or digits, of one of the lengths allowed.
fn check_id(
    text: &str,
    prefix: &str,
    lengths: &[(usize, usize)],
    what: &str,
) -> Result<(), Problem> {
    let fix = "e.g. `o-a1b2c3d4e5` for the whole organization, or `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/` for an organizational unit and the units below it";
    let body = text.strip_prefix(prefix).ok_or_else(|| {
        Problem::new(format!(
            "`{text}` is not {what} id: it starts with `{prefix}`"
        ))
        .help(fix)
    })?;
    let fits = lengths
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&body.len()));
    let alphabet = body
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !fits || !alphabet {
        let (lo, hi) = lengths[0];
        return Err(Problem::new(format!(
            "`{text}` is not {what} id: `{prefix}` and {lo} to {hi} lowercase letters or digits"
        ))
        .help(fix));
    }
    Ok(())
}

/// `ou-` + the root's 4–32 characters + `-` + 8–32 characters.
fn check_ou(text: &str) -> Result<(), Problem> {
    let bad = || {
        Problem::new(format!(
            "`{text}` is not an organizational unit id: `ou-`, 4 to 32 lowercase letters or digits, `-`, then 8 to 32 more"
        ))
        .help("e.g. `ou-ab12-11111111`; copy it from the Organizations console or `aws organizations list-organizational-units-for-parent`")
    };
    let body = text.strip_prefix("ou-").ok_or_else(bad)?;
    let (root, unit) = body.split_once('-').ok_or_else(bad)?;
    let ok = |s: &str, lo: usize| {
        (lo..=32).contains(&s.len())
            && s.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    if ok(root, 4) && ok(unit, 8) {
        Ok(())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            OrgScope::parse("o-a1b2c3d4e5").unwrap(),
            OrgScope {
                id: "o-a1b2c3d4e5".into(),
                path: None
            }
        );
        let ou = OrgScope::parse("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/").unwrap();
        assert_eq!(ou.id, "o-a1b2c3d4e5");
        assert!(OrgScope::parse("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111").is_err());
        assert!(OrgScope::parse("o-a1b2c3d4e5/r-ab12/").is_err());
        assert!(OrgScope::parse("o-short").is_err());
        assert!(OrgScope::parse("o-A1B2C3D4E5").is_err());
        assert!(OrgScope::parse("o-a1b2c3d4e5/r-ab12/ou-ab12-111/").is_err());
        assert!(Requester::parse("arn:aws:iam::111111111111:role/x")
            .unwrap()
            .principal()
            .is_some());
    }

    #[test]
    fn scope() {
        let ou = OrgScope::parse("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/").unwrap();
        let id = ["o-a1b2c3d4e5".to_owned()];
        let child = ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/".to_owned()];
        let sibling = ["o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/".to_owned()];
        assert!(ou.admits(Some(&id), Some(&child)));
        assert!(!ou.admits(Some(&id), Some(&sibling)));
        assert!(!ou.admits(None, Some(&child)));
    }
}
