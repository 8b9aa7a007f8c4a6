//! What every end-to-end test file shares: the emulator, the independent boto3 client, and the
//! deployment steps.
//!
//! An emulator is one shared state. `XACCT_TEST_ENDPOINT` lists one or more emulators
//! (comma-separated, `scripts/emulator.sh start N`): a test process takes one for as long as it
//! runs (a lock file per emulator, released by the OS when the process ends, however it ends),
//! and within a process the tests take turns on it ([`EMULATOR`]). Under `cargo nextest`, where
//! every test is a process of its own, as many tests run at once as there are emulators.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::eval::Verdict;
use policy_core::{Deployment, DocumentKind};
use serde_json::{json, Value};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};
use xacct_deploy::{AccountSpec, Mode, Session};

/// Every example deployment of the repository.
pub const EXAMPLES: [&Deployment; 10] = [
    &shared_data::SHARING,
    &data_lake::DATA_LAKE,
    &lambda_requester::INVOICES,
    &multi_access_point::REPORTING,
    &direct_grant::PARTNER_UPLOADS,
    &cross_account_access_point::ARCHIVE,
    &private_network::PRIVATE_LAKE,
    &temporary_audit::LEDGER_AUDIT,
    &organization_share::ORG_LAKE,
    &encrypted_lake::ENCRYPTED_LAKE,
];

/// A path of a test's own, `name`, not yet created, under a temporary directory that is removed
/// with everything in it when the test is done with it (test runs must not fill the disk).
#[derive(Debug)]
pub struct Scratch {
    _parent: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.path
    }
}

impl AsRef<std::path::Path> for Scratch {
    fn as_ref(&self) -> &std::path::Path {
        &self.path
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.path.as_os_str()
    }
}

pub fn scratch(name: &str) -> Scratch {
    let parent = tempfile::Builder::new()
        .prefix("xacct-test-")
        .tempdir()
        .expect("a temporary directory");
    let path = parent.path().join(name);
    Scratch {
        _parent: parent,
        path,
    }
}

/// A decision the live documents settle: allowed or denied, never unknown.
pub trait Decided {
    fn decided(&self) -> bool;
}

impl Decided for Verdict {
    fn decided(&self) -> bool {
        match self {
            Verdict::Allow => true,
            Verdict::Deny => false,
            Verdict::Unknown(what) => panic!("the live documents do not decide: {what}"),
        }
    }
}

/// The tests of one process take turns on its emulator and reset it.
pub static EMULATOR: Mutex<()> = Mutex::new(());

/// The emulator this process took, and the lock that holds it.
static TAKEN: OnceLock<(String, Option<std::fs::File>)> = OnceLock::new();

/// This process's emulator: with several, the first one no other test process holds.
pub fn endpoint() -> &'static str {
    &TAKEN
        .get_or_init(|| {
            let listed = env("XACCT_TEST_ENDPOINT");
            let endpoints: Vec<&str> = listed.split(',').filter(|e| !e.is_empty()).collect();
            if let [one] = endpoints.as_slice() {
                return ((*one).to_owned(), None);
            }
            loop {
                for endpoint in &endpoints {
                    let port = endpoint.rsplit(':').next().unwrap_or_default();
                    let path = std::env::temp_dir().join(format!("xacct-emulator-{port}.lock"));
                    let file = std::fs::File::create(&path).expect("a lock file in the temp dir");
                    // Held until this process exits: the OS releases it even after a crash.
                    #[allow(clippy::incompatible_msrv)]
                    if file.try_lock().is_ok() {
                        return ((*endpoint).to_owned(), Some(file));
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        })
        .0
}

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run the tests with `scripts/test.sh`, which starts the local AWS emulator"))
}

/// Takes the emulator, resets it and points the SDK at it with one base identity.
pub fn emulator() -> MutexGuard<'static, ()> {
    let guard = EMULATOR.lock().unwrap_or_else(|e| e.into_inner());
    emulator_reset();
    guard
}

/// Resets the emulator and points the SDK at it (the caller holds [`emulator`]'s lock).
pub fn emulator_reset() {
    let endpoint = endpoint();
    std::env::set_var("AWS_ENDPOINT_URL", endpoint);
    std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    std::env::set_var("AWS_REGION", "us-east-1");
    std::env::remove_var("AWS_PROFILE");
    let reset = "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], method='POST'), timeout=10)";
    let status = Command::new(env("XACCT_TEST_PYTHON"))
        .args(["-c", reset, &format!("{endpoint}/moto-api/reset")])
        .status()
        .expect("python");
    assert!(status.success(), "cannot reset the emulator at {endpoint}");
}

