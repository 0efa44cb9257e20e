#!/usr/bin/env bash
# The whole test suite: what CI runs (through .ci/run) and what README tells
# you to run. Installs what it needs first (tests/setup.sh), then runs each
# section, keeps going after a failure, prints the time of each section and
# ends with the line `N passed, M failed`. Exits non-zero if any section fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Gzipped size limit for the extension's wasm module.
WASM_GZ_LIMIT=$((3 * 1024 * 1024 / 2)) # 1.5 MiB
# Seconds of fuzzing in the smoke run (the build comes on top).
FUZZ_SECONDS=30

passed=0
failed=0
report=()

# A section calls `skip REASON` (then returns 0) when it cannot run yet.
skip_mark=$(mktemp)
trap 'rm -f "$skip_mark"' EXIT
skip() {
    echo "skipped: $*"
    echo skipped >"$skip_mark"
}

# Runs one section: `section NAME FUNCTION`, in a subshell where errexit applies.
section() {
    local name=$1 fn=$2 start=$SECONDS rc
    printf '\n==> %s\n' "$name"
    : >"$skip_mark"
    set +e
    (set -euo pipefail; "$fn")
    rc=$?
    set -e
    local took=$((SECONDS - start))
    if [ "$rc" -eq 0 ] && [ -s "$skip_mark" ]; then
        report+=("$(printf '%-8s %5ss  %s' skipped "$took" "$name")")
    elif [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        report+=("$(printf '%-8s %5ss  %s' ok "$took" "$name")")
    else
        failed=$((failed + 1))
        report+=("$(printf '%-8s %5ss  %s' FAILED "$took" "$name")")
        printf '==> %s FAILED (exit %s)\n' "$name" "$rc"
    fi
}

setup() { bash tests/setup.sh; }

fmt() { cargo fmt --all --check; }

clippy() { cargo clippy --workspace --all-targets -- -D warnings; }

unit_and_e2e() { cargo test --workspace --no-fail-fast; }

# Real Postfix + Dovecot on 127.0.0.1 (tests/mail/harness.py); needs root.
mail_smoke() { python3 tests/mail/smoke.py; }

# The SMTP proxy end to end (tests/e2e/proxy_e2e.py): real clients (smtplib,
# swaks) -> `sealpost run` -> the mail harness; decrypted by gpg, sq, sqop, rnp.
proxy_e2e() {
    cargo build -p sealpost
    python3 tests/e2e/proxy_e2e.py "${CARGO_TARGET_DIR:-target}/debug/sealpost"
}

wasm_extension() {
    cargo build -p sealpost-extension --target wasm32-unknown-unknown --profile wasm
    local wasm=target/wasm32-unknown-unknown/wasm/sealpost_extension.wasm
    local raw gz
    raw=$(wc -c <"$wasm")
    gz=$(gzip -9c "$wasm" | wc -c)
    printf 'wasm size: %s bytes raw, %s bytes gzipped (limit %s)\n' "$raw" "$gz" "$WASM_GZ_LIMIT"
    if [ "$gz" -gt "$WASM_GZ_LIMIT" ]; then
        echo "wasm module too large: $gz bytes gzipped > $WASM_GZ_LIMIT" >&2
        return 1
    fi
}

wasm_core() {
    cargo check -p sealpost-policy --target wasm32-unknown-unknown
    # Not `cargo tree | grep -q`: with pipefail, grep's early exit can fail the pipe.
    local tree
    tree=$(cargo tree -p sealpost-policy -e normal)
    if grep -q tokio <<<"$tree"; then
        echo "sealpost-policy depends on tokio; it must stay I/O-free" >&2
        return 1
    fi
    echo "sealpost-policy: builds for wasm32, no tokio"
}

# `fuzz_run DIR TARGET`: builds cargo-fuzz target TARGET of the fuzz crate in
# DIR and runs it for $FUZZ_SECONDS seconds from the seeds in DIR/corpus/TARGET.
fuzz_run() {
    local dir=$1 target=$2
    # cargo-fuzz needs nightly flags (-Z); RUSTC_BOOTSTRAP=1 allows them on stable.
    # New inputs go to a scratch corpus; the seeds in corpus/ stay as they are.
    local corpus log
    corpus=$(mktemp -d)
    log=$(mktemp)
    cd "$dir"
    RUSTC_BOOTSTRAP=1 cargo fuzz build "$target"
    if ! RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "$corpus" "corpus/$target" -- \
        -max_total_time="$FUZZ_SECONDS" -timeout=20 >"$log" 2>&1; then
        grep -m1 -A3 -E 'panicked at|ERROR: (AddressSanitizer|libFuzzer)' "$log" || tail -n 40 "$log"
        grep -A2 -E '^(Reproduce with|Minimize test case with):' "$log" || true
        echo "fuzz target $target failed (full log: $log); inputs in $dir/artifacts/$target/" >&2
        return 1
    fi
    grep -E '^Done [0-9]+ runs' "$log" || tail -n 3 "$log"
    rm -rf "$corpus" "$log"
}

fuzz_smoke() { fuzz_run shared/fuzz mime_to_text; }

# The PGP/MIME rewrite, the SMTP session and the native-messaging frames.
# The first build (sequoia and nettle under the sanitizer) takes minutes; it
# is cached in proxy/fuzz/target.
proxy_fuzz_smoke() {
    (fuzz_run proxy/fuzz mime_rewrite)
    (fuzz_run proxy/fuzz smtp_session)
    (fuzz_run proxy/fuzz native_frame)
}

# The browser extension in Debian's Chromium (tests/extension/run.sh): the
# test and release builds, playwright-core end-to-end tests against Gmail- and
# Outlook-like pages on 127.0.0.1, screenshots, and the in-browser bench; then
# the Firefox build in Debian's firefox-esr (puppeteer-core, WebDriver BiDi).
extension_e2e() { bash tests/extension/run.sh; }

bench_quick() {
    if [ ! -f shared/benches/scan.rs ]; then
        skip "shared/benches/scan.rs does not exist yet"
        return 0
    fi
    cargo bench -p sealpost-policy --bench scan -- --warm-up-time 1 --measurement-time 3
}

section "setup (tests/setup.sh)" setup
section "cargo fmt --check" fmt
section "cargo clippy -D warnings" clippy
section "cargo test --workspace" unit_and_e2e
section "e2e: mail harness smoke (Postfix + Dovecot)" mail_smoke
section "e2e: SMTP proxy (Postfix, Dovecot, gpg, sq, sqop, rnp)" proxy_e2e
section "wasm: extension build and size" wasm_extension
section "wasm: policy core check, no tokio" wasm_core
section "fuzz smoke: mime_to_text (${FUZZ_SECONDS}s)" fuzz_smoke
section "fuzz smoke: proxy mime_rewrite, smtp_session, native_frame (${FUZZ_SECONDS}s each)" proxy_fuzz_smoke
section "e2e: browser extension (Chromium, Firefox)" extension_e2e
section "bench: scan (quick)" bench_quick

printf '\n==> Times\n'
printf '%s\n' "${report[@]}"
printf '%-8s %5ss\n' total "$SECONDS"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
