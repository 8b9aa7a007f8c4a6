#!/usr/bin/env bash
# The demo: the shared-data example applied into the local AWS emulator across two accounts, then
# a plan that shows no changes, then the stored documents read back.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build -q -p shared-data
endpoint=$(scripts/emulator.sh start)
trap 'scripts/emulator.sh stop' EXIT
echo "local AWS emulator at $endpoint"
# One base identity; each account is reached by assuming a role in it, as against real AWS.
export AWS_ENDPOINT_URL=$endpoint AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
accounts=(--account 111111111111=role:arn:aws:iam::111111111111:role/xacct-deployer
          --account 222222222222=role:arn:aws:iam::222222222222:role/xacct-deployer)
# The bucket exists before the grant (the deployment shares a bucket, it does not make one).
AWS_ENDPOINT_URL=$endpoint "$root/.venv/bin/python" - <<'PY'
import boto3, os
sts = boto3.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
c = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/xacct-deployer", RoleSessionName="demo")["Credentials"]
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1",
                  aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
s3.create_bucket(Bucket="marketing-customer-data", ObjectOwnership="BucketOwnerEnforced")
iam = boto3.client("iam", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1",
                   **{k: v for k, v in zip(["aws_access_key_id", "aws_secret_access_key", "aws_session_token"],
                      [sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/xacct-deployer", RoleSessionName="demo")["Credentials"][x] for x in ["AccessKeyId", "SecretAccessKey", "SessionToken"]])})
iam.create_role(RoleName="analytics-etl", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')
print("emulator: bucket marketing-customer-data in 222222222222, role analytics-etl in 111111111111")
PY
run() { echo; echo "\$ cargo run -p shared-data -- $*"; target/debug/shared-data "$@" "${accounts[@]}"; }
run apply --auto-approve
run plan --detailed-exitcode
run show
