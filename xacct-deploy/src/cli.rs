//! The command line a user's own binary exposes: `render | deployer-policy | plan | apply |
//! destroy | explain | verify | audit | import | show | export`. One function per command below
//! `execute`.

use crate::apply::describe;
use crate::export::{self, BucketPolicies};
use crate::organization::Guardrails;
use crate::{AccountSpec, Change, DeployError, Live, Mode, Op, OrganizationSpec, Plan, Session};
use clap::{Parser, Subcommand};
use policy_core::eval::Verdict;
use policy_core::explain::CheckedRequest;
use policy_core::pipeline::InForce;
use policy_core::write_message;
use policy_core::Deployment;
use serde_json::{json, Value};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(about = "Deploy S3 access point cross-account grants to every account they touch")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct Connection {
    /// How to reach an account: `ID=profile:NAME` or `ID=role:ARN` (assumed from the base
    /// identity). Accounts not listed use the standard credential chain.
    #[arg(long = "account", value_name = "ID=profile:NAME|ID=role:ARN")]
    accounts: Vec<AccountSpec>,
    /// At most this many AWS calls at once to one service (IAM, S3, SSM) of one account; other
    /// accounts and services proceed side by side. 1: one call at a time in all.
    #[arg(long, default_value_t = crate::DEFAULT_CONCURRENCY as u64, value_parser = clap::value_parser!(u64).range(1..=256))]
    concurrency: u64,
    /// Seconds one attempt of an AWS call may take (a whole call: three times that).
    #[arg(long, value_name = "SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print every document of the deployment as JSON; no AWS call.
    Render,
    /// Print, per account, the least-privilege IAM policy the identity that deploys needs
    /// there: the calls plan, apply, destroy, verify and audit make, on exactly this
    /// deployment's roles, access points, buckets, keys and record. No AWS call.
    DeployerPolicy,
    /// Read every account and print what apply would change.
    Plan {
        #[command(flatten)]
        connection: Connection,
        /// Exit 0 when nothing would change, 2 when something would, 1 on error.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Print the plan as JSON.
        #[arg(long)]
        json: bool,
        /// Plan the destruction instead.
        #[arg(long)]
        destroy: bool,
        /// Take over existing roles and access points this deployment did not create.
        #[arg(long)]
        adopt: bool,
        /// Delete the roles and access points taken over with --adopt that no grant declares
        /// any more, instead of releasing them.
        #[arg(long)]
        delete_adopted: bool,
        /// Remove the statements others wrote in shared policies (an imported share's old
        /// statements) that the deployment's own cover, in the write that adds ours.
        #[arg(long)]
        supersede: bool,
    },
    /// Create and update everything the deployment declares.
    Apply {
        #[command(flatten)]
        connection: Connection,
        /// Do not ask for confirmation.
        #[arg(long)]
        auto_approve: bool,
        /// Take over existing roles and access points this deployment did not create.
        #[arg(long)]
        adopt: bool,
        /// Delete the roles and access points taken over with --adopt that no grant declares
        /// any more, instead of releasing them.
        #[arg(long)]
        delete_adopted: bool,
        /// Remove the statements others wrote in shared policies (an imported share's old
        /// statements) that the deployment's own cover, in the write that adds ours.
        #[arg(long)]
        supersede: bool,
    },
    /// Remove what the deployment owns, and nothing else.
    Destroy {
        #[command(flatten)]
        connection: Connection,
        /// Do not ask for confirmation.
        #[arg(long)]
        auto_approve: bool,
        /// Delete the roles and access points taken over with --adopt that no grant declares
        /// any more, instead of releasing them.
        #[arg(long)]
        delete_adopted: bool,
    },
    /// Evaluate one request against the rendered documents (or, with `--live`, the live ones and
    /// every other layer), following the requester through its bridge role, and print the
    /// decision with its reasons. No AWS call unless `--organization` or `--live`.
    Explain(ExplainArgs),
    /// Read the live documents from every account and check that the effective access is exactly
    /// what the grants declare. Exit 0 when it is, 2 when it differs, 1 on error.
    Verify {
        #[command(flatten)]
        connection: Connection,
        /// Include the organization's SCPs and RCPs, read with the credentials of its management
        /// account or a delegated administrator: a declared grant one of them blocks is reported.
        #[arg(long, value_name = "profile:NAME|role:ARN")]
        organization: Option<OrganizationSpec>,
    },
    /// Who else changed the deployment's resources in the last 90 days (CloudTrail), whether
    /// `verify` reports each resource now, and when each grant was last used (IAM's last
    /// accessed information). Exit 0 when it ran.
    Audit(AuditArgs),
    /// Turn the cross-account shares an account runs today into `grants!` code: read each access
    /// point, its policy, its bucket's policy and the trust of the roles it names; print the
    /// grants (what no grant can carry as comments), then every request whose decision differs
    /// between the live documents and the code's. Exit 0 when the code grants exactly what the
    /// account grants, 2 when some request differs, 1 on error.
    Import(ImportArgs),
    /// Read back what is stored in AWS for every document.
    Show {
        #[command(flatten)]
        connection: Connection,
    },
    /// Write the deployment for another engine to deploy.
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
}

