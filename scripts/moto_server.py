"""moto's server with fixes the AWS SDK for Rust needs and gaps filled for the tests
(ARCHITECTURE.md "The local AWS").

- moto answers S3 Control calls with `<XxxResponse>` as the XML root element where the Rust SDK
  requires `<XxxResult>`. This wraps moto's WSGI app and renames the root element of S3 Control
  responses (paths under /v20180820/), errors excepted; everything else passes through untouched.
- moto has no InviteAccountToOrganization: accounts join an organization only through
  CreateAccount, with a random id. An account created with the email `<12 digits>@join.invalid`
  gets that id instead, so a test can put the accounts it deploys to into an organization.
- KMS gives every new key a random id, where grants name their key by ARN at compile time. A key
  created with the tag `xacct:key-id=<id>` gets that id instead (AWS never lets a caller choose).
- SSM's `LastModifiedUser` is the literal `N/A` in moto, where AWS gives the ARN of the identity
  that wrote the parameter last (`DescribeParameters`, `GetParameterHistory`). A parameter written
  with an assumed role's credentials gets that session's ARN, so a test can see who forged an
  entry of a deployment's record.
- SSM's `DescribeParameters` gives up to `MaxResults` (1-50) parameters a page ("DescribeParameters",
  SSM API reference); moto gives 10 whatever is asked, which made listing a large deployment's
  record five times as many calls, one after the other, as against AWS. Pages follow MaxResults.
- moto lists its own package directory (a `listdir` and ~170 `stat`s) to route every request, and
  lists a response class's methods with `inspect` for every call: a third of each call's time.
  Both answers are fixed while the server runs, so they are computed once. Behaviour is unchanged;
  the emulator answers sooner, which is what the deploy benchmark's concurrency is measured against.

    python moto_server.py HOST PORT
"""
import re
import sys

import functools

from moto import backends
from moto.core import responses
from moto.kms import models as kms
from moto.organizations import models as organizations
from moto.server import DomainDispatcherApplication, create_backend_app
from moto.ssm import models as ssm_models
from moto.ssm import responses as ssm_responses
from moto.sts.models import sts_backends
from werkzeug.serving import run_simple

# Errors keep their `<ErrorResponse>` root, which is what the SDK parses an error code from.
ROOT = re.compile(rb"^(\s*(?:<\?xml[^>]*\?>\s*)?)<((?!ErrorResponse)\w+)Response(\s|>)(.*)</\2Response>(\s*)$", re.S)


def s3control_fix(app):
    def wrapped(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/v20180820/"):
            return app(environ, start_response)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(app(environ, capture))
        body = ROOT.sub(rb"\1<\2Result\3\4</\2Result>\5", body)
        headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in captured["headers"]]
        start_response(captured["status"], headers)
        return [body]

    return wrapped


JOIN = re.compile(r"^(\d{12})@join\.invalid$")
_account_init = organizations.FakeAccount.__init__


def _account_with_chosen_id(self, organization, **kwargs):
    _account_init(self, organization, **kwargs)
    joined = JOIN.match(kwargs.get("Email", ""))
    if joined:
        self.id = joined.group(1)


organizations.FakeAccount.__init__ = _account_with_chosen_id

_create_key = kms.KmsBackend.create_key


def _key_with_chosen_id(self, policy, key_usage, key_spec, description, tags, *args, **kwargs):
    key = _create_key(self, policy, key_usage, key_spec, description, tags, *args, **kwargs)
    chosen = next((t["TagValue"] for t in tags or [] if t.get("TagKey") == "xacct:key-id"), None)
    if chosen:
        del self.keys[key.id]
        key.arn = key.arn.replace(key.id, chosen)
        key.id = chosen
        self.keys[chosen] = key
        self.tagger.tag_resource(chosen, tags)
    return key


kms.KmsBackend.create_key = _key_with_chosen_id

_put_parameter = ssm_responses.SimpleSystemManagerResponse.put_parameter


def _put_parameter_with_writer(self):
    result = _put_parameter(self)
    writer = "N/A"
    try:
        role = sts_backends[self.current_account]["aws"].get_assumed_role_from_access_key(self.get_access_key())
        if role is not None:
            writer = role.arn
    except Exception:  # an unknown caller keeps moto's answer
        pass
    written = self.ssm_backend.get_parameter(self._get_param("Name"))
    if written is not None:
        written.xacct_writer = writer
    return result


ssm_responses.SimpleSystemManagerResponse.put_parameter = _put_parameter_with_writer
_describe_parameter = ssm_models.Parameter.describe_response_object


def _describe_with_writer(self, *args, **kwargs):
    answer = _describe_parameter(self, *args, **kwargs)
    answer["LastModifiedUser"] = getattr(self, "xacct_writer", "N/A")
    return answer


ssm_models.Parameter.describe_response_object = _describe_with_writer


def _describe_parameters_by_max_results(self):
    """moto's DescribeParameters, with AWS's page size: up to MaxResults (1-50) a page."""
    page_size = int(self._get_param("MaxResults") or 10)
    token = str(self._get_param("NextToken") or "0").strip() or "0"
    start = int(token)
    result = self.ssm_backend.describe_parameters(self._get_param("Filters"), self._get_param("ParameterFilters"))
    page = result[start:start + page_size]
    response = {"Parameters": [p.describe_response_object(False) for p in page]}
    if start + page_size < len(result):
        response["NextToken"] = str(start + page_size)
    return ssm_responses.ActionResult(response)


ssm_responses.SimpleSystemManagerResponse.describe_parameters = _describe_parameters_by_max_results

_MOTO_MODULES = tuple(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: _MOTO_MODULES
responses.method_names_from_class = functools.lru_cache(maxsize=None)(responses.method_names_from_class)


if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, s3control_fix(app), threaded=True)
