#!/usr/bin/env bash
# The main job: the bundled local model (SmolLM2-135M, served on loopback by llama-cpp-python)
# beside the oracle and sloppy reference policies on benchboard, a local-drafter +
# oracle-verifier row, then the routing board. Extra arguments go to `operator-eval demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --local
exec .venv/bin/operator-eval demo "$@"
