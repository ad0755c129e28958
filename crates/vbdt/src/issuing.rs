//! The clerk's issuing step (rules.md S11, S12) around `vbdt sign`:
//!
//! - personal signature: the number and date blanks found on page 1 are reserved as empty
//!   read-only text fields inside the revision the official signs;
//! - organization signature: the clerk's check of the input first (S12), then the number
//!   (`--number`, `--number-from`, `--numbers`) and the issue date (the signature's own
//!   time in Vietnam) filled into those fields, in the revision the organization signs.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::bail;
use pdf_sign::FieldFill;

use crate::signing::JobError;
use pdf_verify::signatures::{Role, SignatureKind};
use pdf_verify::verdict::{CheckStatus, Verdict};
use pdf_verify::{Lang, VerifyOptions};
use stamp_layout::blanks::{self, BlankKind};
use stamp_layout::TextFont;
use time::OffsetDateTime;

use crate::signing::KeyArgs;

fn say(vi: bool, en: String, vi_text: String) -> String {
    if vi {
        vi_text
    } else {
        en
    }
}

/// A number as a clerk writes it: starts with a digit; digits, letters, `/`, `-`, `.`; at
/// most 24 characters (the blank is narrow anyway).
pub fn check_number(n: &str, vi: bool) -> Result<(), String> {
    let ok = !n.is_empty()
        && n.len() <= 24
        && n.starts_with(|c: char| c.is_ascii_digit())
        && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(say(
            vi,
            format!("{n:?} is not a document number (a digit first, then digits, letters, '/', '-' or '.'; at most 24)"),
            format!("{n:?} không phải số văn bản (bắt đầu bằng chữ số; chỉ gồm chữ số, chữ cái, '/', '-', '.'; tối đa 24 ký tự)"),
        ))
    }
}

/// How numbers are given to a batch.
#[derive(Debug, Clone, Default)]
pub struct NumberArgs {
    pub number: Option<String>,
    pub number_from: Option<String>,
    pub numbers: Option<PathBuf>,
    /// The profile's list: used when no flag gives numbers; a file it does not name gets none.
    pub default_numbers: Option<PathBuf>,
    /// Messages in Vietnamese.
    pub vi: bool,
}

impl NumberArgs {
    pub fn any(&self) -> bool {
        self.number.is_some() || self.number_from.is_some() || self.numbers.is_some()
    }
}

