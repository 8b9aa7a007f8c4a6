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
    pub prefixes: Option<Spanned<Vec<Spanned<String>>>>,
    pub require_mfa: Option<Spanned<bool>>,
    pub external_id: Option<Spanned<String>>,
    pub permissions_management: Option<Spanned<bool>>,
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

/// What kind of value a field takes; the parser uses it to read the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A string literal.
    Str,
    /// `true` or `false`.
    Bool,
    /// `[s3:GetObject, ...]`.
    Actions,
    /// `["a/", ...]`.
    StrList,
    /// `service "x.amazonaws.com"` or `account`.
    Trust,
}

/// Every field of a grant, with the kind of value it takes. The single list the parser, the
/// did-you-mean and the docs agree on.
pub const GRANT_FIELDS: &[(&str, FieldKind)] = &[
    ("requester", FieldKind::Str),
    ("requester_trust", FieldKind::Trust),
    ("assume_role", FieldKind::Str),
    ("access_point", FieldKind::Str),
    ("bucket", FieldKind::Str),
    ("bucket_account", FieldKind::Str),
    ("actions", FieldKind::Actions),
    ("prefixes", FieldKind::StrList),
    ("require_mfa", FieldKind::Bool),
    ("external_id", FieldKind::Str),
    ("permissions_management", FieldKind::Bool),
];

/// The kind of a known field, or a problem naming the nearest known one.
pub fn grant_field(name: &str) -> Result<FieldKind, Problem> {
    if let Some((_, kind)) = GRANT_FIELDS.iter().find(|(f, _)| *f == name) {
        return Ok(*kind);
    }
    let problem = Problem::new(format!("unknown field `{name}` in grant"));
    Err(
        match did_you_mean(name, GRANT_FIELDS.iter().map(|(f, _)| *f)) {
            Some(near) => problem.help(format!("did you mean `{near}`?")),
            None => problem.help(format!(
                "a grant's fields are {}",
                GRANT_FIELDS
                    .iter()
                    .map(|(f, _)| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    )
}
