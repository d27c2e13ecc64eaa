#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently:
#   - Debian packages: chromium (driven by playwright-core), libkrb5-dev (code-server's
#     kerberos native module builds against it) and ripgrep (its rg seeds the cache below);
#   - a pre-seeded @vscode/ripgrep download cache, because code-server's postinstall
#     otherwise downloads rg from GitHub, which this network cannot reach;
#   - this folder's own npm dependency tree (code-server + playwright-core), kept
#     apart from the extension's so that the extension's `npm ci` stays fast.
# Safe to run again: every step is skipped when its result is already there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf '[install %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- Debian packages ---------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(libkrb5-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    log "ERROR: not root; install them yourself: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # An up-to-date package list is needed on a fresh machine; refresh it when the
  # first attempt cannot find the packages.
  if ! apt-get install -y -q "${missing[@]}" </dev/null; then
    apt-get update -q </dev/null
    apt-get install -y -q "${missing[@]}" </dev/null
  fi
else
  log "Debian packages present (chromium, ripgrep, libkrb5-dev)"
fi

# --- the @vscode/ripgrep cache ----------------------------------------------
# @vscode/ripgrep 1.15.11 (a dependency of code-server's bundled VS Code) looks in
# <os.tmpdir()>/vscode-ripgrep-cache-1.15.11/ for the archive it would otherwise
# download, and unpacks `rg` from its root. Debian's rg works in its place.
tmp="${TMPDIR:-/tmp}"
tmp="${tmp%/}"
case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) rg_target=aarch64-unknown-linux-musl ;;
  *) log "WARNING: no known ripgrep target for $(uname -m)"; rg_target="$(uname -m)-unknown-linux-musl" ;;
esac
rg_cache_dir="$tmp/vscode-ripgrep-cache-1.15.11"
rg_archive="$rg_cache_dir/ripgrep-v13.0.0-10-$rg_target.tar.gz"
if [ ! -s "$rg_archive" ]; then
  log "seeding ripgrep cache $rg_archive from $(command -v rg)"
  mkdir -p "$rg_cache_dir"
  stage="$(mktemp -d)"
  cp "$(command -v rg)" "$stage/rg"
  tar -czf "$rg_archive.partial" -C "$stage" rg
  mv "$rg_archive.partial" "$rg_archive"
  rm -rf "$stage"
fi

# --- npm dependencies of test/e2e ---------------------------------------------
marker="$here/node_modules/.latent-e2e-installed"
lock_sum="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
installed_ok() {
  [ -f "$marker" ] && [ "$(cat "$marker")" = "$lock_sum" ] &&
    [ -f "$here/node_modules/code-server/out/node/entry.js" ] &&
    [ -x "$here/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] &&
    [ -e "$here/node_modules/code-server/lib/vscode/node_modules/kerberos/build/Release/kerberos.node" ] &&
    [ -f "$here/node_modules/playwright-core/package.json" ]
}
if installed_ok; then
  log "code-server and playwright-core already installed in $here/node_modules"
  exit 0
fi

log "npm ci in $here (code-server 4.100.3 builds native modules: about a minute)"
cd "$here"
# - npm_config_unsafe_perm=true: code-server's postinstall.sh refuses to run as root
#   under npm unless this is "true" (npm 11 no longer knows the option and warns
#   "Unknown env config", but the variable still reaches the script, which is all
#   it checks).
# - npm_config_yes=true: a native module's install step runs `npx node-gyp`, which
#   must not stop to ask.
# - Install scripts: this folder's package.json lists code-server and argon2 under
#   "allowScripts". code-server's postinstall then runs `npm install` inside
#   lib/vscode and lib/vscode/extensions, separate projects whose native modules
#   (kerberos, node-pty, @vscode/spdlog, ...) npm 11 runs "with a notice" when
#   unreviewed; strict-allow-scripts=false keeps it that way even if a user or
#   global npmrc set it, and ignore-scripts=false guards against that being set.
export npm_config_unsafe_perm=true
export npm_config_yes=true
export npm_config_strict_allow_scripts=false
export npm_config_ignore_scripts=false
export npm_config_fund=false
export npm_config_audit=false
export npm_config_update_notifier=false
rm -f "$marker"
npm ci --no-audit --no-fund </dev/null

if ! [ -x "$here/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]; then
  log "ERROR: code-server's postinstall did not run or failed (no lib/vscode/node_modules/@vscode/ripgrep/bin/rg)"
  exit 1
fi
echo "$lock_sum" > "$marker"
if ! installed_ok; then
  log "ERROR: install finished but an expected file is missing (see installed_ok in $0)"
  exit 1
fi
log "installed code-server $(node -p 'require("./node_modules/code-server/package.json").version') and playwright-core $(node -p 'require("./node_modules/playwright-core/package.json").version')"
