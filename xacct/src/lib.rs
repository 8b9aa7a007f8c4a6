//! S3 access point cross-account grants as Rust code: the one dependency a deployment crate needs.
//!
//! ```no_run
//! xacct::grants! {
//!     /// Marketing shares customer exports with analytics.
//!     pub static SHARING = {
//!         /// The analytics ETL job reads customer exports.
//!         grant analytics_reads_customers {
//!             requester: "arn:aws:iam::111111111111:role/analytics-etl",
//!             assume_role: "arn:aws:iam::222222222222:role/analytics-reader",
//!             access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data",
//!             bucket: "marketing-customer-data",
//!             actions: [s3:GetObject, s3:ListBucket],
//!             prefixes: ["customers/"],
//!         }
//!     };
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     xacct::cli::run(&SHARING)
//! }
//! ```
//!
//! Re-exports the three crates it is made of: [`grants!`] (from `policy-macros`), the model, the
//! build pipeline and the evaluator ([`policy`], that is `policy-core`), and the deploy tool
//! ([`deploy`], that is `xacct-deploy`; its command line is [`cli`]).

pub use policy_core as policy;
pub use xacct_deploy as deploy;
pub use xacct_deploy::cli;

pub use policy_core::{build, Deployment, Document, DocumentKind, Grant};

#[doc(hidden)]
pub mod __private {
    pub use policy_macros::grants_in;
}

/// Declares one deployment of grants as a `static xacct::Deployment`, every grant checked and
/// every document rendered and proven when the crate compiles. See the crate docs.
#[macro_export]
macro_rules! grants {
    ($($body:tt)*) => {
        $crate::__private::grants_in! { ($crate::policy) $($body)* }
    };
}
