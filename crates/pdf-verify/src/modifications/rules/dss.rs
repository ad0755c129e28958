//! The document security store (`dss`): validation data (certificates, OCSP responses,
//! CRLs, VRI entries) may be added, and rewritten, in later revisions. Everything the new
//! `/DSS` reaches is explained, as long as the signed revision used none of it outside
//! its own DSS. VRI entries that existed when a signature was made are held to that
//! signature's revision by [`super::super::analyse`].

use lopdf::{Document, Object};

use super::super::judge::{root_dict, Judge, Via};
use super::super::rule::Rule;
use super::super::Level;
use crate::pdfobj;

pub(super) fn dss(j: &mut Judge<'_>) {
    let Some(new_root) = root_dict(&j.new.doc) else { return };
    let Some(dss_obj) = new_root.get(b"DSS").ok() else { return };
    let Some(dss) = pdfobj::as_dict(&j.new.doc, dss_obj) else {
        j.disallow(Rule::Dss, Level::Other, "/DSS is not a dictionary".into(), "/DSS không phải từ điển".into());
        return;
    };
    let old_dss = root_dict(&j.old.doc).and_then(|r| pdfobj::dict_get_dict(&j.old.doc, r, b"DSS"));
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
    if let Ok(vri_obj) = dss.get(b"VRI") {
        if let Object::Reference(id) = vri_obj {
            j.explain(*id, Level::ValidationData, Rule::Dss, Via::none());
        }
        if let Some(vri) = pdfobj::as_dict(&j.new.doc, vri_obj) {
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
                if let Some(entry) = pdfobj::as_dict(&j.new.doc, v) {
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

fn all_stream_refs(doc: &Document, v: &Object) -> bool {
    match pdfobj::resolve(doc, v) {
        Some(Object::Array(items)) => {
            items.iter().all(|i| matches!(i, Object::Reference(id) if matches!(doc.objects.get(id), Some(Object::Stream(_)))))
        }
        _ => false,
    }
}
