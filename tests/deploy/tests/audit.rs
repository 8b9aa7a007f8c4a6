//! `audit` on recorded AWS answers (tests/recorded/audit.json, shaped from the API references'
//! documented responses: the emulator has neither CloudTrail's event history nor IAM's last
//! accessed information). The real SDK clients send the requests and parse the answers; an
//! `HttpClient` of the SDK's own interface serves the recording in place of the network.
//! (aws-smithy-mocks needs the SDK's `test-util`, which turns on serde_json's `preserve_order`
//! for the whole test build and would change every rendered document's key order.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use xacct_deploy::audit::{changes, grant_uses, last_access, unused_since, GrantUse, LastAccess};

/// Serves one scenario's answers: each request gets the first unused answer for its operation
/// whose `contains` text is in the request (body or target); a request with none fails the test.
#[derive(Clone, Debug)]
struct Recording {
    answers: Arc<Mutex<Vec<Option<Value>>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Recording {
    fn scenario(name: &str) -> Recording {
        let text = include_str!("recorded/audit.json");
        let all: Value = serde_json::from_str(text).unwrap();
        let answers = all["scenarios"][name]
            .as_array()
            .unwrap_or_else(|| panic!("no scenario {name} in recorded/audit.json"))
            .iter()
            .cloned()
            .map(Some)
            .collect();
        Recording {
            answers: Arc::new(Mutex::new(answers)),
            requests: Arc::default(),
        }
    }

    fn unused(&self) -> usize {
        self.answers.lock().unwrap().iter().flatten().count()
    }
}

impl HttpConnector for Recording {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request
            .headers()
            .get("x-amz-target")
            .unwrap_or_default()
            .to_owned();
        let body = String::from_utf8_lossy(request.body().bytes().unwrap_or_default()).into_owned();
        let seen = format!("{target} {body}");
        self.requests.lock().unwrap().push(seen.clone());
        let mut answers = self.answers.lock().unwrap();
        let answer = answers.iter_mut().find(|a| {
            a.as_ref().is_some_and(|a| {
                let operation = a["operation"].as_str().unwrap();
                (target.ends_with(&format!(".{operation}"))
                    || body.contains(&format!("Action={operation}&")))
                    && a["contains"].as_str().is_none_or(|c| seen.contains(c))
            })
        });
        let answer = answer
            .and_then(Option::take)
            .unwrap_or_else(|| panic!("no recorded answer for {seen}"));
        let (text, content_type) = match &answer["body"] {
            Value::String(xml) => (xml.clone(), "text/xml"),
            json => (json.to_string(), "application/x-amz-json-1.1"),
        };
        let mut response = HttpResponse::new(
            u16::try_from(answer["status"].as_u64().unwrap())
                .unwrap()
                .try_into()
                .unwrap(),
            SdkBody::from(text),
        );
        response.headers_mut().insert("content-type", content_type);
        HttpConnectorFuture::ready(Ok(response))
    }
}

impl HttpClient for Recording {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

fn credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", None, None, "recorded")
}

/// A client of the SDK crate `$sdk` whose requests `recording` answers.
macro_rules! recorded_client {
    ($sdk:ident, $recording:expr) => {
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .behavior_version($sdk::config::BehaviorVersion::latest())
                .region($sdk::config::Region::new("us-east-1"))
                .credentials_provider(credentials())
                .http_client($recording.clone())
                .build(),
        )
    };
}

fn cloudtrail(recording: &Recording) -> aws_sdk_cloudtrail::Client {
    recorded_client!(aws_sdk_cloudtrail, recording)
}

fn iam(recording: &Recording) -> aws_sdk_iam::Client {
    recorded_client!(aws_sdk_iam, recording)
}

/// The moment the recording was made.
fn recorded_now() -> SystemTime {
    let all: Value = serde_json::from_str(include_str!("recorded/audit.json")).unwrap();
    let now = aws_smithy_types::DateTime::from_str(
        all["now"].as_str().unwrap(),
        aws_smithy_types::date_time::Format::DateTime,
    )
    .unwrap();
    SystemTime::try_from(now).unwrap()
}