/// The test's fixture process (`aws_fixture.py serve`), started on first use: importing boto3
/// costs about half a second of CPU, and a test makes dozens of fixture calls.
struct FixtureProcess {
    _child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    /// Its standard error, in a file: a pipe nobody reads could fill and stop it.
    stderr: std::fs::File,
}

static FIXTURE: Mutex<Option<FixtureProcess>> = Mutex::new(None);

fn start_fixture() -> FixtureProcess {
    use std::process::Stdio;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/aws_fixture.py");
    let stderr = tempfile::tempfile().expect("a temporary file");
    // Its output is not inherited: nothing holds the test's own output open after it.
    let mut child = Command::new(env("XACCT_TEST_PYTHON"))
        .args([script, "serve"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr.try_clone().expect("a second handle"))
        .spawn()
        .expect("python");
    FixtureProcess {
        stdin: child.stdin.take().expect("stdin"),
        stdout: std::io::BufReader::new(child.stdout.take().expect("stdout")),
        stderr,
        _child: child,
    }
}

/// Asks the independent AWS client (boto3) to seed, change or read the emulator's state.
pub fn fixture(command: &str, arg: &Value) -> Value {
    use std::io::{BufRead, Read, Seek, Write};
    let mut process = FIXTURE.lock().unwrap_or_else(|e| e.into_inner());
    let p = process.get_or_insert_with(start_fixture);
    let request = json!({"endpoint": endpoint(), "command": command, "arg": arg});
    let mut line = String::new();
    let asked = writeln!(p.stdin, "{request}").and_then(|()| p.stdin.flush());
    if asked.is_err() || p.stdout.read_line(&mut line).unwrap_or(0) == 0 {
        let mut stderr = String::new();
        let _ = p.stderr.rewind();
        let _ = p.stderr.read_to_string(&mut stderr);
        *process = None;
        panic!("aws_fixture.py ended before answering {command}: {stderr}");
    }
    let answer: Value = serde_json::from_str(&line).expect("fixture answers are JSON");
    if let Some(error) = answer.get("error").and_then(Value::as_str) {
        panic!("aws_fixture.py {command} failed: {error}");
    }
    answer["ok"].clone()
}

/// Every account of the deployment, reached by assuming a role in it.
pub fn specs(deployment: &Deployment) -> Vec<AccountSpec> {
    all_specs(&deployment.accounts())
}

/// What a deployment expects to exist already: its buckets and the requesters it does not create.
pub fn seed(deployment: &Deployment) {
    let docs = deployment.documents();
    let created: Vec<&str> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::Role)
        .map(|d| d.target.as_ref())
        .collect();
    let buckets: Vec<Value> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::BucketPolicy)
        .map(|d| json!([d.account, d.name]))
        .collect();
    let principals = |kind| {
        docs.iter()
            .filter(|d| d.kind == kind && !created.contains(&d.target.as_ref()))
            .map(|d| json!([d.account, d.target]))
            .collect::<Vec<_>>()
    };
    let keys: Vec<Value> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::KeyPolicy)
        .map(|d| json!([d.account, d.region, d.name]))
        .collect();
    fixture(
        "seed",
        &json!({ "buckets": buckets, "roles": principals(DocumentKind::RoleInlinePolicy), "users": principals(DocumentKind::UserInlinePolicy), "keys": keys }),
    );
}

