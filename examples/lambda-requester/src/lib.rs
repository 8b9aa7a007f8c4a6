//! A Lambda function in the billing account (111111111111) reads invoices from finance
//! (222222222222). The deployment creates the function's execution role, trusted by Lambda.

xacct::grants! {
    /// Billing's invoice renderer reads finance's invoices.
    pub static INVOICES = {
        /// The renderer function fetches invoice PDFs.
        grant renderer_reads_invoices {
            requester: "arn:aws:iam::111111111111:role/service-role/invoice-renderer",
            requester_trust: service "lambda.amazonaws.com",
            assume_role: "arn:aws:iam::222222222222:role/invoice-reader",
            access_point: "arn:aws:s3:us-west-2:222222222222:accesspoint/finance-invoices",
            bucket: "finance-invoices-prod",
            actions: [s3:GetObject],
            prefixes: ["invoices/"],
            external_id: "billing-renderer",
        }
    };
}
