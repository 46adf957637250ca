#!/usr/bin/env bash
# Builds the wasm package: cargo (profile `wasm`: opt-level z, lto; the pinned Rust of
# scripts/wasm-rust-version with its standard library rebuilt and panics as bare traps, below) →
# wasm-bindgen --target web → npm binaryen's wasm-opt -Oz (Debian's binaryen 108 corrupts
# wasm-bindgen 0.2.130 output, see ../shared/TOOLCHAIN.md).
#
#   scripts/build-wasm.sh                   → crates/conduct-wasm/pkg/ and extension/wasm/
#   scripts/build-wasm.sh --transfer-bench  → target/conduct-wasm-transfer-bench/ only (adds the
#                                             alternative result transfers measured by bench/)
# Needs what scripts/setup.sh installs (wasm32 target, wasm-bindgen CLI) and npm; installs
# scripts/wasm-tools' npm packages itself when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '[build-wasm] %s\n' "$*" >&2; }
die() { printf '[build-wasm] error: %s\n' "$*" >&2; exit 1; }

FEATURES=()
PKG=crates/conduct-wasm/pkg
EXT=extension/wasm
case "${1:-}" in
  "") ;;
  --transfer-bench) FEATURES=(--features transfer-bench); PKG=target/conduct-wasm-transfer-bench; EXT= ;;
  *) die "unknown argument $1 (expected nothing or --transfer-bench)" ;;
esac

# --- tools -------------------------------------------------------------------------------
want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
[ -n "$want" ] || die "could not read the wasm-bindgen pin from Cargo.toml"
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
[ "$have" = "$want" ] || die "wasm-bindgen CLI ${have:-missing}, need $want: run scripts/setup.sh"
RUST=$(cat scripts/wasm-rust-version)
rustup +"$RUST" target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  && rustup +"$RUST" component list --installed 2>/dev/null | grep -q '^rust-src' \
  || die "Rust $RUST with the wasm32-unknown-unknown target and rust-src is missing: run scripts/setup.sh"
TOOLS=scripts/wasm-tools
WASM_OPT=$TOOLS/node_modules/.bin/wasm-opt
if [ ! -x "$WASM_OPT" ] || [ $TOOLS/package-lock.json -nt $TOOLS/node_modules/.package-lock.json ]; then
  log "installing npm binaryen (scripts/wasm-tools)"
  (cd $TOOLS && npm ci --no-audit --no-fund --silent)
fi

# --- build -------------------------------------------------------------------------------
# The module's size is a budget that a test enforces to the byte, so one Rust builds it: the version
# in scripts/wasm-rust-version, whatever the default toolchain is. With that Rust:
# - `-Cpanic=immediate-abort`: a panic is a bare `unreachable` trap, as it already was in effect
#   (panic=abort, and no panic hook: nothing showed the message), but without the code that formats
#   panic messages, which every bounds check and `unwrap` in the module and its crates reaches:
#   −23 KB gzip (306,057 → 283,086 B at af03665).
# - `-Zbuild-std=std,panic_abort`: the standard library compiled with the module's profile (opt-level
#   z), which immediate-abort needs: −1 KB on its own.
# - `-Zlocation-detail=none`: no source file names and lines for the (now messageless) panics: −0.7 KB.
# These are unstable options of that stable compiler, enabled with RUSTC_BOOTSTRAP=1 (as Firefox and
# the Linux kernel build with their pinned stable Rust); bumping the version means checking that they
# still exist (the build fails here if not) and that the size test passes.
log "cargo +$RUST build --profile wasm ${FEATURES[*]} (build-std, panic=immediate-abort)"
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
  cargo +"$RUST" build --profile wasm --target wasm32-unknown-unknown -p conduct-wasm \
  -Zbuild-std=std,panic_abort ${FEATURES[@]+"${FEATURES[@]}"}
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
RAW=$TARGET_DIR/wasm32-unknown-unknown/wasm/conduct_wasm.wasm

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
log "wasm-bindgen --target web"
wasm-bindgen --target web --out-dir "$STAGE" "$RAW"
# --converge repeats -Oz until it stops shrinking the module: 230 B gzip less (307,156 → 306,926 at
# stop 17), +12 s here; no measurable change in setup, first or warm check (scripts/bench-wasm.sh).
# --low-memory-unused lets it fold constant offsets into loads and stores (−1.3 KB gzip): it assumes
# no valid address below 1024, true for rustc's wasm layout, where the 1 MiB stack comes first and
# grows down towards 0 (reaching the low 1 KiB means the stack is about to overflow and trap anyway).
# (--flatten --rereloop gave −1 KB more but made `new Checker()` and the first check ~50 % slower.)
log "wasm-opt -Oz --converge --low-memory-unused (without the producers and target-features sections, which only tools read)"
"$WASM_OPT" -Oz --converge --low-memory-unused --strip-producers --strip-target-features "$STAGE/conduct_wasm_bg.wasm" -o "$STAGE/conduct_wasm_bg.opt.wasm"
mv "$STAGE/conduct_wasm_bg.opt.wasm" "$STAGE/conduct_wasm_bg.wasm"

# Sanity: the optimised module must instantiate and check (catches a broken wasm-opt).
node --input-type=module -e '
  import { readFileSync } from "node:fs";
  const dir = process.argv[1];
  const m = await import(dir + "/conduct_wasm.js");
  m.initSync({ module: readFileSync(dir + "/conduct_wasm_bg.wasm") });
  const c = new m.Checker();
  if (!Array.isArray(c.check("hello")) || typeof m.version() !== "string") throw new Error("smoke test failed");
' "$STAGE" || die "the optimised module does not work"

# --- package -----------------------------------------------------------------------------
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cat > "$STAGE/package.json" <<JSON
{
  "name": "conduct-wasm",
  "version": "$VERSION",
  "description": "Checks what IT service engineers write to customers (Chinese + English) for disrespect, unapproved commitments and disclosures",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "conduct_wasm.js",
  "module": "conduct_wasm.js",
  "types": "conduct_wasm.d.ts",
  "exports": {
    ".": { "types": "./conduct_wasm.d.ts", "default": "./conduct_wasm.js" },
    "./conduct_wasm_bg.wasm": "./conduct_wasm_bg.wasm"
  },
  "files": ["conduct_wasm.js", "conduct_wasm.d.ts", "conduct_wasm_bg.wasm", "conduct_wasm_bg.wasm.d.ts", "README.md"],
  "sideEffects": false
}
JSON
cp crates/conduct-wasm/README.md "$STAGE/README.md"
rm -rf "$PKG" && mkdir -p "$PKG"
cp "$STAGE"/* "$PKG/"
if [ -n "$EXT" ]; then
  mkdir -p "$EXT"
  cp "$PKG/conduct_wasm.js" "$PKG/conduct_wasm_bg.wasm" "$PKG/conduct_wasm.d.ts" "$EXT/"
fi
raw=$(stat -c %s "$PKG/conduct_wasm_bg.wasm")
gz=$(node -e 'const z=require("zlib"),fs=require("fs");console.log(z.gzipSync(fs.readFileSync(process.argv[1]),{level:9}).length)' "$PKG/conduct_wasm_bg.wasm")
log "ok: $PKG/conduct_wasm_bg.wasm $raw bytes raw, $gz bytes gzip -9${EXT:+ (copied to $EXT/)}"
