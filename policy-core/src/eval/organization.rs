//! AWS Organizations' guardrails. Service control policies (SCPs) limit what the principals of
//! member accounts may do; resource control policies (RCPs) limit what anyone may do to the
//! resources of member accounts. Neither grants anything, and neither applies to the management
//! account ("Service control policies", "Resource control policies", AWS Organizations user
//! guide):
//! - <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html>:
//!   at every level from the root down to the account, at least one attached SCP must allow the
//!   request; a `Deny` at any level denies it.
//! - <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html>:
//!   the same for the RCPs of the account that owns the resource, for the services RCPs support.
//! - Actions of service-linked roles are limited by neither.

use super::policy::Policy;
use std::collections::HashMap;

/// Which guardrail a control policy is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ControlKind {
    /// A service control policy: limits principals of member accounts.
    Service,
    /// A resource control policy: limits resources of member accounts.
    Resource,
}

impl ControlKind {
    /// The Organizations API's `PolicyType`.
    pub fn policy_type(self) -> &'static str {
        match self {
            ControlKind::Service => "SERVICE_CONTROL_POLICY",
            ControlKind::Resource => "RESOURCE_CONTROL_POLICY",
        }
    }

    /// In prose: "service control policy".
    pub fn describe(self) -> &'static str {
        match self {
            ControlKind::Service => "service control policy",
            ControlKind::Resource => "resource control policy",
        }
    }
}

/// One SCP or RCP of the organization.
#[derive(Clone, Debug)]
pub struct ControlPolicy {
    /// `p-…`
    pub id: String,
    pub name: String,
    pub kind: ControlKind,
    pub policy: Policy,
}

/// The policies attached to one node of the path from the root to an account.
#[derive(Clone, Debug, Default)]
pub struct Level {
    /// The root (`r-…`), an organizational unit (`ou-…`) or the account id.
    pub target: String,
    /// Indexes into [`Organization::policies`].
    pub policies: Vec<usize>,
}

/// What the evaluator knows of an organization: its management account and, for each member
/// account it was told about, the control policies at each level above it.
#[derive(Clone, Debug, Default)]
pub struct Organization {
    pub id: String,
    pub management_account: String,
    /// The policy types enabled on the root: a type that is not enabled limits nothing.
    pub enabled: Vec<ControlKind>,
    pub policies: Vec<ControlPolicy>,
    /// Member account → the levels from the root down to the account itself.
    members: HashMap<String, Vec<Level>>,
}

/// The services whose resources RCPs limit ("List of AWS services that support RCPs").
const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "cognito-identity",
    "logs",
    "dynamodb",
    "ecr",
    "aoss",
];

impl Organization {
    /// An organization with both policy types enabled.
    pub fn new(id: &str, management_account: &str) -> Organization {
        Organization {
            id: id.to_owned(),
            management_account: management_account.to_owned(),
            enabled: vec![ControlKind::Service, ControlKind::Resource],
            ..Organization::default()
        }
    }

    /// Adds a policy; the index it returns is what [`Organization::add_member`]'s levels hold.
    pub fn add_policy(&mut self, policy: ControlPolicy) -> usize {
        self.policies.push(policy);
        self.policies.len() - 1
    }

    /// Records a member account with the policies attached at each level from the root down to
    /// the account. The management account is never limited, whatever is attached above it.
    pub fn add_member(&mut self, account: &str, levels: Vec<Level>) {
        self.members.insert(account.to_owned(), levels);
    }

    /// The member accounts recorded, in no order.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.members.keys().map(String::as_str)
    }

    /// Whether `account` is the management account or a member recorded here.
    pub fn knows(&self, account: &str) -> bool {
        account == self.management_account || self.members.contains_key(account)
    }

    /// `aws:PrincipalOrgPaths` of a member account: the organization id, then the root and the
    /// OUs above the account, each followed by `/` (`o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`).
    pub fn path(&self, account: &str) -> Option<String> {
        let levels = self.members.get(account)?;
        let above = levels.iter().filter(|l| l.target != account);
        Some(above.fold(format!("{}/", self.id), |path, level| {
            format!("{path}{}/", level.target)
        }))
    }

    /// The levels whose `kind` policies limit `account`: none for the management account or an
    /// account outside the organization (or not told about).
    pub(crate) fn levels(&self, account: &str) -> Option<&[Level]> {
        if account == self.management_account {
            return None;
        }
        self.members.get(account).map(Vec::as_slice)
    }

    /// Whether RCPs cover the action's service.
    pub(crate) fn rcp_applies_to(action: &str) -> bool {
        let service = action.split(':').next().unwrap_or_default();
        RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service))
    }
}
