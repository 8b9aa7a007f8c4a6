//! An IAM policy evaluator: AWS's evaluation logic over a set of policy documents (identity,
//! trust, access point and bucket policies). It knows documents, not grants; the proof and
//! `explain` (beside the pipeline) use it to judge what a deployment's documents allow.

pub(crate) mod condition;
pub(crate) mod evaluate;
pub(crate) mod limit;
pub(crate) mod organization;
pub(crate) mod policy;

pub use condition::{wildcard, Condition, Context, SetQualifier};
pub use evaluate::{
    evaluate, AccessPointInfo, Consulted, Decision, PolicyDoc, PolicySet, Reason, Request, Verdict,
};
pub use limit::{LimitKind, LimitPolicy};
pub use organization::{ControlKind, ControlPolicy, Level, Organization};
pub use policy::{Effect, Policy, PrincipalEntry, Statement};
