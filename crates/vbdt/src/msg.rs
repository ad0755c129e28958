//! The user's language in one place: every typed error of the libraries rendered in
//! Vietnamese (Decree 68/2024's terms) or English, with every time in +07:00. The
//! libraries carry data (paths, times, reason codes); the sentences are made here.

use chain_check::revocation::Unchecked;
use pdf_raw::RawError;
use pdf_sign::{CertRefusal, InputProblem, KeyProblem, PrecheckWarning, SecretProblem, SignError};
use stamp_layout::LayoutError;

/// `2026-12-02T12:52:08+07:00`: the one format of every time shown.
pub fn time(t: time::OffsetDateTime) -> String {
    pdf_verify::report::fmt_time(t)
}

/// Why the system refused a file operation, without the path (the caller names it).
pub fn io(e: &std::io::Error, vi: bool) -> String {
    pdf_verify::verdict::io_msg(e).get(lang(vi)).to_string()
}

pub fn lang(vi: bool) -> pdf_verify::Lang {
    if vi {
        pdf_verify::Lang::Vi
    } else {
        pdf_verify::Lang::En
    }
}

/// A file that cannot be read: the same words in every subcommand.
pub fn unreadable_file(path: &std::path::Path, e: &std::io::Error, vi: bool) -> String {
    if vi {
        format!("{}: không đọc được tệp: {}", path.display(), io(e, true))
    } else {
        format!("{}: cannot read the file: {}", path.display(), io(e, false))
    }
}

/// Why a file is not a PDF vbdt can read, without the path.
pub fn raw(e: &RawError, vi: bool) -> String {
    pdf_verify::verdict::raw_msg(e).get(lang(vi)).to_string()
}

/// A certificate file (--trust, --certs) that cannot be used.
pub fn cert_error(e: &chain_check::CertError, vi: bool) -> String {
    use chain_check::CertError;
    match e {
        CertError::Io { path, source } if vi => format!("không đọc được {}: {}", path.display(), io(source, true)),
        CertError::Io { path, source } => format!("cannot read {}: {}", path.display(), io(source, false)),
        CertError::InFile { path, source } => format!("{}: {}", path.display(), cert_error(source, vi)),
        CertError::NoCertificate if vi => "không tìm thấy chứng thư chữ ký số nào".into(),
        CertError::Base64 { index } if vi => format!("khối PEM thứ {index}: base64 sai cấu trúc"),
        CertError::Der(_) if vi => "chứng thư chữ ký số sai cấu trúc DER".into(),
        CertError::MalformedExtension { extension, .. } if vi => format!("phần mở rộng {extension} sai cấu trúc"),
        other => other.to_string(),
    }
}

/// A CRL file (--crl) that cannot be read.
pub fn crl_unreadable(path: &std::path::Path, e: &std::io::Error, vi: bool) -> String {
    if vi {
        format!("không đọc được CRL {}: {}", path.display(), io(e, true))
    } else {
        format!("cannot read the CRL {}: {}", path.display(), io(e, false))
    }
}

/// Why the input cannot be updated.
fn input_problem(p: &InputProblem, vi: bool) -> String {
    match (p, vi) {
        (InputProblem::NotPdf(raw_err), _) => raw(raw_err, vi),
        (InputProblem::Structure(why), true) => format!("không ký được: {}", structure_problem(why)),
        (InputProblem::TooLarge, true) => "không hỗ trợ tệp từ 10 GB trở lên".into(),
        (other, _) => format!("cannot be signed: {other}"),
    }
}

