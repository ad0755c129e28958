//! The document security store (`dss`): validation data (certificates, OCSP responses,
//! CRLs, VRI entries) may be added, and rewritten, in later revisions. Everything the new
//! `/DSS` reaches is explained, as long as the signed revision used none of it outside
//! its own DSS. VRI entries that existed when a signature was made are held to that
//! signature's revision by [`super::super::analyse`], including when the whole `/VRI` or
//! `/DSS` goes. `/VRI` must be a dictionary keyed by SHA-1 (or SHA-256) hashes, each entry a dictionary
//! whose `/Cert`, `/CRL`, `/OCSP` are arrays of streams.

use lopdf::{Document, Object};

use super::super::judge::{root_dict, Judge, Via};
use super::super::rule::Rule;
use super::super::Level;
use crate::pdfobj;

pub(super) fn dss(j: &mut Judge<'_>) {
    let Some(new_root) = root_dict(&j.new.doc) else { return };
    let old_dss = root_dict(&j.old.doc).and_then(|r| pdfobj::dict_get_dict(&j.old.doc, r, b"DSS"));
    let Some(dss_obj) = new_root.get(b"DSS").ok() else {
        // The whole DSS removed: its VRI entries too (judged per signature).
        vri_removed(j, old_dss);
        return;
    };
    let Some(dss) = pdfobj::as_dict(&j.new.doc, dss_obj) else {
        vri_removed(j, old_dss);
        j.disallow(Rule::Dss, Level::Other, "/DSS is not a dictionary".into(), "/DSS không phải từ điển".into());
        return;
    };
    let unexpected: Vec<String> = dss
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !matches!(k.as_slice(), b"Type" | b"VRI" | b"Certs" | b"CRLs" | b"OCSPs"))
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    if !unexpected.is_empty() {
        let l = unexpected.join(", ");
        j.disallow(Rule::Dss, Level::Other, format!("unexpected entries in the DSS: {l}"), format!("DSS có mục không hợp lệ: {l}"));
        return;
    }
    if let Object::Reference(id) = dss_obj {
        j.explain(*id, Level::ValidationData, Rule::Dss, Via::none());
    }
    let mut containers: Vec<Object> = Vec::new();
    for key in [&b"Certs"[..], b"CRLs", b"OCSPs"] {
        if let Ok(v) = dss.get(key) {
            containers.push(v.clone());
            if let Object::Reference(id) = v {
                j.explain(*id, Level::ValidationData, Rule::Dss, Via::none());
            }
            if !all_stream_refs(&j.new.doc, v) {
                let k = String::from_utf8_lossy(key);
                j.disallow(
                    Rule::Dss,
                    Level::Other,
                    format!("DSS /{k} is not an array of streams"),
                    format!("DSS /{k} không phải mảng các luồng dữ liệu"),
                );
            }
        }
    }
    let vri_obj = dss.get(b"VRI").ok();
    if vri_obj.and_then(|v| pdfobj::as_dict(&j.new.doc, v)).is_none() {
        vri_removed(j, old_dss);
    }
    if let Some(vri_obj) = vri_obj {
        if let Object::Reference(id) = vri_obj {
            j.explain(*id, Level::ValidationData, Rule::Dss, Via::none());
        }
        let Some(vri) = pdfobj::as_dict(&j.new.doc, vri_obj) else {
            j.disallow(Rule::Dss, Level::Other, "DSS /VRI is not a dictionary".into(), "DSS /VRI không phải từ điển".into());
            return;
        };
        {
            let old_vri = old_dss.and_then(|d| pdfobj::dict_get_dict(&j.old.doc, d, b"VRI"));
            if let Some(ov) = old_vri {
                for (k, v) in ov.iter() {
                    if !vri.get(k).is_ok_and(|w| pdfobj::obj_eq(v, w)) {
                        j.vri_changed.push(k.clone());
                    }
                }
            }
            for (k, v) in vri.iter() {
                if old_vri.is_some_and(|ov| ov.get(k).is_ok_and(|w| pdfobj::obj_eq(v, w))) {
                    continue;
                }
                if let Object::Reference(id) = v {
                    j.explain(*id, Level::ValidationData, Rule::Dss, Via::none());
                }
                let Some(entry) = pdfobj::as_dict(&j.new.doc, v).filter(|_| is_vri_key(k)) else {
                    let key = String::from_utf8_lossy(k);
                    j.disallow(
                        Rule::Dss,
                        Level::Other,
                        format!("VRI entry /{key} is not a dictionary under a SHA-1 or SHA-256 hash"),
                        format!("mục VRI /{key} không phải từ điển dưới một giá trị băm SHA-1 hoặc SHA-256"),
                    );
                    continue;
                };
                {
                    for key in [&b"Cert"[..], b"CRL", b"OCSP"] {
                        if entry.get(key).is_ok_and(|c| !all_stream_refs(&j.new.doc, c)) {
                            let k = String::from_utf8_lossy(key);
                            j.disallow(
                                Rule::Dss,
                                Level::Other,
                                format!("a VRI /{k} is not an array of streams"),
                                format!("VRI /{k} không phải mảng các luồng dữ liệu"),
                            );
                        }
                    }
                    let bad: Vec<String> = entry
                        .iter()
                        .map(|(k, _)| k)
                        .filter(|k| !matches!(k.as_slice(), b"Type" | b"TU" | b"TS" | b"Cert" | b"CRL" | b"OCSP"))
                        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
                        .collect();
                    if !bad.is_empty() {
                        let l = bad.join(", ");
                        j.disallow(
                            Rule::Dss,
                            Level::Other,
                            format!("unexpected entries in a VRI dictionary: {l}"),
                            format!("từ điển VRI có mục không hợp lệ: {l}"),
                        );
                    }
                    for key in [&b"Cert"[..], b"CRL", b"OCSP", b"TS"] {
                        if let Ok(c) = entry.get(key) {
                            if let Object::Reference(id) = c {
                                if j.is_new(*id) {
                                    j.explain(*id, Level::ValidationData, Rule::Dss, Via::none());
                                }
                            }
                            containers.push(c.clone());
                        }
                    }
                }
            }
        }
    }
    for c in containers {
        j.explain_region(&c, Level::ValidationData, Rule::Dss);
        if let Some(Object::Array(items)) = pdfobj::resolve(&j.new.doc, &c) {
            let items = items.clone();
            for i in &items {
                j.explain_region(i, Level::ValidationData, Rule::Dss);
            }
        }
    }
    if j.explained.values().any(|e| e.rule == Rule::Dss) {
        let what = if old_dss.is_some() { "updated" } else { "added" };
        let vi = if old_dss.is_some() { "được cập nhật" } else { "được thêm" };
        j.allow(Rule::Dss, Level::ValidationData, format!("validation data (DSS) {what}"), format!("dữ liệu xác thực (DSS) {vi}"));
    }
}