// The arguments of `explain` (its help is the variant's).
#[derive(Debug, clap::Args)]
struct ExplainArgs {
    /// Who asks: a role, user or account-root ARN.
    #[arg(long)]
    principal: String,
    /// The action, e.g. `s3:GetObject`.
    #[arg(long)]
    action: String,
    /// The resource ARN, e.g. `arn:aws:s3:us-east-1:222222222222:accesspoint/marketing-data/object/customers/a.csv`.
    #[arg(long)]
    resource: String,
    /// A context key of the request, e.g. `aws:MultiFactorAuthPresent=true`, `sts:ExternalId=...`,
    /// `s3:prefix=customers/`. Repeat for more keys or values.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// A session policy (JSON file) passed to the session that makes the request: the bridge
    /// role's session, or the principal's when it is a role or role session.
    #[arg(long, value_name = "FILE")]
    session_policy: Option<std::path::PathBuf>,
    /// The policy (JSON file) of the VPC endpoint the request goes through, named by
    /// `--context aws:SourceVpce=vpce-…`.
    #[arg(long, value_name = "FILE")]
    endpoint_policy: Option<std::path::PathBuf>,
    /// Print `{"decision": "allow" | "deny" | "unknown", ...}`, with the documents each
    /// step consulted.
    #[arg(long)]
    json: bool,
    /// Include the organization's SCPs and RCPs, read with the credentials of its management
    /// account or a delegated administrator (the only AWS calls `explain` makes).
    #[arg(long, value_name = "profile:NAME|role:ARN")]
    organization: Option<OrganizationSpec>,
    /// Judge the live documents of every account, with every other layer AWS evaluates (the
    /// requesters' and bridge roles' other policies and permissions boundaries), as
    /// `verify` reads them, instead of the rendered documents.
    #[arg(long)]
    live: bool,
    /// Used with `--live` (`--timeout` also for `--organization`).
    #[command(flatten)]
    connection: Connection,
}

// The arguments of `audit` (its help is the variant's).
#[derive(Debug, clap::Args)]
struct AuditArgs {
    #[command(flatten)]
    connection: Connection,
    /// List the grants not used for this long (`90d`, `12h`).
    #[arg(long, value_name = "DURATION", value_parser = crate::audit::parse_duration)]
    unused_for: Option<std::time::Duration>,
    /// An identity whose changes are the deployment's own besides the connected ones (a CI
    /// role; its sessions count as it). Repeatable.
    #[arg(long, value_name = "ARN")]
    deployer: Vec<String>,
    /// Print the audit as JSON.
    #[arg(long)]
    json: bool,
}

// The arguments of `import` (its help is the variant's).
#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// An access point to import, by ARN. Repeatable.
    #[arg(
        long = "access-point",
        value_name = "ARN",
        required_unless_present = "bucket"
    )]
    access_points: Vec<String>,
    /// Import every access point on this bucket in the `--account` accounts.
    #[arg(long, value_name = "NAME")]
    bucket: Option<String>,
    /// The region of `--bucket`'s access points.
    #[arg(
        long,
        value_name = "REGION",
        default_value = "us-east-1",
        requires = "bucket"
    )]
    region: String,
    /// The name of the `pub static` the grants go in.
    #[arg(long, value_name = "NAME", default_value = "IMPORTED")]
    name: String,
    #[command(flatten)]
    connection: Connection,
}

#[derive(Debug, Subcommand)]
enum ExportFormat {
    /// CloudFormation templates: one per account (and region), or one for a StackSet, with the
    /// order the accounts must be deployed in (`ORDER`). The documents are those of `render`.
    Cloudformation {
        /// The directory to write the templates to (created if missing).
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// One template for every account, for a service-managed StackSet.
        #[arg(long)]
        stack_set: bool,
        /// Bucket policies, which CloudFormation replaces whole: `export` them (with the
        /// statements others wrote, with `--read-live`) or `leave-out` (their statements are
        /// printed, to add where the policy is managed).
        #[arg(long, value_enum)]
        bucket_policy: Option<BucketPolicies>,
        /// Read the live bucket policies (with the `--account` credentials) and keep the
        /// statements others wrote in them.
        #[arg(long)]
        read_live: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// A CloudTrail trail per account the deployment touches (`<account>.cloudtrail.json`):
    /// every change made in the account, and with `--data-events` the S3 requests through the
    /// deployment's access points. No AWS call.
    Cloudtrail {
        /// The directory to write the templates to (created if missing).
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// The S3 bucket the trails write their logs to (its policy must let CloudTrail write:
        /// the statements are printed).
        #[arg(long, value_name = "NAME")]
        bucket: String,
        /// Also log the S3 data events through the deployment's access points (billed: $0.10
        /// per 100,000 events delivered).
        #[arg(long)]
        data_events: bool,
    },
    /// AWS Config rules per account and region (`<account>.config.json`, and the same rules as
    /// a conformance pack, `<account>.conformance-pack.json`): AWS managed rules the grants
    /// imply, and Guard rules that every document still holds exactly the statements the
    /// deployment rendered. No AWS call.
    Config {
        /// The directory to write the templates to (created if missing).
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// One template of every account's rules, for a service-managed StackSet.
        #[arg(long)]
        stack_set: bool,
    },
}

/// Standard output, locked once. A reader that goes away (`| head`, `| true`) ends the output
/// quietly: the command still finishes and exits with its own code. Any other write error
/// (`> /dev/full`) is reported as one line and exit 1.
struct Out {
    stdout: std::io::StdoutLock<'static>,
    closed: bool,
}

impl Out {
    fn new() -> Out {
        Out {
            stdout: std::io::stdout().lock(),
            closed: false,
        }
    }

