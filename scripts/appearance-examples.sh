#!/usr/bin/env bash
# Regenerates the rendered examples in docs/img/ used by docs/appearances.md:
# a throwaway test PKI, the sample documents signed by each kind of appearance, and the
# interesting part of each page rendered with pdftoppm (poppler-utils).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build -q -p vbdt
vbdt=target/debug/vbdt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$vbdt" testpki -o "$work/pki" >/dev/null
key() { echo --p12 "$work/pki/$1.p12" --pass-file "$work/pki/password.txt" --offline --lang en; }
f=fixtures
org="Văn phòng Ủy ban nhân dân tỉnh Điện Biên"
# shellcheck disable=SC2046
"$vbdt" sign "$f/documents/quyet-dinh.pdf" -o "$work/personal.pdf" --role personal --image "$f/images/chu-ky-ca-nhan.png" $(key personal) >/dev/null
# shellcheck disable=SC2046
"$vbdt" sign "$work/personal.pdf" -o "$work/sealed.pdf" --role organization --image "$f/images/dau-co-quan.png" $(key organization) >/dev/null
# shellcheck disable=SC2046
"$vbdt" copy "$f/documents/phu-luc.pdf" -o "$work/copy.pdf" --kind sao-y --org "$org" $(key organization) >/dev/null
# shellcheck disable=SC2046
"$vbdt" attach "$f/documents/phu-luc.pdf" -o "$work/attach.pdf" --ref "62/2025/QĐ-UBND" $(key organization) >/dev/null
# shellcheck disable=SC2046
"$vbdt" copy --from-images "$f/scans/scan-quyet-dinh-1.jpg" "$f/scans/scan-quyet-dinh-2.jpg" -o "$work/scans.pdf" --kind sao-y --org "$org" $(key organization) >/dev/null
# At 100 dpi an A4 page is 827 × 1169 px; crop the signature block and the top right corner.
crop() { pdftoppm -png -r 100 -f "$2" -l "$2" -singlefile -x "$3" -y "$4" -W "$5" -H "$6" "$work/$1.pdf" "docs/img/$7"; }
crop personal 2 420 420 400 270 personal
crop sealed 2 420 420 400 270 organization
crop copy 1 380 0 447 110 copy
crop attach 1 380 0 447 110 attachment
crop scans 1 380 0 447 110 copy-from-scans
ls -l docs/img