/// What in a readable PDF stops the update, in Vietnamese.
fn structure_problem(p: &pdf_sign::StructureProblem) -> String {
    use pdf_sign::StructureProblem as S;
    match p {
        S::Objects(e) => format!("không đọc được các đối tượng của tệp PDF ({e})"),
        S::NoRoot => "phần trailer không trỏ tới /Root".into(),
        S::Unreadable { part, .. } => format!("không đọc được {}", pdf_part(part)),
        S::NoPages => "văn bản không có trang nào".into(),
        S::NoSuchPage { page, pages } => format!("hình hiển thị đặt ở trang {page}, văn bản chỉ có {pages} trang"),
        S::NoSuchBlankPage(page) => format!("chỗ trống ở trang {page}, trang này không có trong văn bản"),
        S::FieldExists(name) => format!("đã có trường tên {name:?}"),
        S::BlankReservedBefore(name) => format!("đã có trường tên {name:?}: các chỗ trống đã được dành sẵn từ trước"),
        S::NoTextField(name) => format!("văn bản không có trường văn bản {name:?} để điền"),
        S::NotTextField(name) => format!("trường {name:?} không phải trường văn bản"),
        S::FieldTreeTooLarge => "cây trường biểu mẫu quá sâu hoặc quá lớn".into(),
        S::FieldTreeCycle => "cây trường biểu mẫu có vòng lặp".into(),
        other => other.to_string(),
    }
}

fn pdf_part(p: &pdf_sign::PdfPart) -> String {
    use pdf_sign::PdfPart as P;
    match p {
        P::Catalog => "danh mục (catalog) của văn bản".into(),
        P::Dss => "DSS".into(),
        P::FirstPage => "trang đầu".into(),
        P::PageToSign => "trang đặt chữ ký".into(),
        P::PageForField => "trang cần thêm trường".into(),
        P::PageAnnots => "mảng /Annots của trang".into(),
        P::AcroForm => "AcroForm".into(),
        P::AcroFormFields => "mảng /Fields của AcroForm".into(),
        P::Field(name) => format!("trường {name:?}"),
        other => other.to_string(),
    }
}

/// Why a service (TSA, CSC) could not be asked, in Vietnamese.
pub fn http_vi(e: &chain_check::HttpError) -> String {
    use chain_check::HttpError;
    match e {
        HttpError::Timeout { timeout, .. } => format!("không có trả lời trong {} giây", timeout.as_secs().max(1)),
        HttpError::Status { status, .. } => format!("máy chủ trả mã HTTP {status}"),
        HttpError::Transport { .. } => "không kết nối được".into(),
        HttpError::TooLarge { limit, .. } => format!("câu trả lời lớn hơn {limit} byte"),
        other => format!("không hỏi được dịch vụ ({other})"),
    }
}

fn secret_problem(p: &SecretProblem, vi: bool) -> String {
    if !vi {
        return p.to_string();
    }
    match p {
        SecretProblem::WrongP12Password(path) => format!("{}: sai mật khẩu (hoặc tệp bị hỏng); không thử lại", path.display()),
        SecretProblem::PinRejected => "thiết bị ký số từ chối mã PIN (không thử lại: thiết bị sẽ khóa sau vài lần nhập sai)".into(),
        SecretProblem::PinLocked => "mã PIN của thiết bị ký số đã bị khóa".into(),
        _ => "mã PIN hoặc mật khẩu sai, không thử lại".into(),
    }
}

/// Why the timestamp service gave no usable token, in Vietnamese.
fn tsa_problem(p: &pdf_sign::TsaProblem) -> String {
    use pdf_sign::TsaProblem;
    match p {
        TsaProblem::Unreachable(h) => http_vi(h),
        TsaProblem::Refused(status) => format!("dịch vụ từ chối yêu cầu (PKIStatus {status})"),
        TsaProblem::BadAnswer(why) => format!("câu trả lời không phải dấu thời gian dùng được: {}", tsa_answer(why)),
        TsaProblem::TooLarge { size, capacity } => format!("dấu thời gian ({size} byte) lớn hơn {capacity} byte được dành sẵn"),
        other => other.to_string(),
    }
}

