"""A fault-injecting HTTP proxy between the AWS SDK and the local emulator, for the deploy tests.

    python fault_proxy.py UPSTREAM

Serves on a free loopback port, printed as the first line of stdout, and forwards every request to
UPSTREAM. Faults are set while it runs, with `POST /__faults` and a JSON body:

    {"rate": 0.2, "kinds": ["503", "throttle"], "seed": 7, "writes_only": false, "first_only": false,
     "latency_ms": 40}

- latency_ms: every request waits this long before it is forwarded (as AWS's control planes
  answer in tens of milliseconds; the emulator answers in one), whatever the faults;

- kinds: "delay" (answers 0.3 s late), "hang" (never answers), "503" (ServiceUnavailable),
  "throttle" (400 Throttling), "reset-before" (closes the connection without forwarding),
  "reset-after" (forwards, so the emulator acts, then closes without answering), "html502" (a
  gateway's HTML error page), "interleave" (another writer puts the bucket policy right after a
  PutBucketPolicy, from the version before it: a lost update);
- writes_only: only requests that change something (not Get*, List*, Describe*, STS);
- first_only: only the first time a given request is seen (its retries pass), which makes
  "the write happened but its answer was lost" deterministic.

- replay: "record" stores every answer the emulator gives, "off" stops; `{"dump": PATH}` writes
  the recording to PATH as JSON for bench/deploy-calls' replaying server (src/replay.rs, which
  answers many requests at once: this one process answers about 160 a second), with the account of
  every access key an AssumeRole answer handed out (a request is the same request when its
  account, method, path and body are). For benchmarks of read-only work (a plan): writes change
  what a later read answers.

`GET /__faults` answers the counts: {"requests": n, "faults": n, "by_kind": {...}}.
"""
import http.client
import http.server
import json
import random
import socket
import sys
import threading
import time
import urllib.parse

upstream = urllib.parse.urlparse(sys.argv[1])
lock = threading.Lock()
state = {"rate": 0.0, "kinds": [], "writes_only": False, "first_only": False, "latency_ms": 0}
rng = random.Random(0)
seen = set()
interleaved = set()
counts = {"requests": 0, "faults": 0, "by_kind": {}}
recorded = {}
account_of_key = {}

READ_PREFIXES = ("Get", "List", "Describe")


