//! `vbdt sign --csc URL`: remote signing (ký số từ xa) through a Cloud Signature
//! Consortium API service (v1, or v2 where offered). The protocol lives in pdf_sign::csc;
//! this module reads the flags and secrets, runs the Điều 29 pre-check on the credential's
//! certificate, and signs a batch in groups under one authorization each
//! (docs/remote-signing.md).

use std::sync::Mutex;

use pdf_sign::csc::{self, CscClient, CscError, CscKey, ServiceAuth, ToBeSigned};
use pdf_sign::{SignError, SignOptions};
use rayon::prelude::*;

use crate::exit;
use crate::secrets::{Secret, SecretSource};
use crate::signing::{self, Job, JobError, KeyArgs, Prepared};

/// A CSC error on one line, in the chosen language.
pub fn describe(e: &CscError, vi: bool) -> String {
    if !vi {
        return e.to_string();
    }
    let problem = match &e.problem {
        csc::CscProblem::WrongSecret(why) => format!("mã PIN hoặc OTP bị từ chối, không thử lại ({why})"),
        csc::CscProblem::BadSignature { index } => {
            format!("chữ ký dịch vụ trả về cho văn bản thứ {index} của nhóm không khớp với chứng thư chữ ký số; không ghi tệp nào")
        }
        csc::CscProblem::Http(h) => crate::msg::http_vi(h),
        csc::CscProblem::Refused { .. } => format!("dịch vụ từ chối yêu cầu ({})", e.problem),
        csc::CscProblem::BadAnswer(a) => format!("câu trả lời không dùng được: {}", answer_vi(a)),
        csc::CscProblem::Unusable(u) => unusable_vi(u),
        csc::CscProblem::LockPoisoned => "lỗi nội bộ của vbdt (khóa của nhóm chữ ký bị hỏng)".into(),
        other => other.to_string(),
    };
    format!("dịch vụ ký số từ xa {}: {}: {problem}", e.service, e.step.name_vi())
}

/// What is missing or wrong in the service's answer, in Vietnamese (the JSON names stay).
fn answer_vi(a: &csc::AnswerProblem) -> String {
    use csc::AnswerProblem as A;
    match a {
        A::NotJson => "không phải JSON".into(),
        A::NoAccessToken => "thiếu access_token".into(),
        A::NoCredentialIds => "thiếu credentialIDs".into(),
        A::NoCertificates => "thiếu cert.certificates".into(),
        A::CertificateNotDer => "có chứng thư chữ ký số không ở dạng DER mã hóa base64".into(),
        A::EmptyChain => "không có chứng thư chữ ký số nào".into(),
        A::NoSad => "thiếu SAD".into(),
        A::NoSignatures => "không có chữ ký, hoặc chữ ký không ở dạng base64".into(),
        A::SignatureCount { got, sent } => format!("{got} chữ ký cho {sent} giá trị băm"),
        other => other.to_string(),
    }
}

/// Why the service or the credential cannot be used, in Vietnamese.
fn unusable_vi(u: &csc::UnusableCredential) -> String {
    use csc::UnusableCredential as U;
    match u {
        U::ApiVersion(v) => format!("phiên bản API {v} tại /csc/v1 không được hỗ trợ"),
        U::KeyStatus { id, status } => format!("khóa ký {id:?}: khóa đang ở trạng thái {status}"),
        U::CertificateStatus { id, status } => {
            format!("khóa ký {id:?}: dịch vụ báo chứng thư chữ ký số ở trạng thái {status}")
        }
        U::UnsupportedKey { id } => format!("khóa ký {id:?}: loại khóa không được hỗ trợ (cần RSA hoặc ECDSA P-256/P-384)"),
        U::BrowserAuthorization { id } => {
            format!("khóa ký {id:?}: authMode oauth2code (cấp quyền qua trình duyệt) chưa được hỗ trợ")
        }
        U::Algorithm(e) => crate::msg::sign_error(e, true),
        U::MixedGroup => "một nhóm chỉ được dùng một thuật toán băm và một kiểu đệm".into(),
        other => other.to_string(),
    }
}

/// Every CSC failure (service, network, credential, PIN/OTP) is the key's.
fn exit_code(_: &CscError) -> exit::Outcome {
    exit::KEY_OR_NETWORK
}