/// What is wrong in a timestamp service's answer, in Vietnamese.
fn tsa_answer(p: &pdf_sign::TsaAnswerProblem) -> String {
    use pdf_sign::TsaAnswerProblem as T;
    match p {
        T::NotResponse(_) => "không phải phản hồi dấu thời gian".into(),
        T::NoToken => "được chấp nhận nhưng không kèm dấu thời gian".into(),
        T::NotSignedData(_) => "dấu thời gian không phải SignedData".into(),
        T::NoTstInfo => "dấu thời gian không có TSTInfo".into(),
        T::TstInfoWrapper(_) | T::TstInfo(_) => "TSTInfo sai cấu trúc".into(),
        T::OtherImprint => "dấu thời gian cấp cho một giá trị băm khác".into(),
        T::OtherNonce => "nonce của dấu thời gian không khớp với yêu cầu".into(),
        other => other.to_string(),
    }
}

/// Why signing with an opened key failed, in Vietnamese (the token's own code stays).
fn signing_failure(p: &pdf_sign::SigningFailure) -> String {
    use pdf_sign::SigningFailure as F;
    match p {
        F::EcKey(_) => "không nạp được khóa EC".into(),
        F::Rsa => "lỗi khi ký RSA".into(),
        F::Ecdsa => "lỗi khi ký ECDSA".into(),
        F::Token(e) => format!("thiết bị ký số báo lỗi ({e})"),
        F::MalformedEcdsa => "thiết bị ký số trả về chữ ký ECDSA sai cấu trúc".into(),
        F::Login(e) => format!("đăng nhập PKCS#11 không thành công ({e})"),
        other => other.to_string(),
    }
}

fn pkcs11_step(step: pdf_sign::Pkcs11Step) -> &'static str {
    use pdf_sign::Pkcs11Step as S;
    match step {
        S::LoadModule => "không nạp được thư viện",
        S::Initialize => "không khởi tạo được",
        S::ListTokens => "không liệt kê được thiết bị ký số",
        S::TokenInfo => "không đọc được thông tin thiết bị ký số",
        S::OpenSession => "không mở được phiên làm việc",
        S::FindKeys => "không tìm được khóa",
        S::KeyAttributes => "không đọc được thuộc tính của khóa",
        _ => "lỗi",
    }
}

