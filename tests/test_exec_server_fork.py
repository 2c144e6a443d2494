"""The bwrap exec server runs `python3 -I -S -c` commands in a fork of itself.

A fork must be indistinguishable from a fresh `python3 -I -S -c` process: same
output, exit codes, stdin, cwd, environment, limits, timeouts, and none of the
server's file descriptors. Each case runs the same program both ways: through the
fork (`python3 -I -S -c`) and through a real exec (`env python3 -I -S -c`, which the
server does not recognise), and compares.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import pytest
from inspect_ai.util import ExecResult

from operator_eval.sandbox import BwrapConfig, BwrapSandboxEnvironment, bwrap_problem
from operator_eval.tools._tools import command_argv

PROBLEM = bwrap_problem()
pytestmark = pytest.mark.skipif(PROBLEM is not None, reason=f"bwrap unusable here: {PROBLEM}")

FORKED = ["python3", "-I", "-S", "-c"]
EXECED = ["env", "python3", "-I", "-S", "-c"]


@pytest.fixture
async def box() -> AsyncIterator[BwrapSandboxEnvironment]:
    config = BwrapConfig(max_processes=200, max_open_files=321, env={"FROM_CONFIG": "yes"})
    await BwrapSandboxEnvironment.task_init("test", config)
    environments = await BwrapSandboxEnvironment.sample_init("test", config, {})
    yield environments["default"].as_type(BwrapSandboxEnvironment)
    await BwrapSandboxEnvironment.sample_cleanup("test", config, environments, False)


async def both(
    box: BwrapSandboxEnvironment, source: str, *args: str, **kwargs: object
) -> tuple[ExecResult[str], ExecResult[str]]:
    forked = await box.exec([*FORKED, source, *args], **kwargs)  # type: ignore[arg-type]
    execed = await box.exec([*EXECED, source, *args], **kwargs)  # type: ignore[arg-type]
    return forked, execed


async def gone(box: BwrapSandboxEnvironment, pattern: str) -> bool:
    """No process of the sandbox shows `pattern` within 5 s (a kill takes a moment)."""
    for _ in range(50):
        if pattern not in (await box.exec(["ps", "-eo", "args"])).stdout:
            return True
        await anyio.sleep(0.1)
    return False


PROGRAMS = [
    "import sys, json; print(json.dumps(sys.argv)); print('err', file=sys.stderr)",
    "import sys; sys.exit(3)",
    "import sys; sys.exit('a message')",
    "raise ValueError('boom')",
    "import os; print(os.getcwd(), os.environ.get('FOO'), os.environ.get('FROM_CONFIG'))",
    "import sys; print(sys.stdin.read().upper(), end='')",
    "import sys; print(sys.flags.isolated, sys.flags.no_site, sys.path[0] != '')",
    "import resource; print(resource.getrlimit(resource.RLIMIT_NOFILE))",
    "print(__name__)",
    "print('é' * 3)",
    "def f(x: int): pass\nprint(f.__annotations__)",  # no __future__ flags from the server
    "import threading, time\n"
    "threading.Thread(target=lambda: (time.sleep(0.2), print('thread done'))).start()",
    "import atexit; atexit.register(print, 'bye')",
    "import pickle\nclass A: pass\nprint(__spec__, len(pickle.dumps(A())) > 0)",
    "print('\\udcff')",  # surrogateescape, as under a UTF-8 locale
    "import os, sys; print('err', file=sys.stderr); os._exit(0)",  # stderr is line-buffered
    "import os, signal\ntry:\n    os.kill(os.getpid(), signal.SIGINT)\n"
    "except KeyboardInterrupt:\n    print('caught')",
]


@pytest.mark.parametrize("source", PROGRAMS)
async def test_a_forked_python_behaves_like_an_execed_one(
    box: BwrapSandboxEnvironment, source: str
) -> None:
    forked, execed = await both(box, source, "one", "two", input="piped", env={"FOO": "bar"})
    assert (forked.returncode, forked.stdout) == (execed.returncode, execed.stdout)
    assert forked.stderr == execed.stderr  # tracebacks included


async def test_a_missing_cwd_fails_like_an_exec(box: BwrapSandboxEnvironment) -> None:
    forked, execed = await both(box, "print('ran')", cwd="no-such-folder")
    assert forked.returncode == execed.returncode == 127
    assert "ran" not in forked.stdout


async def test_the_fork_holds_none_of_the_servers_descriptors(
    box: BwrapSandboxEnvironment,
) -> None:
    source = "import os; print(sorted(int(f) for f in os.listdir('/proc/self/fd')))"
    forked, execed = await both(box, source)
    assert forked.stdout == execed.stdout == "[0, 1, 2, 3]\n"


async def test_a_forked_python_that_hangs_is_killed_at_its_timeout(
    box: BwrapSandboxEnvironment,
) -> None:
    with pytest.raises(TimeoutError):
        await box.exec([*FORKED, "import time; time.sleep(60)"], timeout=1)
    assert await gone(box, "time.sleep")
    assert (await box.exec([*FORKED, "print('still serving')"])).stdout == "still serving\n"


async def test_the_fork_path_is_really_taken(box: BwrapSandboxEnvironment) -> None:
    # what only a fork has: the server's modules already imported
    forked, execed = await both(box, "import sys; print('selectors' in sys.modules)")
    assert (forked.stdout, execed.stdout) == ("True\n", "False\n")


# -- the shell tool's runner takes the fork path: its contract, in the bwrap sandbox ------


async def test_the_command_runner_relays_exit_code_and_both_streams(
    box: BwrapSandboxEnvironment,
) -> None:
    result = await box.exec(command_argv("echo out; echo err >&2; exit 3", 10))
    assert (result.returncode, result.stdout, result.stderr) == (3, "out\n", "err\n")
    killed = await box.exec(command_argv("kill -TERM $$", 10))
    assert killed.returncode == 128 + 15


async def test_the_command_runner_times_out_with_124_and_kills_the_children(
    box: BwrapSandboxEnvironment,
) -> None:
    result = await box.exec(command_argv("sleep 3001 & sleep 3002; echo never", 1), timeout=20)
    assert result.returncode == 124 and "never" not in result.stdout
    assert await gone(box, "sleep 300")


async def test_the_command_runner_returns_while_a_background_process_runs(
    box: BwrapSandboxEnvironment,
) -> None:
    result = await box.exec(command_argv("(sleep 3003 &) ; echo started", 10), timeout=8)
    assert result.stdout == "started\n"
    assert "sleep 3003" in (await box.exec(["ps", "-eo", "args"])).stdout


async def test_the_command_runner_keeps_head_and_tail_of_huge_output(
    box: BwrapSandboxEnvironment,
) -> None:
    result = await box.exec(command_argv("echo HEAD; head -c 5000000 /dev/zero; echo TAIL", 10))
    assert result.stdout.startswith("HEAD\n") and result.stdout.endswith("TAIL\n")
    assert f"[... {5000010 - 2 * 128 * 1024} bytes cut ...]" in result.stdout


async def test_the_agents_pkill_python3_does_not_end_its_own_call(
    box: BwrapSandboxEnvironment,
) -> None:
    # restarting a python service with `pkill python3` is an ordinary operator move
    command = "python3 -c 'import time; time.sleep(30)' & sleep 0.5; pkill python3; echo after"
    result = await box.exec(command_argv(command, 20), timeout=30)
    assert (result.returncode, result.stdout) == (0, "after\n"), result
    assert await gone(box, "time.sleep(30)")
