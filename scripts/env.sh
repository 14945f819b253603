# Sourced by the scripts: the environment that keeps every tool offline (TOOLCHAIN.md).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"   # else worker-build downloads it
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"     # else worker-build downloads binaryen
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export CHROMEDRIVER=/usr/bin/chromedriver
export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export NO_UPDATE_NOTIFIER=1
unset CLOUDFLARE_API_TOKEN CLOUDFLARE_ACCOUNT_ID
