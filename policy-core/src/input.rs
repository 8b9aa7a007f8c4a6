//! The grants as written, before any check: every value carries the [`Loc`] it came from.
//!
//! The macro fills this from tokens; run-time callers can fill it from anything else.

use crate::diagnostic::{did_you_mean, Loc, Problem, Spanned};

/// One `grants!` invocation: one deployment.
#[derive(Clone, Debug, Default)]
pub struct DeploymentInput {
    /// The static's name (`SHARING`); it also names what the deployment owns in AWS.
    pub name: Spanned<String>,
    pub doc: String,
    pub grants: Vec<GrantInput>,
}

/// One `grant name { ... }` block. `None` is a field that was not written.
#[derive(Clone, Debug, Default)]
pub struct GrantInput {
    pub name: Spanned<String>,
    pub doc: String,
    pub requester: Option<Spanned<String>>,
    pub requester_trust: Option<Spanned<TrustInput>>,
    pub assume_role: Option<Spanned<String>>,
    pub access_point: Option<Spanned<String>>,
    pub bucket: Option<Spanned<String>>,
    pub bucket_account: Option<Spanned<String>>,
    pub actions: Option<Spanned<Vec<Spanned<String>>>>,
    /// Key prefixes: folders (`reports/`), or `2025*` for every key starting with `2025`; a prefix
    /// ending with neither is refused.
    pub prefixes: Option<Spanned<Vec<Spanned<String>>>>,
    pub require_mfa: Option<Spanned<bool>>,
    pub external_id: Option<Spanned<String>>,
    pub permissions_management: Option<Spanned<bool>>,
    /// VPC endpoint ids (`vpce-…`) the S3 requests must come through.
    pub vpc_endpoints: Option<Spanned<Vec<Spanned<String>>>>,
    /// VPC ids (`vpc-…`) whose endpoints the S3 requests must come through.
    pub vpcs: Option<Spanned<Vec<Spanned<String>>>>,
    /// Public IP ranges (CIDR) the S3 requests must come from.
    pub source_ips: Option<Spanned<Vec<Spanned<String>>>>,
    /// When the grant stops working: RFC 3339 in UTC.
    pub expires: Option<Spanned<String>>,
    /// The VPC (`vpc-…`) the access point accepts requests from: its network origin.
    pub access_point_vpc: Option<Spanned<String>>,
    /// The customer managed KMS key (key ARN) the bucket's objects are encrypted with.
    pub kms_key: Option<Spanned<String>>,
}

/// `requester_trust: service "lambda.amazonaws.com"` or `requester_trust: account`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustInput {
    Service(Spanned<String>),
    Account,
}

impl Default for Spanned<String> {
    fn default() -> Self {
        Spanned::new(String::new(), Loc::UNKNOWN)
    }
}

/// Every field of a grant. The one list the parser (an exhaustive `match`), the did-you-mean and
/// the docs agree on: a new field is a new variant, which every `match` must then handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantField {
    Requester,
    RequesterTrust,
    AssumeRole,
    AccessPoint,
    Bucket,
    BucketAccount,
    Actions,
    Prefixes,
    RequireMfa,
    ExternalId,
    PermissionsManagement,
    VpcEndpoints,
    Vpcs,
    SourceIps,
    Expires,
    AccessPointVpc,
    KmsKey,
}

impl GrantField {
    pub const ALL: [GrantField; 17] = [
        GrantField::Requester,
        GrantField::RequesterTrust,
        GrantField::AssumeRole,
        GrantField::AccessPoint,
        GrantField::Bucket,
        GrantField::BucketAccount,
        GrantField::Actions,
        GrantField::Prefixes,
        GrantField::RequireMfa,
        GrantField::ExternalId,
        GrantField::PermissionsManagement,
        GrantField::VpcEndpoints,
        GrantField::Vpcs,
        GrantField::SourceIps,
        GrantField::Expires,
        GrantField::AccessPointVpc,
        GrantField::KmsKey,
    ];

    /// The name written in a grant.
    pub fn name(self) -> &'static str {
        match self {
            GrantField::Requester => "requester",
            GrantField::RequesterTrust => "requester_trust",
            GrantField::AssumeRole => "assume_role",
            GrantField::AccessPoint => "access_point",
            GrantField::Bucket => "bucket",
            GrantField::BucketAccount => "bucket_account",
            GrantField::Actions => "actions",
            GrantField::Prefixes => "prefixes",
            GrantField::RequireMfa => "require_mfa",
            GrantField::ExternalId => "external_id",
            GrantField::PermissionsManagement => "permissions_management",
            GrantField::VpcEndpoints => "vpc_endpoints",
            GrantField::Vpcs => "vpcs",
            GrantField::SourceIps => "source_ips",
            GrantField::Expires => "expires",
            GrantField::AccessPointVpc => "access_point_vpc",
            GrantField::KmsKey => "kms_key",
        }
    }

    /// The field called `name`, or a problem naming the nearest known one.
    pub fn parse(name: &str) -> Result<GrantField, Problem> {
        if let Some(field) = Self::ALL.into_iter().find(|f| f.name() == name) {
            return Ok(field);
        }
        let problem = Problem::new(format!("unknown field `{name}` in grant"));
        let names = Self::ALL.map(GrantField::name);
        Err(match did_you_mean(name, names) {
            Some(near) => problem.help(format!("did you mean `{near}`?")),
            None => problem.help(format!(
                "a grant's fields are {}",
                names.map(|f| format!("`{f}`")).join(", ")
            )),
        })
    }
}
