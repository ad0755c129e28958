//! The JSON reports against their published schemas (docs/report-schema.json for
//! `vbdt verify --format json`, docs/chain-schema.json for `vbdt chain --format json`),
//! with a real JSON Schema validator (the `jsonschema` crate, draft 2020-12).

use std::collections::BTreeMap;
use std::process::Output;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use super::{output_text, repo_root};

/// `docs/NAME` as JSON.
pub fn schema_json(name: &str) -> Value {
    let path = repo_root().join("docs").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// The validator of `docs/NAME`, built once per test process. Panics if the schema is not
/// a valid schema (its meta-schema, or a `pattern` that is not a regular expression).
fn validator(name: &str) -> jsonschema::Validator {
    static CACHE: OnceLock<Mutex<BTreeMap<String, jsonschema::Validator>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(name.to_string())
        .or_insert_with(|| {
            let schema = schema_json(name);
            if let Err(e) = jsonschema::meta::validate(&schema) {
                panic!("docs/{name} is not a valid JSON Schema: {e} (at {})", e.instance_path());
            }
            jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("docs/{name} cannot be compiled: {e}"))
        })
        .clone()
}

/// Every way `value` breaks the schema `docs/NAME`, one line each ("PATH: what").
pub fn schema_errors(value: &Value, name: &str) -> Vec<String> {
    let v = validator(name);
    v.iter_errors(value).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// Panics (with the errors and the document) unless `value` is valid against `docs/NAME`.
pub fn assert_schema_valid(value: &Value, name: &str) {
    let errors = schema_errors(value, name);
    assert!(errors.is_empty(), "not valid against docs/{name}:\n{}\n{value:#}", errors.join("\n"));
}

/// stdout of `vbdt verify --format json` parsed, and checked against docs/report-schema.json.
pub fn report_of(out: &Output) -> Value {
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", output_text(out)));
    assert_schema_valid(&report, "report-schema.json");
    report
}

/// stdout of `vbdt chain --format json` parsed, and checked against docs/chain-schema.json.
pub fn chain_of(out: &Output) -> Value {
    let chain: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", output_text(out)));
    assert_schema_valid(&chain, "chain-schema.json");
    chain
}