/// Why the key file or token cannot be used, in Vietnamese.
fn key_problem(p: &KeyProblem) -> String {
    match p {
        KeyProblem::P12Unreadable { path, source } => format!("{}: không đọc được tệp khóa: {}", path.display(), io(source, true)),
        KeyProblem::P12Unusable { path, problem: pdf_sign::P12Problem::Certificate(_) } => {
            format!("{}: tệp PKCS#12 chứa chứng thư chữ ký số sai cấu trúc", path.display())
        }
        KeyProblem::P12Unusable { path, .. } => {
            format!("{}: không phải tệp PKCS#12 dùng được (cấu trúc hoặc thuật toán vbdt không đọc được)", path.display())
        }
        KeyProblem::P12NoKey { path } => format!("{}: trong tệp không có khóa bí mật kèm chứng thư chữ ký số", path.display()),
        KeyProblem::P12KeyUnusable { path, problem } => {
            format!("{}: khóa bí mật không khớp với chứng thư chữ ký số, hoặc không phải loại vbdt ký được ({problem})", path.display())
        }
        KeyProblem::NoCertificate => "không có chứng thư chữ ký số của người ký".into(),
        KeyProblem::DigestNotOffered { digest } => format!("khóa này không ký được với {digest}"),
        KeyProblem::DigestNotAllowed { digest } => format!("{digest} không được dùng cho chữ ký mới"),
        KeyProblem::SigningFailed(why) => format!("ký không thành công: {}", signing_failure(why)),
        KeyProblem::Pkcs11 { module, step, source } => {
            format!("PKCS#11 {}: lỗi của thiết bị ký số hoặc thư viện: {} ({source})", module.display(), pkcs11_step(*step))
        }
        KeyProblem::NoTokenLabelled { module, label, present } => format!(
            "PKCS#11 {}: không có thiết bị ký số mang nhãn \"{label}\" (các thiết bị đang có: {})",
            module.display(),
            if present.is_empty() {
                "không có".to_string()
            } else {
                present.iter().map(|l| format!("\"{l}\"")).collect::<Vec<_>>().join(", ")
            }
        ),
        KeyProblem::NoToken { module } => format!("PKCS#11 {}: không có thiết bị ký số nào được cắm", module.display()),
        KeyProblem::NoPublicCertificate => {
            "thiết bị ký số không cho thấy chứng thư chữ ký số nào trước khi đăng nhập; vbdt kiểm tra theo Điều 29 trước khi dùng khóa"
                .into()
        }
        KeyProblem::NoKeyLabelled(label) => format!("thiết bị ký số không có khóa bí mật mang nhãn \"{label}\""),
        KeyProblem::NoKey => "thiết bị ký số không có khóa bí mật nào".into(),
        KeyProblem::SeveralKeys(n) => format!("thiết bị ký số có {n} khóa bí mật; hãy chọn một bằng --key NHÃN"),
        KeyProblem::SeveralKeysLabelled(label) => format!("có nhiều khóa bí mật mang nhãn \"{label}\""),
        KeyProblem::NoCertificateForKey => "thiết bị ký số không có chứng thư chữ ký số cho khóa này (cùng CKA_ID)".into(),
        KeyProblem::CheckedCertificateNotTheKeys => {
            "chứng thư chữ ký số đã kiểm tra trước khi đăng nhập không thuộc khóa được chọn; hãy chọn bằng --key NHÃN".into()
        }
        KeyProblem::UnsupportedKey => "loại khóa trên thiết bị ký số không được hỗ trợ (cần RSA 2048–4096 hoặc ECDSA P-256/P-384)".into(),
        KeyProblem::PinUnavailable => "không đọc được mã PIN".into(),
        KeyProblem::CscNotSigned { service } => {
            format!("dịch vụ ký số từ xa (CSC) {service}: dịch vụ chưa ký các thuộc tính này (chưa gửi đi)")
        }
        other => format!("không dùng được khóa ({other})"),
    }
}

/// A certificate refused before signing (Điều 29).
pub fn refusal(r: &CertRefusal, vi: bool) -> String {
    if !vi {
        return r.to_string();
    }
    match r {
        CertRefusal::NoSigner => "không có chứng thư chữ ký số của người ký".into(),
        CertRefusal::Signer { article, problem } => {
            format!("{article}: {}", pdf_verify::dieu31::vi_problem(problem))
        }
        CertRefusal::Ca(problem) => format!("Điều 32: {}", pdf_verify::dieu31::vi_problem(problem)),
        CertRefusal::Path(e) => format!("Điều 32: {}", pdf_verify::dieu32::vi_path_error(e)),
        CertRefusal::IncompleteChain { subject } => format!(
            "Điều 32: chuỗi chứng thư chữ ký số của {subject} không đầy đủ (các chứng thư chữ ký số của tổ chức cấp tới chứng thư chữ ký số gốc phải có trong tệp khóa hoặc thiết bị ký số, hoặc được cho bằng --certs)"
        ),
        CertRefusal::Revoked { subject, revoked_at, reason } => format!(
            "Điều 31.1.c: chứng thư chữ ký số của người ký {subject} đã bị thu hồi lúc {}{}",
            time(*revoked_at),
            reason.as_ref().map(|r| format!(", lý do {r}")).unwrap_or_default()
        ),
        other => other.to_string(),
    }
}

/// Why a revocation status could not be established.
pub fn unchecked(u: &Unchecked, vi: bool) -> String {
    if vi {
        pdf_verify::dieu31::vi_unchecked(u)
    } else {
        u.to_string()
    }
}

/// A warning of the pre-signing checks.
pub fn warning(w: &PrecheckWarning, vi: bool) -> String {
    match w {
        PrecheckWarning::RevocationUnknown { subject, reasons } if vi => format!(
            "Điều 31.1.c: không kiểm tra được tình trạng thu hồi chứng thư chữ ký số của {subject}: {}",
            reasons.iter().map(|r| unchecked(r, true)).collect::<Vec<_>>().join("; ")
        ),
        other => other.to_string(),
    }
}

