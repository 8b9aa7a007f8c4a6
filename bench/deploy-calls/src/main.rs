//! `bench/deploy-calls.sh`: AWS calls made by `plan` and by a no-op `apply`, for the shared-data
//! example and for a 50-grant deployment, and plan's wall time with one call at a time against
//! eight at once. Times are medians of alternating rounds in the same run; the ratio is the result.

use policy_core::{build, Deployment, DeploymentInput, DocumentKind, GrantInput, Loc, Spanned};
use serde_json::json;
use std::process::{Command, ExitCode};
use std::time::Instant;
use xacct_deploy::{AccountSpec, Mode, Session};

mod replay;
use replay::Replay;

fn s(text: &str) -> Option<Spanned<String>> {
    Some(Spanned::new(text.to_owned(), Loc::UNKNOWN))
}

/// `n` grants: requesters in ten accounts, each with its own bridge role and access point in
/// 222222222222, ten grants to a bucket.
fn grants(n: usize) -> Result<Deployment, String> {
    let grants = (0..n)
        .map(|i| GrantInput {
            name: Spanned::new(format!("team_{i:03}_reads"), Loc::UNKNOWN),
            requester: s(&format!(
                "arn:aws:iam::{}:role/team-{i:03}",
                100_000_000_000u64 + (i % 10) as u64
            )),
            assume_role: s(&format!("arn:aws:iam::222222222222:role/reader-{i:03}")),
            access_point: s(&format!(
                "arn:aws:s3:us-east-1:222222222222:accesspoint/share-{i:03}"
            )),
            bucket: s(&format!("shared-bucket-{}", i / 10)),
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
            ..GrantInput::default()
        })
        .collect();
    let input = DeploymentInput {
        name: Spanned::new(format!("GRANTS_{n}"), Loc::UNKNOWN),
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

/// Calls at once per account and service when the concurrency is to be no bound at all.
const ALL_AT_ONCE: usize = 100_000;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Where the measured sessions send their calls: the latency proxy in front of the emulator.
struct Endpoints {
    emulator: String,
    proxy: String,
    python: String,
}

fn specs(d: &Deployment) -> Result<Vec<AccountSpec>, String> {
    d.accounts()
        .iter()
        .map(|a| format!("{a}=role:arn:aws:iam::{a}:role/xacct-deployer").parse())
        .collect::<Result<_, _>>()
        .map_err(|e: xacct_deploy::DeployError| e.to_string())
}

async fn connect<'d>(
    d: &'d Deployment,
    specs: &[AccountSpec],
    concurrency: usize,
) -> Result<Session<'d>, String> {
    let mut session = Session::connect(d, specs)
        .await
        .map_err(|e| e.to_string())?;
    session.set_concurrency(concurrency);
    Ok(session)
}

/// A plan and its apply: the deployment itself, or a no-op after it.
async fn plan_and_apply(session: &Session<'_>) -> Result<(), String> {
    let plan = session
        .plan(Mode::Apply, false)
        .await
        .map_err(|e| e.to_string())?;
    session
        .apply(&plan, &|_| {})
        .await
        .map_err(|e| e.to_string())
}

