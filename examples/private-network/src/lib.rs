//! The warehouse account (111111111111) reads the lake's curated zone (222222222222) only from
//! inside its own network: the access point takes requests from the analytics VPC only (network
//! origin VPC, fixed when it is created); the loader must come through its S3 gateway endpoint,
//! the BI role from any endpoint of that VPC. A stolen key used from anywhere else is refused by
//! the access point and by every document of the grant.

xacct::grants! {
    /// Curated data, readable from the warehouse's VPCs only.
    pub static PRIVATE_LAKE = {
        /// The nightly loader, through the warehouse VPC's gateway endpoint.
        grant warehouse_loads {
            requester: "arn:aws:iam::111111111111:role/warehouse-loader",
            assume_role: "arn:aws:iam::222222222222:role/curated-reader",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/curated-private",
            bucket: "lake-curated-zone",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["curated/"],
            vpc_endpoints: ["vpce-0a1b2c3d4e5f60718"],
            access_point_vpc: "vpc-0f1e2d3c4b5a69788",
        }
        /// BI dashboards, from any endpoint of the analytics VPC.
        grant bi_reads {
            requester: "arn:aws:iam::111111111111:role/bi-dashboards",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/curated-private",
            bucket: "lake-curated-zone",
            actions: [s3:GetObject],
            prefixes: ["curated/reports/"],
            vpcs: ["vpc-0f1e2d3c4b5a69788"],
            access_point_vpc: "vpc-0f1e2d3c4b5a69788",
        }
    };
}