/// The inputs (those on the command line, else the list's files) and each one's number.
pub fn plan_numbers(inputs: &[PathBuf], args: &NumberArgs) -> anyhow::Result<(Vec<PathBuf>, HashMap<PathBuf, String>)> {
    let mut map = HashMap::new();
    let mut inputs = inputs.to_vec();
    let vi = args.vi;
    if let Some(n) = &args.number {
        check_number(n, vi).map_err(anyhow::Error::msg)?;
        if inputs.len() != 1 {
            bail!(say(
                vi,
                "--number takes one input; for several use --number-from N (counting up) or --numbers FILE".into(),
                "--number chỉ dùng cho một tệp; nhiều tệp dùng --number-from N hoặc --numbers TỆP".into()
            ));
        }
        map.insert(inputs[0].clone(), n.clone());
    } else if let Some(start) = &args.number_from {
        let width = start.len();
        let first: u64 = start.parse().map_err(|_| {
            anyhow::anyhow!(say(
                vi,
                format!("--number-from {start:?}: give a whole number to count up from"),
                format!("--number-from {start:?}: cần một số nguyên để đếm tiếp")
            ))
        })?;
        for (i, input) in inputs.iter().enumerate() {
            let n = first + i as u64;
            // "062" counts on as "063": the width of a number written with leading zeros is kept.
            let s = if start.starts_with('0') && width > 1 { format!("{n:0width$}") } else { n.to_string() };
            map.insert(input.clone(), s);
        }
    } else if let Some(list) = args.numbers.as_ref().or(args.default_numbers.as_ref()) {
        let explicit = args.numbers.is_some();
        let listed = read_number_list(list, vi)?;
        if inputs.is_empty() {
            inputs = listed.iter().map(|(f, _)| f.clone()).collect();
        }
        for input in &inputs {
            let key = canonical(input);
            match listed.iter().find(|(f, _)| canonical(f) == key) {
                Some((_, n)) => {
                    map.insert(input.clone(), n.clone());
                }
                None if explicit => {
                    bail!(say(
                        vi,
                        format!("{}: not in the number list {}", input.display(), list.display()),
                        format!("{}: không có trong danh sách số {}", input.display(), list.display())
                    ))
                }
                None => {}
            }
        }
    }
    let mut seen = BTreeSet::new();
    for n in map.values() {
        if !seen.insert(n) {
            bail!(say(vi, format!("the number {n} is given to two files"), format!("số {n} được cấp cho hai tệp")));
        }
    }
    Ok((inputs, map))
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Reads `FILE NUMBER` lines (the number is the last word; `#` starts a comment; a relative
/// file is relative to the list's directory).
pub fn read_number_list(list: &Path, vi: bool) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let text = std::fs::read_to_string(list).map_err(|e| {
        anyhow::anyhow!(say(
            vi,
            format!("cannot read the number list {}: {}", list.display(), crate::msg::io(&e, false)),
            format!("không đọc được danh sách số {}: {}", list.display(), crate::msg::io(&e, true))
        ))
    })?;
    let dir = list.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((file, number)) = line.rsplit_once(char::is_whitespace) else {
            bail!("{}:{}: {}", list.display(), i + 1, if vi { "cần dạng TỆP SỐ" } else { "expected FILE NUMBER" });
        };
        let number = number.trim();
        check_number(number, vi).map_err(|e| anyhow::anyhow!("{}:{}: {e}", list.display(), i + 1))?;
        let file = PathBuf::from(file.trim());
        out.push((if file.is_relative() { dir.join(file) } else { file }, number.to_string()));
    }
    if out.is_empty() {
        bail!(say(vi, format!("the number list {} is empty", list.display()), format!("danh sách số {} trống", list.display())));
    }
    Ok(out)
}

/// The personal step: the blanks on page 1 to reserve (none when the number and date are
/// printed, or when the document has reserved fields already).
pub fn blanks_to_reserve(input: &[u8], vi: bool) -> (Vec<blanks::Blank>, Vec<String>) {
    match blanks::for_personal_signature(input) {
        Ok((reserved, _)) if !reserved.is_empty() => (Vec::new(), Vec::new()),
        Ok((_, found)) => (found.blanks, Vec::new()),
        Err(e) => (
            Vec::new(),
            vec![say(
                vi,
                format!("the page text could not be read to look for the number and date blanks ({e}); none reserved"),
                format!("không đọc được chữ trên trang để tìm chỗ trống số và ngày ({e}); không dành trường nào"),
            )],
        ),
    }
}

