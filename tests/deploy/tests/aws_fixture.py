"""An independent AWS client (boto3) for the deploy tests: seeds what a deployment expects to
exist, changes things out of band, and reads back what was stored.

    python aws_fixture.py ENDPOINT COMMAND JSON
    python aws_fixture.py serve        (requests as JSON lines on stdin, see `serve`)
"""
import json
import socket
import sys
import traceback
import urllib.parse

import boto3
from botocore.config import Config

# botocore's S3 Control endpoint rules put the account id in front of the host
# (`222222222222.localhost`). Names under `.localhost` are loopback (RFC 6761), which this machine's
# resolver does not know: teach it, for this process only.
_getaddrinfo = socket.getaddrinfo
socket.getaddrinfo = lambda host, *a, **k: _getaddrinfo("127.0.0.1" if str(host).endswith(".localhost") else host, *a, **k)

# Where the emulator is: set by the command line, or by each request in `serve` mode.
endpoint = None


def session(account, role="xacct-deployer"):
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="fixture")["Credentials"]
    return boto3.session.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                                 aws_session_token=c["SessionToken"], region_name="us-east-1")


def client(account, service, region="us-east-1", role="xacct-deployer"):
    # S3 Control puts the account id in front of the host, which a local endpoint cannot resolve.
    config = Config(inject_host_prefix=False, s3={"addressing_style": "path"})
    return session(account, role).client(service, endpoint_url=endpoint, region_name=region, config=config)


def name(arn):
    return arn.rsplit("/", 1)[-1]


