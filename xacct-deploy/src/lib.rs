//! Deploys an xacct deployment to every account it touches: plan, apply, destroy.
//!
//! A user's own binary is the deploy tool:
//!
//! ```ignore
//! fn main() -> std::process::ExitCode {
//!     xacct_deploy::cli::run(&SHARING)
//! }
//! ```
//!
//! The same steps are available as a library through [`Session`].

pub mod accounts;
mod apply;
pub mod aws;
pub mod cli;
pub mod error;
pub mod plan;

pub use accounts::{AccountSpec, Credentials};
pub use error::DeployError;
pub use plan::{Change, Live, Mode, Op, Plan};

use policy_core::Deployment;
use std::sync::atomic::Ordering;

/// Checked credentials for every account of one deployment.
#[derive(Debug)]
pub struct Session<'d> {
    deployment: &'d Deployment,
    aws: aws::Aws,
    /// At most this many AWS calls at once.
    pub concurrency: usize,
}

impl<'d> Session<'d> {
    /// Loads credentials for every account the deployment writes to and checks each identity
    /// before anything else happens.
    pub async fn connect(
        deployment: &'d Deployment,
        specs: &[AccountSpec],
    ) -> Result<Session<'d>, DeployError> {
        let accounts = accounts::connect(&deployment.accounts(), specs).await?;
        Ok(Session {
            deployment,
            aws: aws::Aws {
                accounts,
                calls: aws::Calls::default(),
                fail_after_writes: None,
            },
            concurrency: 8,
        })
    }

    pub async fn plan(&self, mode: Mode, adopt: bool) -> Result<Plan, DeployError> {
        plan::plan(&self.aws, self.deployment, mode, adopt, self.concurrency).await
    }

    pub async fn apply(
        &self,
        plan: &Plan,
        on_done: &(dyn Fn(&Change) + Sync),
    ) -> Result<(), DeployError> {
        apply::apply(&self.aws, self.deployment, plan, self.concurrency, on_done).await
    }

    /// What is stored now for each document, as read back from AWS.
    pub async fn read_all(&self) -> Result<Vec<Live>, DeployError> {
        plan::read_all(&self.aws, self.deployment, self.concurrency).await
    }

    /// Reads the live documents of every account and checks the access they give against the
    /// declaration with the same proof `grants!` runs at compile time. Returns one line per grant
    /// whose live access differs, with a counterexample.
    pub async fn verify(&self) -> Result<Vec<String>, DeployError> {
        let live = self.read_all().await?;
        let mut documents = Vec::new();
        for (doc, live) in self.deployment.documents().iter().zip(live) {
            let mut doc = doc.clone();
            match live {
                Live::Policy(text) => doc.policy = text.map(Into::into),
                Live::Role(role) if doc.kind == policy_core::DocumentKind::RoleTrustPolicy => {
                    doc.policy = role.map(|r| r.trust.into())
                }
                Live::AccessPoint(Some(ap)) => doc.bucket = Some(ap.bucket.into()),
                _ => {}
            }
            documents.push(doc);
        }
        let set = policy_core::eval::PolicySet::from_documents(&documents)
            .map_err(|p| DeployError::Other(p.to_string()))?;
        let grants = self
            .deployment
            .grants()
            .iter()
            .map(policy_core::Grant::from_data)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|p| DeployError::Other(p.to_string()))?;
        let blame = "a statement this deployment does not own, or a change made outside xacct";
        Ok(
            match policy_core::eval::prove::prove_set(&set, &grants, blame) {
                Ok(_) => Vec::new(),
                Err(failures) => failures.into_iter().map(|(_, p)| p.to_string()).collect(),
            },
        )
    }

    /// Calls made so far: (reads, writes), identity checks not counted.
    pub fn calls(&self) -> (usize, usize) {
        (
            self.aws.calls.reads.load(Ordering::SeqCst),
            self.aws.calls.writes.load(Ordering::SeqCst),
        )
    }

    /// Test hook: every write after the first `writes` fails, as if AWS went away midway.
    #[doc(hidden)]
    pub fn fail_after_writes(&mut self, writes: usize) {
        self.aws.fail_after_writes = Some(writes);
    }
}