    fn print(&mut self, args: std::fmt::Arguments) -> Result<(), DeployError> {
        let result = self.stdout.write_fmt(args);
        self.settle(result)
    }

    fn flush(&mut self) -> Result<(), DeployError> {
        let result = self.stdout.flush();
        self.settle(result)
    }

    fn settle(&mut self, result: std::io::Result<()>) -> Result<(), DeployError> {
        match result {
            _ if self.closed => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other.map_err(DeployError::Output),
        }
    }
}

/// `println!` to an [`Out`], returning its error.
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {
        $out.print(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

/// `print!` to an [`Out`], returning its error.
macro_rules! outp {
    ($out:expr, $($arg:tt)*) => {
        $out.print(format_args!($($arg)*))?
    };
}

/// Parses the process's arguments and runs the command against `deployment`.
pub fn run(deployment: &Deployment) -> ExitCode {
    run_from(deployment, std::env::args_os())
}

/// [`run`] with explicit arguments (the first is the program name).
pub fn run_from<I, T>(deployment: &Deployment, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot start the async runtime: {e}"
            );
            return ExitCode::from(1);
        }
    };
    let mut out = Out::new();
    let result = runtime
        .block_on(execute(deployment, cli.command, &mut out))
        .and_then(|code| out.flush().map(|()| code));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let mut text = String::from("error: ");
            let _ = write_message(&mut text, &e.to_string(), e.help().as_deref());
            let _ = writeln!(std::io::stderr(), "{text}");
            ExitCode::from(1)
        }
    }
}

/// Seconds since the epoch: the `aws:CurrentTime` expiries are compared with.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

async fn connect<'d>(
    in_force: &'d InForce<'_>,
    connection: &Connection,
) -> Result<Session<'d>, DeployError> {
    let timeout = std::time::Duration::from_secs(connection.timeout);
    let mut session = Session::connect_in_force(in_force, &connection.accounts, timeout).await?;
    session.set_concurrency(usize::try_from(connection.concurrency).unwrap_or(1));
    Ok(session)
}

async fn execute(
    deployment: &Deployment,
    command: Command,
    out: &mut Out,
) -> Result<u8, DeployError> {
    // What AWS is held to: the grants whose expiry has not passed.
    let in_force = policy_core::pipeline::in_force(deployment, now())
        .map_err(|d| DeployError::Unreadable(policy_core::Problem::new(d.to_string())))?;
    let in_force = &in_force;
    match command {
        Command::Render => render(deployment, out),
        Command::DeployerPolicy => deployer_policy(deployment, out),
        Command::Plan {
            connection,
            detailed_exitcode,
            json,
            destroy,
            adopt,
            delete_adopted,
            supersede,
        } => {
            let mode = if destroy { Mode::Destroy } else { Mode::Apply };
            plan(
                in_force,
                &connection,
                mode,
                (adopt, delete_adopted, supersede),
                detailed_exitcode,
                json,
                out,
            )
            .await
        }
        Command::Apply {
            connection,
            auto_approve,
            adopt,
            delete_adopted,
            supersede,
        } => {
            execute_plan(
                in_force,
                &connection,
                Mode::Apply,
                (adopt, delete_adopted, supersede),
                auto_approve,
                out,
            )
            .await
        }
        Command::Destroy {
            connection,
            auto_approve,
            delete_adopted,
        } => {
            execute_plan(
                in_force,
                &connection,
                Mode::Destroy,
                (false, delete_adopted, false),
                auto_approve,
                out,
            )
            .await
        }
        Command::Explain(args) => run_explain(deployment, in_force, args, out).await,
        Command::Verify {
            connection,
            organization,
        } => {
            let guardrails = guardrails(
                organization.as_ref(),
                &deployment.accounts(),
                connection.timeout,
            )
            .await?;
            verify(in_force, &connection, &guardrails, out).await
        }
        Command::Audit(args) => run_audit(in_force, args, out).await,
        Command::Import(args) => run_import(args, out).await,
        Command::Show { connection } => show(in_force, &connection, out).await,
        Command::Export { format } => run_export(in_force, format, out).await,
    }
}