/// The VRI entries of the revision before, all removed (or made unreadable) by this one:
/// each is judged against every signature's own revision by [`super::super::analyse`].
fn vri_removed(j: &mut Judge<'_>, old_dss: Option<&lopdf::Dictionary>) {
    let Some(old_vri) = old_dss.and_then(|d| pdfobj::dict_get_dict(&j.old.doc, d, b"VRI")) else { return };
    let keys: Vec<Vec<u8>> = old_vri.iter().map(|(k, _)| k.clone()).collect();
    j.vri_changed.extend(keys);
}

/// A VRI key: the hash of a signature's value in hexadecimal: SHA-1 (40 digits) as PAdES
/// says, or SHA-256 (64 digits), which some signing software writes (corpus:
/// Signature-P-SK-6.pdf, accepted by pyHanko).
fn is_vri_key(k: &[u8]) -> bool {
    (k.len() == 40 || k.len() == 64) && k.iter().all(u8::is_ascii_hexdigit)
}

fn all_stream_refs(doc: &Document, v: &Object) -> bool {
    match pdfobj::resolve(doc, v) {
        Some(Object::Array(items)) => {
            items.iter().all(|i| matches!(i, Object::Reference(id) if matches!(doc.objects.get(id), Some(Object::Stream(_)))))
        }
        _ => false,
    }
}
