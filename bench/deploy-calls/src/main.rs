//! `bench/deploy-calls.sh`: AWS calls made by `plan` and by a no-op `apply`, for the shared-data
//! example and for a 50-grant deployment, and plan's wall time with one call at a time against
//! eight at once. Times are medians of alternating rounds in the same run; the ratio is the result.

use policy_core::{build, Deployment, DeploymentInput, DocumentKind, GrantInput, Loc, Spanned};
use serde_json::json;
use std::process::{Command, ExitCode};
use std::time::Instant;
use xacct_deploy::{AccountSpec, Mode, Session};

fn s(text: &str) -> Option<Spanned<String>> {
    Some(Spanned::new(text.to_owned(), Loc::UNKNOWN))
}

fn fifty_grants() -> Result<Deployment, String> {
    let grants = (0..50)
        .map(|i| GrantInput {
            name: Spanned::new(format!("team_{i:02}_reads"), Loc::UNKNOWN),
            requester: s(&format!(
                "arn:aws:iam::{}:role/team-{i:02}",
                100_000_000_000u64 + (i % 10) as u64
            )),
            assume_role: s(&format!("arn:aws:iam::222222222222:role/reader-{i:02}")),
            access_point: s(&format!(
                "arn:aws:s3:us-east-1:222222222222:accesspoint/share-{i:02}"
            )),
            bucket: s(&format!("shared-bucket-{}", i % 5)),
            actions: Some(Spanned::new(
                ["s3:GetObject", "s3:ListBucket"]
                    .map(|a| Spanned::new(a.to_owned(), Loc::UNKNOWN))
                    .to_vec(),
                Loc::UNKNOWN,
            )),
            prefixes: Some(Spanned::new(
                vec![Spanned::new(format!("team-{i:02}/"), Loc::UNKNOWN)],
                Loc::UNKNOWN,
            )),
            ..GrantInput::default()
        })
        .collect();
    let input = DeploymentInput {
        name: Spanned::new("FIFTY".into(), Loc::UNKNOWN),
        doc: String::new(),
        grants,
    };
    build(&input).map_err(|d| d.to_string())
}

fn fixture(
    endpoint: &str,
    python: &str,
    command: &str,
    arg: &serde_json::Value,
) -> Result<(), String> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/deploy/tests/aws_fixture.py"
    );
    let out = Command::new(python)
        .args([script, endpoint, command, &arg.to_string()])
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn seed(endpoint: &str, python: &str, d: &Deployment) -> Result<(), String> {
    let created: Vec<&str> = d
        .documents()
        .iter()
        .filter(|x| x.kind == DocumentKind::Role)
        .map(|x| x.target.as_ref())
        .collect();
    let mut buckets: Vec<serde_json::Value> = d
        .documents()
        .iter()
        .filter(|x| x.kind == DocumentKind::BucketPolicy)
        .map(|x| json!([x.account, x.name]))
        .collect();
    buckets.dedup();
    let roles: Vec<serde_json::Value> = d
        .documents()
        .iter()
        .filter(|x| {
            x.kind == DocumentKind::RoleInlinePolicy && !created.contains(&x.target.as_ref())
        })
        .map(|x| json!([x.account, x.target]))
        .collect();
    fixture(
        endpoint,
        python,
        "seed",
        &json!({ "buckets": buckets, "roles": roles }),
    )
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn measure(name: &str, d: &Deployment, endpoint: &str, python: &str) -> Result<(), String> {
    let reset = "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST'), timeout=10)";
    let _ = Command::new(python)
        .args(["-c", reset, &format!("{endpoint}/moto-api/reset")])
        .status();
    seed(endpoint, python, d)?;
    let specs: Vec<AccountSpec> = d
        .accounts()
        .iter()
        .map(|a| format!("{a}=role:arn:aws:iam::{a}:role/xacct-deployer").parse())
        .collect::<Result<_, _>>()
        .map_err(|e: xacct_deploy::DeployError| e.to_string())?;
    let session = Session::connect(d, &specs)
        .await
        .map_err(|e| e.to_string())?;
    let plan = session
        .plan(Mode::Apply, false)
        .await
        .map_err(|e| e.to_string())?;
    session
        .apply(&plan, &|_| {})
        .await
        .map_err(|e| e.to_string())?;

    let mut times = [Vec::new(), Vec::new()];
    let mut reads = [0, 0];
    for _ in 0..5 {
        for (slot, concurrency) in [1usize, 8].into_iter().enumerate() {
            let mut session = Session::connect(d, &specs)
                .await
                .map_err(|e| e.to_string())?;
            session.concurrency = concurrency;
            let start = Instant::now();
            let plan = session
                .plan(Mode::Apply, false)
                .await
                .map_err(|e| e.to_string())?;
            times[slot].push(start.elapsed().as_secs_f64());
            reads[slot] = session.calls().0;
            if plan.has_changes() {
                return Err(format!("{name}: plan after apply is not empty"));
            }
        }
    }
    let session = Session::connect(d, &specs)
        .await
        .map_err(|e| e.to_string())?;
    let plan = session
        .plan(Mode::Apply, false)
        .await
        .map_err(|e| e.to_string())?;
    session
        .apply(&plan, &|_| {})
        .await
        .map_err(|e| e.to_string())?;
    let (apply_reads, apply_writes) = session.calls();
    let (seq, conc) = (median(times[0].clone()), median(times[1].clone()));
    println!(
        "{name}: {} documents in {} accounts",
        d.documents().len(),
        d.accounts().len()
    );
    println!(
        "  plan: {} reads (+{} sts:GetCallerIdentity)",
        reads[0],
        d.accounts().len()
    );
    println!("  no-op apply: {apply_reads} reads, {apply_writes} writes");
    println!(
        "  plan wall time, median of 5: sequential {seq:.3}s, 8 at once {conc:.3}s, ratio {:.2}x",
        seq / conc
    );
    Ok(())
}

fn main() -> ExitCode {
    let (Ok(endpoint), Ok(python)) = (
        std::env::var("XACCT_TEST_ENDPOINT"),
        std::env::var("XACCT_TEST_PYTHON"),
    ) else {
        eprintln!("error: run through bench/deploy-calls.sh, which starts the emulator");
        return ExitCode::from(1);
    };
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        return ExitCode::from(1);
    };
    let result = rt.block_on(async {
        measure("shared-data", &shared_data::SHARING, &endpoint, &python).await?;
        measure("50 grants", &fifty_grants()?, &endpoint, &python).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