/// A problem with the visible appearance.
pub fn layout(e: &LayoutError, vi: bool) -> String {
    if !vi {
        return match e {
            LayoutError::FontUnreadable { path, source } => format!("font: cannot read {}: {}", path.display(), io(source, false)),
            other => other.to_string(),
        };
    }
    match e {
        LayoutError::Pdf(why) => format!("không đọc được tệp PDF để đặt hình thức chữ ký ({why})"),
        LayoutError::NoSuchPage { asked, pages } => format!("văn bản có {pages} trang; không có trang {asked}"),
        LayoutError::NameNotFound { name, pages, lines } => format!(
            "không tìm thấy tên người ký \"{name}\" trong chữ của {pages} ({lines} dòng đã đọc); hãy cho --signer-name \"…\" hoặc --place TRANG,X,Y,R,C"
        ),
        LayoutError::NoTitle { name, page } => {
            format!("tìm thấy \"{name}\" ở trang {page} nhưng không có dòng chức danh phía trên (hãy cho --place TRANG,X,Y,R,C)")
        }
        LayoutError::GapTooSmall { title, name, page, gap_mm } => format!(
            "khoảng trống giữa \"{title}\" và \"{name}\" ở trang {page} chỉ cao {gap_mm:.1} mm (hãy cho --place TRANG,X,Y,R,C)"
        ),
        LayoutError::NoPersonalSignature => "văn bản không có chữ ký cá nhân hiện hình để con dấu trùm lên (hãy ký cá nhân trước, hoặc cho --place TRANG,X,Y,R,C)".into(),
        LayoutError::NotAnImage => "ảnh chữ ký: không phải tệp PNG hay JPEG".into(),
        LayoutError::Image(why) => format!("ảnh không dùng được: {}", image_problem(why)),
        LayoutError::Font(why) => font_problem(why),
        LayoutError::Compress(e) => format!("không nén được dữ liệu ({e})"),
        LayoutError::MissingGlyph { font, ch, code } => format!(
            "phông chữ \"{font}\" không có ký tự {ch:?} (U+{code:04X}); hãy cho --font ĐƯỜNG_DẪN tới phông chữ có ký tự đó"
        ),
        LayoutError::Place(why) => format!("vị trí không dùng được ({why})"),
        LayoutError::BoxOffPage { x, y, w, h, page, page_w, page_h } => {
            format!("khung {x},{y},{w},{h} mm không nằm gọn trong trang {page} ({page_w:.0}×{page_h:.0} mm)")
        }
        LayoutError::SealSize(mm) => format!("con dấu cỡ {mm} mm là không hợp lý"),
        LayoutError::StampTooWide => "dòng chữ đóng trên văn bản rộng hơn trang".into(),
        LayoutError::FontUnreadable { path, source } => {
            format!("không đọc được phông chữ {}: {}", path.display(), io(source, true))
        }
        LayoutError::BlankTooNarrow { text, kind, width, size, room } => format!(
            "\"{text}\" rộng {width:.1} pt ở cỡ {size:.1} pt; chỗ trống cho {} chỉ rộng {room:.1} pt",
            kind.words().1
        ),
        LayoutError::Limit(why) => format!("nội dung trang vượt giới hạn vbdt đọc được ({why})"),
        other => other.to_string(),
    }
}