/// Opens the credential named by `--csc`, `--csc-credential` and the service
/// authorization flags, and runs the Điều 29 pre-check on its certificate before any hash
/// is sent. Prints why on failure.
pub fn open(cmd: &str, args: &KeyArgs) -> Result<CscKey, exit::Outcome> {
    let vi = args.vi();
    let Some(url) = &args.csc else { return Err(exit::USAGE) };
    let report = |e: &CscError| {
        eprintln!("vbdt {cmd}: {}", describe(e, vi));
        exit_code(e)
    };
    let usage = |msg: String| {
        eprintln!("vbdt {cmd}: {msg}");
        exit::USAGE
    };
    let auth = if let Some(client_id) = &args.csc_client_id {
        let secret =
            SecretSource::choose(args.csc_client_secret_env.as_deref(), args.csc_client_secret_file.as_deref(), Secret::CscClient, vi)
                .read()
                .map_err(|e| usage(e.describe(vi)))?;
        ServiceAuth::ClientCredentials { client_id: client_id.clone(), client_secret: secret }
    } else if args.csc_token_env.is_some() || args.csc_token_file.is_some() {
        let token = SecretSource::choose(args.csc_token_env.as_deref(), args.csc_token_file.as_deref(), Secret::CscToken, vi)
            .read()
            .map_err(|e| usage(e.describe(vi)))?;
        ServiceAuth::Bearer(token)
    } else {
        return Err(usage(if vi {
            "--csc cần --csc-token-env/--csc-token-file (token) hoặc --csc-client-id với --csc-client-secret-env/--csc-client-secret-file"
                .into()
        } else {
            "--csc needs --csc-token-env/--csc-token-file (a bearer token) or --csc-client-id with --csc-client-secret-env/--csc-client-secret-file".into()
        }));
    };
    let pre = signing::precheck_options(args).map_err(|e| usage(format!("{e:#}")))?;
    let mut client = CscClient::new(url, pre.http);
    let info = client.info().map_err(|e| report(&e))?;
    client.authorize_service(auth, &info).map_err(|e| report(&e))?;
    let id = match &args.csc_credential {
        Some(id) => id.clone(),
        None => {
            let ids = client.list_credentials().map_err(|e| report(&e))?;
            match ids.as_slice() {
                [one] => one.clone(),
                [] => return Err(usage(format!("{}: no credential on this account / tài khoản không có khóa ký nào", client.service()))),
                many => {
                    let shown = many.iter().take(10).map(String::as_str).collect::<Vec<_>>().join(", ");
                    return Err(usage(if vi {
                        format!("{}: tài khoản có {} khóa ký ({shown}); chọn một bằng --csc-credential ID", client.service(), many.len())
                    } else {
                        format!(
                            "{}: the account has {} credentials ({shown}); choose one with --csc-credential ID",
                            client.service(),
                            many.len()
                        )
                    }));
                }
            }
        }
    };
    let credential = client.credential(&id).map_err(|e| report(&e))?;
    let mut chain = credential.chain.clone();
    let extra = if args.certs.is_empty() {
        Vec::new()
    } else {
        chain_check::cert::load_cert_sources(&args.certs).map_err(|e| usage(format!("--certs: {}", crate::msg::cert_error(&e, vi))))?
    };
    for c in extra {
        if !chain.contains(&c) {
            chain.push(c);
        }
    }
    // Điều 29: the certificate from credentials/info, before any hash goes out.
    let warnings = pdf_sign::precheck::check_signer(&chain, &pre).map_err(|e| {
        eprintln!("vbdt {cmd}: {}", signing::describe(&e, vi));
        signing::exit_code_for(&e)
    })?;
    for w in &warnings {
        eprintln!("vbdt {cmd}: {} {w}", if vi { "cảnh báo:" } else { "warning:" });
    }
    let credential = csc::Credential { chain, ..credential };
    Ok(CscKey::new(client, credential))
}

/// What phase one made of a job.
type Staged = Result<(SignOptions, Vec<String>, ToBeSigned), JobError>;

