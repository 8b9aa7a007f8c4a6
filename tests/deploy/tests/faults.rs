//! End-to-end: AWS failing under the tool — a proxy that answers 503, throttles, resets, delays,
//! hangs, answers HTML or writes in between; a crash after any write; two applies at once — and
//! one clean rerun converges, nothing foreign lost.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use policy_core::{Deployment, DocumentKind};
use serde_json::{json, Value};
use std::process::Command;
use xacct_deploy::{DeployError, Mode, Session};

/// The fault-injecting proxy of `fault_proxy.py` in front of the emulator; AWS calls of sessions
/// connected while it is set go through it.
struct FaultProxy {
    child: std::process::Child,
    port: u16,
}

impl FaultProxy {
    fn start() -> FaultProxy {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fault_proxy.py");
        let mut child = Command::new(env("XACCT_TEST_PYTHON"))
            .args([script, endpoint()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the proxy prints its port");
        std::env::set_var("AWS_ENDPOINT_URL", format!("http://localhost:{port}"));
        FaultProxy { child, port }
    }

    /// Sets the faults (see `fault_proxy.py`) and returns the counts so far.
    fn faults(&self, faults: Value) -> Value {
        use std::io::{Read, Write};
        let body = faults.to_string();
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "POST /__faults HTTP/1.1\r\nHost: proxy\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let json = answer.split("\r\n\r\n").nth(1).unwrap_or("{}");
        serde_json::from_str(json).unwrap()
    }

    fn off(&self) -> Value {
        self.faults(json!({"rate": 0.0, "kinds": []}))
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::env::set_var("AWS_ENDPOINT_URL", endpoint());
    }
}

async fn try_run(deployment: &Deployment, mode: Mode) -> Result<(), DeployError> {
    try_run_with(deployment, mode, xacct_deploy::DEFAULT_CONCURRENCY).await
}

async fn try_run_with(
    deployment: &Deployment,
    mode: Mode,
    concurrency: usize,
) -> Result<(), DeployError> {
    let mut session = Session::connect(deployment, &specs(deployment)).await?;
    session.set_concurrency(concurrency);
    let plan = session.plan(mode, false).await?;
    session.apply(&plan, &|_| {}).await
}

/// `modes` (apply, destroy) of the data-lake example through the fault proxy at `rate` (every
/// kind of fault); a destroy alone follows a clean apply. Whatever failed, one clean rerun
/// converges, a foreign bucket statement survives, and destroy leaves no role or access point.
fn faults_at_a_rate_converge_on_one_clean_rerun(fault_seed: u64, rate: f64, modes: &[Mode]) {
    let _emulator = emulator();
    let deployment = &data_lake::DATA_LAKE;
    let kinds = ["503", "throttle", "reset-before", "reset-after", "delay"];
    let (mut runs, mut failed, mut converged) = (0, 0, 0);
    seed(deployment);
    let (foreign, read) = foreign_bucket_statement(deployment);
    if modes.first() == Some(&Mode::Destroy) {
        runtime().block_on(apply(deployment, Mode::Apply));
    }
    let proxy = FaultProxy::start();
    for &mode in modes {
        proxy.faults(json!({"rate": rate, "kinds": kinds, "seed": fault_seed}));
        runs += 1;
        let result = runtime().block_on(try_run(deployment, mode));
        failed += usize::from(result.is_err());
        let counts = proxy.off();
        println!(
            "rate {rate} {mode:?}: {counts} -> {:?}",
            result.err().map(|e| e.to_string())
        );
        runtime().block_on(async {
            apply(deployment, mode).await;
            assert!(
                !has_changes(deployment, mode).await,
                "rate {rate} {mode:?}: one clean rerun converges"
            );
        });
        converged += 1;
        let bucket = fixture("read", &read)[0].clone();
        assert!(
            bucket.to_string().contains(&foreign["Sid"].to_string()),
            "foreign statement kept: {bucket}"
        );
    }
    if modes.last() == Some(&Mode::Destroy) {
        assert_eq!(
            fixture("count-roles", &json!({"account": "222222222222"})),
            json!(0)
        );
        assert_eq!(
            fixture("count-access-points", &json!({"account": "222222222222"})),
            json!(0)
        );
    }
    println!("fault runs: {runs}, failed under faults: {failed}, converged on one clean rerun: {converged}");
}

#[test]
fn faults_at_a_tenth_of_the_calls_converge_on_one_clean_rerun() {
    faults_at_a_rate_converge_on_one_clean_rerun(1, 0.1, &[Mode::Apply, Mode::Destroy]);
}

// The higher rates take minutes each (the SDK backs off on every throttle): apply and destroy
// are tests of their own so that they run side by side on the emulators.

#[test]
fn faults_at_three_tenths_of_an_apply_converge_on_one_clean_rerun() {
    faults_at_a_rate_converge_on_one_clean_rerun(2, 0.3, &[Mode::Apply]);
}

#[test]
fn faults_at_three_tenths_of_a_destroy_converge_on_one_clean_rerun() {
    faults_at_a_rate_converge_on_one_clean_rerun(2, 0.3, &[Mode::Destroy]);
}

#[test]
fn faults_at_half_an_apply_converge_on_one_clean_rerun() {
    faults_at_a_rate_converge_on_one_clean_rerun(3, 0.5, &[Mode::Apply]);
}

#[test]
fn faults_at_half_a_destroy_converge_on_one_clean_rerun() {
    faults_at_a_rate_converge_on_one_clean_rerun(3, 0.5, &[Mode::Destroy]);
}

#[test]
fn a_write_whose_answer_is_lost_still_succeeds() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let proxy = FaultProxy::start();
    // Every write is carried out, its answer dropped; the SDK's retry then meets "already exists"
    // or "no such entity". One call at a time: the re-read that checks such a write must not wait
    // for the place its own write holds.
    for mode in [Mode::Apply, Mode::Destroy] {
        proxy.faults(
            json!({"rate": 1.0, "kinds": ["reset-after"], "writes_only": true, "first_only": true}),
        );
        runtime()
            .block_on(try_run_with(deployment, mode, 1))
            .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
        let counts = proxy.off();
        assert!(counts["faults"].as_u64().unwrap() > 5, "{counts}");
        assert!(
            !runtime().block_on(has_changes(deployment, mode)),
            "{mode:?} converged"
        );
    }
    assert!(read_back(deployment).iter().all(Value::is_null));
}

#[test]
fn a_call_that_never_answers_times_out_with_a_clear_error() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let proxy = FaultProxy::start();
    proxy.faults(json!({"rate": 1.0, "kinds": ["hang"], "writes_only": true}));
    let started = std::time::Instant::now();
    let error = runtime().block_on(async {
        let session = Session::connect_with_timeout(
            deployment,
            &specs(deployment),
            std::time::Duration::from_secs(1),
        )
        .await
        .unwrap();
        let plan = session.plan(Mode::Apply, false).await.unwrap();
        session
            .apply(&plan, &|_| {})
            .await
            .expect_err("the first write never gets an answer")
    });
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.code(), Some("Timeout"), "{error}");
    assert!(
        error.help().is_some_and(|h| h.contains("resumes")),
        "{:?}",
        error.help()
    );
    drop(proxy);
    runtime().block_on(apply(deployment, Mode::Apply));
    assert!(
        !runtime().block_on(has_changes(deployment, Mode::Apply)),
        "a rerun resumes"
    );
}

