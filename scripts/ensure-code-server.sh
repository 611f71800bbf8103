#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 served over HTTP, the last line that runs on Node 20) into
# a cache outside the clone, so repeated runs skip it. Prints the path of its entry script.
# Its npm postinstall downloads ripgrep from the internet, so the steps are done by hand here.
set -euo pipefail

version="4.100.3"
dest="${SERVERLESS_LENS_CODE_SERVER_DIR:-$HOME/.cache/serverless-lens/code-server-$version}"
entry="$dest/node_modules/code-server/out/node/entry.js"
marker="$dest/.installed"

if [ -f "$marker" ] && [ -f "$entry" ]; then
  echo "$entry"
  exit 0
fi

echo "setup: installing code-server $version into $dest (about a minute, once)" >&2
export npm_config_nodedir=/usr
export npm_config_yes=true
export npm_config_audit=false
export npm_config_fund=false
mkdir -p "$dest"
cd "$dest"
echo '{"name":"cs-host","private":true}' > package.json
npm install "code-server@$version" --ignore-scripts --no-save --loglevel=error >&2
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --loglevel=error >&2
npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid --loglevel=error >&2
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd extensions && npm install --omit=dev --ignore-scripts --loglevel=error >&2)
cd "$dest"
npm rebuild argon2 --loglevel=error >&2
node "$entry" --version >&2
touch "$marker"
echo "$entry"
