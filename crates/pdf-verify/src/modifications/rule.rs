//! The names of the allow rules and of the kinds of disallowed change, as data: each
//! finding carries one, the JSON report writes its id (listed as an `enum` in
//! docs/report-schema.json), and a test holds the two lists together.

use serde::Serialize;

/// An allow rule, or the kind of a disallowed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Rule {
    // ---- allow rules (a change they explain may still be above what a signature permits)
    /// A new signature field, its widget and appearance, the signature value, and the
    /// containers that list them (`/Fields`, a page's `/Annots`).
    SignatureField,
    /// An existing, unsigned signature field receiving its value and appearance.
    SignEmptyField,
    /// A new field holding a document timestamp.
    DocumentTimestamp,
    /// The document security store: validation data.
    Dss,
    /// Catalog entries that carry no content (`/Extensions`, `/MarkInfo`, `/Version`).
    Catalog,
    /// The document information dictionary and the XMP metadata stream.
    Metadata,
    /// A text, choice or button field that existed when the signature was made receives a
    /// value and its appearance.
    FormFilling,
    /// A new annotation (allowed only by a certification signature with `/P 3`).
    Annotation,
    // ---- disallowed changes
    /// A change beyond what a certification signature's DocMDP permission allows.
    Docmdp,
    /// A change beyond what an approval signature allows (form filling and less).
    Permission,
    /// A field locked by the signature's FieldMDP `/Lock` was filled.
    FieldLock,
    DeletedObject,
    UnreadableObject,
    RedefinedObject,
    NewObject,
    /// An object changed that the signed revision uses somewhere no allow rule covers.
    SharedObject,
    Pages,
    PageChanged,
    Annotations,
    NewField,
    FieldChanged,
    DeletedField,
    Acroform,
    /// A signature value that already belongs to another field.
    SignatureReused,
    /// An unsigned signature field added later whose appearance paints on the page.
    EmptyFieldAppearance,
    /// The cross-reference data contradicts itself or the signed revision.
    Xref,
    TrailingBytes,
    /// The update is larger than the analysis's budget.
    TooLarge,
}

impl Rule {
    /// Every rule, in order (for the schema test).
    pub const ALL: &'static [Rule] = &[
        Rule::SignatureField,
        Rule::SignEmptyField,
        Rule::DocumentTimestamp,
        Rule::Dss,
        Rule::Catalog,
        Rule::Metadata,
        Rule::FormFilling,
        Rule::Annotation,
        Rule::Docmdp,
        Rule::Permission,
        Rule::FieldLock,
        Rule::DeletedObject,
        Rule::UnreadableObject,
        Rule::RedefinedObject,
        Rule::NewObject,
        Rule::SharedObject,
        Rule::Pages,
        Rule::PageChanged,
        Rule::Annotations,
        Rule::NewField,
        Rule::FieldChanged,
        Rule::DeletedField,
        Rule::Acroform,
        Rule::SignatureReused,
        Rule::EmptyFieldAppearance,
        Rule::Xref,
        Rule::TrailingBytes,
        Rule::TooLarge,
    ];

    /// The id written in reports.
    pub fn id(self) -> &'static str {
        match self {
            Rule::SignatureField => "signature-field",
            Rule::SignEmptyField => "sign-empty-field",
            Rule::DocumentTimestamp => "document-timestamp",
            Rule::Dss => "dss",
            Rule::Catalog => "catalog",
            Rule::Metadata => "metadata",
            Rule::FormFilling => "form-filling",
            Rule::Annotation => "annotation",
            Rule::Docmdp => "docmdp",
            Rule::Permission => "permission",
            Rule::FieldLock => "field-lock",
            Rule::DeletedObject => "deleted-object",
            Rule::UnreadableObject => "unreadable-object",
            Rule::RedefinedObject => "redefined-object",
            Rule::NewObject => "new-object",
            Rule::SharedObject => "shared-object",
            Rule::Pages => "pages",
            Rule::PageChanged => "page-changed",
            Rule::Annotations => "annotations",
            Rule::NewField => "new-field",
            Rule::FieldChanged => "field-changed",
            Rule::DeletedField => "deleted-field",
            Rule::Acroform => "acroform",
            Rule::SignatureReused => "signature-reused",
            Rule::EmptyFieldAppearance => "empty-field-appearance",
            Rule::Xref => "xref",
            Rule::TrailingBytes => "trailing-bytes",
            Rule::TooLarge => "too-large",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn ids_match_serde_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in Rule::ALL {
            let json = serde_json::to_string(r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.id()));
            assert!(seen.insert(r.id()), "{} twice", r.id());
        }
    }

    #[test]
    fn the_report_schema_lists_every_rule() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../../docs/report-schema.json")).expect("docs/report-schema.json is JSON");
        let listed: Vec<&str> = schema["$defs"]["change"]["properties"]["rule"]["enum"]
            .as_array()
            .expect("$defs.change.properties.rule.enum in docs/report-schema.json")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let ours: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(listed, ours);
    }
}
