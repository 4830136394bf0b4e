#!/bin/sh
# Builds the page's code editor: CodeMirror 6 at the versions pinned in package-lock.json, as one
# minified ES module in static/vendor/ named after @codemirror/view's version, with the licences
# of every bundled package beside it, and names it in static/editor.js and templates/index.html.
# Also copies axe-core for the browser tests.
# Run from anywhere: sh tools/editor/build.sh   (needs node and npm; the page itself never does)
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
ROOT=../..
VENDOR=$ROOT/static/vendor
VERSION=$(node -p 'require("./node_modules/@codemirror/view/package.json").version')
OUT=$VENDOR/codemirror-$VERSION.min.js
rm -f "$VENDOR"/codemirror-*.min.js "$VENDOR"/codemirror-*.LICENSE
node_modules/.bin/esbuild editor-entry.js --bundle --format=esm --minify --legal-comments=none \
  --target=es2020 --banner:js="/* CodeMirror $VERSION bundle for Backprop Explorer (tools/editor); licences: codemirror-$VERSION.LICENSE */" \
  --metafile=node_modules/.bundle-meta.json --outfile="$OUT"
node collect-licences.js node_modules/.bundle-meta.json "$VENDOR/codemirror-$VERSION.LICENSE" "codemirror-$VERSION.min.js"
# the page names the bundle in its import and its preload
sed -i "s/codemirror-[0-9.]*\.min\.js/codemirror-$VERSION.min.js/g" "$ROOT/static/editor.js" "$ROOT/templates/index.html"
AXE=$(node -p 'require("./node_modules/axe-core/package.json").version')
TESTS=$ROOT/tests/browser/vendor
mkdir -p "$TESTS"
rm -f "$TESTS"/axe-*
cp node_modules/axe-core/axe.min.js "$TESTS/axe-$AXE.min.js"
cp node_modules/axe-core/LICENSE "$TESTS/axe-$AXE.LICENSE"
cp node_modules/axe-core/LICENSE-3RD-PARTY.txt "$TESTS/axe-$AXE.LICENSE-3RD-PARTY.txt"
ls -l "$OUT" "$TESTS/axe-$AXE.min.js"
