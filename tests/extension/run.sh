#!/usr/bin/env bash
# The browser extension end to end, in Debian's Chromium (headless, driven by
# playwright-core; no browser is ever downloaded): builds the test and release
# extension with extension/build.sh, runs every test in e2e/ (one file at a
# time: a managed-policy file is machine-wide), then the bench (figures
# reported, not asserted), and the secure-send bench with the real agent.
# Screenshots go to target/extension-artifacts/. Builds target/debug/sealpost
# (the native-messaging agent) first. Then the Firefox build's tests in
# Debian's firefox-esr (firefox/, puppeteer-core over WebDriver BiDi). Needs
# root for /etc/chromium/policies/managed/ (the managed-policy test),
# /etc/chromium/native-messaging-hosts/ (the agent tests),
# /etc/firefox/policies/policies.json (Firefox's managed-policy test) and
# /usr/lib/mozilla/native-messaging-hosts/ (Firefox's secure-send test).
# Used by tests/all.sh; run it alone with `bash tests/extension/run.sh`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
TARGET=${CARGO_TARGET_DIR:-target}
POLICY_FILE=/etc/chromium/policies/managed/sealpost-test.json
HOST_FILE=/etc/chromium/native-messaging-hosts/com.sealpost.agent.json
FIREFOX_HOST_FILE=/usr/lib/mozilla/native-messaging-hosts/com.sealpost.agent.json
cleanup() {
    rm -f "$POLICY_FILE"
    # The agent tests' hosts (the stand-in, the e2e agent), never a real agent's manifest.
    for f in "$HOST_FILE" "$FIREFOX_HOST_FILE"; do
        if [ -f "$f" ] && grep -Eq 'Sealpost agent \((test stand-in|e2e)\)' "$f"; then rm -f "$f"; fi
    done
}
cleanup
trap cleanup EXIT

if [ ! -d tests/extension/node_modules/playwright-core ] || [ ! -d tests/extension/node_modules/puppeteer-core ]; then
    (cd tests/extension && npm ci --no-audit --no-fund --loglevel=error)
fi

# The real agent for the secure-send tests and bench (a no-op when it is up to date).
cargo build --quiet -p sealpost --bin sealpost

bash extension/build.sh --test "$TARGET/extension/test"
bash extension/build.sh "$TARGET/extension/release"
bash extension/build.sh --test --firefox "$TARGET/extension/firefox-test"
bash extension/build.sh --firefox "$TARGET/extension/firefox-release"

rm -rf "$TARGET/extension-artifacts"
rc=0
(cd tests/extension && node --test --test-concurrency=1 --test-timeout=300000 e2e/*.test.mjs) || rc=$?
cleanup
# The Firefox build in firefox-esr (its policy file is its own to remove).
(cd tests/extension && node --test --test-concurrency=1 --test-timeout=300000 firefox/*.test.mjs) || rc=$?

if [ -d "$TARGET/extension-artifacts" ]; then
    echo "screenshots:"
    find "$TARGET/extension-artifacts" -name '*.png' | sort | sed 's/^/  /'
fi

node tests/extension/bench.mjs --json "$TARGET/extension-bench.json" || rc=1
node tests/extension/bench-secure.mjs --json "$TARGET/extension-secure-bench.json" || rc=1
cleanup
exit "$rc"
