//! Vietnamese help: the summary of vbdt and of each subcommand, the most used flags and
//! the help headings, laid over the one clap definition (cli.rs, in English) when the
//! language is Vietnamese (`--lang vi`, the profile, `LANG=vi_VN…`). Flags not listed
//! here keep their English help.

use clap::{Arg, ArgAction, Command};

const TOP: &str = "Ký số và kiểm tra chữ ký số văn bản PDF của cơ quan nhà nước Việt Nam (PAdES, Nghị định 68/2024/NĐ-CP)";

/// (subcommand, summary).
const ABOUT: &[(&str, &str)] = &[
    ("sign", "Ký số tệp PDF (PAdES) bằng tệp khóa PKCS#12 hoặc thiết bị ký số PKCS#11 (token)."),
    (
        "verify",
        "Kiểm tra tệp PDF đã ký số (Nghị định 68/2024 Điều 30–32, sửa đổi sau khi ký, quy tắc văn bản). \
         Mã thoát: 0 hợp lệ hết, 1 không hợp lệ hoặc chưa ký, 3 chưa xác định, 4 không đọc được, 2 sai cách dùng.",
    ),
    (
        "copy",
        "Bản sao điện tử (rules.md S4): thêm chữ ký số của cơ quan, tổ chức, thể hiện hình thức sao, tên cơ quan, \
         tổ chức và thời gian ký ở góc trên bên phải trang đầu; cũng từ bản quét JPEG.",
    ),
    (
        "attach",
        "Phụ lục, tài liệu kèm theo trong tệp riêng (rules.md S5): thêm chữ ký số của cơ quan, tổ chức, thể hiện số, \
         ký hiệu văn bản và thời gian ký ở góc trên bên phải trang đầu.",
    ),
    (
        "chain",
        "Lịch sử tệp đã ký cho lưu trữ: các phiên bản, chữ ký số và dấu thời gian, đường dẫn chứng thư chữ ký số, \
         bằng chứng thu hồi; --extract N ghi ra phiên bản N.",
    ),
    (
        "ltv",
        "Kiểm tra dài hạn (PAdES B-LT): thêm chứng thư chữ ký số, phản hồi OCSP và CRL của mọi chữ ký và dấu thời gian \
         vào DSS; với --lta --tsa URL thêm dấu thời gian tài liệu (B-LTA). Chạy lại sau này để gia hạn.",
    ),
    (
        "demo",
        "Trình diễn: tạo PKI thử nghiệm dùng một lần, ký quyết định mẫu bằng chữ ký số cá nhân rồi chữ ký số của cơ quan, \
         tổ chức, và kiểm tra.",
    ),
    (
        "testpki",
        "Tạo PKI thử nghiệm dùng một lần (CA gốc, CA cấp dưới, chứng thư chữ ký số cá nhân và cơ quan, chứng thư hỏng, \
         OCSP, TSA, CRL). Chỉ để thử nghiệm.",
    ),
    (
        "completions",
        "In mã tự hoàn thành lệnh (bash, zsh, fish, powershell, elvish), vd. `vbdt completions bash > /etc/bash_completion.d/vbdt`.",
    ),
    ("man", "In trang hướng dẫn (roff): `vbdt man | man -l -`."),
];