/// Applies `d` straight into the emulator (no latency), then times plan and a no-op apply through
/// the proxy at `concurrency` 1 (one call at a time) and at the default, alternating, `rounds`
/// times each (`sequential_rounds` for one call at a time, which is slow by design).
async fn measure(
    name: &str,
    d: &Deployment,
    at: &Endpoints,
    rounds: usize,
    sequential_rounds: usize,
) -> Result<(), String> {
    let reset = "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST'), timeout=10)";
    let _ = Command::new(&at.python)
        .args(["-c", reset, &format!("{}/moto-api/reset", at.emulator)])
        .status();
    seed(&at.emulator, &at.python, d)?;
    std::env::set_var("AWS_ENDPOINT_URL", &at.emulator);
    let specs = specs(d)?;
    plan_and_apply(&connect(d, &specs, xacct_deploy::DEFAULT_CONCURRENCY).await?).await?;

    std::env::set_var("AWS_ENDPOINT_URL", &at.proxy);
    if std::env::var_os("XACCT_BENCH_REPLAY_ONLY").is_some() {
        println!(
            "{name}: {} documents in {} accounts (replay only)",
            d.documents().len(),
            d.accounts().len()
        );
        return replay(d, &specs, at, (rounds, sequential_rounds)).await;
    }
    // [plan, no-op apply] × [one at a time, default]
    let mut times = [[Vec::new(), Vec::new()], [Vec::new(), Vec::new()]];
    let mut calls = [(0, 0), (0, 0)];
    for round in 0..rounds {
        for (slot, concurrency) in [1usize, xacct_deploy::DEFAULT_CONCURRENCY]
            .into_iter()
            .enumerate()
        {
            if slot == 0 && round >= sequential_rounds {
                continue;
            }
            let session = connect(d, &specs, concurrency).await?;
            let start = Instant::now();
            let plan = session
                .plan(Mode::Apply, false)
                .await
                .map_err(|e| e.to_string())?;
            times[0][slot].push(start.elapsed().as_secs_f64());
            if plan.has_changes() {
                return Err(format!("{name}: plan after apply is not empty"));
            }
            let reads = session.calls().0;
            let start = Instant::now();
            plan_and_apply(&session).await?;
            times[1][slot].push(start.elapsed().as_secs_f64());
            let (all_reads, writes) = session.calls();
            calls[slot] = (reads, all_reads - reads);
            if writes != 0 {
                return Err(format!("{name}: a no-op apply wrote {writes} times"));
            }
        }
    }
    // The emulator's own floor: the same plan with no latency added. moto answers one request at
    // a time (one Python process), so no client can plan faster than this here.
    latency(at, 0)?;
    let session = connect(d, &specs, xacct_deploy::DEFAULT_CONCURRENCY).await?;
    let start = Instant::now();
    session
        .plan(Mode::Apply, false)
        .await
        .map_err(|e| e.to_string())?;
    let floor = start.elapsed().as_secs_f64();
    latency(at, 40)?;
    println!(
        "{name}: {} documents in {} accounts; plan {} reads, no-op apply {} reads and 0 writes",
        d.documents().len(),
        d.accounts().len(),
        calls[1].0,
        calls[1].1
    );
    for (what, t) in [("plan", &times[0]), ("no-op apply", &times[1])] {
        let (one, many) = (median(t[0].clone()), median(t[1].clone()));
        println!(
            "  {what:<12} one call at a time {one:7.2}s | default ({} per account and service) {many:6.2}s | {:5.1}x",
            xacct_deploy::DEFAULT_CONCURRENCY,
            one / many
        );
    }
    println!("  plan with no latency added (the emulator's floor): {floor:.2}s");
    replay(d, &specs, at, (rounds, sequential_rounds)).await
}

