//! The xacct model: everything about S3 access point cross-account grants that can be known
//! without calling AWS.
//!
//! ```
//! use policy_core::{build, DeploymentInput, GrantInput, Loc, Spanned};
//!
//! let at = |s: &str| Some(Spanned::new(s.to_owned(), Loc::UNKNOWN));
//! let grant = GrantInput {
//!     name: Spanned::new("analytics_reads".into(), Loc::UNKNOWN),
//!     requester: at("arn:aws:iam::111111111111:role/analytics-etl"),
//!     assume_role: at("arn:aws:iam::222222222222:role/analytics-reader"),
//!     access_point: at("arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data"),
//!     bucket: at("marketing-customer-data"),
//!     actions: Some(Spanned::new(vec![Spanned::new("s3:GetObject".into(), Loc::UNKNOWN)], Loc::UNKNOWN)),
//!     ..GrantInput::default()
//! };
//! let input = DeploymentInput { name: Spanned::new("SHARING".into(), Loc::UNKNOWN), grants: vec![grant], ..Default::default() };
//! let deployment = build(&input).expect("a valid grant");
//! assert!(deployment.render_json().contains(r#""kind":"access-point-policy""#));
//! ```
//!
//! The `grants!` macro of `policy-macros` calls [`build`] at compile time; the same checks are
//! available here at run time.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

// Below everything: date and address arithmetic.
mod basics;

// The model: values parsed into types, with the problems they can have.
mod account;
mod arn;
mod diagnostic;
mod grant;
mod input;
mod json;
pub mod kms;
mod names;
mod partition;
mod requester;
pub mod restrictions;
pub mod service_reference;

// The pipeline, top-down: validate → render → prove, and what it produces.
mod deployment;
pub mod explain;
pub mod hash;
pub mod limits;
pub mod ownership;
pub mod pipeline;
pub mod proof;
mod render;
mod validate;

// The IAM engine under the proof and `explain`: documents in, decisions out.
pub mod eval;

pub use account::AccountId;
pub use arn::{bucket_arn, AccessPointArn, Principal, PrincipalKind, RawArn};
pub use basics::{List, Text};
pub use deployment::{Deployment, Document, DocumentKind};
pub use diagnostic::{did_you_mean, write_message, Diagnostic, Diagnostics, Loc, Problem, Spanned};
pub use grant::{Grant, RequesterTrust};
pub use input::{DeploymentInput, GrantField, GrantInput, TrustInput};
pub use json::{
    canonicalize, normalize, parse_strict, same_meaning, to_canonical_string, POLICY_VERSION,
};
pub use names::check_bucket_name;
pub use partition::Partition;
pub use pipeline::build;
pub use requester::{OrgScope, Requester};
