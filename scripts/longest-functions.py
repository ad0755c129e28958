#!/usr/bin/env python3
"""The longest Rust functions of the workspace (issue 17, "readable units").

    scripts/longest-functions.py            # the 25 longest, library functions over 120 lines flagged
    scripts/longest-functions.py -n 50      # the 50 longest
    scripts/longest-functions.py --check    # exit 1 if a library function is over the limit

A function's length is the number of lines from its `fn` line to its closing brace.
"Library" means crates/*/src outside crates/vbdt (the binary) and outside #[cfg(test)]
modules; tests, examples and the binary are listed but never flagged. scripts/test.sh
runs it for information. The scan is lexical (comments, strings, raw strings, char
literals and lifetimes are told apart), which is enough for rustfmt-formatted code.
"""

import argparse
import os
import re
import sys

LIMIT = 120
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY_CRATES = {"vbdt"}


def code_only(text):
    """`text` with comments, string and char literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if c == "/" and nxt == "/":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "/" and nxt == "*":
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "rb" and re.match(r'(br|r)#*"', text[i:i + 300]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'(br|r)(#*)"', text[i:])
            end = text.find('"' + m.group(2), i + len(m.group(0)))
            j = n if end < 0 else end + 1 + len(m.group(2))
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"' or (c == "b" and nxt == '"' and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"))):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('x', '\n', '\u{1F600}', b'x' handled by the quote) or a lifetime ('a).
            m = re.match(r"'(\\(u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'", text[i:i + 16])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def matching_brace(code, open_at):
    depth = 0
    for j in range(open_at, len(code)):
        if code[j] == "{":
            depth += 1
        elif code[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(code) - 1


def functions(path):
    """(name, first line, length in lines, in a #[cfg(test)] module) for each fn with a body."""
    with open(path, encoding="utf-8", errors="replace") as f:
        code = code_only(f.read())
    line_of = lambda pos: code.count("\n", 0, pos) + 1
    test_ranges = []
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", code):
        start = m.end() - 1
        test_ranges.append((start, matching_brace(code, start)))
    found = []
    for m in re.finditer(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)", code):
        # The body starts at the first `{` after the parameter list at bracket depth 0; a
        # `;` first means a declaration without a body (trait items, extern blocks).
        depth, j = 0, m.end()
        body = None
        while j < len(code):
            ch = code[j]
            if ch in "([<" and not (ch == "<" and code[j - 1] == "-"):
                depth += 1
            elif ch in ")]>" and not (ch == ">" and code[j - 1] in "-="):
                depth -= 1
            elif depth <= 0 and ch == "{":
                body = j
                break
            elif depth <= 0 and ch == ";":
                break
            j += 1
        if body is None:
            continue
        end = matching_brace(code, body)
        in_test = any(a < m.start() < b for a, b in test_ranges)
        found.append((m.group(1), line_of(m.start()), line_of(end) - line_of(m.start()) + 1, in_test))
    return found


def rust_files():
    for top in ("crates", "tests", "fuzz"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
            dirnames[:] = [d for d in dirnames if d not in ("target", "corpus", "artifacts")]
            for name in filenames:
                if name.endswith(".rs"):
                    yield os.path.join(dirpath, name)


def is_library(rel, in_test):
    parts = rel.split(os.sep)
    return len(parts) > 3 and parts[0] == "crates" and parts[2] == "src" and parts[1] not in BINARY_CRATES and not in_test


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=25, help="how many to list (default 25)")
    ap.add_argument("--limit", type=int, default=LIMIT, help=f"lines over which a library function is flagged (default {LIMIT})")
    ap.add_argument("--check", action="store_true", help="exit 1 if a library function is over the limit")
    args = ap.parse_args()
    rows = []
    for path in rust_files():
        rel = os.path.relpath(path, ROOT)
        for name, line, length, in_test in functions(path):
            rows.append((length, f"{rel}:{line}", name, is_library(rel, in_test)))
    rows.sort(key=lambda r: (-r[0], r[1]))
    over = [r for r in rows if r[3] and r[0] > args.limit]
    print(f"longest functions ({len(rows)} in all; library functions over {args.limit} lines flagged OVER):")
    shown = rows[: args.n] + [r for r in over if r not in rows[: args.n]]
    for length, where, name, lib in shown:
        flag = "OVER" if lib and length > args.limit else ("lib " if lib else "    ")
        print(f"  {length:5d}  {flag}  {name}  {where}")
    print(f"{len(over)} library function(s) over {args.limit} lines")
    return 1 if args.check and over else 0


if __name__ == "__main__":
    sys.exit(main())