/// The organization step: the values and appearances of the reserved fields, the date being
/// `when` in Vietnam time; checks that the number is given exactly when a number blank is
/// reserved, that printed date parts agree with the issue date, and that every field is
/// exactly as it was in the first `signed_len` bytes (the revision the official signed):
/// a field added or moved later could put the number anywhere on the page.
pub fn fills(
    input: &[u8],
    signed_len: Option<usize>,
    number: Option<&str>,
    when: OffsetDateTime,
    font: &TextFont,
    vi: bool,
) -> Result<Vec<FieldFill>, JobError> {
    let issue = |en: String, v: String| JobError::Issue(say(vi, en, v));
    let reserved = blanks::reserved_blanks(input).map_err(JobError::from)?;
    if !reserved.is_empty() {
        let signed = signed_len.and_then(|l| input.get(..l)).map(blanks::reserved_blanks).transpose();
        let signed = signed.map_err(JobError::from)?.unwrap_or_default();
        for r in &reserved {
            if !signed.iter().any(|s| s.name == r.name && s.blank == r.blank && s.value.is_none()) {
                return Err(issue(
                    format!("the field {} is not as the official signed it (added, moved or filled after the personal signature)", r.name),
                    format!(
                        "trường {} không còn như khi người có thẩm quyền ký (được thêm, di chuyển hoặc điền sau chữ ký cá nhân)",
                        r.name
                    ),
                ));
            }
        }
    }
    if reserved.is_empty() {
        let Some(n) = number else { return Ok(Vec::new()) };
        let page = blanks::find_issue_blanks(input).unwrap_or_default();
        if !page.blanks.is_empty() {
            return Err(issue(
                format!("page 1 has blanks for the number and date, but the personal signature did not reserve them as fields (signed by other software or an older vbdt): writing {n} into the page now would change what the official signed; have the personal signature made again with vbdt"),
                format!("trang 1 có chỗ trống số và ngày nhưng chữ ký cá nhân không dành trường cho chúng (ký bằng phần mềm khác hoặc vbdt cũ): ghi số {n} vào trang lúc này sẽ thay đổi nội dung người có thẩm quyền đã ký; cần ký cá nhân lại bằng vbdt"),
            ));
        }
        let (seen, seen_vi) = match &page.number_line {
            Some(l) => (format!(" (found {l:?})"), format!(" (thấy {l:?})")),
            None => (String::new(), String::new()),
        };
        return Err(issue(
            format!("--number {n}: the document has no blank to fill; looked for {}{seen}", blanks::LOOKED_FOR),
            format!("--number {n}: văn bản không có chỗ trống để điền; đã tìm {}{seen_vi}", blanks::LOOKED_FOR_VI),
        ));
    }
    if let Some(r) = reserved.iter().find(|r| r.value.is_some()) {
        let v = r.value.as_deref().unwrap_or_default();
        return Err(issue(
            format!("the field {} is filled already ({v:?}): the number and date were assigned before", r.name),
            format!("trường {} đã được điền ({v:?}): số và ngày đã được cấp trước đó", r.name),
        ));
    }
    let has_number = reserved.iter().any(|r| r.blank.kind == BlankKind::Number);
    match (has_number, number) {
        (true, None) => {
            return Err(issue(
                format!(
                    "the number blank is reserved (field {}): give --number N (or --number-from N, --numbers FILE)",
                    BlankKind::Number.field_name()
                ),
                format!(
                    "chỗ trống số văn bản đã được dành (trường {}): cần --number N (hoặc --number-from N, --numbers FILE)",
                    BlankKind::Number.field_name()
                ),
            ))
        }
        (false, Some(n)) => {
            return Err(issue(
                format!("--number {n}: the document has no number blank (the number is printed); looked for {}", blanks::LOOKED_FOR),
                format!("--number {n}: văn bản không có chỗ trống số (số đã in sẵn); đã tìm {}", blanks::LOOKED_FOR_VI),
            ))
        }
        _ => {}
    }
    let date = when.to_offset(stamp_layout::VIETNAM).date();
    let parts = blanks::date_parts(date);
    // Date parts printed beside the blanks (e.g. "năm 2025") must be the issue date's.
    if let Ok(page) = blanks::find_issue_blanks(input) {
        for (k, printed) in page.printed.iter().enumerate() {
            if let Some(p) = printed {
                if parts[k].parse::<u32>().ok() != Some(*p) {
                    return Err(issue(
                        format!("the date line prints {p} where the issue date {date} has {}; the organization signature must be made on the issue date (S7)", parts[k]),
                        format!("dòng ngày tháng in sẵn {p} nhưng ngày ban hành {date} là {}; chữ ký của cơ quan phải ký đúng ngày ban hành (S7)", parts[k]),
                    ));
                }
            }
        }
    }
    let mut out = Vec::new();
    for r in &reserved {
        let value = match r.blank.kind {
            BlankKind::Number => number.unwrap_or_default().to_string(),
            BlankKind::Day => parts[0].clone(),
            BlankKind::Month => parts[1].clone(),
            BlankKind::Year => parts[2].clone(),
        };
        let appearance = blanks::fill_appearance(&r.blank, &value, font).map_err(|e| match &e {
            stamp_layout::LayoutError::BlankTooNarrow { text, kind, width, size, room } => issue(
                e.to_string(),
                format!("{text:?} rộng {width:.1} pt ở cỡ chữ {size:.1} pt; chỗ trống cho {} chỉ rộng {room:.1} pt", kind.words().1),
            ),
            _ => issue(e.to_string(), e.to_string()),
        })?;
        out.push(FieldFill { name: r.name.clone(), value, appearance });
    }
    Ok(out)
}

