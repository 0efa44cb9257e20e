#!/usr/bin/env bash
# Builds the Sealpost browser extension as an unpacked MV3 extension.
#
#   bash extension/build.sh [--test] [--firefox] [OUTDIR]
#
# Compiles the policy core to wasm (cargo, profile `wasm`), generates the JS
# glue with wasm-bindgen-cli (`--target web`, exactly the version the crate
# pins), and copies extension/addon/ next to it. OUTDIR defaults to
# target/extension/release, or target/extension/test with --test. --test also
# lets the content scripts run on http://127.0.0.1/* and http://localhost/*
# (any port) for the end-to-end tests; the release build never matches them.
# --firefox builds for Firefox (140 or newer: the CSS Custom Highlight API)
# instead: a background module script in place of the service worker, a
# gecko id, no Chromium key (needs python3); OUTDIR then defaults to
# target/extension/firefox-release or firefox-test.
# Writes the extension id (Chromium: derived from the manifest's public key;
# Firefox: the gecko id) to OUTDIR/EXTENSION_ID and prints it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")

mode=release
browser=chromium
outdir=
for arg in "$@"; do
    case "$arg" in
        --test) mode=test ;;
        --firefox) browser=firefox ;;
        -h | --help)
            sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "build.sh: unknown option $arg" >&2
            exit 2
            ;;
        *)
            if [[ -n "$outdir" ]]; then
                echo "build.sh: more than one OUTDIR" >&2
                exit 2
            fi
            outdir=$arg
            ;;
    esac
done

target_dir=${CARGO_TARGET_DIR:-target}
[[ "$target_dir" = /* ]] || target_dir="$repo/$target_dir"
if [[ "$browser" = firefox ]]; then
    outdir=${outdir:-$target_dir/extension/firefox-$mode}
else
    outdir=${outdir:-$target_dir/extension/$mode}
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

# The glue must come from wasm-bindgen-cli of the version the crate pins.
want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$here/Cargo.toml")
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ "$have" != "$want" ]]; then
    echo "build.sh: need wasm-bindgen-cli $want (found: ${have:-none});" \
        "install it with: cargo install wasm-bindgen-cli --version $want" >&2
    exit 1
fi

(cd "$repo" && cargo build --quiet -p sealpost-extension --target wasm32-unknown-unknown --profile wasm)
wasm="$target_dir/wasm32-unknown-unknown/wasm/sealpost_extension.wasm"

# A clean tree each time: no stale files from an earlier layout.
find "$outdir" -mindepth 1 -delete
cp -R "$here/addon/." "$outdir/"
wasm-bindgen --target web --no-typescript --out-dir "$outdir/wasm" "$wasm"

manifest="$outdir/manifest.json"
release_last='"https://outlook.live.com/\*"\]'
# Every `matches` list (content scripts, web-accessible resources such as the
# secure editor) is on one line ending with outlook.live.com, so the test
# build can extend each of them.
if ! grep -q "$release_last" "$manifest" ||
    [[ $(grep -c '"matches":' "$manifest") != $(grep -c "\"matches\":.*$release_last" "$manifest") ]]; then
    echo "build.sh: manifest.json: each \"matches\" list must be on one line ending with outlook.live.com" >&2
    exit 1
fi
if [[ "$mode" = test ]]; then
    sed -i "s|$release_last|\"https://outlook.live.com/*\", \"http://127.0.0.1/*\", \"http://localhost/*\"]|" "$manifest"
elif grep -Eq 'http://(127\.0\.0\.1|localhost)' "$manifest"; then
    echo "build.sh: the release manifest must not match localhost" >&2
    exit 1
fi

if [[ "$browser" = firefox ]]; then
    # Firefox has no extension service workers (a background module script
    # runs the same code), names the extension by its gecko id, and rejects
    # Chromium-only keys.
    id=$(python3 - "$manifest" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as f:
    m = json.load(f)
for k in ("key", "minimum_chrome_version"):
    m.pop(k, None)
m["background"] = {"scripts": [m["background"]["service_worker"]], "type": "module"}
m["browser_specific_settings"] = {"gecko": {"id": "sealpost@sealpost.org", "strict_min_version": "140.0"}}
with open(path, "w") as f:
    json.dump(m, f, indent=2)
    f.write("\n")
print(m["browser_specific_settings"]["gecko"]["id"])
PY
    )
    echo "$id" >"$outdir/EXTENSION_ID"
    echo "built $mode extension for Firefox in $outdir" >&2
    echo "$id"
    exit 0
fi

# Chromium's id for an unpacked extension with a `key`: the first 32 hex
# digits of SHA-256 over the DER public key, mapped 0-f to a-p.
id=$(sed -n 's/^ *"key": "\([^"]*\)".*/\1/p' "$manifest" | base64 -d | sha256sum | cut -c1-32 | tr '0-9a-f' 'a-p')
if [[ ! "$id" =~ ^[a-p]{32}$ ]]; then
    echo "build.sh: could not derive the extension id from the manifest key" >&2
    exit 1
fi
echo "$id" >"$outdir/EXTENSION_ID"

echo "built $mode extension in $outdir" >&2
echo "$id"
