//! A checked grant: every value parsed into its type, every AWS rule applied.

use crate::account::AccountId;
use crate::arn::{AccessPointArn, Principal};
use crate::deployment::GrantData;
use crate::diagnostic::Problem;
use crate::kms::KmsKey;
use crate::requester::Requester;
use crate::restrictions::{Cidr, Expiry, Restrictions};
use crate::service_reference::{self, Action};
use std::borrow::Cow;

/// A grant that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub name: String,
    pub doc: String,
    pub requester: Requester,
    /// Present when the deployment creates the requester role.
    pub requester_trust: Option<RequesterTrust>,
    /// The role in the access point owner's account that the requester assumes; `None` for a
    /// direct grant.
    pub bridge_role: Option<Principal>,
    pub access_point: AccessPointArn,
    pub bucket: String,
    /// The bucket owner: the access point owner unless `bucket_account` said otherwise.
    pub bucket_account: AccountId,
    /// Explicit, sorted, without duplicates; wildcards already expanded.
    pub actions: Vec<&'static Action>,
    /// Sorted; empty means the whole access point.
    pub prefixes: Vec<String>,
    pub require_mfa: bool,
    pub external_id: Option<String>,
    /// Network and time limits, on every document of the grant.
    pub restrictions: Restrictions,
    /// The key of an SSE-KMS bucket: the grant's requests need it through S3.
    pub kms_key: Option<KmsKey>,
}

/// Who may assume a requester role the deployment creates.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RequesterTrust {
    /// A service principal such as `lambda.amazonaws.com`.
    Service(String),
    /// The role's own account (its administrators decide who assumes it).
    Account,
}

impl Grant {
    /// Whom the access point and bucket policies name: the bridge role, or the requester itself;
    /// `None` for an organization, which they name by condition.
    pub fn resource_principal(&self) -> Option<&Principal> {
        self.bridge_role.as_ref().or(self.requester.principal())
    }

    pub fn object_actions(&self) -> impl Iterator<Item = &'static Action> + '_ {
        self.actions
            .iter()
            .copied()
            .filter(|a| a.is_access_point_object_action())
    }

    /// Bucket-level actions; `scoped` selects those that `s3:prefix` can limit (listings).
    pub fn bucket_actions(&self, scoped: bool) -> impl Iterator<Item = &'static Action> + '_ {
        self.actions.iter().copied().filter(move |a| {
            a.is_access_point_bucket_action() && a.supports_condition_key("s3:prefix") == scoped
        })
    }
}

impl RequesterTrust {
    /// `account` or `service:<principal>`, as [`GrantData`] carries it.
    pub fn to_data(&self) -> String {
        match self {
            RequesterTrust::Account => "account".to_owned(),
            RequesterTrust::Service(service) => format!("service:{service}"),
        }
    }

    pub fn from_data(text: &str) -> Result<RequesterTrust, Problem> {
        match text.strip_prefix("service:") {
            Some(service) => Ok(RequesterTrust::Service(service.to_owned())),
            None if text == "account" => Ok(RequesterTrust::Account),
            None => Err(Problem::new(format!("unknown requester trust `{text}`"))),
        }
    }
}

impl Grant {
    /// A grant back from the data a deployment carries (for checks and re-renders at run time,
    /// such as verify and the removal of expired grants).
    pub fn from_data(data: &GrantData) -> Result<Grant, Problem> {
        let s3 = service_reference::s3();
        let owned = |list: &[Cow<'static, str>]| list.iter().map(|v| v.to_string()).collect();
        Ok(Grant {
            name: data.name.to_string(),
            doc: data.doc.to_string(),
            requester: Requester::parse(&data.requester)?,
            requester_trust: data
                .requester_trust
                .as_deref()
                .map(RequesterTrust::from_data)
                .transpose()?,
            bridge_role: data
                .assume_role
                .as_deref()
                .map(Principal::parse)
                .transpose()?,
            access_point: AccessPointArn::parse(&data.access_point)?,
            bucket: data.bucket.to_string(),
            bucket_account: AccountId::parse(&data.bucket_account)?,
            actions: data
                .actions
                .iter()
                .map(|a| {
                    s3.action(a.trim_start_matches("s3:"))
                        .ok_or_else(|| Problem::new(format!("unknown action `{a}`")))
                })
                .collect::<Result<_, _>>()?,
            prefixes: data.prefixes.iter().map(|p| p.to_string()).collect(),
            require_mfa: data.require_mfa,
            external_id: data.external_id.as_deref().map(str::to_owned),
            restrictions: Restrictions {
                vpc_endpoints: owned(&data.vpc_endpoints),
                vpcs: owned(&data.vpcs),
                source_ips: data
                    .source_ips
                    .iter()
                    .map(|c| Cidr::parse(c))
                    .collect::<Result<_, _>>()?,
                expires: data.expires.as_deref().map(Expiry::parse).transpose()?,
                access_point_vpc: data.access_point_vpc.as_deref().map(str::to_owned),
            },
            kms_key: data.kms_key.as_deref().map(KmsKey::parse).transpose()?,
        })
    }
}

impl From<&Grant> for GrantData {
    fn from(g: &Grant) -> Self {
        let owned = |s: &str| Cow::Owned(s.to_owned());
        let r = &g.restrictions;
        GrantData {
            name: owned(&g.name),
            doc: owned(&g.doc),
            requester: Cow::Owned(g.requester.to_data()),
            assume_role: g.bridge_role.as_ref().map(|r| Cow::Owned(r.arn())),
            access_point: Cow::Owned(g.access_point.arn()),
            bucket: owned(&g.bucket),
            bucket_account: Cow::Owned(g.bucket_account.to_string()),
            actions: Cow::Owned(
                g.actions
                    .iter()
                    .map(|a| Cow::Owned(a.full_name()))
                    .collect(),
            ),
            prefixes: Cow::Owned(g.prefixes.iter().map(|p| owned(p)).collect()),
            require_mfa: g.require_mfa,
            external_id: g.external_id.as_deref().map(owned),
            requester_trust: g.requester_trust.as_ref().map(|t| Cow::Owned(t.to_data())),
            vpc_endpoints: Cow::Owned(r.vpc_endpoints.iter().map(|v| owned(v)).collect()),
            vpcs: Cow::Owned(r.vpcs.iter().map(|v| owned(v)).collect()),
            source_ips: Cow::Owned(
                r.source_ips
                    .iter()
                    .map(|c| Cow::Owned(c.to_string()))
                    .collect(),
            ),
            expires: r.expires.as_ref().map(|e| Cow::Owned(e.to_string())),
            access_point_vpc: r.access_point_vpc.as_deref().map(owned),
            kms_key: g.kms_key.as_ref().map(|k| Cow::Owned(k.arn())),
        }
    }
}
