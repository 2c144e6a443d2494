#!/usr/bin/env bash
# Build the release: stamp dist/BUILD_INFO with the version in src/VERSION.
# Releases are signed, so the build refuses to run without config/signing.key.
set -euo pipefail
cd "$(dirname "$0")"

app="$(sed -n 's/^app *= *"\(.*\)"$/\1/p' config/release.toml)"
if [ ! -f config/signing.key ]; then
    echo "error: signing key missing (config/signing.key); ask release engineering for it" >&2
    exit 1
fi
if [ ! -s src/VERSION ]; then
    echo "error: src/VERSION missing" >&2
    exit 1
fi
version="$(tr -d '[:space:]' < src/VERSION)"

mkdir -p dist
{
    echo "app=${app}"
    echo "version=${version}"
    echo "signed_with=$(sha256sum config/signing.key | cut -c1-12)"
    echo "build=ok"
} > dist/BUILD_INFO
echo "built ${app} ${version} -> dist/BUILD_INFO"
