//! An external auditor (333333333333) reads the finance ledgers of 222222222222 for the 2026
//! audit: from the firm's office ranges only, and until the engagement ends. After the expiry AWS
//! denies every request of the grant; the next `apply` removes its statements, and `plan` and
//! `verify` say it has expired.

xacct::grants! {
    /// The 2026 financial audit.
    pub static LEDGER_AUDIT = {
        /// The audit firm reads the 2026 ledgers, with MFA, from its offices, until April 2027.
        grant auditor_reads_ledgers {
            requester: "arn:aws:iam::333333333333:role/ledger-auditor",
            assume_role: "arn:aws:iam::222222222222:role/audit-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/ledger-audit",
            bucket: "finance-ledgers",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["ledgers/2026/"],
            require_mfa: true,
            source_ips: ["203.0.113.0/24", "2001:db8:a0::/48"],
            expires: "2027-04-01T00:00:00Z",
        }
    };
}