/// A placement warning in the chosen language.
/// Why an image (signature, seal, scan) cannot be used, in Vietnamese.
fn image_problem(p: &stamp_layout::ImageProblem) -> String {
    use stamp_layout::{ImageProblem as I, JpegProblem as J};
    match p {
        I::Png(e) => format!("không giải mã được ảnh PNG: {}", png_vi(e)),
        I::Size { width, height } => format!("ảnh {width}×{height} điểm ảnh không phải hình chữ ký hay con dấu"),
        I::IndexedPng => "ảnh PNG dùng bảng màu chưa được chuyển đổi".into(),
        I::ShortPng => "dữ liệu ảnh PNG bị thiếu".into(),
        I::Transparent => "ảnh trong suốt hoàn toàn".into(),
        I::Jpeg(j) => {
            let why = match j {
                J::NoSoi => "thiếu dấu hiệu SOI ở đầu tệp",
                J::MarkerExpected => "thiếu dấu hiệu (marker) ở chỗ cần có",
                J::TruncatedSegment => "một đoạn dữ liệu bị cắt cụt",
                J::ShortFrameHeader => "phần đầu khung ảnh quá ngắn",
                J::UnsupportedFrame => "kiểu khung ảnh không được hỗ trợ",
                J::NoFrameHeader => "không có phần đầu khung ảnh",
                _ => "cấu trúc không đúng",
            };
            format!("tệp JPEG hỏng: {why}")
        }
        I::NoResolution => "ảnh con dấu không ghi độ phân giải (PNG pHYs); hãy cho --seal-size 36mm".into(),
        I::NoScans => "không có bản quét nào".into(),
        I::Scan { index, problem } => format!("bản quét thứ {index}: {}", image_problem(problem)),
        other => other.to_string(),
    }
}

/// What the PNG decoder found, in Vietnamese (its own words are English only).
fn png_vi(e: &png::DecodingError) -> &'static str {
    match e {
        png::DecodingError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => "tệp bị cắt cụt",
        png::DecodingError::IoError(_) => "lỗi khi đọc dữ liệu",
        png::DecodingError::Format(_) => "dữ liệu sai định dạng PNG",
        png::DecodingError::LimitsExceeded => "ảnh vượt giới hạn kích thước vbdt đọc",
        _ => "dữ liệu không dùng được",
    }
}

/// Why a font cannot be used, in Vietnamese (the font reader's words stay as they are).
fn font_problem(p: &stamp_layout::FontProblem) -> String {
    use stamp_layout::{FontDefect as D, FontProblem as F};
    match p {
        F::Unusable { font, defect } => {
            let why = match defect {
                D::NotAFont(_) => "không đọc được cấu trúc tệp phông chữ".into(),
                D::Table { table, .. } => format!("bảng {table} hỏng"),
                D::UnitsPerEm(n) => format!("{n} đơn vị mỗi em (bảng head chỉ cho phép từ 16 đến 16384)"),
                other => other.to_string(),
            };
            format!("phông chữ: {font} không phải phông TrueType/OpenType dùng được: {why}")
        }
        F::Face { font, .. } => format!("phông chữ: không đọc được {font}"),
        F::Subset { font, .. } => format!("phông chữ: không tạo được tập con của {font}"),
        other => other.to_string(),
    }
}

pub fn layout_warning(w: &stamp_layout::LayoutWarning, vi: bool) -> String {
    use stamp_layout::{ColorCheck, LayoutWarning};
    if !vi {
        return w.to_string();
    }
    let color = |c: &ColorCheck| match c {
        ColorCheck::Blue => "màu xanh (S2: ảnh chữ ký cá nhân màu xanh)",
        ColorCheck::Red => "màu đỏ (S3: con dấu màu đỏ)",
    };
    match w {
        LayoutWarning::StampOverText { text } => {
            format!("dòng chữ đóng ở góc trên bên phải trang 1 đè lên chữ của trang (\"{text}\"); lề trên của văn bản có thể quá hẹp")
        }
        LayoutWarning::Greyscale { want } => format!("ảnh là ảnh xám, không phải {}", color(want)),
        LayoutWarning::OffColor { percent, want } => {
            format!("chỉ {percent}% điểm ảnh nhìn thấy được là {}", color(want))
        }
        other => other.to_string(),
    }
}

