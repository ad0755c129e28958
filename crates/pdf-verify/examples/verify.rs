//! `cargo run -p pdf-verify --example verify -- [--json] FILE…`: verify offline, no trust anchors.
fn main() {
    let mut json = false;
    let mut outcomes = Vec::new();
    let password = std::env::var("PDFPW").ok().map(|p| pdf_verify::Password::new(zeroize::Zeroizing::new(p)));
    let opts = pdf_verify::VerifyOptions { password, ..Default::default() };
    for a in std::env::args().skip(1) {
        if a == "--json" {
            json = true;
            continue;
        }
        outcomes.push(pdf_verify::verify_path(std::path::Path::new(&a), &opts));
    }
    if json {
        println!("{}", pdf_verify::report::json(&outcomes, pdf_verify::Lang::En));
    } else {
        for o in &outcomes {
            print!("{}", pdf_verify::report::text(o, pdf_verify::Lang::En, pdf_verify::report::Style { color: false }));
        }
    }
}