const AP: &str = "arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data";
const DEPLOYER: &str = "arn:aws:sts::222222222222:assumed-role/xacct-deployer/xacct-audit";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn changes_by_others_are_reported_with_their_author_and_the_deployers_are_not() {
    let recording = Recording::scenario("changes");
    let since = recorded_now() - Duration::from_secs(90 * 86_400);
    let found = runtime()
        .block_on(changes(
            &cloudtrail(&recording),
            "222222222222",
            "us-east-1",
            AP,
            since,
            &[DEPLOYER.to_owned()],
        ))
        .unwrap();
    let seen: Vec<(&str, &str)> = found
        .iter()
        .map(|c| (c.event.as_str(), c.actor.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "PutAccessPointPolicy",
                "arn:aws:iam::222222222222:user/mallory"
            ),
            (
                "DeleteAccessPointPolicy",
                "arn:aws:sts::222222222222:assumed-role/ci-deploy/run-7"
            ),
        ],
        "the deployer's own write and the read are left out; the second page is read"
    );
    assert_eq!(recording.unused(), 0);
    let requests = recording.requests.lock().unwrap();
    assert!(
        requests[0].contains("\"AttributeKey\":\"ResourceName\""),
        "{}",
        requests[0]
    );
    assert!(requests[0].contains(AP) && requests[0].contains("StartTime"));

    // A CI role named as a deployer: its sessions' changes are the deployment's too.
    let recording = Recording::scenario("changes");
    let found = runtime()
        .block_on(changes(
            &cloudtrail(&recording),
            "222222222222",
            "us-east-1",
            AP,
            since,
            &[
                DEPLOYER.to_owned(),
                "arn:aws:iam::222222222222:role/ci-deploy".to_owned(),
            ],
        ))
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].actor, "arn:aws:iam::222222222222:user/mallory");
}

#[test]
fn malformed_or_partial_answers_are_clear_errors() {
    let since = recorded_now() - Duration::from_secs(90 * 86_400);
    for (scenario, says) in [
        ("event_without_time", "lacks its id, name or time"),
        ("event_record_not_json", "CloudTrailEvent that is not JSON"),
        ("answer_not_json", "cloudtrail:LookupEvents failed for"),
    ] {
        let recording = Recording::scenario(scenario);
        let error = runtime()
            .block_on(changes(
                &cloudtrail(&recording),
                "222222222222",
                "us-east-1",
                AP,
                since,
                &[DEPLOYER.to_owned()],
            ))
            .unwrap_err()
            .to_string();
        assert!(error.contains(says), "{scenario}: {error}");
        assert!(error.contains("222222222222"), "{scenario}: {error}");
    }
    for (scenario, says) in [
        (
            "report_without_completion_date",
            "without a JobCompletionDate",
        ),
        (
            "report_failed",
            "The job could not read the role's activity",
        ),
    ] {
        let recording = Recording::scenario(scenario);
        let error = runtime()
            .block_on(last_access(
                &iam(&recording),
                "222222222222",
                "arn:aws:iam::222222222222:role/lake-ml",
                Duration::ZERO,
                3,
            ))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(says) && error.contains("iam:GetServiceLastAccessedDetails"),
            "{scenario}: {error}"
        );
    }
}

#[test]
fn a_grant_unused_for_120_days_is_listed_and_one_used_yesterday_is_not() {
    let deployment = &data_lake::DATA_LAKE;
    let recording = Recording::scenario("last_access");
    let client = iam(&recording);
    let mut access: BTreeMap<String, Option<LastAccess>> = BTreeMap::new();
    for role in ["lake-finance", "lake-ml", "lake-audit"] {
        let entity = format!("arn:aws:iam::222222222222:role/{role}");
        let read = runtime()
            .block_on(last_access(
                &client,
                "222222222222",
                &entity,
                Duration::ZERO,
                3,
            ))
            .unwrap();
        access.insert(entity, Some(read));
    }
    assert_eq!(recording.unused(), 0, "the report was waited for and paged");
    let uses = grant_uses(deployment, &access);
    let by_grant: BTreeMap<&str, &GrantUse> = uses.iter().map(|u| (u.grant.as_str(), u)).collect();
    let finance = by_grant["finance_reads_ledger"];
    assert_eq!(finance.evidence, "action s3:ListBucket");
    assert_eq!(
        finance.last_used.unwrap().secs(),
        aws_smithy_types::DateTime::from_str(
            "2026-11-30T12:00:00Z",
            aws_smithy_types::date_time::Format::DateTime
        )
        .unwrap()
        .secs()
    );
    let ml = by_grant["ml_uses_features"];
    assert!(ml.evidence.starts_with("any S3 request"), "{}", ml.evidence);
    assert!(by_grant["security_audits_lake"].last_used.is_none());

    let cutoff = recorded_now() - Duration::from_secs(90 * 86_400);
    let unused: Vec<&str> = unused_since(&uses, cutoff)
        .iter()
        .map(|u| u.grant.as_str())
        .collect();
    assert_eq!(unused, ["ml_uses_features", "security_audits_lake"]);

    // An entity whose account was not reachable is unknown, never listed as unused.
    access.insert("arn:aws:iam::222222222222:role/lake-ml".into(), None);
    let uses = grant_uses(deployment, &access);
    let unused: Vec<&str> = unused_since(&uses, cutoff)
        .iter()
        .map(|u| u.grant.as_str())
        .collect();
    assert_eq!(unused, ["security_audits_lake"]);
}
