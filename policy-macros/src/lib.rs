//! `grants!`: S3 access point cross-account grants, checked when the crate compiles.
//!
//! ```ignore
//! policy_macros::grants! {
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
//! println!("{}", SHARING.render_json());
//! ```
//!
//! This crate only parses and points at tokens; every rule lives in `policy-core`, which the
//! expansion refers to as `::policy_core`, so a crate using the macro depends on both.

mod ast;
mod expand;

use proc_macro::TokenStream;

/// Declares one deployment of grants as a `static policy_core::Deployment`. See the crate docs.
#[proc_macro]
pub fn grants(input: TokenStream) -> TokenStream {
    match syn::parse::<ast::Input>(input) {
        Ok(input) => expand::expand(input).into(),
        Err(error) => error.to_compile_error().into(),
    }
}
