//! `vbdt verify`'s reports written file by file as they are made (text, JSON, JSON Lines,
//! JUnit), then a summary: nothing is kept per file but the counts, so memory does not
//! grow with the number of files.

use std::io::{self, Write};
use std::time::Instant;

use pdf_verify::report::{self, Outcome, Style, JSON_REPORT_VERSION};
use pdf_verify::verdict::Verdict;
use pdf_verify::Lang;
use serde_json::json;
use time::OffsetDateTime;

use crate::cmd_verify::Format;
use crate::exit;

/// The verdicts counted in the summary, in this order.
const VERDICTS: [&str; 5] = ["valid", "invalid", "indeterminate", "unsigned", "unreadable"];

/// The verdict of an outcome, as in the JSON report.
fn verdict_of(o: &Outcome) -> &'static str {
    match o {
        Outcome::Error(_) => "unreadable",
        Outcome::Report(r) => match r.verdict {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Indeterminate => "indeterminate",
            Verdict::Unsigned => "unsigned",
        },
    }
}

/// The exit code of one outcome; a batch takes the worst ([`exit::worst`]): unreadable
/// input before invalid or unsigned before indeterminate; done when every file is valid.
pub fn code_of(o: &Outcome) -> exit::Outcome {
    match o {
        Outcome::Error(_) => exit::BAD_INPUT,
        Outcome::Report(r) => match r.verdict {
            Verdict::Valid => exit::OK,
            Verdict::Invalid | Verdict::Unsigned => exit::INVALID,
            Verdict::Indeterminate => exit::INDETERMINATE,
        },
    }
}

/// How the run's online evidence was had, for the summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fetches {
    /// OCSP and CRL requests sent.
    pub requests: u64,
    /// OCSP responses and CRLs read from the disk cache.
    pub cache_hits: u64,
}

/// Writes the reports of one run to `out`.
pub struct ReportWriter<W: Write> {
    out: W,
    format: Format,
    lang: Lang,
    style: Style,
    quiet: bool,
    started: Instant,
    at: OffsetDateTime,
    counts: [u64; 5],
    code: exit::Outcome,
    /// JSON: a file was written (the next one needs a comma).
    any: bool,
    /// JSON: the whole document on one line (as `--bundle` always wrote it).
    pub one_line: bool,
}

impl<W: Write> ReportWriter<W> {
    /// Starts the report (`at`: the validation time, for the summary).
    pub fn begin(out: W, format: Format, lang: Lang, style: Style, quiet: bool, at: OffsetDateTime) -> io::Result<Self> {
        let mut w = ReportWriter {
            out,
            format,
            lang,
            style,
            quiet,
            started: Instant::now(),
            at,
            counts: [0; 5],
            code: exit::OK,
            any: false,
            one_line: false,
        };
        match format {
            Format::Json => write!(
                w.out,
                "{{\"vbdt_report\": {JSON_REPORT_VERSION}, \"vbdt_version\": \"{}\", \"files\": [",
                env!("CARGO_PKG_VERSION")
            )?,
            Format::Junit => writeln!(w.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vbdt verify\">")?,
            Format::Text | Format::Jsonl => {}
        }
        Ok(w)
    }

    /// Writes one file's report and counts it.
    pub fn file(&mut self, o: &Outcome) -> io::Result<()> {
        let v = verdict_of(o);
        if let Some(i) = VERDICTS.iter().position(|x| *x == v) {
            self.counts[i] += 1;
        }
        self.code = exit::worst([self.code, code_of(o)]);
        match self.format {
            Format::Json => {
                let sep = if self.any { "," } else { "" };
                self.any = true;
                let value = report::outcome_json(o, self.lang);
                if self.one_line {
                    write!(self.out, "{sep}{value}")?;
                } else {
                    write!(self.out, "{sep}\n{}", serde_json::to_string_pretty(&value).unwrap_or_default())?;
                }
            }
            Format::Jsonl => writeln!(self.out, "{}", report::outcome_json(o, self.lang))?,
            Format::Junit => self.out.write_all(report::junit_suite(o, self.lang).xml.as_bytes())?,
            // Unreadable files are said on stderr (one line each), as before.
            Format::Text if matches!(o, Outcome::Error(_)) => {}
            Format::Text => {
                let text = report::text(o, self.lang, self.style);
                if self.quiet {
                    writeln!(self.out, "{}", text.lines().next().unwrap_or_default())?;
                } else {
                    self.out.write_all(text.as_bytes())?;
                }
            }
        }
        self.out.flush()
    }