/// Signs `jobs` through the CSC credential: every document is prepared and its signed
/// attributes hashed; the hashes go to the service in groups of at most `multisign`, one
/// authorization (PIN/OTP) and one signHash call per group; then each document is
/// finished and written by the ordinary batch, with the signature made for it.
pub fn run_batch(
    cmd: &str,
    jobs: &[Job],
    force: bool,
    key: &CscKey,
    args: &KeyArgs,
    prepare: &(dyn Fn(&Job, &[u8]) -> Prepared + Sync),
) -> exit::Outcome {
    let vi = args.vi();
    let staged: Vec<Mutex<Option<Staged>>> = jobs
        .par_iter()
        .map(|job| {
            let stage = || -> Staged {
                let input = match &job.built {
                    Some(bytes) => pdf_sign::Input::from_vec(bytes.clone()),
                    None => pdf_sign::Input::open(&job.input).map_err(|e| SignError::Io { path: job.input.clone(), source: e })?,
                };
                if !force && job.output.exists() {
                    return Err(SignError::OutputExists(job.output.clone()).into());
                }
                let (opts, warnings) = prepare(job, input.bytes())?;
                let tbs = csc::to_be_signed(&input, key, &opts)?;
                Ok((opts, warnings, tbs))
            };
            Mutex::new(Some(stage()))
        })
        .collect();

    // Groups of the same digest and padding, at most `multisign` each, in job order.
    let ready: Vec<(usize, ToBeSigned)> = staged
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.lock().ok().and_then(|g| g.as_ref().and_then(|r| r.as_ref().ok()).map(|(_, _, t)| (i, t.clone()))))
        .collect();
    let per = key.credential().multisign.max(1);
    let mut kinds: Vec<(pdf_sign::DigestAlg, pdf_sign::RsaPadding)> = Vec::new();
    for (_, t) in &ready {
        if !kinds.contains(&(t.digest, t.padding)) {
            kinds.push((t.digest, t.padding));
        }
    }
    let mut groups: Vec<Vec<ToBeSigned>> = Vec::new();
    for kind in kinds {
        let same: Vec<ToBeSigned> = ready.iter().filter(|(_, t)| (t.digest, t.padding) == kind).map(|(_, t)| t.clone()).collect();
        groups.extend(same.chunks(per).map(<[ToBeSigned]>::to_vec));
    }
    if !args.quiet && !groups.is_empty() {
        let cred = key.credential();
        let secrets = match (cred.needs_pin, cred.needs_otp) {
            (true, true) => {
                if vi {
                    "PIN và OTP"
                } else {
                    "PIN and OTP"
                }
            }
            (true, false) => "PIN",
            (false, true) => "OTP",
            (false, false) => {
                if vi {
                    "không cần PIN/OTP"
                } else {
                    "no PIN/OTP asked"
                }
            }
        };
        if vi {
            eprintln!(
                "vbdt {cmd}: {} văn bản, {} lần cấp quyền khóa ký {} ({secrets}; dịch vụ cho phép {per} chữ ký mỗi lần)",
                ready.len(),
                groups.len(),
                cred.id
            );
        } else {
            eprintln!(
                "vbdt {cmd}: {} document(s), {} authorization(s) of credential {} ({secrets}; the service allows {per} signatures per authorization)",
                ready.len(),
                groups.len(),
                cred.id
            );
        }
    }
    for group in &groups {
        if let Err(code) = authorize_group(cmd, key, args, group) {
            return code;
        }
    }
    let cached = |job: &Job, _input: &[u8]| -> Prepared {
        let index = jobs.iter().position(|j| std::ptr::eq(j, job)).ok_or(SignError::Internal(pdf_sign::InternalError::UnknownJob))?;
        let taken = staged[index].lock().ok().and_then(|mut s| s.take());
        match taken {
            Some(Ok((opts, warnings, _))) => Ok((opts, warnings)),
            Some(Err(e)) => Err(e),
            None => Err(SignError::Internal(pdf_sign::InternalError::PreparedTwice).into()),
        }
    };
    signing::run_batch(cmd, jobs, force, key, args, &cached)
}

/// Reads the PIN/OTP the credential asks for (once, for this group) and has the group signed.
fn authorize_group(cmd: &str, key: &CscKey, args: &KeyArgs, group: &[ToBeSigned]) -> Result<(), exit::Outcome> {
    let vi = args.vi();
    let cred = key.credential();
    let read = |env: Option<&str>, file: Option<&std::path::Path>, what: Secret| {
        SecretSource::choose(env, file, what, vi).read().map_err(|e| {
            eprintln!("vbdt {cmd}: {}", e.describe(vi));
            exit::USAGE
        })
    };
    let pin = if cred.needs_pin { Some(read(args.pin_env.as_deref(), args.pin_file.as_deref(), Secret::CscPin)?) } else { None };
    let otp = if cred.needs_otp { Some(read(args.otp_env.as_deref(), args.otp_file.as_deref(), Secret::CscOtp)?) } else { None };
    key.sign_group(group, pin.as_deref().map(String::as_str), otp.as_deref().map(String::as_str)).map_err(|e| {
        eprintln!("vbdt {cmd}: {}", describe(&e, vi));
        if vi {
            eprintln!("vbdt {cmd}: không tệp nào được ghi.");
        } else {
            eprintln!("vbdt {cmd}: no file was written.");
        }
        exit_code(&e)
    })
}
