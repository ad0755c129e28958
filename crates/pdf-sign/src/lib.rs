//! PAdES signing for vbdt: key sources (PKCS#12 file, PKCS#11 token), CMS SignedData over
//! an external digest, RFC 3161 signature timestamps, and the incremental update that
//! adds a signature to a PDF without touching a byte of what was there.

mod cms_build;
pub mod csc;
mod error;
mod form_fields;
pub mod keys;
pub mod ltv;
mod output;
pub mod precheck;
mod tsa;
mod update;
mod xref_out;

use std::path::Path;

pub use chain_check::digest::DigestAlg;
pub use error::{
    CertRefusal, InputProblem, InternalError, KeyProblem, KeyUnusable, P12Problem, PdfPart, Pkcs11Step, PrecheckWarning, SecretProblem,
    SignError, SigningFailure, StructureProblem, TsaAnswerProblem, TsaProblem,
};
pub use form_fields::FieldFill;
pub use keys::{KeySource, P12Key, Pkcs11Key, Pkcs11Options};
pub use output::{sync_dir, write_atomically, write_input_and_update, Durability};
pub use pdf_raw::Input;
pub use precheck::PrecheckOptions;
use time::OffsetDateTime;

/// Whose signature this is (rules.md S1), recorded as `/VBDT_Role` in the signature dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The official's own signature (chữ ký số của người có thẩm quyền).
    Personal,
    /// The agency's signature added by the clerk (chữ ký số của cơ quan, tổ chức).
    Organization,
}

impl Role {
    pub fn pdf_name(self) -> &'static str {
        match self {
            Role::Personal => "Personal",
            Role::Organization => "Organization",
        }
    }
}

/// What a signature makes of the file when it is not an issued document (rules.md S4,
/// S5), recorded as `/VBDT_Kind` in the signature dictionary, inside the signed bytes.
/// `vbdt verify` checks the S4/S5 appearance of a file that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// An electronic copy (sao y, sao lục, trích sao), S4.
    Copy,
    /// An attachment or appendix in a file of its own, S5.
    Attachment,
}

impl DocumentKind {
    pub fn pdf_name(self) -> &'static str {
        match self {
            DocumentKind::Copy => "Copy",
            DocumentKind::Attachment => "Attachment",
        }
    }
}

/// How the RSA signature is padded (ignored for ECDSA keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RsaPadding {
    #[default]
    Pkcs1v15,
    Pss,
}

/// Everything about one signature except the key.
#[derive(Debug, Clone)]
pub struct SignOptions {
    pub role: Role,
    /// Set by `vbdt copy` and `vbdt attach`; None for an issued document's signatures.
    pub document_kind: Option<DocumentKind>,
    pub reason: Option<String>,
    pub location: Option<String>,
    pub contact: Option<String>,
    pub digest: DigestAlg,
    pub rsa_padding: RsaPadding,
    /// RFC 3161 service for a signature timestamp (PAdES B-T); none gives B-B.
    pub tsa_url: Option<String>,
    pub appearance: stamp_layout::Appearance,
    /// Field name; by default one derived from the role that the document does not use yet.
    pub field_name: Option<String>,
    /// The claimed signing time written in `/M` (a timestamp, when asked for, proves it).
    pub signing_time: OffsetDateTime,
    pub http: chain_check::http::HttpLimits,
    /// Blanks (S11) to reserve as empty read-only text fields inside this signature's own
    /// revision: the personal signature over a document whose number and date are blank.
    pub reserve_blanks: Vec<stamp_layout::blanks::Blank>,
    /// Reserved fields to fill inside this signature's own revision: the clerk's number and
    /// issue date, covered by the organization signature.
    pub fill_fields: Vec<FieldFill>,
    /// The clerk signed although the check before signing (rules.md S12) refused the input,
    /// for this reason: recorded as `/VBDT_Override` inside the signed bytes.
    pub check_override: Option<String>,
}

impl SignOptions {
    pub fn new(role: Role) -> Self {
        SignOptions {
            role,
            document_kind: None,
            reason: None,
            location: None,
            contact: None,
            digest: DigestAlg::Sha256,
            rsa_padding: RsaPadding::Pkcs1v15,
            tsa_url: None,
            appearance: stamp_layout::Appearance::Invisible,
            field_name: None,
            signing_time: OffsetDateTime::now_utc(),
            http: chain_check::http::HttpLimits::default(),
            reserve_blanks: Vec::new(),
            fill_fields: Vec::new(),
            check_override: None,
        }
    }
}

/// What signing produced: the bytes to append after the input, and facts for the caller.
#[derive(Debug)]
pub struct SignedUpdate {
    /// The incremental update; the signed file is the input followed by these bytes.
    pub update: Vec<u8>,
    pub field_name: String,
    pub byte_range: [usize; 4],
    pub timestamped: bool,
    /// The fields filled in this signature's revision, with their values (S11).
    pub filled: Vec<(String, String)>,
    /// The fields reserved in this signature's revision (S11).
    pub reserved: Vec<String>,
}

