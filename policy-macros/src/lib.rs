//! `grants!`: S3 access point cross-account grants, checked when the crate compiles.
//!
//! ```text
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
//! expansion refers to as `::policy_core`, so a crate using the macro directly depends on both.
//! Most users depend on `xacct` alone, whose `xacct::grants!` passes its own path instead.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod ast;
mod emit;
mod expand;
#[cfg(test)]
mod fuzz;

use proc_macro::TokenStream;

/// Declares one deployment of grants as a `static policy_core::Deployment`. See the crate docs.
#[proc_macro]
pub fn grants(input: TokenStream) -> TokenStream {
    let core = quote::quote! { ::policy_core };
    match syn::parse::<ast::Input>(input) {
        Ok(input) => expand::expand(input, &core).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// `grants!` for crates that re-export `policy-core`: `grants_in! { (path::to::policy_core) ... }`.
#[doc(hidden)]
#[proc_macro]
pub fn grants_in(input: TokenStream) -> TokenStream {
    let input = proc_macro2::TokenStream::from(input);
    let mut tokens = input.into_iter();
    let core = match tokens.next() {
        Some(proc_macro2::TokenTree::Group(g))
            if g.delimiter() == proc_macro2::Delimiter::Parenthesis =>
        {
            g.stream()
        }
        _ => {
            return syn::Error::new(
                proc_macro2::Span::call_site(),
                "`grants_in!` starts with the path of `policy-core` in parentheses",
            )
            .to_compile_error()
            .into()
        }
    };
    match syn::parse2::<ast::Input>(tokens.collect()) {
        Ok(input) => expand::expand(input, &core).into(),
        Err(error) => error.to_compile_error().into(),
    }
}
