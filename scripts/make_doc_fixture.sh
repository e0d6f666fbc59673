#!/bin/sh
# Regenerates tests/data/formats/oud_verslag.doc (Word 97-2003) from the text below with
# LibreOffice headless. The binary is committed (10 KB) so that tests need only a reader.
set -eu
out="$(cd "$(dirname "$0")/.." && pwd)/tests/data/formats"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/oud_verslag.txt" <<'TEXT'
Instelling: ROC Oud-Rijnland
Datum: 14-03-2019

Interviewer: Hoe is de samenwerking met het leerbedrijf in Tallinn ontstaan?

Marieke Bos: Via een docent logistiek die daar een congres bezocht. Hij kwam terug met drie visitekaartjes en één daarvan werkte.

Interviewer: En wat merken de studenten ervan?

Marieke Bos: Dat ze zelfstandiger worden. Een student die twee maanden in een magazijn in Estland heeft gestaan, regelt daarna zijn eigen stage hier ook.
TEXT
soffice "-env:UserInstallation=file://$work/profiel" --headless --convert-to 'doc:MS Word 97' \
    --outdir "$work" "$work/oud_verslag.txt" >/dev/null
cp "$work/oud_verslag.doc" "$out/oud_verslag.doc"