async fn run_explain(
    deployment: &Deployment,
    in_force: &InForce<'_>,
    args: ExplainArgs,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let ExplainArgs {
        principal,
        action,
        resource,
        context,
        session_policy,
        endpoint_policy,
        json,
        organization,
        live,
        connection,
    } = args;
    let mut request = policy_core::explain::check_request(&principal, &action, &resource, &context)
        .map_err(DeployError::Request)?;
    // AWS puts the time on every request; expiring grants are decided by it.
    if !request
        .context
        .keys()
        .any(|k| k.eq_ignore_ascii_case("aws:CurrentTime"))
    {
        request.context.insert(
            "aws:CurrentTime".to_owned(),
            vec![policy_core::restrictions::Expiry::format(now())],
        );
    }
    let mut accounts = deployment.accounts();
    // The caller's account too: its SCPs limit the caller.
    accounts.extend(
        policy_core::RawArn::split(&principal)
            .ok()
            .map(|arn| arn.account)
            .filter(|a| !a.is_empty()),
    );
    let limits = ExplainLimits::read(
        session_policy.as_deref(),
        endpoint_policy.as_deref(),
        &request,
    )?;
    let guardrails = guardrails(organization.as_ref(), &accounts, connection.timeout).await?;
    let set = if live {
        let session = connect(in_force, &connection).await?;
        let (set, found) = session.live_policy_set().await?;
        for finding in found.differences.iter().chain(&found.warnings) {
            let _ = writeln!(std::io::stderr(), "note: {finding}");
        }
        set
    } else {
        policy_core::eval::PolicySet::from_documents(deployment.documents())
            .map_err(DeployError::Unreadable)?
    };
    explain(deployment, set, &request, (&guardrails, limits), json, out)
}

async fn run_audit(
    in_force: &InForce<'_>,
    args: AuditArgs,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let AuditArgs {
        connection,
        unused_for,
        deployer,
        json,
    } = args;
    for arn in &deployer {
        if crate::audit::identity_key(arn).is_none() {
            return Err(DeployError::Argument {
                argument: format!("--deployer {arn}"),
                reason: "not an ARN".into(),
                help: "name a role or user: --deployer arn:aws:iam::111111111111:role/ci",
            });
        }
    }
    let session = connect(in_force, &connection).await?;
    let options = crate::audit::AuditOptions {
        deployers: deployer,
        unused_for,
        poll: std::time::Duration::from_millis(500),
    };
    let found = session.audit(&options).await?;
    audit(&found, unused_for, json, out)
}

async fn run_import(args: ImportArgs, out: &mut Out) -> Result<u8, DeployError> {
    let ImportArgs {
        mut access_points,
        bucket,
        region,
        name,
        connection,
    } = args;
    if let Some(bucket) = &bucket {
        let found = crate::import::access_points_of(
            bucket,
            &region,
            &connection.accounts,
            std::time::Duration::from_secs(connection.timeout),
        )
        .await?;
        if found.is_empty() {
            return Err(DeployError::Argument {
                argument: format!("--bucket {bucket}"),
                reason: format!("no access point on it in {region} in the accounts given"),
                help: "pass --account for the accounts that own its access points, and --region",
            });
        }
        access_points.extend(found);
    }
    import(&access_points, &name, &connection, out).await
}

async fn run_export(
    in_force: &InForce<'_>,
    format: ExportFormat,
    out: &mut Out,
) -> Result<u8, DeployError> {
    match format {
        ExportFormat::Cloudformation {
            out: dir,
            stack_set,
            bucket_policy,
            read_live,
            connection,
        } => {
            export_cloudformation(
                in_force,
                &dir,
                stack_set,
                bucket_policy,
                read_live.then_some(&connection),
                out,
            )
            .await
        }
        ExportFormat::Cloudtrail {
            out: dir,
            bucket,
            data_events,
        } => export_cloudtrail(&in_force.deployment, &dir, &bucket, data_events, out),
        ExportFormat::Config {
            out: dir,
            stack_set,
        } => {
            let exported = if stack_set {
                crate::config_rules::stack_set(&in_force.deployment)?
            } else {
                crate::config_rules::per_account(&in_force.deployment)?
            };
            write_export(&in_force.deployment, &dir, &exported, out)
        }
    }
}

fn export_cloudtrail(
    deployment: &Deployment,
    dir: &std::path::Path,
    bucket: &str,
    data_events: bool,
    out: &mut Out,
) -> Result<u8, DeployError> {
    policy_core::check_bucket_name(bucket).map_err(|p| DeployError::Argument {
        argument: format!("--bucket {bucket}"),
        reason: p.message.clone(),
        help: "name the S3 bucket the trails write their logs to",
    })?;
    let exported = crate::cloudtrail::per_account(deployment, bucket, data_events);
    write_export(deployment, dir, &exported, out)
}

/// Writes an export's templates and prints what was written and what the user must know.
fn write_export(
    deployment: &Deployment,
    dir: &std::path::Path,
    exported: &export::Export,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let written = export::write(deployment, dir, exported).map_err(|e| DeployError::Export {
        dir: dir.display().to_string(),
        source: e,
    })?;
    for line in written {
        outln!(out, "{line}");
    }
    outln!(out, "\n{}", export::order_text(exported).trim_end());
    for note in &exported.notes {
        outln!(out, "\n{note}");
    }
    Ok(0)
}

fn render(deployment: &Deployment, out: &mut Out) -> Result<u8, DeployError> {
    let value: Value =
        serde_json::from_str(deployment.render_json()).map_err(std::io::Error::from)?;
    outln!(
        out,
        "{}",
        serde_json::to_string_pretty(&value).map_err(std::io::Error::from)?
    );
    Ok(0)
}

