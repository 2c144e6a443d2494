"""A plain (non-editable) install finds its task data and default graph from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel and install it (without deps) into a private site dir."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
    )
    (wheel,) = dist.glob("operator_eval-*.whl")
    # Inspect namespaces tasks only for code under a "site-packages" folder.
    site = tmp_path_factory.mktemp("venv") / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    return site


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_wheel_carries_families_suites_and_graphs(installed: Path) -> None:
    package = installed / "operator_eval"
    # a family's data lives in its folder inside the package, and ships with it
    for family in ("deploy_recovery", "gated_release", "ledger_close"):
        assert (package / "families" / family / "family.yaml").is_file(), family
    assert (package / "families" / "gated_release" / "control" / "extension.py").is_file()
    assert (package / "families" / "gated_release" / "world" / "ci" / "rerun").is_file()
    programs = package / "world" / "programs"
    assert (programs / "workspace" / "deploy" / "deployctl").is_file()
    assert (programs / "workspace" / "service" / "server.py").is_file()
    assert (programs / "deployctl.py").is_file() and (programs / "choices.yaml").is_file()
    data = package / "_data"
    assert (data / "datasets" / "benchboard" / "suite.yaml").is_file()
    assert (data / "datasets" / "benchboard_hard" / "suite.yaml").is_file()
    assert (data / "graphs" / "react_operator.py").is_file()
    # langgraph resolves a config's paths against the current directory, so a copy in
    # site-packages could be right for no directory: Studio uses the repo-root config.
    assert not list(installed.rglob("langgraph.json"))


def test_installed_copy_generates_samples_and_loads_default_graph(
    installed: Path, tmp_path: Path
) -> None:
    code = (
        "import json, operator_eval\n"
        "from operator_eval.world import generate_specs\n"
        "from operator_eval.agent import load_graph_target, DEFAULT_GRAPH\n"
        "load_graph_target(DEFAULT_GRAPH)\n"
        "print(json.dumps({'file': operator_eval.__file__,"
        " 'ids': [s.id for s in generate_specs('deploy_recovery', 0)]}))\n"
    )
    result = _run(installed, tmp_path, sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["file"].startswith(str(installed))
    assert len(out["ids"]) == 8


def test_installed_copy_builds_the_studio_graphs(installed: Path, tmp_path: Path) -> None:
    # The README's config for an installed package names these modules, not files.
    code = (
        "import json, operator_eval.studio as s\n"
        "print(json.dumps({'file': s.__file__, 'nodes': {name: sorted(getattr(s, name)()"
        ".get_graph().nodes) for name in ('react_operator', 'resilient_operator',"
        " 'draft_verify')}}))\n"
    )
    result = _run(installed, tmp_path, sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["file"].startswith(str(installed))
    assert {"call_model", "tools"} <= set(out["nodes"]["react_operator"])
    assert {"call_model", "tools"} <= set(out["nodes"]["resilient_operator"])
    assert {"draft", "verify", "decide"} <= set(out["nodes"]["draft_verify"])


def test_inspect_eval_runs_from_another_directory(installed: Path, tmp_path: Path) -> None:
    inspect_cli = Path(sys.executable).with_name("inspect")
    result = _run(
        installed,
        tmp_path,
        str(inspect_cli),
        "eval",
        "operator_eval/deploy_recovery",
        "--model",
        "opeval/oracle",
        "--limit",
        "1",
        "--log-dir",
        str(tmp_path / "logs"),
        "--display",
        "plain",
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (log,) = (tmp_path / "logs").glob("*.eval")
    from inspect_ai.log import read_eval_log

    sample = (read_eval_log(str(log)).samples or [])[0]
    assert sample.scores is not None
    assert sample.scores["operator_score"].value["points"] == 25
