//! An IAM policy evaluator for the documents xacct writes and reads back, and the compile-time
//! proof that a deployment's documents grant exactly what its grants declare.

pub mod condition;
pub mod evaluate;
pub mod explain;
pub mod policy;
pub mod prove;

pub use condition::Context;
pub use evaluate::{evaluate, Decision, PolicySet, Reason, Request};
pub use explain::{explain, Explanation, Step};
pub use policy::{Effect, Policy, Statement};
