//! Everything that can stop a deployment, with what the tool was doing when it happened. Each
//! error is a one-line message; [`DeployError::help`] says how to fix it, and the command line
//! prints both with `policy_core::write_message`, as `grants!` prints its compile errors.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// What the tool was doing: which account, which resource, which AWS operation.
#[derive(Clone, Debug)]
pub struct Context {
    pub account: String,
    pub resource: String,
    /// The IAM action of the call (`iam:CreateRole`), which is also the permission it needs.
    pub operation: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("{} failed for {} in account {}: {code}: {message}", .context.operation, .context.resource, .context.account)]
    Aws {
        context: Context,
        code: String,
        message: String,
    },
    #[error("credentials for account {expected} belong to account {actual} ({arn})")]
    WrongAccount {
        expected: String,
        actual: String,
        arn: String,
    },
    #[error("cannot reach account {account}: {message}")]
    Credentials { account: String, message: String },
    #[error("the endpoint `{url}` (AWS_ENDPOINT_URL or the profile's endpoint_url) is not an http(s) URL with a host")]
    Endpoint { url: String },
    #[error("invalid `--account {spec}`: {reason}")]
    AccountSpec { spec: String, reason: String },
    #[error("account {account} holds resources of deployment {deployment} that no grant declares any more, and no credentials were given for it")]
    UndeclaredAccount { account: String, deployment: String },
    #[error("the plan cannot be applied:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Plan(Vec<crate::plan::PlanProblem>),
    #[error("{resource} in account {account} changed since the plan was made")]
    Changed { account: String, resource: String },
    #[error("refusing to prompt for confirmation without a terminal")]
    NoTerminal,
    #[error("invalid `{argument}`: {reason}")]
    Argument {
        argument: String,
        reason: String,
        help: &'static str,
    },
    /// The request given to `explain`, with every problem found in it.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nerror: "))]
    Request(Vec<policy_core::Problem>),
    /// A document read back from AWS, or the deployment's own data, that the evaluator cannot read.
    #[error("{0}")]
    Unreadable(policy_core::Problem),
    /// Something the tool itself got wrong: never the user's input.
    #[error("internal error: {0}")]
    Internal(String),
    #[error(
        "the record parameter {} in account {} (last written by {}) is not one xacct writes: {}{}",
        .rejected.parameter,
        .rejected.account,
        .rejected.written_by.as_deref().unwrap_or("an unknown identity"),
        .rejected.reason,
        if *.more > 0 { format!(" (and {} more)", .more) } else { String::new() }
    )]
    Record {
        rejected: Box<crate::record::Rejected>,
        /// Where the record is: the partition's home region.
        region: String,
        /// How many more failed the checks.
        more: usize,
    },
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot write the AWS Config rules: {0}")]
    ConfigRules(#[from] crate::config_rules::ConfigExportError),
    #[error("cannot write the templates to {dir}: {source}")]
    Export { dir: String, source: std::io::Error },
}

impl DeployError {
    pub fn aws<E>(context: Context, error: &SdkError<E, HttpResponse>) -> DeployError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (code, message) = error_parts(error);
        DeployError::Aws {
            context,
            code,
            message,
        }
    }

    /// The AWS error code, when AWS answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            DeployError::Aws { code, .. } => Some(code),
            _ => None,
        }
    }

    /// How to fix it, when the tool knows.
    pub fn help(&self) -> Option<String> {
        let nothing_written = "nothing was written in any account";
        match self {
            DeployError::Aws { context, code, .. }
                if code.contains("AccessDenied") || code == "UnauthorizedOperation" =>
            {
                Some(format!(
                    "the identity deploying to account {} needs permission `{}` on {}",
                    context.account, context.operation, context.resource
                ))
            }
            DeployError::Aws { context, code, .. } if code == "Timeout" => Some(format!(
                "AWS did not answer {} in time; run the command again (an interrupted apply resumes where it stopped), or allow more with --timeout",
                context.operation
            )),
            DeployError::Aws { .. }
            | DeployError::Plan(_)
            | DeployError::Unreadable(_)
            | DeployError::Request(_) => None,
            DeployError::WrongAccount { expected, .. } => Some(format!(
                "pass `--account {expected}=profile:NAME` or `--account {expected}=role:ARN` for account {expected}; {nothing_written}"
            )),
            DeployError::Credentials { account, .. } => Some(format!(
                "check the `--account` option for {account}, the credential chain and AWS_ENDPOINT_URL; {nothing_written}"
            )),
            DeployError::AccountSpec { .. } => Some(
                "write `--account 222222222222=profile:NAME` or `--account 222222222222=role:arn:aws:iam::222222222222:role/NAME`".into(),
            ),
            DeployError::Endpoint { .. } => Some(
                "write it like `https://example.com` or `http://localhost:5000`, or unset it to reach AWS itself".into(),
            ),
            DeployError::UndeclaredAccount { account, .. } => Some(format!(
                "pass `--account {account}=profile:NAME` or `--account {account}=role:ARN` so that its access can be revoked; {nothing_written}"
            )),
            DeployError::Changed { .. } => Some(
                "someone changed it meanwhile (another apply may be running): run the command again to plan from the current state".into(),
            ),
            DeployError::NoTerminal => Some("pass --auto-approve to apply without asking".into()),
            DeployError::Argument { help, .. } => Some((*help).into()),
            DeployError::Record { rejected, region, .. } => Some(format!(
                "nothing was planned or written; the parameters under /xacct/<deployment>/ are written by xacct only: find out who wrote it, delete it with account {}'s credentials (`aws ssm delete-parameter --region {region} --name {}`), then plan again",
                rejected.account, rejected.parameter
            )),
            DeployError::Output(_) | DeployError::ConfigRules(_) => None,
            DeployError::Internal(_) => Some(
                "this is a bug in xacct: please report it with the command you ran; nothing was written in any account".into(),
            ),
            DeployError::Export { .. } => Some(
                "choose a directory you can write to; a rerun writes every template again".into(),
            ),
        }
    }
}

/// The code and message of an SDK error; when the service sent no code it could read (a proxy's
/// HTML page, a wrong endpoint), what answered and how; when nothing answered (a refused
/// connection, a timeout), the chain of causes.
pub fn error_parts<E>(error: &SdkError<E, HttpResponse>) -> (String, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let (Some(code), message) = (error.code(), error.message()) {
        return (
            code.to_owned(),
            message.unwrap_or("(no message)").to_owned(),
        );
    }
    if let Some(response) = error.raw_response() {
        let body = response.body().bytes().unwrap_or_default();
        let text: String = String::from_utf8_lossy(body)
            .chars()
            .filter(|c| !c.is_control())
            .take(120)
            .collect();
        return (
            format!("Http{}", response.status().as_u16()),
            format!(
                "the endpoint answered HTTP {} with a body that is not an AWS error: {text:?}; check AWS_ENDPOINT_URL",
                response.status().as_u16()
            ),
        );
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    // The SDK says "timeout" or "timed out" for the attempt and operation timeouts.
    let code = if text.contains("timeout") || text.contains("timed out") {
        "Timeout"
    } else {
        "RequestFailed"
    };
    (code.to_owned(), text)
}
