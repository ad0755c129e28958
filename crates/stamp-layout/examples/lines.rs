//! Prints the lines of text stamp-layout reads on a page: `cargo run -p stamp-layout --example lines FILE.pdf [PAGE]`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: lines FILE.pdf [PAGE]")?;
    let page: usize = args.next().map(|p| p.parse()).transpose()?.unwrap_or(1);
    let doc = lopdf::Document::load(&path)?;
    let height = 842.0;
    for l in stamp_layout::text::page_lines(&doc, page.saturating_sub(1))? {
        println!("{:8.2} {:8.2} {:8.2} {:6.2} {}", l.x0, height - l.top, l.x1, l.size, l.text);
    }
    Ok(())
}
