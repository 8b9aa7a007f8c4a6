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

pub mod account;
pub mod arn;
pub mod deployment;
pub mod diagnostic;
pub mod eval;
pub mod grant;
pub mod input;
pub mod json;
pub mod names;
pub mod partition;
pub mod render;
pub mod service_reference;
pub mod validate;

pub use account::AccountId;
pub use arn::{AccessPointArn, Principal, PrincipalKind};
pub use deployment::{build, Deployment, Document, DocumentKind, GrantData};
pub use diagnostic::{Diagnostic, Diagnostics, Loc, Problem, Spanned};
pub use grant::{Grant, RequesterTrust};
pub use input::{DeploymentInput, GrantInput, TrustInput};
pub use partition::Partition;
