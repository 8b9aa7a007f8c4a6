//! `grants!` under token mutations of every example, with every field's name and a value of
//! each kind put anywhere: whatever the input, the macro never panics,
//! and an invocation that is not accepted gets at least one compile error that says something.
//! (Whether each error sits on a token is checked by the UI tests: proc-macro2 outside a compiler
//! has no source positions to compare.)

use crate::ast::Input;
use crate::expand::try_expand;
use proc_macro2::{TokenStream, TokenTree};
use proptest::prelude::*;
use std::str::FromStr;

const EXAMPLES: [&str; 10] = [
    include_str!("../../examples/shared-data/src/lib.rs"),
    include_str!("../../examples/data-lake/src/lib.rs"),
    include_str!("../../examples/lambda-requester/src/lib.rs"),
    include_str!("../../examples/multi-access-point/src/lib.rs"),
    include_str!("../../examples/direct-grant/src/lib.rs"),
    include_str!("../../examples/cross-account-access-point/src/lib.rs"),
    include_str!("../../examples/private-network/src/lib.rs"),
    include_str!("../../examples/temporary-audit/src/lib.rs"),
    include_str!("../../examples/organization-share/src/lib.rs"),
    include_str!("../../examples/encrypted-lake/src/lib.rs"),
];

/// Values of each kind a field takes, for mutations to put anywhere (every field's name is put
/// in too, from [`policy_core::GrantField::ALL`]).
const VALUES: [&str; 9] = [
    "\"o-a1b2c3d4e5\"",
    "\"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/\"",
    "\"2027-01-01T00:00:00Z\"",
    "[\"10.0.0.0/8\"]",
    "[\"vpce-1a2b3c4d\"]",
    "\"vpc-1a2b3c4d\"",
    "\"arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab\"",
    "\"222222222222\"",
    "false",
];

/// Everything a mutation may put in.
fn replacements() -> Vec<String> {
    REPLACEMENTS
        .iter()
        .chain(&VALUES)
        .map(|t| (*t).to_owned())
        .chain(
            policy_core::GrantField::ALL
                .iter()
                .map(|f| f.name().to_owned()),
        )
        .collect()
}

/// Tokens a mutation may put in: the DSL's own words and punctuation, and values of each kind.
const REPLACEMENTS: [&str; 16] = [
    "grant",
    "requester",
    "actions",
    "prefixes",
    ",",
    ":",
    "*",
    "s3",
    "\"\"",
    "\"arn:aws:iam::1:role/x\"",
    "true",
    "[]",
    "[s3:GetObject,]",
    "{}",
    "service",
    "account",
];

/// What is inside `grants! { ... }` in an example's source.
fn body(source: &str) -> String {
    let start = source
        .find("grants! {")
        .map_or(0, |i| i + "grants! {".len());
    let end = source.rfind('}').unwrap_or(source.len());
    source[start..end].to_owned()
}

/// The leaf tokens of a stream with its groups' delimiters, as text, in order.
fn leaves(stream: TokenStream, out: &mut Vec<String>) {
    for tree in stream {
        match tree {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push(open.to_owned());
                leaves(g.stream(), out);
                out.push(close.to_owned());
            }
            other => out.push(other.to_string()),
        }
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Replace(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, r)| Mutation::Replace(a, r)),
    ]
}

fn mutate(tokens: &mut Vec<String>, m: &Mutation) {
    let n = tokens.len();
    match *m {
        Mutation::Delete(i) => {
            tokens.remove(i % n);
        }
        Mutation::Duplicate(i) => tokens.insert(i % n, tokens[i % n].clone()),
        Mutation::Swap(a, b) => tokens.swap(a % n, b % n),
        Mutation::Replace(i, r) => {
            let pool = replacements();
            tokens[i % n] = pool[r % pool.len()].clone();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_every_rejection_says_why(
        example in 0..EXAMPLES.len(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let mut tokens = Vec::new();
        leaves(TokenStream::from_str(&body(EXAMPLES[example])).unwrap(), &mut tokens);
        for m in &mutations {
            mutate(&mut tokens, m);
        }
        // Unbalanced delimiters never reach a macro: the compiler's lexer refuses them first.
        let Ok(stream) = TokenStream::from_str(&tokens.join(" ")) else {
            return Ok(());
        };
        match syn::parse2::<Input>(stream) {
            Err(error) => prop_assert!(!error.to_string().is_empty()),
            Ok(input) => {
                if let Err(errors) = try_expand(&input) {
                    prop_assert!(!errors.is_empty());
                    prop_assert!(errors.iter().all(|e| !e.to_string().trim().is_empty()));
                }
            }
        }
    }
}

#[test]
fn the_examples_expand_unmutated() {
    for source in EXAMPLES {
        let input: Input = syn::parse2(TokenStream::from_str(&body(source)).unwrap()).unwrap();
        assert!(try_expand(&input).is_ok());
    }
}
