//! Compile-fail tests: every mistake the `grants!` macro must reject, each with its reviewed
//! `.stderr`. Regenerate with `TRYBUILD=overwrite cargo test -p xacct-tests --test ui`, then read
//! the diff.

#[test]
fn grants_rejects_mistakes() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}

#[test]
fn grants_accepts_valid_deployments() {
    let t = trybuild::TestCases::new();
    t.pass("tests/pass/*.rs");
}