/// The verification options of the clerk's check: the key options' trust anchors (else the
/// built-in government trust), CRLs, extra certificates and network setting.
pub fn check_options(args: &KeyArgs) -> anyhow::Result<VerifyOptions> {
    let vi = args.vi();
    let mut trust = chain_check::TrustStore::new();
    if args.trust.is_empty() {
        trust.add_profile("vgca").map_err(|e| anyhow::anyhow!("{}", crate::msg::trust_error(&e, args.vi())))?;
    } else {
        trust.add(crate::trust_args::certificates("trust", &args.trust, vi).map_err(|e| anyhow::anyhow!("{e}"))?);
    }
    let extra_certs = crate::trust_args::certificates("certs", &args.certs, vi).map_err(|e| anyhow::anyhow!("{e}"))?;
    let crls = crate::trust_args::crls(&args.crl, vi).map_err(|e| anyhow::anyhow!("{e}"))?;
    // OCSP responses and CRLs fetched once for every file of a batch, in memory only: the
    // check before signing asks the responders afresh at each run (a revocation since the
    // last run must not be hidden by a cached "good").
    let fetched = Some(std::sync::Arc::new(chain_check::FetchCache::memory_only()));
    Ok(VerifyOptions { trust, extra_certs, crls, online: !args.offline, fetched, ..VerifyOptions::default() })
}