fn deployer_policy(deployment: &Deployment, out: &mut Out) -> Result<u8, DeployError> {
    let policies = crate::permissions::deployer_policies(deployment);
    outln!(
        out,
        "{}",
        serde_json::to_string_pretty(&policies).map_err(std::io::Error::from)?
    );
    Ok(0)
}

async fn plan(
    in_force: &InForce<'_>,
    connection: &Connection,
    mode: Mode,
    (adopt, delete_adopted, supersede): (bool, bool, bool),
    detailed_exitcode: bool,
    json: bool,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let mut session = connect(in_force, connection).await?;
    session.set_supersede(supersede);
    let plan = session.plan_with(mode, adopt, delete_adopted).await?;
    if json {
        outln!(
            out,
            "{}",
            serde_json::to_string_pretty(&plan_json(&plan)).map_err(std::io::Error::from)?
        );
    } else {
        print_plan(&plan, out)?;
    }
    Ok(if detailed_exitcode && plan.has_changes() {
        2
    } else {
        0
    })
}

/// The organization's guardrails, when `--organization` asks for them. Credentials that cannot
/// be loaded are an error; an organization that cannot be read is said in the output.
async fn guardrails(
    spec: Option<&OrganizationSpec>,
    accounts: &[&str],
    timeout: u64,
) -> Result<Guardrails, DeployError> {
    let Some(spec) = spec else {
        return Ok(Guardrails::NotAsked);
    };
    let config =
        crate::accounts::organization_config(spec, std::time::Duration::from_secs(timeout)).await?;
    Ok(crate::organization::read(&config, accounts).await)
}

async fn verify(
    in_force: &InForce<'_>,
    connection: &Connection,
    guardrails: &Guardrails,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let session = connect(in_force, connection).await?;
    let found = session.verify_report(guardrails.organization()).await?;
    let differences = found.differences;
    outln!(out, "{}", guardrails.note());
    for warning in &found.warnings {
        outln!(out, "warning: {warning}");
    }
    for (grant, at) in session.expired() {
        outln!(
            out,
            "grant {grant} expired at {at}: verified as no longer declared"
        );
    }
    if differences.is_empty() {
        outln!(
            out,
            "Verified: the live documents allow exactly what the {} grants declare.",
            in_force.deployment.grants().len()
        );
        return Ok(0);
    }
    for d in &differences {
        outln!(out, "- {d}");
    }
    outln!(
        out,
        "\nVerify: {} difference(s) from the declaration.",
        differences.len()
    );
    Ok(2)
}

async fn import(
    access_points: &[String],
    name: &str,
    connection: &Connection,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let screaming = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !screaming {
        return Err(DeployError::Argument {
            argument: format!("--name {name}"),
            reason: "a static's name is SCREAMING_SNAKE_CASE".into(),
            help: "write it like --name SHARED_DATA",
        });
    }
    let source = crate::import::read_shares(
        access_points,
        &connection.accounts,
        std::time::Duration::from_secs(connection.timeout),
    )
    .await?;
    let mut imported = crate::import::Imported::default();
    for share in &source.shares {
        let one = crate::import::recognise(share);
        imported.grants.extend(one.grants);
        imported.unexpressed.extend(one.unexpressed);
    }
    outln!(
        out,
        "{}",
        crate::import::to_code(name, &imported).trim_end()
    );
    for note in &source.notes {
        outln!(out, "\nnote: {note}");
    }
    let input = crate::import::to_input(name, &imported);
    let deployment = match policy_core::build(&input) {
        Ok(deployment) => deployment,
        Err(diagnostics) => {
            outln!(
                out,
                "\nThe imported grants do not pass xacct's checks as they are; fix them in the code:\n{diagnostics}"
            );
            return Ok(2);
        }
    };
    let compared = source.compare(&imported, &deployment).await?;
    if compared.differences.is_empty() {
        outln!(
            out,
            "\nEquivalent: the code grants exactly what the account grants ({} requests compared on the access point, bucket, key and trust policies and the identity policies read, {} of them allowed{})",
            compared.requests,
            compared.allowed,
            if imported.unexpressed.is_empty() { "" } else { "; the statements not imported are listed above" }
        );
        return Ok(0);
    }
    outln!(
        out,
        "\nThe code and the account decide these requests differently:"
    );
    for d in &compared.differences {
        outln!(out, "- {d}");
    }
    Ok(2)
}

