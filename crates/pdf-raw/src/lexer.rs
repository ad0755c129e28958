//! A small, bounded reader for single PDF objects, keeping the byte span of strings
//! (a signature's `/Contents` hole is the span of a hex string).

use std::ops::Range;

use crate::{RawError, SyntaxProblem as P};

/// A PDF string with where it stands in the file (delimiters included).
#[derive(Debug, Clone, PartialEq)]
pub struct PdfString {
    pub bytes: Vec<u8>,
    pub hex: bool,
    pub span: Range<usize>,
}

/// A dictionary in file order (duplicate keys are kept; `get` returns the last, as most readers do).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dict {
    pub entries: Vec<(Vec<u8>, Obj)>,
    pub span: Range<usize>,
}

impl Dict {
    pub fn get(&self, key: &[u8]) -> Option<&Obj> {
        self.entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn get_int(&self, key: &[u8]) -> Option<i64> {
        match self.get(key) {
            Some(Obj::Int(i)) => Some(*i),
            _ => None,
        }
    }
    pub fn get_name(&self, key: &[u8]) -> Option<&[u8]> {
        match self.get(key) {
            Some(Obj::Name(n)) => Some(n),
            _ => None,
        }
    }
    pub fn get_dict(&self, key: &[u8]) -> Option<&Dict> {
        match self.get(key) {
            Some(Obj::Dict(d)) => Some(d),
            _ => None,
        }
    }
    pub fn get_ref(&self, key: &[u8]) -> Option<(u32, u16)> {
        match self.get(key) {
            Some(Obj::Ref(n, g)) => Some((*n, *g)),
            _ => None,
        }
    }
}

/// One parsed PDF object.
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(PdfString),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32, u16),
}

impl Obj {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Obj::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) => Some(d),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Obj]> {
        match self {
            Obj::Array(a) => Some(a),
            _ => None,
        }
    }
}

impl Obj {
    /// Writes the object in PDF syntax (strings as hex, names escaped).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Obj::Null => out.extend_from_slice(b"null"),
            Obj::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Obj::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Obj::Real(r) => out.extend_from_slice(format!("{r:.6}").trim_end_matches('0').trim_end_matches('.').as_bytes()),
            Obj::Name(n) => write_name(n, out),
            Obj::Str(s) => {
                out.push(b'<');
                for b in &s.bytes {
                    out.extend_from_slice(format!("{b:02X}").as_bytes());
                }
                out.push(b'>');
            }
            Obj::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    item.write_to(out);
                }
                out.push(b']');
            }
            Obj::Dict(d) => {
                out.extend_from_slice(b"<<");
                for (k, v) in &d.entries {
                    write_name(k, out);
                    out.push(b' ');
                    v.write_to(out);
                }
                out.extend_from_slice(b">>");
            }
            Obj::Ref(n, g) => out.extend_from_slice(format!("{n} {g} R").as_bytes()),
        }
    }
}

/// Writes `/name`, escaping bytes that cannot stand in a name as `#xx`.
pub fn write_name(name: &[u8], out: &mut Vec<u8>) {
    out.push(b'/');
    for &b in name {
        if b.is_ascii_graphic() && !is_delimiter(b) && b != b'#' {
            out.push(b);
        } else {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        }
    }
}

/// Entries one array or dictionary may hold: a reader's memory grows with them (each
/// becomes an object of about 100 bytes in every copy of the document), and no real file
/// comes near.
pub const MAX_ENTRIES: usize = 1_000_000;

pub(crate) fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