/// S12: before the organization signature, the input is verified as a receiver would
/// (Điều 30–32 and V5 for every signature, a personal signature present, no organization
/// signature yet, S8; with a visible seal also the S2 image). A document that is not valid
/// is refused with the verifier's reasons; what could not be established (an unanchored
/// path, revocation unreachable) is returned as warnings.
pub fn clerk_check(input: &[u8], name: &str, opts: &VerifyOptions, seal_visible: bool, vi: bool) -> Result<Checked, JobError> {
    let lang = if vi { Lang::Vi } else { Lang::En };
    let refuse = |en: String, v: String| JobError::ClerkCheck(say(vi, en, v));
    let report = pdf_verify::verify_bytes(input, name, opts).map_err(|e| refuse(e.to_string(), e.to_string()))?;
    let sigs: Vec<_> = report.signatures.iter().filter(|s| s.kind == SignatureKind::Signature).collect();
    if sigs.is_empty() {
        return Err(refuse(
            "it carries no signature; the official's personal signature comes first (S1)".into(),
            "văn bản chưa có chữ ký nào; chữ ký cá nhân của người có thẩm quyền phải có trước (S1)".into(),
        ));
    }
    if let Some(s) = sigs.iter().find(|s| s.role == Role::Organization) {
        return Err(refuse(
            format!("it carries an organization signature already (field {}): it has been issued", s.field),
            format!("văn bản đã có chữ ký của cơ quan, tổ chức (trường {}): đã được ban hành", s.field),
        ));
    }
    let mut reasons = Vec::new();
    let mut warnings = Vec::new();
    for s in &report.signatures {
        for c in &s.checks {
            let line = format!("{} ({}): {}", s.field, c.article, c.message.get(lang));
            match c.status {
                CheckStatus::Fail => reasons.push(line),
                CheckStatus::Indeterminate => warnings.push(line),
                _ => {}
            }
        }
        if s.verdict == Verdict::Invalid && !s.checks.iter().any(|c| c.status == CheckStatus::Fail) {
            reasons.push(format!("{}: {}", s.field, Verdict::Invalid.label(lang)));
        }
    }
    for r in report.rules.iter().filter(|r| r.id == "S8" && r.status == pdf_verify::verdict::RuleStatus::Fail) {
        reasons.push(format!("{}: {}", r.id, r.message.get(lang)));
    }
    let personal = sigs.iter().rev().find(|s| s.role == Role::Personal).or_else(|| sigs.last());
    let shows_image = personal.is_some_and(|s| s.widgets.iter().any(|w| !w.hidden && w.has_appearance && w.image.is_some()));
    if !shows_image {
        let (en, v) = (
            "the personal signature shows no signature image (S2)".to_string(),
            "chữ ký cá nhân không hiển thị hình chữ ký (S2)".to_string(),
        );
        if seal_visible {
            reasons.push(say(vi, en, v));
        } else {
            warnings.push(say(vi, en, v));
        }
    }
    if !reasons.is_empty() {
        return Err(JobError::ClerkCheck(reasons.join("; ")));
    }
    let personal_signed = personal.and_then(|s| s.byte_range.as_ref()).and_then(|br| {
        let (start, len) = (*br.get(2)?, *br.get(3)?);
        usize::try_from(start.checked_add(len)?).ok()
    });
    let warnings = warnings
        .into_iter()
        .map(|w| {
            say(vi, format!("the clerk's check (S12) could not establish: {w}"), format!("văn thư kiểm tra (S12) chưa xác định được: {w}"))
        })
        .collect();
    Ok(Checked { warnings, personal_signed })
}

/// What the clerk's check found besides refusals.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// What could not be established, to show as warnings.
    pub warnings: Vec<String>,
    /// How many bytes the personal signature covers: the revision the official signed.
    pub personal_signed: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_and_count_up() {
        assert!(check_number("62", false).is_ok());
        assert!(check_number("62/2025", false).is_ok());
        for bad in ["", "QĐ", "6 2", "62)", "1234567890123456789012345"] {
            assert!(check_number(bad, false).is_err(), "{bad:?}");
        }
        let inputs = vec![PathBuf::from("a.pdf"), PathBuf::from("b.pdf"), PathBuf::from("c.pdf")];
        let (_, m) = plan_numbers(&inputs, &NumberArgs { number_from: Some("098".into()), ..Default::default() }).unwrap();
        assert_eq!((m[&inputs[0]].as_str(), m[&inputs[2]].as_str()), ("098", "100"));
        assert!(plan_numbers(&inputs, &NumberArgs { number: Some("62".into()), ..Default::default() }).is_err());
    }

    #[test]
    fn a_number_list_gives_each_file_its_number_and_refuses_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("so.txt");
        std::fs::write(&list, "# sổ đăng ký\nqd 1.pdf 62\ncv.pdf   63\n").unwrap();
        let (inputs, m) = plan_numbers(&[], &NumberArgs { numbers: Some(list.clone()), ..Default::default() }).unwrap();
        assert_eq!(inputs, vec![dir.path().join("qd 1.pdf"), dir.path().join("cv.pdf")]);
        assert_eq!(m[&inputs[1]], "63");
        std::fs::write(&list, "a.pdf 62\nb.pdf 62\n").unwrap();
        let err = plan_numbers(&[], &NumberArgs { numbers: Some(list), ..Default::default() }).unwrap_err();
        assert!(err.to_string().contains("two files"), "{err}");
    }
}
