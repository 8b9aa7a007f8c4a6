"""Generates the two crates of bench/build-cost.sh: 200 grants with `grants!`, or the same
documents written by hand with `serde_json::json!`."""
import json, os, sys

kind, out, root = sys.argv[1:4]
os.makedirs(os.path.join(out, "src"), exist_ok=True)
deps = {
    "checked": f'policy-core = {{ path = "{root}/policy-core" }}\npolicy-macros = {{ path = "{root}/policy-macros" }}',
    "handwritten": 'serde_json = "1"',
}[kind]
open(os.path.join(out, "Cargo.toml"), "w").write(
    f'[package]\nname = "bench-{kind}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n{deps}\n\n[workspace]\n'
)

if kind == "checked":
    grants = []
    for i in range(200):
        grants.append(f"""        grant reader_{i:03} {{
            requester: "arn:aws:iam::{100000000000 + i}:role/team-{i:03}-etl",
            assume_role: "arn:aws:iam::222222222222:role/reader-{i:03}",
            access_point: "arn:aws:s3:us-east-1:222222222222:accesspoint/share-{i:03}",
            bucket: "shared-bucket-{i // 10:02}",
            actions: [s3:GetObject, s3:ListBucket],
            prefixes: ["team-{i:03}/"],
            external_id: "team-{i:03}",
        }}
""")
    src = "policy_macros::grants! {\n    pub static BENCH = {\n" + "".join(grants) + "    };\n}\n\nfn main() {\n    println!(\"{}\", BENCH.render_json());\n}\n"
else:
    docs = json.load(open(sys.argv[4]))
    # One function per document, as a person would write them (one giant `vec![json!(...)]`
    # exhausts rustc's memory).
    fns = "".join(f"fn document_{i}() -> serde_json::Value {{\n    serde_json::json!({json.dumps(d, indent=None)})\n}}\n\n" for i, d in enumerate(docs))
    calls = ", ".join(f"document_{i}()" for i in range(len(docs)))
    src = f"{fns}fn main() {{\n    let documents = vec![{calls}];\n    println!(\"{{}}\", serde_json::Value::Array(documents));\n}}\n"
open(os.path.join(out, "src", "main.rs"), "w").write(src)