def run(command, arg):
    """What COMMAND with ARG does; its answer (JSON-serialisable)."""
    out = None
    if command == "seed":
        # {"buckets": [[account, bucket]], "roles": [[account, arn]], "users": [[account, arn]], "bucket_policies": [[account, bucket, policy]],
        #  "keys": [[account, region, key id]]}
        # A key is created with the id asked for (scripts/moto_server.py) and the policy a key's
        # owners write first: its administrators' statement.
        # Buckets as AWS creates them since April 2023: ACLs disabled (Object Ownership
        # BucketOwnerEnforced). The emulator would leave them without ownership controls.
        for account, bucket in arg.get("buckets", []):
            client(account, "s3").create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerEnforced")
        for account, arn in arg.get("roles", []):
            path = "/" + arn.split(":role/", 1)[1].rsplit("/", 1)[0] + "/" if arn.split(":role/", 1)[1].count("/") else "/"
            client(account, "iam").create_role(RoleName=name(arn), Path=path, AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')
        for account, arn in arg.get("users", []):
            path = "/" + arn.split(":user/", 1)[1].rsplit("/", 1)[0] + "/" if arn.split(":user/", 1)[1].count("/") else "/"
            client(account, "iam").create_user(UserName=name(arn), Path=path)
        for account, bucket, policy in arg.get("bucket_policies", []):
            client(account, "s3").put_bucket_policy(Bucket=bucket, Policy=policy)
        for account, region, key_id in arg.get("keys", []):
            admins = {"Version": "2012-10-17", "Statement": [{"Sid": "KeyAdministrators", "Effect": "Allow",
                      "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"}]}
            client(account, "kms", region).create_key(Policy=json.dumps(admins), Tags=[{"TagKey": "xacct:key-id", "TagValue": key_id}])
    elif command == "managed-policy":
        # {"account", "role", "name", "policy", "as": "boundary" | "attached"} → the policy's ARN.
        # Creates a customer managed policy and makes it the role's permissions boundary or attaches
        # it; {"account", "role", "remove": arn, "as": …} takes it away again.
        iam = client(arg["account"], "iam")
        role = name(arg["role"])
        if "remove" in arg:
            if arg["as"] == "boundary":
                iam.delete_role_permissions_boundary(RoleName=role)
            else:
                iam.detach_role_policy(RoleName=role, PolicyArn=arg["remove"])
            out = arg["remove"]
        else:
            out = iam.create_policy(PolicyName=arg["name"], PolicyDocument=arg["policy"])["Policy"]["Arn"]
            if arg["as"] == "boundary":
                iam.put_role_permissions_boundary(RoleName=role, PermissionsBoundary=out)
            else:
                iam.attach_role_policy(RoleName=role, PolicyArn=out)
    elif command == "group-policy":
        # {"account", "user", "group", "name", "policy"}: the user joins a new group with that inline
        # policy; {"account", "user", "group", "name", "remove": true} undoes it.
        iam = client(arg["account"], "iam")
        if arg.get("remove"):
            iam.delete_group_policy(GroupName=arg["group"], PolicyName=arg["name"])
            iam.remove_user_from_group(GroupName=arg["group"], UserName=name(arg["user"]))
            iam.delete_group(GroupName=arg["group"])
        else:
            iam.create_group(GroupName=arg["group"])
            iam.add_user_to_group(GroupName=arg["group"], UserName=name(arg["user"]))
            iam.put_group_policy(GroupName=arg["group"], PolicyName=arg["name"], PolicyDocument=arg["policy"])
    elif command == "public-access-block":
        # {"account", "bucket"}: Block Public Access fully on for the bucket.
        client(arg["account"], "s3").put_public_access_block(Bucket=arg["bucket"], PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    elif command == "bucket-settings":
        # {"account", "bucket", "kms": bool, "ownership": "ObjectWriter" | …} → {"key": key ARN or null}
        s3 = client(arg["account"], "s3")
        out = {"key": None}
        if arg.get("kms"):
            out["key"] = client(arg["account"], "kms").create_key()["KeyMetadata"]["Arn"]
            s3.put_bucket_encryption(Bucket=arg["bucket"], ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": out["key"]}}]})
        else:
            s3.put_bucket_encryption(Bucket=arg["bucket"], ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        s3.put_bucket_ownership_controls(Bucket=arg["bucket"], OwnershipControls={"Rules": [{"ObjectOwnership": arg["ownership"]}]})
    elif command == "bucket-encryption":
        # {"account", "bucket", "key"}: SSE-KMS by default with that key (ARN)
        client(arg["account"], "s3").put_bucket_encryption(Bucket=arg["bucket"], ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": arg["key"]}}]})
    elif command == "create-stacks":
        # {"stacks": [[account, region, stack name, template path]]} in deployment order →
        # {"created": [stack names], "by_hand": [logical ids the emulator's CloudFormation skipped]}
        # Each stack is created with CloudFormation CreateStack in its account and waited for. moto's
        # CloudFormation has no AWS::S3::AccessPoint or AWS::S3::BucketPolicy (it skips them): those
        # resources are then created with the template's own properties through S3 Control and S3,
        # as CloudFormation would.
        created, by_hand = [], []
        for account, region, stack, path in arg["stacks"]:
            body = open(path).read()
            cfn = client(account, "cloudformation", region)
            cfn.create_stack(StackName=stack, TemplateBody=body)
            cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
            created.append(stack)
            resources = json.loads(body)["Resources"]
            for logical_id, resource in resources.items():
                props = resource["Properties"]
                if resource["Type"] == "AWS::S3::AccessPoint":
                    control = client(account, "s3control", region)
                    extra = {k: props[k] for k in ("VpcConfiguration", "PublicAccessBlockConfiguration") if k in props}
                    control.create_access_point(AccountId=account, Name=props["Name"], Bucket=props["Bucket"],
                                                BucketAccountId=props["BucketAccountId"], **extra)
                    if "Policy" in props:
                        control.put_access_point_policy(AccountId=account, Name=props["Name"], Policy=json.dumps(props["Policy"]))
                    by_hand.append(logical_id)
                elif resource["Type"] == "AWS::S3::BucketPolicy":
                    client(account, "s3", region).put_bucket_policy(Bucket=props["Bucket"], Policy=json.dumps(props["PolicyDocument"]))
                    by_hand.append(logical_id)
        out = {"created": created, "by_hand": by_hand}
    elif command == "organization":
        # {"management": account, "members": {account: ou_name}, "scps": {ou_name: policy},
        #  "rcps": {ou_name: policy}} → {"id": org id, "ous": {ou_name: ou id}, "policies": {ou_name: policy id}}
        # An organization whose root has SCPs and RCPs enabled (FullAWSAccess and RCPFullAWSAccess at
        # the root), one OU per name holding its members, each OU with the given policies as well.
        org = client(arg["management"], "organizations")
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        root = org.list_roots()["Roots"][0]["Id"]
        for kind in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
            org.enable_policy_type(RootId=root, PolicyType=kind)
        ous, policies = {}, {}
        for account, ou_name in arg["members"].items():
            if ou_name not in ous:
                # AWS (and moto) attach FullAWSAccess and RCPFullAWSAccess to a new OU and account.
                ous[ou_name] = org.create_organizational_unit(ParentId=root, Name=ou_name)["OrganizationalUnit"]["Id"]
            created = org.create_account(AccountName=account, Email=f"{account}@join.invalid")
            assert created["CreateAccountStatus"]["AccountId"] == account, created
            org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ous[ou_name])
        for key, kind in (("scps", "SERVICE_CONTROL_POLICY"), ("rcps", "RESOURCE_CONTROL_POLICY")):
            for ou_name, policy in arg.get(key, {}).items():
                made = org.create_policy(Name=f"{ou_name}-{key}", Description="test", Type=kind, Content=json.dumps(policy))
                policy_id = made["Policy"]["PolicySummary"]["Id"]
                org.attach_policy(PolicyId=policy_id, TargetId=ous[ou_name])
                policies[f"{ou_name}-{key}"] = policy_id
        out = {"id": org_id, "root": root, "ous": ous, "policies": policies}
    elif command == "read":
        # documents as in render_json → what is stored for each, or null
        out = []
        for d in arg:
            acct, kind, target = d["account"], d["kind"], d["target"]
            stored = None
            try:
                if kind == "role":
                    stored = client(acct, "iam").get_role(RoleName=name(target))["Role"]["RoleName"]
                elif kind == "role-trust-policy":
                    doc = client(acct, "iam").get_role(RoleName=name(target))["Role"]["AssumeRolePolicyDocument"]
                    stored = doc if isinstance(doc, dict) else json.loads(urllib.parse.unquote(doc))
                elif kind == "role-inline-policy":
                    doc = client(acct, "iam").get_role_policy(RoleName=name(target), PolicyName=d["name"])["PolicyDocument"]
                    stored = doc if isinstance(doc, dict) else json.loads(urllib.parse.unquote(doc))
                elif kind == "user-inline-policy":
                    doc = client(acct, "iam").get_user_policy(UserName=name(target), PolicyName=d["name"])["PolicyDocument"]
                    stored = doc if isinstance(doc, dict) else json.loads(urllib.parse.unquote(doc))
                elif kind == "access-point":
                    ap = client(acct, "s3control").get_access_point(AccountId=acct, Name=d["name"])
                    blocks = ap.get("PublicAccessBlockConfiguration", {})
                    stored = {"bucket": ap["Bucket"], "network_origin": ap.get("NetworkOrigin"),
                              "vpc": ap.get("VpcConfiguration", {}).get("VpcId"),
                              "blocks_public_access": all(blocks.get(k) for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"))}
                elif kind == "access-point-policy":
                    stored = json.loads(client(acct, "s3control").get_access_point_policy(AccountId=acct, Name=d["name"])["Policy"])
                elif kind == "key-policy":
                    stored = json.loads(client(acct, "kms", d.get("region", "us-east-1")).get_key_policy(KeyId=d["target"], PolicyName="default")["Policy"])
                elif kind == "bucket-policy":
                    stored = json.loads(client(acct, "s3").get_bucket_policy(Bucket=d["name"])["Policy"])
            except Exception as e:  # a missing resource reads as null
                if not any(code in str(e) for code in ("NoSuch", "404", "NotFound")):
                    raise
            out.append(stored)
    elif command == "configuration-items":
        # documents as in render_json → the AWS Config configuration item of each resource they are
        # on, built from what is stored, in the shapes Config records (AWS Config resource schema):
        # IAM documents URL-encoded (RFC 3986) in `configuration`, an access point's policy as JSON,
        # bucket and key policies as text in `supplementaryConfiguration`.
        def encoded(doc):
            text = doc if isinstance(doc, str) else json.dumps(doc, separators=(",", ":"))
            return urllib.parse.quote(urllib.parse.unquote(text) if text.startswith("%") else text, safe="-._~")
        items = {}
        for d in arg:
            acct, kind, target = d["account"], d["kind"], d["target"]
            region = d.get("region") or "us-east-1"
            if kind in ("role", "role-trust-policy", "role-inline-policy") and target not in items:
                iam = client(acct, "iam")
                role = iam.get_role(RoleName=name(target))["Role"]
                policies = [{"policyName": p, "policyDocument": encoded(iam.get_role_policy(RoleName=name(target), PolicyName=p)["PolicyDocument"])}
                            for p in iam.list_role_policies(RoleName=name(target))["PolicyNames"]]
                tags = [{"key": t["Key"], "value": t["Value"]} for t in iam.list_role_tags(RoleName=name(target))["Tags"]]
                items[target] = {"resourceType": "AWS::IAM::Role", "ARN": target, "resourceName": role["RoleName"], "awsAccountId": acct,
                                 "configuration": {"roleName": role["RoleName"], "arn": target, "path": role["Path"],
                                                   "assumeRolePolicyDocument": encoded(role["AssumeRolePolicyDocument"]),
                                                   "rolePolicyList": policies, "tags": tags}}
            elif kind == "user-inline-policy" and target not in items:
                iam = client(acct, "iam")
                policies = [{"policyName": p, "policyDocument": encoded(iam.get_user_policy(UserName=name(target), PolicyName=p)["PolicyDocument"])}
                            for p in iam.list_user_policies(UserName=name(target))["PolicyNames"]]
                items[target] = {"resourceType": "AWS::IAM::User", "ARN": target, "resourceName": name(target), "awsAccountId": acct,
                                 "configuration": {"userName": name(target), "arn": target, "userPolicyList": policies}}
            elif kind in ("access-point", "access-point-policy") and target not in items:
                control = client(acct, "s3control", region)
                ap = control.get_access_point(AccountId=acct, Name=d["name"])
                try:
                    policy = json.loads(control.get_access_point_policy(AccountId=acct, Name=d["name"])["Policy"])
                except Exception as e:
                    if "NoSuch" not in str(e):
                        raise
                    policy = None
                configuration = {"Name": ap["Name"], "Bucket": ap["Bucket"], "NetworkOrigin": ap.get("NetworkOrigin"),
                                 "PublicAccessBlockConfiguration": ap.get("PublicAccessBlockConfiguration", {})}
                if policy is not None:
                    configuration["Policy"] = policy
                if "VpcConfiguration" in ap:
                    configuration["VpcConfiguration"] = ap["VpcConfiguration"]
                items[target] = {"resourceType": "AWS::S3::AccessPoint", "ARN": target, "resourceName": ap["Name"], "awsAccountId": acct,
                                 "awsRegion": region, "configuration": configuration}
            elif kind == "bucket-policy" and target not in items:
                try:
                    text = client(acct, "s3").get_bucket_policy(Bucket=d["name"])["Policy"]
                except Exception as e:
                    if "NoSuch" not in str(e):
                        raise
                    text = None
                items[target] = {"resourceType": "AWS::S3::Bucket", "ARN": target, "resourceName": d["name"], "awsAccountId": acct,
                                 "configuration": {"name": d["name"]},
                                 "supplementaryConfiguration": {"BucketPolicy": {"policyText": text}}}
            elif kind == "key-policy" and target not in items:
                text = client(acct, "kms", region).get_key_policy(KeyId=target, PolicyName="default")["Policy"]
                items[target] = {"resourceType": "AWS::KMS::Key", "ARN": target, "awsAccountId": acct, "awsRegion": region,
                                 "configuration": {"keyId": name(target)}, "supplementaryConfiguration": {"Policy": text}}
        out = list(items.values())
    elif command == "add-key-statements":
        # {"account", "region", "key", "statements"}: statements added to a key policy by its owners
        kms = client(arg["account"], "kms", arg["region"])
        policy = json.loads(kms.get_key_policy(KeyId=arg["key"], PolicyName="default")["Policy"])
        policy["Statement"].extend(arg["statements"])
        kms.put_key_policy(KeyId=arg["key"], PolicyName="default", Policy=json.dumps(policy))
    elif command == "put-access-point-policy":
        # {"account", "name", "policy"}
        client(arg["account"], "s3control").put_access_point_policy(AccountId=arg["account"], Name=arg["name"], Policy=arg["policy"])
    elif command == "create-access-point":
        # {"account", "name", "bucket"}: someone else's access point
        client(arg["account"], "s3control").create_access_point(AccountId=arg["account"], Name=arg["name"], Bucket=arg["bucket"])
    elif command == "update-trust":
        # {"account", "role", "policy"}: a trust policy written out of band
        client(arg["account"], "iam").update_assume_role_policy(RoleName=arg["role"], PolicyDocument=arg["policy"])
    elif command == "forge-parameter":
        # {"account", "name", "value"}: a record parameter written by a second identity, one that may
        # write SSM parameters and nothing else
        client(arg["account"], "ssm", role="record-writer").put_parameter(
            Name=arg["name"], Value=arg["value"], Type="String", Overwrite=True)
    elif command == "delete-parameter":
        # {"account", "name"}
        client(arg["account"], "ssm").delete_parameter(Name=arg["name"])
    elif command == "parameters":
        # {"account", "path"}: name -> value of every parameter under the path
        ssm = client(arg["account"], "ssm")
        pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=arg["path"], Recursive=True)
        out = {p["Name"]: p["Value"] for page in pages for p in page["Parameters"]}
    elif command == "tag-role":
        # {"account", "role", "key", "value"}: a tag written by an identity with only iam:TagRole
        client(arg["account"], "iam", role="tagger").tag_role(RoleName=arg["role"], Tags=[{"Key": arg["key"], "Value": arg["value"]}])
    elif command == "create-role":
        # {"account", "role", "inline": [names]}: someone else's role with inline policies of its own
        iam = client(arg["account"], "iam")
        iam.create_role(RoleName=arg["role"], AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}')
        for policy in arg.get("inline", []):
            iam.put_role_policy(RoleName=arg["role"], PolicyName=policy, PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
    elif command == "role-policies":
        # {"account", "role"}: the role's inline policy names, or null when the role does not exist
        try:
            out = client(arg["account"], "iam").list_role_policies(RoleName=arg["role"])["PolicyNames"]
        except Exception as e:
            if "NoSuchEntity" not in str(e):
                raise
    elif command == "access-points":
        # {"account"}: the names of its access points
        out = sorted(a["Name"] for a in client(arg["account"], "s3control").list_access_points(AccountId=arg["account"]).get("AccessPointList", []))
    elif command == "count-roles":
        out = len(client(arg["account"], "iam").list_roles()["Roles"])
    elif command == "count-access-points":
        out = len(client(arg["account"], "s3control").list_access_points(AccountId=arg["account"]).get("AccessPointList", []))
    return out


def serve():
    """One request per line on stdin (`{"endpoint", "command", "arg"}`), one answer per line on
    stdout (`{"ok": answer}` or `{"error": traceback}`): a test starts one fixture process and
    pays for importing boto3 once, not once per call."""
    global endpoint
    for line in sys.stdin:
        request = json.loads(line)
        endpoint = request["endpoint"]
        try:
            answer = {"ok": run(request["command"], request["arg"])}
        except Exception:  # reported to the test, which fails naming the command
            answer = {"error": traceback.format_exc()}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        endpoint = sys.argv[1]
        print(json.dumps(run(sys.argv[2], json.loads(sys.argv[3]))))
