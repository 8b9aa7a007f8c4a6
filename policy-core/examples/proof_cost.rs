//! What the least-privilege proof costs at compile time, for 1, 200 and 1,000 grants:
//! `cargo run -p policy-core --example proof_cost` (a debug build, like the proc macro's own).
//! Validation + rendering is the baseline measured in the same run; the ratio is the result.

use policy_core::proof::prove;
use policy_core::{DeploymentInput, GrantInput, Loc, Spanned};
use std::time::Instant;

fn input(n: usize) -> DeploymentInput {
    let s = |t: String| Some(Spanned::new(t, Loc::UNKNOWN));
    let grants = (0..n)
        .map(|i| GrantInput {
            name: Spanned::new(format!("reader_{i:03}"), Loc::UNKNOWN),
            requester: s(format!(
                "arn:aws:iam::{}:role/team-{i:03}-etl",
                100_000_000_000u64 + i as u64
            )),
            assume_role: s(format!("arn:aws:iam::222222222222:role/reader-{i:03}")),
            access_point: s(format!(
                "arn:aws:s3:us-east-1:222222222222:accesspoint/share-{i:03}"
            )),
            bucket: s(format!("shared-bucket-{:02}", i / 10)),
            actions: Some(Spanned::new(
                ["s3:GetObject", "s3:ListBucket"]
                    .map(|a| Spanned::new(a.to_owned(), Loc::UNKNOWN))
                    .to_vec(),
                Loc::UNKNOWN,
            )),
            prefixes: Some(Spanned::new(
                vec![Spanned::new(format!("team-{i:03}/"), Loc::UNKNOWN)],
                Loc::UNKNOWN,
            )),
            external_id: s(format!("team-{i:03}")),
            ..GrantInput::default()
        })
        .collect();
    DeploymentInput {
        name: Spanned::new("BENCH".into(), Loc::UNKNOWN),
        doc: String::new(),
        grants,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    for n in [1, 200, 1000] {
        let input = input(n);
        let (mut base, mut proof, mut requests) = (Vec::new(), Vec::new(), 0);
        for _ in 0..5 {
            let start = Instant::now();
            let grants = policy_core::pipeline::validate(&input).unwrap_or_default();
            let documents =
                policy_core::pipeline::render("BENCH", &grants, Loc::UNKNOWN).unwrap_or_default();
            base.push(start.elapsed().as_secs_f64());
            let start = Instant::now();
            requests = prove(&documents, &grants).unwrap_or(0);
            proof.push(start.elapsed().as_secs_f64());
        }
        let (b, p) = (median(base), median(proof));
        println!("{n:>3} grants: validate+render {:.1} ms, proof {:.1} ms ({requests} requests evaluated), proof/render {:.1}x", b * 1e3, p * 1e3, p / b);
    }
}