/// (flag id, help) for the flags most used, in every subcommand that has them.
const FLAGS: &[(&str, &str)] = &[
    ("inputs", "Tệp đầu vào: PDF (với copy --from-images: các trang quét JPEG, theo thứ tự)."),
    ("files", "Tệp PDF đã ký."),
    ("output", "Tệp đầu ra (chỉ một tệp đầu vào)."),
    ("out_dir", "Ghi mỗi tệp đã ký vào thư mục DIR, giữ nguyên tên."),
    (
        "suffix",
        "Ghi mỗi tệp đã ký cạnh tệp gốc, thêm SUFFIX trước `.pdf` (vd. `--suffix -signed`). \
         Bỏ qua tệp đầu vào có tên đã kết thúc bằng SUFFIX (tệp đầu ra của lần trước).",
    ),
    ("force", "Ghi đè tệp đầu ra đã có."),
    ("skip_existing", "Bỏ qua tệp đã có tệp đầu ra (làm tiếp một lô bị dừng)."),
    ("profile", "Tệp hồ sơ (tên cơ quan, con dấu, phông chữ, khóa, TSA); mặc định ./vbdt.toml, rồi ~/.config/vbdt/vbdt.toml."),
    ("p12", "Ký bằng khóa và chứng thư chữ ký số trong tệp PKCS#12 (.p12/.pfx)."),
    ("pass_env", "Đọc mật khẩu PKCS#12 từ biến môi trường này."),
    ("pass_file", "Đọc mật khẩu PKCS#12 từ dòng đầu của tệp này."),
    ("pkcs11", "Ký trên thiết bị ký số PKCS#11 (token) qua mô-đun này (vd. /usr/lib/softhsm/libsofthsm2.so)."),
    ("token", "Nhãn token (mặc định: token đầu tiên có mặt)."),
    ("pin_env", "Đọc mã PIN từ biến môi trường này. PIN sai không bao giờ được thử lại."),
    ("pin_file", "Đọc mã PIN từ dòng đầu của tệp này."),
    ("role", "Chữ ký của ai: cá nhân (personal) hay cơ quan, tổ chức (organization, văn thư ký sau chữ ký cá nhân)."),
    ("image", "Hình ảnh thể hiện: chữ ký tay (cá nhân, PNG màu xanh) hoặc con dấu (cơ quan, tổ chức, PNG màu đỏ)."),
    ("trust", "Chứng thư gốc tin cậy (tệp PEM hoặc DER, hoặc thư mục)."),
    ("crl", "Tệp CRL dùng để kiểm tra chứng thư chữ ký số chưa bị thu hồi."),
    ("offline", "Không dùng mạng (không hỏi OCSP, CRL)."),
    ("jobs", "Số tệp xử lý song song."),
    ("quiet", "Chỉ in lỗi."),
    ("lang", "Ngôn ngữ thông báo (mặc định: `lang` trong hồ sơ, rồi LC_ALL/LC_MESSAGES/LANG, rồi tiếng Việt)."),
    ("format", "Định dạng báo cáo."),
];

/// (English heading, Vietnamese heading).
const HEADINGS: &[(&str, &str)] = &[
    ("Key", "Khóa"),
    ("Signature", "Chữ ký"),
    ("Appearance", "Hình thức thể hiện"),
    ("Certificate checks (Điều 29)", "Kiểm tra chứng thư chữ ký số (Điều 29)"),
    ("Number and issue date (S11)", "Số và ngày ban hành (S11)"),
    ("Trust", "Tin cậy"),
    ("Revocation", "Thu hồi"),
    ("Output", "Đầu ra"),
    ("Copy", "Bản sao"),
    ("Attachment", "Phụ lục"),
];

/// clap's own words around the help ("Usage:", "Commands:"), in Vietnamese.
const TEMPLATE: &str = "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

/// The top command's summary.
pub fn top(cmd: Command) -> Command {
    let cmd = cmd
        .about(TOP)
        .help_template(TEMPLATE)
        .subcommand_help_heading("Lệnh")
        .disable_version_flag(true)
        .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help("In phiên bản").help_heading("Tùy chọn"));
    help_flag(cmd)
}

/// `-h`/`--help` with Vietnamese help, under the Vietnamese heading.
fn help_flag(cmd: Command) -> Command {
    cmd.disable_help_flag(true)
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help("In trợ giúp (-h: tóm tắt)").help_heading("Tùy chọn"))
}

/// One subcommand's summary, its most used flags and its headings.
pub fn subcommand(sub: Command) -> Command {
    let about = ABOUT.iter().find(|(name, _)| *name == sub.get_name()).map(|(_, a)| *a);
    let sub = match about {
        Some(a) => sub.about(a).long_about(None),
        None => sub,
    };
    let sub = help_flag(sub.help_template(TEMPLATE));
    sub.mut_args(|arg| {
        let arg = match FLAGS.iter().find(|(id, _)| *id == arg.get_id().as_str()) {
            Some((_, help)) => arg.help(*help).long_help(None),
            None => arg,
        };
        match arg.get_help_heading() {
            Some(h) => match HEADINGS.iter().find(|(en, _)| *en == h) {
                Some((_, vi)) => arg.help_heading(*vi),
                None => arg,
            },
            None if arg.is_positional() => arg.help_heading("Đối số"),
            None => arg.help_heading("Tùy chọn"),
        }
    })
}