    /// Writes `text` as is (text reports only: the bundle decision).
    pub fn raw(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())
    }

    /// The summary as JSON.
    fn summary_json(&self, fetches: Fetches) -> serde_json::Value {
        let mut counts = serde_json::Map::new();
        for (name, n) in VERDICTS.iter().zip(self.counts) {
            counts.insert((*name).to_string(), json!(n));
        }
        json!({
            "files": self.counts.iter().sum::<u64>(),
            "verdicts": counts,
            "seconds": (self.started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
            "validation_time": report::fmt_time(self.at),
            "revocation_requests": fetches.requests,
            "revocation_cache_hits": fetches.cache_hits,
        })
    }

    /// The one-line summary of the text report.
    fn summary_line(&self) -> String {
        let [valid, invalid, indeterminate, unsigned, unreadable] = self.counts;
        let n: u64 = self.counts.iter().sum();
        let secs = self.started.elapsed().as_secs_f64();
        match self.lang {
            Lang::Vi => format!(
                "Tổng cộng {n} tệp: {valid} hợp lệ, {invalid} không hợp lệ, {indeterminate} chưa xác định, {unsigned} chưa ký, {unreadable} không đọc được ({secs:.1} giây)"
            ),
            Lang::En => format!(
                "{n} files: {valid} valid, {invalid} invalid, {indeterminate} indeterminate, {unsigned} unsigned, {unreadable} unreadable ({secs:.1} s)"
            ),
        }
    }

    /// Ends the report with the summary; the run's exit code. `extra` (JSON only): more
    /// top-level members, e.g. the bundle decision.
    pub fn finish(mut self, fetches: Fetches, extra: Option<(&str, serde_json::Value)>) -> io::Result<exit::Outcome> {
        let summary = self.summary_json(fetches);
        match self.format {
            Format::Json => {
                let nl = if self.one_line { "" } else { "\n" };
                write!(self.out, "{nl}], \"summary\": {summary}")?;
                if let Some((key, value)) = extra {
                    write!(self.out, ", {}: {value}", json!(key))?;
                }
                writeln!(self.out, "}}")?;
            }
            Format::Jsonl => {
                let line = json!({"vbdt_report": JSON_REPORT_VERSION, "vbdt_version": env!("CARGO_PKG_VERSION"), "summary": summary});
                writeln!(self.out, "{line}")?;
            }
            Format::Junit => writeln!(self.out, "</testsuites>")?,
            Format::Text => writeln!(self.out, "{}", self.summary_line())?,
        }
        self.out.flush()?;
        Ok(self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdf_verify::report::FileError;

    fn unreadable(name: &str) -> Outcome {
        Outcome::Error(FileError {
            file: name.into(), sha256: None, error: pdf_verify::verdict::Msg::new("cannot read", "không đọc được")
        })
    }

    #[test]
    fn json_stream_is_one_document_with_a_summary() {
        let mut buf = Vec::new();
        let at = OffsetDateTime::now_utc();
        let mut w = ReportWriter::begin(&mut buf, Format::Json, Lang::En, Style { color: false }, false, at).unwrap();
        w.file(&unreadable("a.pdf")).unwrap();
        w.file(&unreadable("b.pdf")).unwrap();
        let code = w.finish(Fetches { requests: 2, cache_hits: 1 }, None).unwrap();
        assert_eq!(code, exit::BAD_INPUT);
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["files"].as_array().unwrap().len(), 2);
        assert_eq!(v["files"][1]["file"], "b.pdf");
        assert_eq!(v["summary"]["verdicts"]["unreadable"], 2);
        assert_eq!(v["summary"]["revocation_requests"], 2);
        assert_eq!(v["vbdt_version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn jsonl_is_one_object_a_line_then_the_summary() {
        let mut buf = Vec::new();
        let mut w =
            ReportWriter::begin(&mut buf, Format::Jsonl, Lang::En, Style { color: false }, false, OffsetDateTime::now_utc()).unwrap();
        w.file(&unreadable("a.pdf")).unwrap();
        w.finish(Fetches::default(), None).unwrap();
        let lines: Vec<serde_json::Value> =
            buf.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["verdict"], "unreadable");
        assert_eq!(lines[1]["summary"]["files"], 1);
    }

    #[test]
    fn empty_runs_are_well_formed() {
        let mut buf = Vec::new();
        let w = ReportWriter::begin(&mut buf, Format::Json, Lang::Vi, Style { color: false }, false, OffsetDateTime::now_utc()).unwrap();
        assert_eq!(w.finish(Fetches::default(), None).unwrap(), exit::OK);
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["files"].as_array().unwrap().len(), 0);
    }
}