/// Crashes an apply or destroy after each of its writes in turn; each time one clean rerun
/// converges, keeps the foreign bucket statement and leaves no duplicate. Returns how many crashes.
fn a_crash_after_any_write_converges_on_rerun(mode: Mode) -> usize {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    let mut crashes = 0;
    for n in 0.. {
        emulator_reset();
        seed(deployment);
        let (foreign, read) = foreign_bucket_statement(deployment);
        if mode == Mode::Destroy {
            runtime().block_on(apply(deployment, Mode::Apply));
        }
        let crashed = runtime().block_on(async {
            let mut session = Session::connect(deployment, &specs(deployment))
                .await
                .unwrap();
            let plan = session.plan(mode, false).await.unwrap();
            session.fail_after_writes(n);
            session.apply(&plan, &|_| {}).await.is_err()
        });
        if !crashed {
            break;
        }
        crashes += 1;
        runtime().block_on(async {
            apply(deployment, mode).await;
            assert!(
                !has_changes(deployment, mode).await,
                "{mode:?} after a crash at write {n}"
            );
        });
        let bucket = fixture("read", &read)[0].clone();
        assert!(
            bucket["Statement"].as_array().unwrap().contains(&foreign),
            "{bucket}"
        );
        let roles = fixture("count-roles", &json!({"account": "222222222222"}));
        assert_eq!(
            roles,
            json!(usize::from(mode == Mode::Apply)),
            "no duplicate, nothing left over"
        );
    }
    crashes
}