/// Signs `input` (a whole PDF) and returns the incremental update to append.
pub fn sign_pdf(input: &[u8], key: &dyn KeySource, opts: &SignOptions) -> Result<SignedUpdate, SignError> {
    sign_with(input, &|alg| Ok(hash_all(alg, input)), key, opts)
}

fn hash_all(alg: DigestAlg, bytes: &[u8]) -> chain_check::digest::Hasher {
    let mut h = alg.hasher();
    h.update(bytes);
    h
}

/// Signs an opened file: parsing reads only what it needs, and the input is hashed in
/// one streaming pass (a mapped large file never becomes resident as a whole).
pub fn sign_input(input: &Input, key: &dyn KeySource, opts: &SignOptions) -> Result<SignedUpdate, SignError> {
    let hash = |alg: DigestAlg| {
        let mut h = alg.hasher();
        input.for_each_chunk(0..input.len(), |_, c| h.update(c)).map_err(|e| SignError::Internal(InternalError::Reread(e)))?;
        Ok(h)
    };
    sign_with(input.bytes(), &hash, key, opts)
}

type InputHash<'a> = dyn Fn(DigestAlg) -> Result<chain_check::digest::Hasher, SignError> + 'a;

fn sign_with(input: &[u8], input_hash: &InputHash<'_>, key: &dyn KeySource, opts: &SignOptions) -> Result<SignedUpdate, SignError> {
    let adjusted;
    let opts = match key.kind().required_digest() {
        Some(d) if d != opts.digest => {
            adjusted = SignOptions { digest: d, ..opts.clone() };
            &adjusted
        }
        _ => opts,
    };
    let prepared = update::prepare(input, key, opts)?;
    let input_state = input_hash(opts.digest)?;
    let mut capacity = cms_build::estimate_size(key, opts.tsa_url.is_some());
    // Two rounds at most: the first estimate is generous; if a TSA answers with a much
    // larger token than expected, build once more with room for it.
    for _ in 0..2 {
        let mut placeholder = prepared.with_contents_capacity(capacity)?;
        let digest = placeholder.digest(&input_state);
        let cms = cms_build::build(&digest, key, opts)?;
        if cms.der.len() <= capacity {
            placeholder.fill(&cms.der)?;
            return Ok(SignedUpdate {
                field_name: prepared.field_name.clone(),
                byte_range: placeholder.byte_range,
                update: placeholder.bytes,
                timestamped: cms.timestamped,
                filled: opts.fill_fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect(),
                reserved: opts.reserve_blanks.iter().map(|b| b.kind.field_name().to_string()).collect(),
            });
        }
        capacity = cms.der.len() + 4096;
    }
    Err(SignError::Internal(InternalError::DidNotFitTwice))
}

/// Reads `input_path`, signs it, and writes the result to `output_path` atomically
/// (temporary file in the same directory, fsync, rename). The input is never modified.
pub fn sign_file(
    input_path: &Path,
    output_path: &Path,
    force: bool,
    key: &dyn KeySource,
    opts: &SignOptions,
) -> Result<SignedUpdate, SignError> {
    let input = Input::open(input_path).map_err(|source| SignError::Io { path: input_path.to_path_buf(), source })?;
    if !force && output_path.exists() {
        return Err(SignError::OutputExists(output_path.to_path_buf()));
    }
    let permissions = std::fs::metadata(input_path).ok().map(|m| m.permissions());
    sign_to_file(&input, output_path, force, key, opts, permissions, Durability::Full)
}

/// Signs `input` (a whole PDF, opened or built by the caller) and writes it with its
/// update to `output_path` atomically.
pub fn sign_to_file(
    input: &Input,
    output_path: &Path,
    force: bool,
    key: &dyn KeySource,
    opts: &SignOptions,
    permissions: Option<std::fs::Permissions>,
    durability: Durability,
) -> Result<SignedUpdate, SignError> {
    if !force && output_path.exists() {
        return Err(SignError::OutputExists(output_path.to_path_buf()));
    }
    if input.len() < OVERLAP_FROM {
        let signed = sign_input(input, key, opts)?;
        write_input_and_update(output_path, input, &signed.update, force, permissions, durability)?;
        return Ok(signed);
    }
    // A large input: copying it to the output and getting it onto the disk runs beside the
    // hashing and signing, instead of after them.
    let mut out = output::PendingOutput::create(output_path, force, permissions, durability)?;
    let (signed, copied) = std::thread::scope(|scope| {
        let file = out.file();
        let copier = scope.spawn(move || input.copy_to_in_chunks(file, WRITEBACK_CHUNK, &mut output::start_writeback));
        let signed = sign_input(input, key, opts);
        (signed, copier.join())
    });
    // On any error `out` is dropped here, and its temporary file with it.
    let signed = signed?;
    match copied {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(out.io(e)),
        Err(_) => return Err(SignError::Internal(InternalError::CopyFailed)),
    }
    std::io::Write::write_all(out.file(), &signed.update).map_err(|e| out.io(e))?;
    out.commit()?;
    Ok(signed)
}

/// Inputs from this size on are copied to the output while they are hashed and signed.
const OVERLAP_FROM: usize = 4 << 20;
/// The disk writing of a large output starts every this many bytes.
const WRITEBACK_CHUNK: usize = 8 << 20;