def is_write(method, headers, body):
    if method in ("PUT", "DELETE"):
        return True
    if method != "POST":
        return False
    target = headers.get("X-Amz-Target", "")
    if target:
        action = target.rsplit(".", 1)[-1]
    else:
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
    return bool(action) and not action.startswith(READ_PREFIXES) and action not in ("AssumeRole", "GetCallerIdentity")


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # An answer's head and body are two writes: without TCP_NODELAY, Nagle's algorithm holds the
    # body until the client acknowledges the head, which it delays (up to 40 ms a response).
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self, method, body):
        with lock:
            if method == "POST":
                new = json.loads(body or b"{}")
                state.update({k: new[k] for k in ("rate", "kinds", "writes_only", "first_only", "latency_ms", "replay") if k in new})
                rng.seed(new.get("seed", 0))
                if new.get("replay") == "record":  # a new recording: the old one goes
                    recorded.clear()
                if "dump" in new:
                    with open(new["dump"], "w") as out:
                        json.dump({
                            "answers": [[account, method, path, body.hex(), status, headers, data.hex()]
                                        for (account, method, path, body), (status, headers, data) in recorded.items()],
                            "account_of_key": account_of_key,
                        }, out)
                seen.clear()
                interleaved.clear()
            self.answer(200, json.dumps(counts).encode())

    def fault(self, method, body):
        with lock:
            counts["requests"] += 1
            if not state["kinds"] or state["rate"] <= 0:
                return None
            if state["writes_only"] and not is_write(method, self.headers, body):
                return None
            if state["first_only"]:
                key = (method, self.path, body)
                if key in seen:
                    return None
                seen.add(key)
            if rng.random() >= state["rate"]:
                return None
            kind = rng.choice(state["kinds"])
            counts["faults"] += 1
            counts["by_kind"][kind] = counts["by_kind"].get(kind, 0) + 1
            return kind

    def forward(self, method, body):
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(method, self.path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response, data

    def error(self, kind, method, body):
        """An error in the protocol of the service called, as AWS sends it."""
        if self.headers.get("X-Amz-Target"):  # JSON protocol (SSM)
            code = "ThrottlingException" if kind == "throttle" else "InternalServerError"
            status = 400 if kind == "throttle" else 503
            data = json.dumps({"__type": code, "message": "injected"}).encode()
            return self.answer(status, data, "application/x-amz-json-1.1")
        if method == "POST" and b"Action=" in body:  # query protocol (IAM, STS)
            code, status = ("Throttling", 400) if kind == "throttle" else ("ServiceUnavailable", 503)
            data = f"<ErrorResponse><Error><Type>Receiver</Type><Code>{code}</Code><Message>injected</Message></Error><RequestId>x</RequestId></ErrorResponse>"
            return self.answer(status, data.encode(), "text/xml")
        # REST-XML (S3, S3 Control): S3 throttles with 503 SlowDown.
        code = "SlowDown" if kind == "throttle" else "ServiceUnavailable"
        inner = f"<Error><Code>{code}</Code><Message>injected</Message></Error>"
        data = f"<ErrorResponse>{inner}</ErrorResponse>" if self.path.startswith("/v20180820") else inner
        return self.answer(503, data.encode(), "application/xml")

    def interleave(self, body):
        """Someone else writes the bucket policy right after ours, from the version before ours
        (a lost update): their statement `Interleaved` added, ours gone."""
        before, old = self.forward_as("GET", b"")
        statements = json.loads(old)["Statement"] if before.status == 200 else []
        response, data = self.forward("PUT", body)
        theirs = {"Version": "2012-10-17", "Statement": statements + [{
            "Sid": "Interleaved", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + self.path.split("?")[0].strip("/") + "/interleaved/*"}]}
        self.forward_as("PUT", json.dumps(theirs).encode())
        self.send_response(response.status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def forward_as(self, method, body):
        """The request's headers (moto checks no signature) with another method and body."""
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        skip = ("connection", "keep-alive", "content-length", "content-md5", "x-amz-content-sha256")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip and not k.lower().startswith("x-amz-checksum") and k.lower() != "x-amz-sdk-checksum-algorithm"}
        headers["Content-Length"] = str(len(body))
        conn.request(method, self.path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response, data

    def request_key(self, method, body):
        auth = self.headers.get("Authorization", "")
        akid = auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else ""
        with lock:
            account = account_of_key.get(akid, akid)
        return (account, method, self.path, body)

    def learn_keys(self, data):
        """An AssumeRole answer: its access key belongs to the role's account."""
        text = data.decode("utf-8", "replace")
        if "<AssumeRoleResult>" not in text:
            return
        akid = text.split("<AccessKeyId>", 1)[1].split("</AccessKeyId>", 1)[0]
        arn = text.split("<Arn>", 1)[1].split("</Arn>", 1)[0]
        with lock:
            account_of_key[akid] = arn.split(":")[4]

    def drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_any(self, method):
        body = self.body()
        if self.path.startswith("/__faults"):
            return self.control(method, body)
        latency = state.get("latency_ms", 0)
        if latency:
            time.sleep(latency / 1000)
        kind = self.fault(method, body)
        if kind == "hang":
            time.sleep(3600)
            return
        if kind == "reset-before":
            return self.drop()
        if kind in ("503", "throttle"):
            return self.error(kind, method, body)
        if kind == "html502":  # a gateway in the way, as a wrong endpoint answers
            return self.answer(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
        if kind == "delay":
            time.sleep(0.3)
        if kind == "interleave" and method == "PUT" and "policy" in self.path and not self.path.startswith("/v20180820"):
            with lock:
                first = self.path not in interleaved
                interleaved.add(self.path)
            if first:  # once per bucket: then the writer has had its say
                return self.interleave(body)
        response, data = self.forward(method, body)
        if kind == "reset-after":
            return self.drop()
        headers = [(k, v) for k, v in response.getheaders() if k.lower() not in ("transfer-encoding", "connection", "content-length")]
        self.learn_keys(data)
        if state.get("replay") == "record":
            key = self.request_key(method, body)
            with lock:
                recorded.setdefault(key, (response.status, headers, data))
        self.send_response(response.status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_HEAD(self):
        self.handle_any("HEAD")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Proxy)
print(server.server_address[1], flush=True)
server.serve_forever()
