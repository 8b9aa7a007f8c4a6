//! Everything that can stop a deployment, with what the tool was doing when it happened.

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
    #[error("{}", aws_message(.context, .code, .message))]
    Aws {
        context: Context,
        code: String,
        message: String,
    },
    #[error("credentials for account {expected} belong to account {actual} ({arn})\n  help: pass `--account {expected}=profile:NAME` or `--account {expected}=role:ARN` for account {expected}; nothing was written in any account")]
    WrongAccount {
        expected: String,
        actual: String,
        arn: String,
    },
    #[error("cannot reach account {account}: {message}\n  help: check the `--account` option for {account}, the credential chain and AWS_ENDPOINT_URL; nothing was written in any account")]
    Credentials { account: String, message: String },
    #[error("invalid `--account {spec}`: {reason}\n  help: write `--account 222222222222=profile:NAME` or `--account 222222222222=role:arn:aws:iam::222222222222:role/NAME`")]
    AccountSpec { spec: String, reason: String },
    #[error("the plan cannot be applied:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Plan(Vec<String>),
    #[error("{resource} in account {account} changed since the plan was made\n  help: run the command again to plan from the current state")]
    Changed { account: String, resource: String },
    #[error("refusing to prompt for confirmation without a terminal\n  help: pass --auto-approve to apply without asking")]
    NoTerminal,
    #[error("{0}")]
    Other(String),
}

fn aws_message(context: &Context, code: &str, message: &str) -> String {
    let mut text = format!(
        "{} failed for {} in account {}: {code}: {message}",
        context.operation, context.resource, context.account
    );
    if code.contains("AccessDenied") || code == "UnauthorizedOperation" {
        text.push_str(&format!(
            "\n  help: the identity deploying to account {} needs permission `{}` on {}",
            context.account, context.operation, context.resource
        ));
    }
    text
}

/// The code and message of an SDK error, or its full chain of causes when the service sent none
/// (a connection refused, a timeout).
pub fn error_parts<E>(error: &E) -> (String, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match (error.code(), error.message()) {
        (Some(code), message) => (
            code.to_owned(),
            message.unwrap_or("(no message)").to_owned(),
        ),
        (None, _) => {
            let mut text = error.to_string();
            let mut source = error.source();
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            ("RequestFailed".to_owned(), text)
        }
    }
}

impl DeployError {
    pub fn aws<E>(context: Context, error: &E) -> DeployError
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
}
