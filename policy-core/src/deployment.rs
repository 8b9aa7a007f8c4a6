//! A rendered deployment: what `grants!` emits as a `static`, and what
//! [`build`](crate::build) returns at run
//! time. Its text and lists are [`Text`] and [`List`], so the macro can emit borrowed literals
//! while run-time builds own theirs.

use crate::basics::{List, Text};
use crate::grant::Grant;
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// The kinds of document in `render_json()`, in the order they are listed (the order they can be
/// created in within one account).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    Role,
    RoleTrustPolicy,
    RoleInlinePolicy,
    UserInlinePolicy,
    AccessPoint,
    AccessPointPolicy,
    BucketPolicy,
    KeyPolicy,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 8] = [
        DocumentKind::Role,
        DocumentKind::RoleTrustPolicy,
        DocumentKind::RoleInlinePolicy,
        DocumentKind::UserInlinePolicy,
        DocumentKind::AccessPoint,
        DocumentKind::AccessPointPolicy,
        DocumentKind::BucketPolicy,
        DocumentKind::KeyPolicy,
    ];

    /// The `kind` in `render_json()`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Role => "role",
            DocumentKind::RoleTrustPolicy => "role-trust-policy",
            DocumentKind::RoleInlinePolicy => "role-inline-policy",
            DocumentKind::UserInlinePolicy => "user-inline-policy",
            DocumentKind::AccessPoint => "access-point",
            DocumentKind::AccessPointPolicy => "access-point-policy",
            DocumentKind::BucketPolicy => "bucket-policy",
            DocumentKind::KeyPolicy => "key-policy",
        }
    }

    pub fn parse(kind: &str) -> Option<DocumentKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    /// In prose: "access point policy".
    pub fn describe(self) -> &'static str {
        match self {
            DocumentKind::Role => "role",
            DocumentKind::RoleTrustPolicy => "trust policy",
            DocumentKind::RoleInlinePolicy => "role inline policy",
            DocumentKind::UserInlinePolicy => "user inline policy",
            DocumentKind::AccessPoint => "access point",
            DocumentKind::AccessPointPolicy => "access point policy",
            DocumentKind::BucketPolicy => "bucket policy",
            DocumentKind::KeyPolicy => "key policy",
        }
    }

    pub fn has_policy(self) -> bool {
        !matches!(self, DocumentKind::Role | DocumentKind::AccessPoint)
    }
}

/// One thing the deployment puts in one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub account: Text,
    pub kind: DocumentKind,
    /// The ARN of the resource the document belongs to (the role, user, access point or bucket).
    pub target: Text,
    /// The role, access point or bucket name; the inline policy's name for inline policies.
    pub name: Option<Text>,
    /// The IAM policy document: canonical, minified JSON. Only the statements this deployment
    /// owns for bucket and access point policies; others already there are kept on deploy.
    pub policy: Option<Text>,
    /// Access points: the bucket behind it, its owner and the access point's region.
    pub bucket: Option<Text>,
    pub bucket_account: Option<Text>,
    pub region: Option<Text>,
    /// Roles: the IAM path.
    pub path: Option<Text>,
    /// Access points reachable from one VPC only (network origin `VPC`): its id.
    pub vpc: Option<Text>,
    /// The grants whose statements the document holds.
    pub grants: List<Text>,
}

impl Document {
    /// The element of `render_json()`'s array for this document.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("account".into(), json!(self.account));
        m.insert("kind".into(), json!(self.kind.as_str()));
        m.insert("target".into(), json!(self.target));
        let optional = [
            ("name", &self.name),
            ("bucket", &self.bucket),
            ("bucket_account", &self.bucket_account),
            ("region", &self.region),
            ("path", &self.path),
            ("vpc", &self.vpc),
        ];
        for (key, value) in optional {
            if let Some(v) = value {
                m.insert(key.into(), json!(v));
            }
        }
        if let Some(policy) = &self.policy {
            m.insert(
                "policy".into(),
                serde_json::from_str(policy).unwrap_or(Value::Null),
            );
        }
        m.insert("grants".into(), json!(self.grants));
        Value::Object(m)
    }
}

/// Every document of one `grants!` invocation.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// The static's name; it also names what the deployment owns in AWS (statement ids, inline
    /// policy names, role tags).
    pub name: Text,
    /// The checked grants, as `grants!` checked them: the run time uses them as they are.
    pub grants: List<Grant>,
    pub documents: List<Document>,
    /// `render_json()`, rendered from `documents` when first asked: the macro does not emit a
    /// second copy of every document for rustc to read at every build.
    pub json: std::sync::OnceLock<String>,
}

/// Two deployments are the same when their name, grants and documents are: the JSON is theirs
/// rendered, whether or not it has been yet.
impl PartialEq for Deployment {
    fn eq(&self, other: &Deployment) -> bool {
        self.name == other.name && self.grants == other.grants && self.documents == other.documents
    }
}

impl Eq for Deployment {}

impl Deployment {
    /// What the macro emits after a compile error, so the error does not cascade into every use.
    // Each use is a value of its own: no two share the (empty) rendering.
    #[allow(clippy::declare_interior_mutable_const)]
    pub const EMPTY: Deployment = Deployment {
        name: Cow::Borrowed(""),
        grants: Cow::Borrowed(&[]),
        documents: Cow::Borrowed(&[]),
        json: std::sync::OnceLock::new(),
    };

    /// Every document of the deployment as one JSON array (ARCHITECTURE.md "Documents").
    pub fn render_json(&self) -> &str {
        self.json.get_or_init(|| {
            crate::json::to_canonical_string(Value::Array(
                self.documents.iter().map(Document::to_json).collect(),
            ))
        })
    }

    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// The accounts the deployment writes to, sorted.
    pub fn accounts(&self) -> Vec<&str> {
        let mut accounts: Vec<&str> = self.documents.iter().map(|d| d.account.as_ref()).collect();
        accounts.sort_unstable();
        accounts.dedup();
        accounts
    }

    /// The start of every statement id this deployment owns.
    pub fn sid_prefix(&self) -> String {
        crate::ownership::sid_prefix(&self.name)
    }

    /// The name of the inline policies this deployment owns.
    pub fn inline_policy_name(&self) -> String {
        crate::ownership::inline_policy_name(&self.name)
    }
}