pub fn read_back(deployment: &Deployment) -> Vec<Value> {
    let docs: Value = serde_json::from_str(deployment.render_json()).unwrap();
    fixture("read", &docs).as_array().cloned().unwrap()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub async fn apply(deployment: &Deployment, mode: Mode) -> (usize, usize) {
    let session = Session::connect(deployment, &specs(deployment))
        .await
        .unwrap();
    let plan = session.plan(mode, false).await.unwrap();
    session.apply(&plan, &|_| {}).await.unwrap();
    session.calls()
}

pub async fn has_changes(deployment: &Deployment, mode: Mode) -> bool {
    let session = Session::connect(deployment, &specs(deployment))
        .await
        .unwrap();
    session.plan(mode, false).await.unwrap().has_changes()
}

/// What boto3 reads back equals `render`: whole documents the tool owns, and for bucket and
/// access point policies the statements it owns.
pub fn assert_stored_equals_render(deployment: &Deployment) {
    let stored = read_back(deployment);
    for (doc, stored) in deployment.documents().iter().zip(stored) {
        match doc.kind {
            DocumentKind::Role => assert_eq!(stored, json!(doc.name), "{}", doc.target),
            DocumentKind::AccessPoint => assert_eq!(
                stored,
                json!({
                    "bucket": doc.bucket,
                    "network_origin": if doc.vpc.is_some() { "VPC" } else { "Internet" },
                    "vpc": doc.vpc,
                    "blocks_public_access": true,
                }),
                "{}",
                doc.target
            ),
            _ => {
                // A key policy keeps the statements of the key's owners beside ours.
                let mut stored = stored;
                if doc.kind == DocumentKind::KeyPolicy {
                    let prefix = deployment.sid_prefix();
                    if let Some(statements) = stored["Statement"].as_array_mut() {
                        statements.retain(|s| {
                            s["Sid"]
                                .as_str()
                                .is_some_and(|sid| sid.starts_with(&prefix))
                        });
                    }
                }
                let stored = xacct_deploy::plan::normalize(&stored);
                let declared = xacct_deploy::plan::normalize(
                    &serde_json::from_str(doc.policy.as_deref().unwrap()).unwrap(),
                );
                assert_eq!(stored, declared, "{} {}", doc.kind.as_str(), doc.target);
            }
        }
    }
}

/// `accounts`, each reached by assuming its `xacct-deployer` role.
pub fn all_specs(accounts: &[&str]) -> Vec<AccountSpec> {
    accounts
        .iter()
        .map(|a| {
            format!("{a}=role:arn:aws:iam::{a}:role/xacct-deployer")
                .parse()
                .unwrap()
        })
        .collect()
}

/// A statement of someone else's in the data lake's first bucket, which nothing may lose.
pub fn foreign_bucket_statement(deployment: &Deployment) -> (Value, Value) {
    let doc = deployment
        .documents()
        .iter()
        .find(|d| d.kind == DocumentKind::BucketPolicy)
        .unwrap();
    let statement = json!({"Sid": "SomeoneElse", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{}/public/*", doc.name.as_deref().unwrap())});
    fixture(
        "seed",
        &json!({"bucket_policies": [[doc.account, doc.name, json!({"Version": "2012-10-17", "Statement": [statement]}).to_string()]]}),
    );
    let read = json!([{"account": doc.account, "kind": "bucket-policy", "target": doc.target, "name": doc.name}]);
    (statement, read)
}

/// Runs the shared-data binary against the emulator: exit code, stdout, stderr.
pub fn run_cli_output(args: &[String]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xacct-under-test"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Templates for one cfn-lint run (pinned, in the venv): it takes about a second to start, and a
/// test lints dozens of exports. Each export's templates are copied aside under a directory that
/// names it, so cfn-lint's report says which export a finding is in.
#[derive(Debug)]
pub struct CfnLint {
    dir: Scratch,
    files: Vec<std::path::PathBuf>,
}

impl CfnLint {
    pub fn new() -> CfnLint {
        let dir = scratch("cfn-lint");
        std::fs::create_dir_all(&*dir).unwrap();
        CfnLint {
            dir,
            files: Vec::new(),
        }
    }

    /// Adds `export`'s templates, written in `dir`, under the name `what`.
    pub fn add(
        &mut self,
        what: &str,
        dir: &std::path::Path,
        export: &xacct_deploy::export::Export,
    ) {
        let aside = self.dir.join(format!("{}-{what}", self.files.len()));
        std::fs::create_dir_all(&aside).unwrap();
        for t in &export.templates {
            let copy = aside.join(&t.file);
            std::fs::copy(dir.join(&t.file), &copy).unwrap();
            self.files.push(copy);
        }
    }

    /// cfn-lint finds no error and no warning in any template added.
    pub fn assert_clean(self) {
        assert!(!self.files.is_empty(), "nothing to lint");
        let cfn_lint =
            std::path::PathBuf::from(env("XACCT_TEST_PYTHON")).with_file_name("cfn-lint");
        let lint = Command::new(&cfn_lint).args(&self.files).output().unwrap();
        assert!(
            lint.status.success(),
            "cfn-lint: {}{}",
            String::from_utf8_lossy(&lint.stdout),
            String::from_utf8_lossy(&lint.stderr)
        );
    }
}