/// The message for a failed signature, in the chosen language, without the input's
/// name (the caller gives it when it is not part of the problem).
pub fn sign_error(err: &SignError, vi: bool) -> String {
    match err {
        SignError::BadInput(p) => input_problem(p, vi),
        SignError::Io { path, source } => {
            if vi {
                format!("{}: {}", path.display(), io(source, true))
            } else {
                format!("{}: {}", path.display(), io(source, false))
            }
        }
        SignError::BadSecret(p) => secret_problem(p, vi),
        SignError::Certificate(r) => refusal(r, vi),
        SignError::Key(KeyProblem::P12Unreadable { path, source }) if !vi => {
            format!("{}: cannot read the key file: {}", path.display(), io(source, false))
        }
        SignError::Key(p) if !vi => p.to_string(),
        SignError::Appearance(e) => layout(e, vi),
        _ if !vi => err.to_string(),
        SignError::Encrypted => "tệp đã mã hóa; vbdt không ký tệp PDF mã hóa".into(),
        SignError::CertifiedNoChanges => {
            "văn bản có chữ ký chứng nhận không cho phép thay đổi (DocMDP P=1); ký thêm sẽ làm mất hiệu lực chữ ký chứng nhận đó".into()
        }
        SignError::OutputExists(p) => format!("{} đã tồn tại (dùng --force để ghi đè)", p.display()),
        SignError::Key(p) => key_problem(p),
        SignError::Timestamp { url, problem } => format!("dịch vụ cấp dấu thời gian {url}: {}", tsa_problem(problem)),
        SignError::Internal(why) => format!("lỗi nội bộ ({why})"),
        SignError::AttributesCollected => "lỗi nội bộ (việc ký dừng lại sau khi đã lấy các thuộc tính được ký)".into(),
        other => other.to_string(),
    }
}

/// What was being done to a file when the system refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Write,
    Read,
}

/// A file or directory that `demo` or `testpki` cannot make, write or read: a typed cause
/// inside their `anyhow` errors, rendered by [`anyhow_error`].
#[derive(Debug, thiserror::Error)]
#[error("cannot {} {}: {source}", match .op { Op::Create => "create", Op::Write => "write", Op::Read => "read" }, .path.display())]
pub struct FileOp {
    pub op: Op,
    pub path: std::path::PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl FileOp {
    pub fn new(op: Op, path: &std::path::Path) -> impl FnOnce(std::io::Error) -> FileOp + '_ {
        move |source| FileOp { op, path: path.to_path_buf(), source }
    }

    pub fn describe(&self, vi: bool) -> String {
        if !vi {
            return format!(
                "cannot {} {}: {}",
                match self.op {
                    Op::Create => "create",
                    Op::Write => "write",
                    Op::Read => "read",
                },
                self.path.display(),
                io(&self.source, false)
            );
        }
        let what = match self.op {
            Op::Create => "không tạo được",
            Op::Write => "không ghi được",
            Op::Read => "không đọc được",
        };
        format!("{what} {}: {}", self.path.display(), io(&self.source, true))
    }
}

/// An error of `demo` or `testpki`: a [`FileOp`] in the chosen language; anything else
/// (a failure of the certificate library, not the user's doing) as it is.
pub fn anyhow_error(err: &anyhow::Error, vi: bool) -> String {
    match err.chain().find_map(|e| e.downcast_ref::<FileOp>()) {
        Some(f) => f.describe(vi),
        None if vi => format!("lỗi nội bộ ({err:#})"),
        None => format!("{err:#}"),
    }
}

/// A trust-store error (`--require-policy`, `--trust-as`, a built-in trust profile).
pub fn trust_error(e: &chain_check::trust::TrustError, vi: bool) -> String {
    use chain_check::trust::TrustError as T;
    match e {
        T::UnknownProfile { name } if vi => format!("không có hồ sơ tin cậy \"{name}\" (có: vgca, neac)"),
        T::BadPolicy { oid } if vi => {
            format!("\"{oid}\" không phải OID chính sách chứng thư (các số cách nhau bởi dấu chấm, ví dụ 2.16.704.1.1.1.1.1)")
        }
        T::Embedded { file, source } if vi => format!("chứng thư tin cậy có sẵn {file} không đọc được: {}", cert_error(source, true)),
        other => other.to_string(),
    }
}

