"""The `bwrap` sandbox provider, through its real Inspect API (sample_init / exec / cleanup)."""

from __future__ import annotations

import contextlib
import logging
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import anyio
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.util import SandboxEnvironment, SandboxUserUnsupportedError
from inspect_ai.util._sandbox.limits import override_max_exec_output_size

from operator_eval import sandbox as sandbox_pkg
from operator_eval.sandbox import (
    BwrapConfig,
    BwrapSandboxEnvironment,
    BwrapUnavailableError,
    UnisolatedSandboxError,
    bwrap_problem,
    default_sandbox,
    load_config,
)
from operator_eval.sandbox import _server as server_pkg

PROBLEM = bwrap_problem()
needs_bwrap = pytest.mark.skipif(PROBLEM is not None, reason=f"bwrap unusable here: {PROBLEM}")

Start = Callable[..., Awaitable[BwrapSandboxEnvironment]]


@pytest.fixture
async def start() -> AsyncIterator[Start]:
    """Start sandboxes through `sample_init`; all are cleaned up through `sample_cleanup`."""
    started: list[tuple[BwrapConfig, dict[str, SandboxEnvironment]]] = []

    async def make(**settings: object) -> BwrapSandboxEnvironment:
        config = BwrapConfig.model_validate(settings)
        await BwrapSandboxEnvironment.task_init("test", config)
        environments = await BwrapSandboxEnvironment.sample_init("test", config, {})
        started.append((config, environments))
        return environments["default"].as_type(BwrapSandboxEnvironment)

    yield make
    for config, environments in started:
        await BwrapSandboxEnvironment.sample_cleanup("test", config, environments, False)


async def sh(box: BwrapSandboxEnvironment, script: str, timeout: int = 30) -> tuple[int, str]:
    result = await box.exec(["sh", "-c", script], timeout=timeout)
    return result.returncode, result.stdout + result.stderr


