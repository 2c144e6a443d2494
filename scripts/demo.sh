#!/usr/bin/env bash
# The main job: the bundled local model (SmolLM2-135M, served on loopback by llama-cpp-python)
# beside the oracle and sloppy reference policies on benchboard, a local-drafter +
# oracle-verifier row, then the routing board. Extra arguments go to `operator-eval demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
# The local model's shell commands run in the bwrap sandbox, never on the host: get
# bubblewrap first (as .ci/run does), or stop before minutes of setup.
if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "demo: installing bubblewrap (the sandbox the local model's commands run in) ..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; } \
      || { echo "demo: could not install bubblewrap; install it (apt-get install bubblewrap) and run again" >&2; exit 2; }
  else
    echo "demo: the local model's commands need the bwrap sandbox: install bubblewrap (sudo apt-get install bubblewrap) and run again" >&2
    exit 2
  fi
fi
bash scripts/setup.sh --local
exec .venv/bin/operator-eval demo "$@"
