//! A checked grant: every value parsed into its type, every AWS rule applied.

use crate::account::AccountId;
use crate::arn::{AccessPointArn, Principal};
use crate::basics::{List, Text};
use crate::kms::KmsKey;
use crate::requester::Requester;
use crate::restrictions::Restrictions;
use crate::service_reference::Action;

/// A grant that passed every check: what `grants!` writes into the deployment's `static` and
/// every command uses as it is. Its text and lists are [`Text`] and [`List`], borrowed from the
/// program there and owned when a grant is checked at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub name: Text,
    pub doc: Text,
    pub requester: Requester,
    /// Present when the deployment creates the requester role.
    pub requester_trust: Option<RequesterTrust>,
    /// The role in the access point owner's account that the requester assumes; `None` for a
    /// direct grant.
    pub bridge_role: Option<Principal>,
    pub access_point: AccessPointArn,
    pub bucket: Text,
    /// The bucket owner: the access point owner unless `bucket_account` said otherwise.
    pub bucket_account: AccountId,
    /// Explicit, sorted, without duplicates; wildcards already expanded.
    pub actions: List<&'static Action>,
    /// Sorted; empty means the whole access point.
    pub prefixes: List<Text>,
    pub require_mfa: bool,
    pub external_id: Option<Text>,
    /// Network and time limits, on every document of the grant.
    pub restrictions: Restrictions,
    /// The key of an SSE-KMS bucket: the grant's requests need it through S3.
    pub kms_key: Option<KmsKey>,
}

/// Who may assume a requester role the deployment creates.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RequesterTrust {
    /// A service principal such as `lambda.amazonaws.com`.
    Service(Text),
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