#[test]
fn a_crash_after_any_write_of_an_apply_converges_on_rerun() {
    let crashes = a_crash_after_any_write_converges_on_rerun(Mode::Apply);
    assert!(crashes >= 10, "{crashes}");
}

#[test]
fn a_crash_after_any_write_of_a_destroy_converges_on_rerun() {
    let crashes = a_crash_after_any_write_converges_on_rerun(Mode::Destroy);
    assert!(crashes >= 10, "{crashes}");
}

#[test]
fn an_html_page_instead_of_aws_says_what_answered() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let proxy = FaultProxy::start();
    proxy.faults(json!({"rate": 1.0, "kinds": ["html502"], "writes_only": true}));
    let error = runtime()
        .block_on(try_run(deployment, Mode::Apply))
        .expect_err("every write meets a gateway");
    assert_eq!(error.code(), Some("Http502"), "{error}");
    assert!(
        error.to_string().contains("HTTP 502") && error.to_string().contains("Bad Gateway"),
        "{error}"
    );
    assert!(!error.to_string().contains("Request {"), "{error}");
}

#[test]
fn a_bucket_policy_written_by_someone_else_meanwhile_keeps_both() {
    let _emulator = emulator();
    let deployment = &shared_data::SHARING;
    seed(deployment);
    let proxy = FaultProxy::start();
    proxy.faults(
        json!({"rate": 1.0, "kinds": ["interleave"], "writes_only": true, "first_only": true}),
    );
    runtime()
        .block_on(try_run(deployment, Mode::Apply))
        .unwrap();
    let counts = proxy.off();
    assert!(counts["faults"].as_u64().unwrap() >= 1, "{counts}");
    drop(proxy);
    assert!(
        !runtime().block_on(has_changes(deployment, Mode::Apply)),
        "our statements are back"
    );
    let doc = deployment
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::BucketPolicy)
        .unwrap();
    let read = json!([{"account": doc.account, "kind": "bucket-policy", "target": doc.target, "name": doc.name}]);
    let stored = fixture("read", &read)[0].to_string();
    assert!(
        stored.contains("Interleaved"),
        "their statement is kept: {stored}"
    );
}

#[test]
fn two_applies_at_once_both_end_cleanly() {
    let _emulator = emulator();
    let deployment = &data_lake::DATA_LAKE;
    seed(deployment);
    let (first, second) = runtime().block_on(async {
        futures_join(
            try_run(deployment, Mode::Apply),
            try_run(deployment, Mode::Apply),
        )
        .await
    });
    for result in [&first, &second] {
        if let Err(error) = result {
            assert!(
                matches!(error, DeployError::Changed { .. })
                    && error.help().is_some_and(|h| h.contains("another apply")),
                "{error}"
            );
        }
    }
    runtime().block_on(apply(deployment, Mode::Apply));
    assert!(!runtime().block_on(has_changes(deployment, Mode::Apply)));
    assert_eq!(
        fixture("count-roles", &json!({"account": "222222222222"})),
        json!(3)
    );
}

/// Both futures, run concurrently on the test's runtime.
async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    tokio::join!(a, b)
}