/// clap's own error (an unknown or missing flag, a bad value) in Vietnamese: clap renders
/// it in English, so the sentence is made here from the error's kind and context; the
/// usage line clap shows is kept (as "Cách dùng:", the help's word) and the `--help` hint.
pub fn clap_error_vi(e: &clap::Error) -> String {
    use clap::error::{ContextKind as C, ErrorKind as K};
    let get = |k: C| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let arg = get(C::InvalidArg);
    let value = get(C::InvalidValue);
    let mut head = match e.kind() {
        K::UnknownArgument => format!("không có tùy chọn hay đối số '{arg}'"),
        K::InvalidSubcommand => format!("không có lệnh '{}'", get(C::InvalidSubcommand)),
        K::InvalidValue | K::ValueValidation if value.is_empty() => format!("{arg} cần một giá trị"),
        K::InvalidValue | K::ValueValidation => format!("giá trị '{value}' không hợp lệ cho {arg}"),
        K::NoEquals => format!("{arg} cần giá trị sau dấu '='"),
        K::TooManyValues => format!("{arg} nhận quá nhiều giá trị ('{value}')"),
        K::TooFewValues | K::WrongNumberOfValues => {
            format!("{arg} cần {} giá trị, đã cho {}", get(C::ExpectedNumValues), get(C::ActualNumValues))
        }
        K::ArgumentConflict => format!("không dùng {arg} cùng với {}", get(C::PriorArg)),
        K::MissingRequiredArgument => format!("thiếu đối số bắt buộc: {arg}"),
        K::MissingSubcommand => "thiếu lệnh (sign, verify, copy, attach, chain, ltv…)".to_string(),
        K::InvalidUtf8 => format!("{arg} không phải văn bản UTF-8 hợp lệ"),
        _ => "dòng lệnh không hợp lệ".to_string(),
    };
    let mut hints = Vec::new();
    if let Some(v) = e.get(C::ValidValue) {
        hints.push(format!("  [các giá trị được dùng: {v}]"));
    }
    for k in [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue] {
        if let Some(v) = e.get(k) {
            hints.push(format!("  gợi ý: có phải ý bạn là '{v}'?"));
        }
    }
    let rendered = e.render().to_string();
    let usage = rendered.lines().skip_while(|l| !l.starts_with("Usage: ")).take_while(|l| !l.trim().is_empty()).collect::<Vec<_>>();
    head = format!("lỗi: {head}");
    for h in hints {
        head.push('\n');
        head.push_str(&h);
    }
    if let Some((first, rest)) = usage.split_first() {
        head.push_str("\n\nCách dùng: ");
        head.push_str(first.trim_start_matches("Usage: "));
        for l in rest {
            head.push('\n');
            head.push_str(l);
        }
    }
    head.push_str("\n\nXem thêm: '--help'.\n");
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_vietnam() {
        let t = time::macros::datetime!(2026-12-01 17:28:03 UTC);
        assert_eq!(time(t), "2026-12-02T00:28:03+07:00");
        let r = CertRefusal::Revoked { subject: "CN=A".into(), revoked_at: t, reason: None };
        assert!(refusal(&r, true).contains("2026-12-02T00:28:03+07:00"), "{}", refusal(&r, true));
        assert!(refusal(&r, false).contains("2026-12-02T00:28:03+07:00"), "{}", refusal(&r, false));
    }

    #[test]
    fn a_missing_file_reads_the_same_everywhere() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        let p = std::path::Path::new("a.pdf");
        assert_eq!(unreadable_file(p, &e, true), "a.pdf: không đọc được tệp: không có tệp hoặc thư mục này");
        assert_eq!(unreadable_file(p, &e, false), "a.pdf: cannot read the file: no such file or directory");
    }
}