def host_processes(uid: int) -> list[str]:
    out = subprocess.run(
        ["ps", "-u", str(uid), "-o", "pid=,args="], capture_output=True, text=True
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


# -- isolation ---------------------------------------------------------------------------


@needs_bwrap
async def test_host_secrets_are_unreadable(start: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEVAL_TEST_SECRET", "s3cr3t-value")
    box = await start()
    code, out = await sh(box, "cat /etc/shadow")
    assert code != 0, out
    code, out = await sh(box, "ls -A /root /home; env")
    assert "s3cr3t-value" not in out
    assert ".bashrc" not in out and ".pyenv" not in out
    # the project (the eval's working directory: datasets with answer keys, .env) is hidden:
    # an empty folder, or no folder at all when it lies under the sandbox's private /tmp
    code, out = await sh(box, f"ls -A {Path.cwd()}")
    assert out.strip() == "" or "No such file or directory" in out, out
    code, out = await sh(box, f"cat {Path.cwd() / 'pyproject.toml'}")
    assert code != 0 and "operator-eval" not in out, out


@needs_bwrap
async def test_another_samples_workspace_is_invisible(start: Start) -> None:
    mine, other = await start(), await start()
    await other.write_file("secret.txt", "other sample's data")
    assert await other.read_file("secret.txt") == "other sample's data"
    for path in (other.workspace / "secret.txt", f"../{other.workspace.name}/secret.txt"):
        code, out = await sh(mine, f"cat {path}")
        assert code != 0 and "other sample's data" not in out, out
    code, out = await sh(mine, "ls -A ..; ls -A ../..")
    assert other.workspace.name not in out
    with pytest.raises(PermissionError):
        await mine.read_file(str(other.workspace / "secret.txt"))


@needs_bwrap
@pytest.mark.parametrize(
    "target", ["/x", "/usr/x", "/etc/x", "/root/x", "/home/x", "/var/tmp/x", "/opt/x"]
)
async def test_writing_outside_the_workspace_fails(start: Start, target: str) -> None:
    box = await start()
    code, out = await sh(box, f"echo pwned > {target}")
    assert code != 0, out
    assert not Path(target).exists()
    with pytest.raises(PermissionError):
        await box.write_file(target, "pwned")
    assert not Path(target).exists()


@needs_bwrap
async def test_file_api_stays_in_the_workspace(start: Start) -> None:
    box = await start()
    await box.write_file("a/b/c.txt", "hello\r\n")
    await box.write_file(str(box.workspace / "bin.dat"), b"\x00\xff")
    assert await box.read_file("a/b/c.txt") == "hello\r\n"
    assert await box.read_file(str(box.workspace / "bin.dat"), text=False) == b"\x00\xff"
    code, out = await sh(box, "ls -l a/b/c.txt && chmod +x a/b/c.txt && echo more >> a/b/c.txt")
    assert code == 0, out  # files written by the host belong to the sandbox's user
    for bad in ("../escape.txt", "/etc/passwd", "a/../../x"):
        with pytest.raises(PermissionError):
            await box.read_file(bad)
    # a symlink cannot make the provider read or write outside for the sandbox
    await sh(box, "ln -s /etc/passwd passwd_link; ln -s /usr link_dir; mkfifo fifo")
    with pytest.raises(PermissionError):
        await box.read_file("passwd_link")
    with pytest.raises(PermissionError):
        await box.write_file("link_dir/x", "pwned")
    with pytest.raises(OSError):
        await box.read_file("fifo")  # refused, not a hang
    with pytest.raises(FileNotFoundError):
        await box.read_file("missing.txt")
    with pytest.raises(IsADirectoryError):
        await box.read_file("a")


@needs_bwrap
async def test_network_is_cut(start: Start) -> None:
    server = socket.create_server(("127.0.0.1", 0))  # on the host's loopback
    server.setblocking(False)
    port = server.getsockname()[1]
    box = await start()
    probe = (
        "import socket\n"
        f"for host, port in (('127.0.0.1', {port}), ('1.1.1.1', 53)):\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=2)\n"
        "        print('CONNECTED', host)\n"
        "    except OSError as ex:\n"
        "        print('FAILED', host, ex)\n"
    )
    result = await box.exec(["python3", "-c", probe], timeout=30)
    assert "CONNECTED" not in result.stdout, result.stdout
    assert result.stdout.count("FAILED") == 2, result
    with pytest.raises(BlockingIOError):
        server.accept()  # nothing ever reached the host's server
    server.close()


# -- processes ---------------------------------------------------------------------------


@needs_bwrap
async def test_a_background_service_survives_across_execs_and_dies_at_cleanup() -> None:
    config = BwrapConfig()
    environments = await BwrapSandboxEnvironment.sample_init("test", config, {})
    box = environments["default"].as_type(BwrapSandboxEnvironment)
    service = (
        "import os, socket\n"
        "os.makedirs('.run', exist_ok=True)\n"
        "s = socket.socket(socket.AF_UNIX); s.bind('.run/app.sock'); s.listen()\n"
        "while True:\n"
        "    c, _ = s.accept(); c.sendall(b'pong 4343'); c.close()\n"
    )
    await box.write_file("service.py", service)
    code, out = await sh(box, "nohup python3 service.py marker-4343 >/dev/null 2>&1 & sleep 0.5")
    assert code == 0, out
    client = (
        "import socket; s = socket.socket(socket.AF_UNIX); s.connect('.run/app.sock'); "
        "print(s.recv(100).decode())"
    )
    for _ in range(2):  # later, separate execs reach it
        result = await box.exec(["python3", "-c", client], timeout=10)
        assert result.stdout.strip() == "pong 4343", result
    code, out = await sh(box, "ps -eo args")
    assert "marker-4343" in out
    assert len(host_processes(box.identity.uid)) >= 2  # bwrap, server, service
    await BwrapSandboxEnvironment.sample_cleanup("test", config, environments, False)
    assert host_processes(box.identity.uid) == []
    assert (
        "marker-4343"
        not in subprocess.run(["ps", "-eo", "args"], capture_output=True).stdout.decode()
    )
    assert not box.workspace.exists()


@needs_bwrap
async def test_timeout_raises_and_kills_the_commands_processes(start: Start) -> None:
    box = await start()
    began = time.monotonic()
    with pytest.raises(TimeoutError):
        await box.exec(["sh", "-c", "sleep 301 & timeout 300 sleep 302 & sleep 303"], timeout=1)
    assert time.monotonic() - began < 5
    _, out = await sh(box, "ps -eo args")
    assert "sleep 30" not in out, out


@needs_bwrap
async def test_the_agent_cannot_kill_the_exec_server(start: Start) -> None:
    box = await start()
    code, out = await sh(box, "cat /proc/1/environ")  # non-dumpable: no peeking, no ptrace
    assert code != 0, out
    await sh(box, "kill -9 -1; kill -9 1; pkill -9 python3; true")
    result = await box.exec(["echo", "alive"])
    assert result.stdout == "alive\n"


@needs_bwrap
async def test_a_fork_bomb_is_contained(start: Start) -> None:
    box = await start(max_processes=64)
    bombs = [
        ["bash", "-c", ":(){ :|:& };:"],
        ["python3", "-c", "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass"],
    ]
    for bomb in bombs:
        began = time.monotonic()
        with contextlib.suppress(TimeoutError):  # the process-limit tripwire, or the timeout
            await box.exec(bomb, timeout=5)
        assert time.monotonic() - began < 20
        # the bomb is gone, the sandbox and the host still work
        code, out = await sh(box, "ps -e | wc -l")
        assert code == 0 and int(out) < 10, out
        assert len(host_processes(box.identity.uid)) < 10
        assert subprocess.run(["true"], timeout=10).returncode == 0


@needs_bwrap
async def test_the_memory_limit_stops_a_big_allocation(start: Start) -> None:
    box = await start(max_memory_mb=256)
    big = await box.exec(["python3", "-c", "b = bytearray(1 << 30); print('allocated')"])
    assert not big.success and "allocated" not in big.stdout
    assert "MemoryError" in big.stderr
    small = await box.exec(["python3", "-c", "b = bytearray(1 << 24); print('allocated')"])
    assert small.stdout.strip() == "allocated"


@needs_bwrap
async def test_the_file_size_limit_stops_a_huge_write(start: Start) -> None:
    box = await start(max_file_size_mb=8)
    code, _ = await sh(box, "head -c 64M /dev/zero > big.bin")
    assert code != 0
    code, out = await sh(box, "stat -c %s big.bin")
    assert code == 0 and int(out) <= 8 * 1024 * 1024, out


@needs_bwrap
async def test_the_cpu_limit_stops_a_spinning_process(start: Start) -> None:
    box = await start(max_cpu_seconds=1)
    began = time.monotonic()
    result = await box.exec(["python3", "-c", "while True: pass"], timeout=30)
    assert not result.success
    assert time.monotonic() - began < 15


# -- the exec contract -------------------------------------------------------------------


@needs_bwrap
async def test_exec_contract_matches_the_local_sandbox(start: Start) -> None:
    box = await start(env={"FROM_CONFIG": "yes"})
    result = await box.exec(["cat"], input="piped input")
    assert result.stdout == "piped input"
    result = await box.exec(
        ["sh", "-c", "echo $FOO $FROM_CONFIG; pwd; echo oops >&2; exit 3"], env={"FOO": "bar"}
    )
    assert (result.success, result.returncode) == (False, 3)
    assert result.stdout == f"bar yes\n{box.workspace}\n" and result.stderr == "oops\n"
    await box.write_file("sub/x", "")
    assert (await box.exec(["pwd"], cwd="sub")).stdout.strip() == str(box.workspace / "sub")
    missing = await box.exec(["no-such-command-4343"])
    assert missing.returncode == 127 and not missing.success
    with override_max_exec_output_size(1000):  # like local: the tail is kept
        result = await box.exec(["python3", "-c", "print('a' * 5000 + 'END')"])
    assert len(result.stdout) == 1000 and result.stdout.endswith("END\n")
    with pytest.raises(SandboxUserUnsupportedError):
        await box.exec(["id"], user="root")


@needs_bwrap
async def test_concurrent_execs_share_one_sandbox(start: Start) -> None:
    box = await start()
    results: list[str] = []

    async def run(i: int) -> None:
        result = await box.exec(["sh", "-c", f"sleep 0.5; echo {i}"], timeout=20)
        results.append(result.stdout.strip())

    began = time.monotonic()
    async with anyio.create_task_group() as tg:
        for i in range(8):
            tg.start_soon(run, i)
    assert sorted(results) == [str(i) for i in range(8)]
    assert time.monotonic() - began < 4


# -- configuration and availability ------------------------------------------------------


def test_config_loads_from_a_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "bwrap.yaml"
    path.write_text("max_processes: 99\nhide: [/opt/secret]\n")
    config = load_config(str(path))
    assert config.max_processes == 99 and config.hide == ["/opt/secret"]
    assert load_config(None) == BwrapConfig()
    assert BwrapSandboxEnvironment.config_deserialize({"max_cpu_seconds": 5}) == BwrapConfig(
        max_cpu_seconds=5
    )


def test_default_sandbox_falls_back_to_local_for_scripted_policies_only(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sandbox_pkg, "bwrap_problem", lambda: "no bwrap here (test)")
    sandbox_pkg._warn_unisolated.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            assert default_sandbox(["opeval/oracle"]) == "local"
            assert default_sandbox(["opeval/flawed", "opeval/oracle"]) == "local"
        warnings = [r for r in caplog.records if "no bwrap here (test)" in r.getMessage()]
        assert len(warnings) == 1
        # a real model, a real model in a role, or a model not known yet: refused
        for models in (["ollama/qwen3:8b"], ["opeval/oracle", "openai/gpt-5"], None, []):
            with pytest.raises(UnisolatedSandboxError) as ex:
                default_sandbox(models)
            message = str(ex.value)
            assert "no bwrap here (test)" in message
            assert "-T sandbox=local" in message
            assert "\n" not in message
    finally:
        sandbox_pkg._warn_unisolated.cache_clear()


@needs_bwrap
def test_default_sandbox_is_bwrap_when_usable() -> None:
    assert default_sandbox(["openai/gpt-5"]) == "bwrap"
    assert default_sandbox(None) == "bwrap"


async def test_a_missing_bwrap_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    bwrap_problem.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        assert "not installed" in (bwrap_problem() or "")
        with pytest.raises(BwrapUnavailableError, match=r"bwrap.*not installed"):
            await BwrapSandboxEnvironment.sample_init("test", None, {})
    finally:
        bwrap_problem.cache_clear()


# -- the shipped exec server --------------------------------------------------------------


def test_the_shipped_server_holds_every_module_of_its_package() -> None:
    # the sandbox's python imports nothing of operator_eval: a module left out of
    # MODULES would be missing there, where no host test imports it
    package = Path(server_pkg.__file__).parent
    assert sorted(server_pkg.MODULES) == sorted(
        p.stem for p in package.glob("*.py") if p.name != "__init__.py"
    )
    compile(server_pkg.SERVER_SOURCE, "<server>", "exec")


# -- end to end --------------------------------------------------------------------------


def sandbox_pids() -> set[str]:
    found = subprocess.run(["pgrep", "-f", "opeval-bwrap-"], capture_output=True, text=True)
    return set(found.stdout.split())


@needs_bwrap
@pytest.mark.slow
def test_deploy_recovery_oracle_scores_full_points_in_bwrap(tmp_path: Path) -> None:
    before = {p.name for p in Path("/tmp").glob("opeval-bwrap-*")}
    running = sandbox_pids()  # other sessions' sandboxes on a shared host are not ours
    (log,) = inspect_eval(
        "operator_eval/deploy_recovery",
        model="opeval/oracle",
        sandbox="bwrap",
        limit=2,
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    samples = log.samples or []
    assert len(samples) == 2
    for sample in samples:
        score = sample.scores["operator_score"] if sample.scores else None
        assert score is not None and score.value["points"] == 25, (sample.id, score)
        assert score.value["resolved"] == 1
    assert {p.name for p in Path("/tmp").glob("opeval-bwrap-*")} <= before
    assert sandbox_pids() <= running
