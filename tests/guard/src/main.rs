//! `xacct-guard RULES DATA`: evaluates the Guard rules file against the JSON data file with
//! AWS's Guard engine and prints its JSON report (`status` PASS, FAIL or SKIP, the rules that
//! failed with their messages). Exit 0 when it ran, 2 when the rules or data cannot be read.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rules, data] = args.as_slice() else {
        eprintln!("usage: xacct-guard RULES DATA");
        return ExitCode::from(2);
    };
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let result = read(rules).and_then(|rules_text| {
        let data_text = read(data)?;
        cfn_guard::run_checks(
            cfn_guard::ValidateInput {
                content: &data_text,
                file_name: data,
            },
            cfn_guard::ValidateInput {
                content: &rules_text,
                file_name: rules,
            },
            false,
        )
        .map_err(|e| format!("{rules}: {e}"))
    });
    match result {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xacct-guard: {e}");
            ExitCode::from(2)
        }
    }
}