fn audit(
    found: &crate::audit::Audit,
    unused_for: Option<std::time::Duration>,
    json: bool,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let cutoff = unused_for.map(|d| std::time::SystemTime::now() - d);
    let unused = cutoff.map(|c| crate::audit::unused_since(&found.uses, c));
    if json {
        let value = crate::audit::to_json(&found.changes, &found.uses, unused.as_deref());
        outln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).map_err(std::io::Error::from)?
        );
        return Ok(0);
    }
    let day = |t: &aws_smithy_types::DateTime| {
        t.fmt(aws_smithy_types::date_time::Format::DateTime)
            .unwrap_or_default()
    };
    if found.changes.is_empty() {
        outln!(
            out,
            "No change by anyone but the deploying identities in the last {} days.",
            crate::audit::HISTORY_DAYS
        );
    } else {
        outln!(
            out,
            "Changes by others in the last {} days (CloudTrail):",
            crate::audit::HISTORY_DAYS
        );
        for c in &found.changes {
            outln!(
                out,
                "- {} {} called {} on {} (account {}, {}){}",
                day(&c.time),
                c.actor,
                c.event,
                c.resource,
                c.account,
                c.region,
                c.difference_now.as_ref().map_or_else(
                    || "; verify reports nothing there now".to_owned(),
                    |d| format!("; verify now: {d}")
                )
            );
        }
    }
    outln!(
        out,
        "\nLast use of each grant (IAM last accessed information):"
    );
    for u in &found.uses {
        let when = u.last_used.as_ref().map_or_else(
            || {
                if u.known {
                    "never (within IAM's 400 days)".to_owned()
                } else {
                    "unknown".to_owned()
                }
            },
            day,
        );
        outln!(
            out,
            "- {}: {when} by {} ({})",
            u.grant,
            u.entity,
            u.evidence
        );
    }
    if let (Some(unused), Some(d)) = (&unused, unused_for) {
        outln!(
            out,
            "\n{} grant(s) unused for {} days or more{}",
            unused.len(),
            d.as_secs() / 86_400,
            if unused.is_empty() { "." } else { ":" }
        );
        for u in unused {
            outln!(out, "- {} ({})", u.grant, u.entity);
        }
    }
    Ok(0)
}

async fn export_cloudformation(
    in_force: &InForce<'_>,
    dir: &std::path::Path,
    stack_set: bool,
    bucket_policy: Option<BucketPolicies>,
    read_live: Option<&Connection>,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let deployment: &Deployment = &in_force.deployment;
    let has_bucket_policies = deployment
        .documents()
        .iter()
        .any(|d| d.kind == policy_core::DocumentKind::BucketPolicy);
    let bucket_policy = match bucket_policy {
        Some(choice) => choice,
        None if !has_bucket_policies => BucketPolicies::LeaveOut,
        None => {
            return Err(DeployError::Argument {
                argument: "--bucket-policy".to_owned(),
                reason: "the deployment writes bucket policies, which CloudFormation replaces whole: choose `export` or `leave-out`".to_owned(),
                help: "`--bucket-policy export --read-live` keeps the statements others wrote (read with the `--account` credentials); `--bucket-policy leave-out` prints this deployment's statements to add where the policy is managed",
            })
        }
    };
    let live = match read_live {
        Some(connection) => {
            let session = connect(in_force, connection).await?;
            let read = session.read_all().await?;
            Some(export::live_bucket_policies(&read))
        }
        None => None,
    };
    let exported = if stack_set {
        export::stack_set(deployment, bucket_policy, live.as_ref())
    } else {
        export::per_account(deployment, bucket_policy, live.as_ref())
    }
    .map_err(|e| match e {
        export::ExportError::Internal(what) => DeployError::Internal(what),
        export::ExportError::Live(what) => DeployError::Unreadable(policy_core::Problem::new(what)),
    })?;
    write_export(deployment, dir, &exported, out)
}

async fn show(
    in_force: &InForce<'_>,
    connection: &Connection,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let session = connect(in_force, connection).await?;
    let live = session.read_all().await?;
    let shown: Vec<Value> = live
        .iter()
        .map(|(target, live)| {
            json!({
                "account": target.doc.account,
                "kind": target.doc.kind.as_str(),
                "target": target.doc.target,
                "declared": target.declared,
                "stored": live_json(live),
            })
        })
        .collect();
    outln!(
        out,
        "{}",
        serde_json::to_string_pretty(&shown).map_err(std::io::Error::from)?
    );
    Ok(0)
}

async fn execute_plan(
    in_force: &InForce<'_>,
    connection: &Connection,
    mode: Mode,
    (adopt, delete_adopted, supersede): (bool, bool, bool),
    auto_approve: bool,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let mut session = connect(in_force, connection).await?;
    session.set_supersede(supersede);
    let plan = session.plan_with(mode, adopt, delete_adopted).await?;
    print_plan(&plan, out)?;
    if !plan.has_changes() {
        return Ok(0);
    }
    if !auto_approve {
        if !std::io::stdin().is_terminal() {
            return Err(DeployError::NoTerminal);
        }
        outp!(
            out,
            "\nDo you want to perform these actions? Only 'yes' will be accepted: "
        );
        out.flush()?;
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            outln!(out, "Cancelled; nothing was changed.");
            return Ok(1);
        }
    }
    let total = plan.changes.iter().filter(|c| c.op != Op::NoOp).count();
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let on_done = |change: &Change| match &progress {
        Some(bar) => {
            bar.inc(1);
            bar.set_message(describe(change));
        }
        None => {
            let _ = writeln!(std::io::stderr(), "done: {}", describe(change));
        }
    };
    let result = session.apply(&plan, &on_done).await;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    result?;
    let (reads, writes) = session.calls();
    outln!(
        out,
        "\n{} complete: {}. ({reads} reads, {writes} writes)",
        if mode == Mode::Apply {
            "Apply"
        } else {
            "Destroy"
        },
        plan.summary()
    );
    for kept in &plan.kept {
        outln!(out, "  left in place: {kept}");
    }
    Ok(0)
}

