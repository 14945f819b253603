#!/usr/bin/env bash
# Builds the Worker (worker-build) and the npm package @netid/client (wasm-pack, web and
# bundler targets), and puts the web build where the front end imports it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
log() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

# The Worker's wasm is compiled with SIMD (simd128): PBKDF2-SHA-512 takes about half the
# CPU (ARCHITECTURE.md, "Hashing"). workerd's V8 and Cloudflare's runtime support it. Its own
# target directory keeps these flags from invalidating the npm package's build (no SIMD).
log "worker (worker-build --release, wasm SIMD)"
(cd worker && CARGO_TARGET_DIR="$ROOT/target/worker-simd" RUSTFLAGS="-C target-feature=+simd128" worker-build --release)
# wasm-opt must keep the feature (worker/Cargo.toml passes --enable-simd): count the vector
# instructions in what ships.
simd=$("$ROOT/node_modules/.bin/wasm-dis" worker/build/index_bg.wasm | grep -cE '(v128|i64x2|i32x4|i8x16)\.' || true)
log "worker wasm: $(stat -c %s worker/build/index_bg.wasm) bytes, $simd SIMD instructions"
if [ "$simd" -eq 0 ]; then echo "the Worker's wasm has no SIMD instructions (was simd128 lost?)" >&2; exit 1; fi

log "npm package @netid/client (wasm-pack)"
for target in web bundler; do
  out="pkg-$target"
  (cd crates/client && wasm-pack build --target "$target" --release --out-dir "$out" --out-name netid_client >/dev/null 2>&1) \
    || (cd crates/client && wasm-pack build --target "$target" --release --out-dir "$out" --out-name netid_client)
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "crates/client/$out/netid_client_bg.wasm" -o "crates/client/$out/netid_client_bg.wasm"
  node -e '
    const fs = require("fs"); const p = process.argv[1] + "/package.json";
    const pkg = JSON.parse(fs.readFileSync(p, "utf8"));
    pkg.name = "@netid/client";
    pkg.description = "Validate exactly as the netid server does, in the browser, in the person’s language.";
    fs.writeFileSync(p, JSON.stringify(pkg, null, 2) + "\n");' "crates/client/$out"
done
rm -rf web/vendor/netid-client && mkdir -p web/vendor/netid-client
cp crates/client/pkg-web/netid_client.js crates/client/pkg-web/netid_client_bg.wasm crates/client/pkg-web/netid_client.d.ts web/vendor/netid-client/
raw=$(stat -c %s crates/client/pkg-web/netid_client_bg.wasm)
gz=$(gzip -9 -c crates/client/pkg-web/netid_client_bg.wasm | wc -c)
log "@netid/client wasm: $raw bytes raw, $gz bytes gzipped (budget 256000)"
if [ "$gz" -gt 256000 ]; then echo "wasm over the 250 KB gzipped budget" >&2; exit 1; fi