/// A cursor over the file's bytes.
pub struct Lexer<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
    max_depth: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(bytes: &'a [u8], pos: usize, max_depth: usize) -> Self {
        Lexer { bytes, pos, max_depth }
    }

    fn err(&self, why: P) -> RawError {
        RawError::Syntax { offset: self.pos, why }
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips white space and comments.
    pub fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Reads a run of regular characters (a keyword or a number).
    pub fn token(&mut self) -> &'a [u8] {
        self.skip_ws();
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        // A position past the end (an xref offset beyond the file) reads as no token.
        self.bytes.get(start..self.pos).unwrap_or(&[])
    }

    /// True (and consumes it) when the next token is `kw`.
    pub fn eat_keyword(&mut self, kw: &[u8]) -> bool {
        let save = self.pos;
        if self.token() == kw {
            true
        } else {
            self.pos = save;
            false
        }
    }

    pub fn read_uint(&mut self) -> Option<u64> {
        let save = self.pos;
        let t = self.token();
        if !t.is_empty() && t.len() <= 19 && t.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(t).ok()?.parse().ok()
        } else {
            self.pos = save;
            None
        }
    }

    /// Parses one object; `N G R` references are recognised.
    pub fn object(&mut self) -> Result<Obj, RawError> {
        self.object_at_depth(0)
    }

    fn object_at_depth(&mut self, depth: usize) -> Result<Obj, RawError> {
        if depth > self.max_depth {
            return Err(RawError::TooDeep(self.max_depth));
        }
        self.skip_ws();
        let start = self.pos;
        let Some(b) = self.peek() else {
            return Err(self.err(P::UnexpectedEof));
        };
        match b {
            b'/' => {
                self.pos += 1;
                Ok(Obj::Name(self.name_body()))
            }
            b'(' => self.literal_string(),
            b'<' if self.bytes.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut entries = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        None => return Err(self.err(P::UnterminatedDictionary)),
                        Some(b'>') => {
                            if self.bytes.get(self.pos + 1) == Some(&b'>') {
                                self.pos += 2;
                                break;
                            }
                            return Err(self.err(P::StrayGreaterThan));
                        }
                        Some(b'/') => {
                            self.pos += 1;
                            if entries.len() >= MAX_ENTRIES {
                                return Err(RawError::TooManyEntries { offset: start, max: MAX_ENTRIES });
                            }
                            let key = self.name_body();
                            let value = self.object_at_depth(depth + 1)?;
                            entries.push((key, value));
                        }
                        Some(_) => return Err(self.err(P::KeyNotName)),
                    }
                }
                Ok(Obj::Dict(Dict { entries, span: start..self.pos }))
            }
            b'<' => self.hex_string(),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        None => return Err(self.err(P::UnterminatedArray)),
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        Some(_) => {
                            if items.len() >= MAX_ENTRIES {
                                return Err(RawError::TooManyEntries { offset: start, max: MAX_ENTRIES });
                            }
                            items.push(self.object_at_depth(depth + 1)?)
                        }
                    }
                }
                Ok(Obj::Array(items))
            }
            _ => {
                let tok = self.token();
                if tok.is_empty() {
                    self.pos += 1;
                    return Err(RawError::Syntax { offset: start, why: P::UnexpectedByte(b) });
                }
                match tok {
                    b"true" => return Ok(Obj::Bool(true)),
                    b"false" => return Ok(Obj::Bool(false)),
                    b"null" => return Ok(Obj::Null),
                    _ => {}
                }
                let text = std::str::from_utf8(tok).map_err(|_| self.err(P::BadToken))?;
                if let Ok(i) = text.parse::<i64>() {
                    // `N G R` is a reference: look ahead without committing.
                    if (0..=i64::from(u32::MAX)).contains(&i) {
                        let save = self.pos;
                        if let Some(g) = self.read_uint() {
                            if g <= u64::from(u16::MAX) && self.eat_keyword(b"R") {
                                return Ok(Obj::Ref(i as u32, g as u16));
                            }
                        }
                        self.pos = save;
                    }
                    return Ok(Obj::Int(i));
                }
                if let Ok(f) = text.parse::<f64>() {
                    if f.is_finite() && !text.contains(['e', 'E', 'i', 'n', 'I', 'N']) {
                        return Ok(Obj::Real(f));
                    }
                }
                Err(RawError::Syntax { offset: start, why: P::UnknownToken(String::from_utf8_lossy(tok).into_owned()) })
            }
        }
    }

    fn name_body(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            self.pos += 1;
            if b == b'#' {
                let hex = self.bytes.get(self.pos..self.pos + 2).and_then(|h| std::str::from_utf8(h).ok());
                if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    out.push(v);
                    self.pos += 2;
                    continue;
                }
            }
            out.push(b);
        }
        out
    }

    fn hex_string(&mut self) -> Result<Obj, RawError> {
        let start = self.pos;
        let body_start = start + 1;
        let rest = self.bytes.get(body_start..).unwrap_or_default();
        // A signature's /Contents is thousands of hex digits: find the end first, then
        // decode through a table.
        let end = memchr::memchr(b'>', rest);
        let body = &rest[..end.unwrap_or(rest.len())];
        let mut out = Vec::with_capacity(body.len() / 2 + 1);
        let mut half: Option<u8> = None;
        let mut i = 0;
        while i < body.len() {
            // Fast path: two hex digits in a row, the usual case.
            if half.is_none() {
                if let Some(&[a, b]) = body.get(i..i + 2) {
                    let (hi, lo) = (HEX_VALUE[usize::from(a)], HEX_VALUE[usize::from(b)]);
                    if hi < 16 && lo < 16 {
                        out.push(hi << 4 | lo);
                        i += 2;
                        continue;
                    }
                }
            }
            let b = body[i];
            i += 1;
            let v = HEX_VALUE[usize::from(b)];
            if v == HEX_SPACE {
                continue;
            }
            if v == HEX_BAD {
                self.pos = body_start + i;
                return Err(RawError::Syntax { offset: body_start + i - 1, why: P::BadHexChar });
            }
            match half.take() {
                None => half = Some(v),
                Some(h) => out.push(h << 4 | v),
            }
        }
        let Some(end) = end else {
            self.pos = self.bytes.len();
            return Err(self.err(P::UnterminatedHexString));
        };
        self.pos = body_start + end + 1;
        if let Some(h) = half {
            out.push(h << 4);
        }
        Ok(Obj::Str(PdfString { bytes: out, hex: true, span: start..self.pos }))
    }

    fn literal_string(&mut self) -> Result<Obj, RawError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut nesting = 1usize;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err(P::UnterminatedString));
            };
            self.pos += 1;
            match b {
                b'(' => {
                    nesting += 1;
                    out.push(b);
                }
                b')' => {
                    nesting -= 1;
                    if nesting == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(c) = self.peek() else { continue };
                    self.pos += 1;
                    match c {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(c - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        Ok(Obj::Str(PdfString { bytes: out, hex: false, span: start..self.pos }))
    }
}

/// An indirect object read at a byte offset: `N G obj … endobj`, with a stream's data span.
#[derive(Debug, Clone)]
pub struct IndirectObject {
    pub num: u32,
    pub gen: u16,
    pub obj: Obj,
    /// Where the stream's data lies, if the object is a stream (by `/Length` when it is
    /// direct and plausible, otherwise up to `endstream`).
    pub stream: Option<Range<usize>>,
    pub end: usize,
}

/// Reads the indirect object that starts at `offset`.
pub fn indirect_object_at(bytes: &[u8], offset: usize, max_depth: usize) -> Result<IndirectObject, RawError> {
    let mut lx = Lexer::new(bytes, offset, max_depth);
    let bad = |why: P| RawError::Syntax { offset, why };
    let num = lx.read_uint().ok_or_else(|| bad(P::ExpectedObjectNumber))?;
    let gen = lx.read_uint().ok_or_else(|| bad(P::ExpectedGenerationNumber))?;
    if !lx.eat_keyword(b"obj") {
        return Err(bad(P::ExpectedObj));
    }
    let num = u32::try_from(num).map_err(|_| bad(P::ObjectNumberTooLarge))?;
    let gen = u16::try_from(gen).map_err(|_| bad(P::GenerationNumberTooLarge))?;
    let obj = lx.object()?;
    let mut stream = None;
    let save = lx.pos;
    if lx.eat_keyword(b"stream") {
        // The keyword is followed by CRLF or LF (a lone CR is tolerated).
        match lx.peek() {
            Some(b'\r') => {
                lx.pos += 1;
                if lx.peek() == Some(b'\n') {
                    lx.pos += 1;
                }
            }
            Some(b'\n') => lx.pos += 1,
            _ => {}
        }
        let data_start = lx.pos;
        let by_length = obj
            .as_dict()
            .and_then(|d| d.get_int(b"Length"))
            .and_then(|l| usize::try_from(l).ok())
            .and_then(|l| data_start.checked_add(l))
            .filter(|&end| end <= bytes.len() && followed_by_endstream(bytes, end));
        let data_end = match by_length {
            Some(end) => end,
            None => {
                let found = find(bytes, b"endstream", data_start).ok_or_else(|| bad(P::StreamWithoutEndstream))?;
                // Trailing EOL before `endstream` is not part of the data.
                let mut end = found;
                if end > data_start && bytes[end - 1] == b'\n' {
                    end -= 1;
                }
                if end > data_start && bytes[end - 1] == b'\r' {
                    end -= 1;
                }
                end
            }
        };
        stream = Some(data_start..data_end);
        lx.pos = data_end;
        if !lx.eat_keyword(b"endstream") {
            return Err(bad(P::MissingEndstream));
        }
    } else {
        lx.pos = save;
    }
    // `endobj` is expected; some writers omit it, which we tolerate.
    let before = lx.pos;
    if !lx.eat_keyword(b"endobj") {
        lx.pos = before;
    }
    Ok(IndirectObject { num, gen, obj, stream, end: lx.pos })
}

fn followed_by_endstream(bytes: &[u8], pos: usize) -> bool {
    let mut p = pos;
    while p < bytes.len() && is_whitespace(bytes[p]) && p < pos + 4 {
        p += 1;
    }
    bytes[p.min(bytes.len())..].starts_with(b"endstream")
}

/// First occurrence of `needle` at or after `from`.
pub fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() || needle.is_empty() {
        return None;
    }
    memchr::memmem::find(&hay[from..], needle).map(|p| p + from)
}

/// Last occurrence of `needle` that starts before `before`.
pub fn rfind(hay: &[u8], needle: &[u8], before: usize) -> Option<usize> {
    let end = before.min(hay.len());
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::rfind(&hay[..end], needle)
}

const HEX_SPACE: u8 = 0xfe;
const HEX_BAD: u8 = 0xff;

/// Value of each byte as a hex digit; [`HEX_SPACE`] for PDF whitespace, [`HEX_BAD`] otherwise.
static HEX_VALUE: [u8; 256] = {
    let mut t = [HEX_BAD; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            0 | 9 | 10 | 12 | 13 | 32 => HEX_SPACE,
            _ => HEX_BAD,
        };
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Obj {
        Lexer::new(s.as_bytes(), 0, 16).object().unwrap()
    }

    #[test]
    fn parses_nested_dictionary_with_refs_and_strings() {
        let o = parse("<< /Type /Sig /ByteRange [0 10 20 30] /Contents <0A0b> /Name (a\\(b\\)c) /P 12 0 R /R 1.5 >>");
        let d = o.as_dict().unwrap();
        assert_eq!(d.get_name(b"Type"), Some(&b"Sig"[..]));
        assert_eq!(d.get_ref(b"P"), Some((12, 0)));
        match d.get(b"Contents") {
            Some(Obj::Str(s)) => {
                assert_eq!(s.bytes, vec![0x0a, 0x0b]);
                assert!(s.hex);
                assert_eq!(s.span, 48..54);
            }
            other => panic!("{other:?}"),
        }
        match d.get(b"Name") {
            Some(Obj::Str(s)) => assert_eq!(s.bytes, b"a(b)c"),
            other => panic!("{other:?}"),
        }
        assert_eq!(d.get(b"R"), Some(&Obj::Real(1.5)));
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(1000);
        assert_eq!(Lexer::new(deep.as_bytes(), 0, 64).object(), Err(RawError::TooDeep(64)));
    }

    #[test]
    fn hex_strings_skip_whitespace_pad_odd_digits_and_report_errors() {
        let hex = |s: &str| match parse(s) {
            Obj::Str(p) => (p.bytes, p.span),
            other => panic!("{other:?}"),
        };
        assert_eq!(hex("<4 1\n4a\t\r\x0c\0 7>").0, vec![0x41, 0x4a, 0x70]);
        assert_eq!(hex("<>"), (vec![], 0..2));
        assert_eq!(hex("<ABCDEF> 1"), (vec![0xab, 0xcd, 0xef], 0..8));
        let bad = Lexer::new(b"<12G4>", 0, 16).object();
        assert_eq!(bad, Err(RawError::Syntax { offset: 3, why: P::BadHexChar }));
        let open = Lexer::new(b"<1234", 0, 16).object();
        assert_eq!(open, Err(RawError::Syntax { offset: 5, why: P::UnterminatedHexString }));
        // A bad character before a missing '>' is reported as such, as before.
        let both = Lexer::new(b"<12 x", 0, 16).object();
        assert_eq!(both, Err(RawError::Syntax { offset: 4, why: P::BadHexChar }));
    }

    #[test]
    fn names_decode_hex_escapes() {
        assert_eq!(parse("/A#20B"), Obj::Name(b"A B".to_vec()));
    }

    #[test]
    fn reads_indirect_stream_object() {
        let src = b"5 0 obj\n<< /Length 3 >>\nstream\nabc\nendstream\nendobj\n";
        let o = indirect_object_at(src, 0, 16).unwrap();
        assert_eq!((o.num, o.gen), (5, 0));
        let s = o.stream.unwrap();
        assert_eq!(&src[s], b"abc");
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        for s in ["<<", "(", "<zz>", "[1 2", "<< /A >>", "1 0", ")", "<<>>>", "/"] {
            let _ = Lexer::new(s.as_bytes(), 0, 8).object();
        }
    }
}
