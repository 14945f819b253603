#!/usr/bin/env bash
# Rebuilds crates/core/data/breached-passwords.bf16 from its two lists: the `passwords`
# crate's data/common-passwords.json (a dev-dependency of netid-core, pinned) and npm's
# @zxcvbn-ts/language-common src/passwords.json (a devDependency, pinned). The native test
# `breached_passwords` fails when the committed file is not what this makes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
CRATE="$(cargo metadata --format-version 1 2>/dev/null | python3 -c '
import json, os, sys
m = json.load(sys.stdin)
print(next(os.path.dirname(p["manifest_path"]) for p in m["packages"] if p["name"] == "passwords"))')"
cargo run -q -p netid-core --example password_filter -- crates/core/data/breached-passwords.bf16 \
  "$CRATE/data/common-passwords.json" node_modules/@zxcvbn-ts/language-common/src/passwords.json