fn print_plan(plan: &Plan, out: &mut Out) -> Result<(), DeployError> {
    for (grant, at) in &plan.expired {
        outln!(
            out,
            "grant {grant} expired at {at}: it grants nothing any more, and apply removes its statements"
        );
    }
    let mut account = "";
    for change in plan.changes.iter().filter(|c| c.op != Op::NoOp) {
        if change.doc.account != account {
            account = &change.doc.account;
            outln!(out, "\naccount {account}");
        }
        let sign = match change.op {
            Op::Create => "+",
            Op::Update => "~",
            Op::Replace => "-/+",
            _ => "-",
        };
        outln!(
            out,
            "  {sign} {} {} {}",
            change.op.verb(),
            change.doc.kind.as_str(),
            change.doc.target
        );
        if let Some(reason) = &change.reason {
            outln!(out, "      ({reason})");
        }
        let before = change.before.as_deref().unwrap_or_default();
        let after = change.after.as_deref().unwrap_or_default();
        let diff = similar::TextDiff::from_lines(before, after);
        for line in diff.iter_all_changes() {
            let mark = match line.tag() {
                similar::ChangeTag::Delete => "-",
                similar::ChangeTag::Insert => "+",
                similar::ChangeTag::Equal => " ",
            };
            outp!(out, "      {mark} {}", line.value());
            if line.missing_newline() {
                outln!(out, "");
            }
        }
    }
    for kept in &plan.kept {
        outln!(out, "  left in place: {kept}");
    }
    for superseded in &plan.superseded {
        outln!(out, "  superseded: {superseded}");
    }
    for warning in &plan.warnings {
        outln!(out, "\nwarning: {warning}");
    }
    let (puts, deletes) = record_counts(plan);
    if puts + deletes > 0 {
        outln!(out, "\nrecord of what the deployment owns (SSM parameters under /xacct/): {puts} to write, {deletes} to remove");
    }
    let verb = if plan.mode == Mode::Destroy {
        "Destroy plan"
    } else {
        "Plan"
    };
    outln!(out, "\n{verb}: {}.", plan.summary());
    Ok(())
}

fn plan_json(plan: &Plan) -> Value {
    json!({
        "changes": plan.changes.iter().filter(|c| c.op != Op::NoOp).map(|c| json!({
            "account": c.doc.account,
            "kind": c.doc.kind.as_str(),
            "target": c.doc.target,
            "action": c.op.verb(),
            "before": c.before.as_deref().map(parse_or_text),
            "after": c.after.as_deref().map(parse_or_text),
            "reason": c.reason,
        })).collect::<Vec<_>>(),
        "record": { "write": record_counts(plan).0, "remove": record_counts(plan).1 },
        "summary": { "create": plan.count(Op::Create), "change": plan.count(Op::Update), "replace": plan.count(Op::Replace), "destroy": plan.count(Op::Delete) },
        "left_in_place": plan.kept,
        "superseded": plan.superseded,
        "warnings": plan.warnings,
        "expired": plan.expired.iter().map(|(grant, at)| json!({ "grant": grant, "at": at })).collect::<Vec<_>>(),
    })
}

/// Writes and removals of the record's parameters, across both sides of the apply.
fn record_counts(plan: &Plan) -> (usize, usize) {
    let writes = plan.record.before.iter().chain(&plan.record.after);
    let puts = writes
        .clone()
        .filter(|w| matches!(w, crate::record::RecordWrite::Put { .. }))
        .count();
    (puts, writes.count() - puts)
}

