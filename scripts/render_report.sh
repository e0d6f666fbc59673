#!/usr/bin/env bash
# Build the Word draft of the sample corpus and render it so a person can look at it:
# PDF with LibreOffice headless, one PNG per page with pdftoppm.
#
#   scripts/render_report.sh [OUTDIR] [--readme]
#
# OUTDIR (default build/report) receives sample.db, concept.docx, concept.pdf and page-NN.png.
# --readme also copies the page with the phases table and chart to docs/report-phases.png.
# Needs LibreOffice Writer and poppler (Debian: apt-get install --no-install-recommends
# libreoffice-writer poppler-utils) and the project's virtual environment (.venv).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/report"
readme=0
for arg in "$@"; do
  case "$arg" in
    --readme) readme=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) out=$arg ;;
  esac
done
python="$root/.venv/bin/python"
for tool in soffice pdftoppm pdftotext; do
  command -v "$tool" >/dev/null || {
    echo "render_report: $tool not found; install libreoffice-writer and poppler-utils" >&2
    exit 2
  }
done
[ -x "$python" ] || { echo "render_report: no virtual environment at $root/.venv" >&2; exit 2; }

mkdir -p "$out"
project="$out/sample.db"
rm -f "$project" "$project-wal" "$project-shm" "$out"/page-*.png
interviews() { "$python" -m analysis.cli "$@" --project "$project"; }

interviews ingest "$root/transcripts" --quiet
interviews code
interviews report -o "$out/concept.docx"

# A private LibreOffice profile: no clash with a desktop session or a parallel run.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf \
  --outdir "$out" "$out/concept.docx" >/dev/null
pdftoppm -r 80 -png "$out/concept.pdf" "$out/page"
pages=$(ls "$out"/page-*.png | wc -l)
echo "rendered $pages pages to $out (concept.pdf, page-*.png)"

if [ "$readme" = 1 ]; then
  for png in "$out"/page-*.png; do
    number=$(basename "$png" .png); number=$((10#${number#page-}))
    if pdftotext -f "$number" -l "$number" "$out/concept.pdf" - | grep -q "Aantal instellingen per ontwikkelingsfase"; then
      mkdir -p "$root/docs"
      cp "$png" "$root/docs/report-phases.png"
      echo "copied page $number to docs/report-phases.png"
      break
    fi
  done
fi