/// The same plan recorded through the proxy, then answered from the recording by [`Replay`], many
/// requests at once, each 40 ms late: what the client does when the service is not the bound.
///
/// The critical path (the longest chain of calls that must wait for each other, times the
/// latency: the floor no client can beat) is computed, not assumed: with every call let out at
/// once, a plan takes (calls on its longest chain) x latency + the client's own work, so the
/// difference between such plans at 40 and at 240 ms, over 200 ms, is the chain's length.
async fn replay(
    d: &Deployment,
    specs: &[AccountSpec],
    at: &Endpoints,
    (rounds, sequential_rounds): (usize, usize),
) -> Result<(), String> {
    proxy_set(at, r#"{"latency_ms": 0, "replay": "record"}"#)?;
    let session = connect(d, specs, xacct_deploy::DEFAULT_CONCURRENCY).await?;
    session
        .plan(Mode::Apply, false)
        .await
        .map_err(|e| e.to_string())?;
    let dump = std::env::temp_dir().join(format!("xacct-recording-{}.json", std::process::id()));
    let stop = json!({"latency_ms": 40, "replay": "off", "dump": dump});
    proxy_set(at, &stop.to_string())?;
    let replay = Replay::serve(&dump, std::time::Duration::from_millis(40));
    let _ = std::fs::remove_file(&dump);
    let replay = replay?;
    std::env::set_var("AWS_ENDPOINT_URL", &replay.endpoint);
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..rounds {
        for (slot, concurrency) in [1, xacct_deploy::DEFAULT_CONCURRENCY, 256]
            .into_iter()
            .enumerate()
        {
            if slot == 0 && round >= sequential_rounds {
                continue;
            }
            let session = connect(d, specs, concurrency).await?;
            let start = Instant::now();
            session
                .plan(Mode::Apply, false)
                .await
                .map_err(|e| e.to_string())?;
            times[slot].push(start.elapsed().as_secs_f64());
        }
    }
    let [one, default, all_at_once] = times.map(median);
    let at_latency = |ms: u64| {
        replay.set_latency(std::time::Duration::from_millis(ms));
        async move {
            let mut t = Vec::new();
            for _ in 0..rounds {
                let session = connect(d, specs, ALL_AT_ONCE).await?;
                let start = Instant::now();
                session
                    .plan(Mode::Apply, false)
                    .await
                    .map_err(|e| e.to_string())?;
                t.push(start.elapsed().as_secs_f64());
            }
            Ok::<f64, String>(median(t))
        }
    };
    let client = at_latency(0).await?;
    let slow = at_latency(240).await?;
    let fast = at_latency(40).await?;
    let chain = (slow - fast) / 0.200;
    let floor = chain * 0.040;
    println!(
        "  plan replayed at 40 ms, answered in parallel: one call at a time {one:6.2}s | default {default:6.2}s ({:4.1}x) | 256 at once {all_at_once:6.2}s; {} requests not in the recording",
        one / default,
        replay.misses()
    );
    println!(
        "  critical path: {chain:.1} calls on the longest chain x 40 ms = {floor:.2}s (every call at once: {fast:.2}s at 40 ms, {slow:.2}s at 240 ms; the client's own work, at 0 ms, {client:.2}s); default / critical path {:4.2}x",
        default / floor
    );
    Ok(())
}

/// Sets the proxy's state (`POST /__faults`, see fault_proxy.py).
fn proxy_set(at: &Endpoints, body: &str) -> Result<(), String> {
    let set = "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/__faults', data=sys.argv[2].encode(), method='POST'), timeout=60)";
    let status = Command::new(&at.python)
        .args(["-c", set, &at.proxy, body])
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cannot set the proxy's state to {body}"))
    }
}

/// Sets the proxy's added latency.
fn latency(at: &Endpoints, ms: u64) -> Result<(), String> {
    proxy_set(at, &format!("{{\"latency_ms\": {ms}}}"))
}

fn main() -> ExitCode {
    let (Ok(emulator), Ok(proxy), Ok(python)) = (
        std::env::var("XACCT_TEST_ENDPOINT"),
        std::env::var("XACCT_BENCH_PROXY"),
        std::env::var("XACCT_TEST_PYTHON"),
    ) else {
        eprintln!("error: run through bench/deploy-calls.sh, which starts the emulator and the latency proxy");
        return ExitCode::from(1);
    };
    let at = Endpoints {
        emulator,
        proxy,
        python,
    };
    let Ok(rt) = tokio::runtime::Runtime::new() else {
        return ExitCode::from(1);
    };
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![50, 500]
    } else {
        sizes
    };
    let result = rt.block_on(async {
        measure("shared-data", &shared_data::SHARING, &at, 3, 3).await?;
        for n in sizes {
            let (rounds, sequential) = if n > 100 { (3, 1) } else { (3, 3) };
            measure(&format!("{n} grants"), &grants(n)?, &at, rounds, sequential).await?;
        }
        Ok::<(), String>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
