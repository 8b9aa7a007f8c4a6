//! Policies that limit a request without granting it: a principal's permissions boundary, a role
//! session's session policy, and the policy of the VPC endpoint a request goes through. Each one
//! present must allow; a `Deny` in any of them denies.
//!
//! - Permissions boundaries ("Permissions boundaries for IAM entities", IAM User Guide): the
//!   maximum an identity policy can grant a role or user. Within an account, a resource policy
//!   that names the user's ARN or the role session's ARN grants past the boundary's implicit
//!   deny; one that names the role's ARN (or the account) does not ("Policy evaluation for
//!   requests within a single account").
//! - Session policies ("Session policies", same page): the same, for a role session; a resource
//!   policy naming the session ARN grants past them.
//! - VPC endpoint policies ("Control access to VPC endpoints using endpoint policies", AWS
//!   PrivateLink Guide): a resource policy (`Principal` checked) every request through the
//!   endpoint must satisfy, besides the identity and resource policies. A request says which
//!   endpoint it came through with `aws:SourceVpce`.

use super::policy::Policy;
use crate::hash::Fnv;
use std::collections::HashMap;
use std::sync::Arc;

/// Which kind of limiting policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKind {
    PermissionsBoundary,
    SessionPolicy,
    EndpointPolicy,
}

impl LimitKind {
    pub fn describe(self) -> &'static str {
        match self {
            LimitKind::PermissionsBoundary => "permissions boundary",
            LimitKind::SessionPolicy => "session policy",
            LimitKind::EndpointPolicy => "endpoint policy",
        }
    }
}

/// One limiting policy and what it is attached to.
#[derive(Clone, Debug)]
pub struct LimitPolicy {
    pub kind: LimitKind,
    /// The role or user ARN (boundary), the role session ARN (session policy), or the VPC
    /// endpoint id (`vpce-…`).
    pub attached_to: String,
    /// The managed policy's ARN for a boundary; a file name or `inline` otherwise.
    pub name: String,
    pub policy: Policy,
    /// "permissions boundary arn:…:policy/dev-boundary of arn:…:role/etl", for reasons.
    pub(crate) description: Arc<str>,
}

/// The limiting policies of a set, found by what they limit.
#[derive(Clone, Debug, Default)]
pub(crate) struct Limits {
    pub(crate) policies: Vec<LimitPolicy>,
    /// By entity key ([`entity_key`]), session ARN and endpoint id.
    boundaries: HashMap<String, usize, Fnv>,
    sessions: HashMap<String, usize, Fnv>,
    endpoints: HashMap<String, usize, Fnv>,
}

impl Limits {
    pub(crate) fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Adds (or replaces: an entity has one boundary, a session one session policy, an endpoint
    /// one policy) a limiting policy. `None` when `attached_to` is not what the kind attaches to.
    pub(crate) fn add(
        &mut self,
        kind: LimitKind,
        attached_to: &str,
        name: &str,
        policy: Policy,
    ) -> Option<usize> {
        let key = match kind {
            LimitKind::PermissionsBoundary => entity_key(attached_to)?,
            LimitKind::SessionPolicy => session_key(attached_to)?.to_owned(),
            LimitKind::EndpointPolicy => attached_to
                .starts_with("vpce-")
                .then(|| attached_to.to_owned())?,
        };
        let limit = LimitPolicy {
            kind,
            attached_to: attached_to.to_owned(),
            name: name.to_owned(),
            policy,
            description: format!("{} {name} of {attached_to}", kind.describe()).into(),
        };
        let index = match kind {
            LimitKind::PermissionsBoundary => &mut self.boundaries,
            LimitKind::SessionPolicy => &mut self.sessions,
            LimitKind::EndpointPolicy => &mut self.endpoints,
        };
        let at = *index.entry(key).or_insert(self.policies.len());
        if at == self.policies.len() {
            self.policies.push(limit);
        } else {
            self.policies[at] = limit;
        }
        Some(at)
    }

    /// The permissions boundary of the principal (a role session has its role's).
    pub(crate) fn boundary(&self, principal: &str) -> Option<usize> {
        if self.boundaries.is_empty() {
            return None;
        }
        self.boundaries.get(&entity_key(principal)?).copied()
    }

    /// The session policy of a role session.
    pub(crate) fn session(&self, principal: &str) -> Option<usize> {
        if self.sessions.is_empty() {
            return None;
        }
        self.sessions.get(session_key(principal)?).copied()
    }

    /// The policy of the endpoint `id`.
    pub(crate) fn endpoint(&self, id: &str) -> Option<usize> {
        self.endpoints.get(id).copied()
    }

    pub(crate) fn has_endpoints(&self) -> bool {
        !self.endpoints.is_empty()
    }
}

/// "account:role/name" or "account:user/name" for a role, a role session or a user ARN: a
/// boundary is the entity's, whatever path its ARN is written with.
pub(crate) fn entity_key(principal: &str) -> Option<String> {
    let mut parts = principal.splitn(6, ':');
    let (Some("arn"), Some(_), Some(service), Some(_), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let name_of = |path: &str| path.rsplit('/').next().map(str::to_owned);
    match service {
        "iam" if resource.starts_with("role/") => Some(format!(
            "{account}:role/{}",
            name_of(&resource["role/".len()..])?
        )),
        "iam" if resource.starts_with("user/") => Some(format!(
            "{account}:user/{}",
            name_of(&resource["user/".len()..])?
        )),
        "sts" => {
            let role = resource.strip_prefix("assumed-role/")?.split('/').next()?;
            Some(format!("{account}:role/{role}"))
        }
        _ => None,
    }
    .filter(|key| !key.ends_with('/') && !account.is_empty())
}

/// A role session ARN (`arn:aws:sts::…:assumed-role/role/session`), as given.
fn session_key(principal: &str) -> Option<&str> {
    let resource = principal.splitn(6, ':').nth(5)?;
    let session = resource.strip_prefix("assumed-role/")?;
    (principal.split(':').nth(2) == Some("sts") && session.split('/').count() == 2)
        .then_some(principal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_found_whatever_their_path() {
        assert_eq!(
            entity_key("arn:aws:iam::111111111111:role/team/etl").as_deref(),
            Some("111111111111:role/etl")
        );
        assert_eq!(
            entity_key("arn:aws:sts::111111111111:assumed-role/etl/job-7").as_deref(),
            Some("111111111111:role/etl")
        );
        assert_eq!(
            entity_key("arn:aws:iam::111111111111:user/ops/bob").as_deref(),
            Some("111111111111:user/bob")
        );
        assert_eq!(entity_key("arn:aws:iam::111111111111:root"), None);
        assert_eq!(entity_key("lambda.amazonaws.com"), None);
        assert_eq!(
            session_key("arn:aws:sts::111111111111:assumed-role/etl/job-7"),
            Some("arn:aws:sts::111111111111:assumed-role/etl/job-7")
        );
        assert_eq!(session_key("arn:aws:iam::111111111111:role/etl"), None);
    }
}
