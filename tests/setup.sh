#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian 12 machine, as root.
# Idempotent: installs only what is missing and prints nothing when all is
# present. Needs a rustup-managed Rust toolchain (stable, 1.88 or newer).
#
# Later issues add their needs to APT_PACKAGES (postfix, dovecot-imapd,
# gnupg, chromium, ...).
set -euo pipefail

# Debian packages the tests use. g++ builds libFuzzer for cargo-fuzz.
APT_PACKAGES=(gzip g++)
# Mail end-to-end harness (tests/mail/): real Postfix + Dovecot on 127.0.0.1,
# driven from Python; swaks needs libnet-ssleay-perl for STARTTLS (only a
# Recommends, which --no-install-recommends skips); openssl makes the test CA.
APT_PACKAGES+=(postfix dovecot-imapd dovecot-lmtpd swaks libnet-ssleay-perl openssl python3)
# Independent OpenPGP peers, and what sequoia-openpgp's nettle backend
# needs to build (bindgen).
APT_PACKAGES+=(gnupg sq sqop rnp clang libclang-dev nettle-dev pkg-config)
# The browser extension's end-to-end tests (tests/extension/): Debian's
# Chromium, driven by playwright-core, which never downloads a browser.
APT_PACKAGES+=(chromium)
# The Firefox build's tests (tests/extension/firefox/): Debian's firefox-esr,
# driven over WebDriver BiDi by puppeteer-core, which never downloads one.
APT_PACKAGES+=(firefox-esr)
# Node.js and npm drive those tests; machines that already have them (from
# NodeSource or the image) keep theirs.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    APT_PACKAGES+=(nodejs npm)
fi

# cargo-fuzz, pinned to a release that builds on stable Rust.
CARGO_FUZZ_VERSION=0.13.2
# wasm-bindgen-cli: exactly the version extension/Cargo.toml pins for the
# wasm-bindgen crate (the glue and the crate must match).
WASM_BINDGEN_VERSION=0.2.130

say() { printf 'setup: %s\n' "$*"; }

if [ -d "$HOME/.cargo/bin" ]; then
    case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
fi

# --- Debian packages (apt-get update once, only if something is missing) ---
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    case " ${missing[*]} " in
    *" postfix "*)
        # Otherwise postfix's install asks which mail setup to write into
        # /etc/postfix; the tests bring their own configuration.
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
        ;;
    esac
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Rust toolchain ---
if ! command -v rustup >/dev/null 2>&1 || ! command -v cargo >/dev/null 2>&1; then
    say "rustup and cargo are required (a rustup-managed stable toolchain); install them first" >&2
    exit 1
fi

if ! rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
    say "adding target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown >/dev/null
fi

for comp in clippy rustfmt; do
    # `cargo clippy` / `cargo fmt` fail when the component is not installed.
    sub=$([ "$comp" = rustfmt ] && echo fmt || echo clippy)
    if ! cargo "$sub" --version >/dev/null 2>&1; then
        say "adding component $comp"
        rustup component add "$comp" >/dev/null
    fi
done

# --- cargo-fuzz (runs on stable with RUSTC_BOOTSTRAP=1, see tests/all.sh) ---
if ! cargo fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (a few minutes)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet
fi

# --- wasm-bindgen-cli (extension/build.sh; does not install with --locked) ---
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force --quiet
fi

# --- Node.js packages for the extension's browser tests (playwright-core, puppeteer-core) ---
# Node.js 20 and npm come with the machine. Never download a browser: the
# tests drive Debian's /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
ext_tests="$(dirname "${BASH_SOURCE[0]}")/extension"
if [ ! -d "$ext_tests/node_modules/playwright-core" ] ||
    [ "$ext_tests/package-lock.json" -nt "$ext_tests/node_modules/.package-lock.json" ]; then
    say "installing tests/extension npm packages (npm ci)"
    (cd "$ext_tests" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