fn parse_or_text(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

fn live_json(live: &Live) -> Value {
    match live {
        Live::Role(Some(role)) => {
            json!({ "path": role.path, "trust_policy": parse_or_text(&role.trust), "tags": role.tags })
        }
        Live::Policy(Some(text)) => parse_or_text(text),
        Live::AccessPoint(Some(ap)) => {
            json!({ "bucket": ap.bucket, "bucket_account": ap.bucket_account })
        }
        Live::Role(None) | Live::Policy(None) | Live::AccessPoint(None) => Value::Null,
    }
}

/// The session and endpoint policies `explain` was given, read and checked.
struct ExplainLimits {
    session: Option<policy_core::eval::Policy>,
    /// The endpoint's id (from `aws:SourceVpce`), its file and its policy.
    endpoint: Option<(String, String, policy_core::eval::Policy)>,
}

impl ExplainLimits {
    /// AWS's limits on the plaintext of each: 2,048 characters for session policies passed to
    /// `AssumeRole` (AWS STS API reference, AssumeRole: Policy), 20,480 for endpoint policies
    /// ("Control access to VPC endpoints using endpoint policies").
    const SESSION_POLICY_MAX: usize = 2_048;
    const ENDPOINT_POLICY_MAX: usize = 20_480;

    fn read(
        session: Option<&std::path::Path>,
        endpoint: Option<&std::path::Path>,
        request: &CheckedRequest,
    ) -> Result<ExplainLimits, DeployError> {
        let read = |argument: &str, path: &std::path::Path, max: usize, principal_needed: bool| {
            let fail = |reason: String| {
                DeployError::Argument {
                argument: format!("{argument} {}", path.display()),
                reason,
                help: "give a JSON policy document: {\"Version\": \"2012-10-17\", \"Statement\": [...]}",
            }
            };
            let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
            let characters = text.chars().filter(|c| !c.is_whitespace()).count();
            if characters > max {
                return Err(fail(format!(
                    "{characters} characters without white space; AWS takes at most {max}"
                )));
            }
            let policy =
                policy_core::eval::Policy::parse(&text).map_err(|p| fail(p.message.clone()))?;
            let has_principal = policy.statements.iter().all(|s| s.principal.is_some());
            if principal_needed && !has_principal {
                return Err(fail(
                    "every statement of an endpoint policy needs a `Principal`".to_owned(),
                ));
            }
            if !principal_needed && policy.statements.iter().any(|s| s.principal.is_some()) {
                return Err(fail(
                    "a session policy has no `Principal`: it limits the session it is passed to"
                        .to_owned(),
                ));
            }
            Ok(policy)
        };
        let session = session
            .map(|path| read("--session-policy", path, Self::SESSION_POLICY_MAX, false))
            .transpose()?;
        let endpoint = match endpoint {
            None => None,
            Some(path) => {
                let policy = read("--endpoint-policy", path, Self::ENDPOINT_POLICY_MAX, true)?;
                let id = request
                    .context
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("aws:SourceVpce"))
                    .and_then(|(_, v)| v.first())
                    .filter(|id| id.starts_with("vpce-"))
                    .ok_or_else(|| DeployError::Argument {
                        argument: format!("--endpoint-policy {}", path.display()),
                        reason: "the request does not say which endpoint it goes through"
                            .to_owned(),
                        help: "add --context aws:SourceVpce=vpce-… (the endpoint's id)",
                    })?;
                Some((id.clone(), path.display().to_string(), policy))
            }
        };
        Ok(ExplainLimits { session, endpoint })
    }
}

fn explain(
    deployment: &Deployment,
    mut set: policy_core::eval::PolicySet,
    request: &CheckedRequest,
    (guardrails, limits): (&Guardrails, ExplainLimits),
    as_json: bool,
    out: &mut Out,
) -> Result<u8, DeployError> {
    let CheckedRequest {
        principal,
        action,
        resource,
        context,
    } = request;
    set.organization = guardrails.organization().cloned();
    if let Some((id, file, policy)) = limits.endpoint {
        set.set_endpoint_policy(&id, &file, policy)
            .map_err(|p| DeployError::Request(vec![p]))?;
    }
    let explanation = match limits.session {
        None => policy_core::explain::explain(
            &set,
            deployment.grants(),
            principal,
            action,
            resource,
            context,
        ),
        Some(policy) => policy_core::explain::explain_with_session_policy(
            &set,
            deployment.grants(),
            principal,
            (action, resource, context),
            policy,
        )
        .map_err(|p| DeployError::Request(vec![p]))?,
    };
    let word = |verdict: &Verdict| match verdict {
        Verdict::Allow => "allow",
        Verdict::Deny => "deny",
        Verdict::Unknown(_) => "unknown",
    };
    if as_json {
        let steps: Vec<Value> = explanation
            .steps
            .iter()
            .map(|s| {
                let reasons: Vec<Value> = s
                    .decision
                    .reasons
                    .iter()
                    .map(|r| json!({ "effect": if r.effect == policy_core::eval::Effect::Allow { "allow" } else { "deny" }, "document": r.document.as_ref(), "sid": r.sid.as_deref(), "text": r.to_string() }))
                    .collect();
                let unknown = match &s.decision.verdict {
                    Verdict::Unknown(what) => Some(what),
                    _ => None,
                };
                json!({ "step": s.title, "decision": word(&s.decision.verdict), "unknown": unknown, "documents_consulted": s.decision.consulted_documents(&set), "reasons": reasons, "unmet_conditions": s.unmet })
            })
            .collect();
        let answer = json!({ "decision": word(&explanation.verdict), "principal": principal, "action": action, "resource": resource, "organization": guardrails.note(), "steps": steps });
        outln!(
            out,
            "{}",
            serde_json::to_string_pretty(&answer).map_err(std::io::Error::from)?
        );
    } else {
        for (i, step) in explanation.steps.iter().enumerate() {
            outln!(
                out,
                "{}. {}: {}",
                i + 1,
                step.title,
                word(&step.decision.verdict).to_uppercase()
            );
            if let Verdict::Unknown(what) = &step.decision.verdict {
                outln!(out, "     unknown: {what}");
            }
            for reason in &step.decision.reasons {
                outln!(out, "     {reason}");
            }
            for unmet in &step.unmet {
                outln!(out, "     not met: {unmet}");
            }
        }
        outln!(
            out,
            "\nDecision: {}",
            word(&explanation.verdict).to_uppercase()
        );
        outln!(out, "{}", guardrails.note());
    }
    Ok(0)
}
