"""The answer keys are out of reach of the agent in the `bwrap` sandbox (issue 8).

Every sample of every family (seed 0) runs through a real `inspect_ai.eval` in the
`bwrap` sandbox: the real `world_setup` solver builds the sample's world, then a search
solver runs ONE command inside that sample's sandbox that searches what the sandbox sees
for that sample's answer-key material. The needles travel on the command's stdin, never
as a file nor on its command line. The eval is started from `/`, so the sandbox's "hide
the working directory" is not what saves us: the project checkout, the installed
package and the datasets must be hidden on their own account.

What is searched for (the needles, per sample; see `answer_key_needles`):

- `key`: the answer key serialized as it travels (sample metadata in the `.eval` log,
  JSON dumps): every check of `spec.expected` (live, files, cites, forbid), each invoice
  of a reconciliation key, the whole reconciliation answer and the whole `expected`
  block, each in compact JSON (as Inspect writes metadata: a control test finds every
  compact needle in the eval's own log) and in `json.dumps` style.
- `schema`: the key schema's own field names (`verify_routes`, `body_lacks`,
  `stale_amounts`...) that appear in this sample's key and in none of the worlds: a key
  dumped with another layout (indented JSON, YAML) still holds them.
- `value`: the answer values, each line of every string of `expected`, `reference` and
  `flawed` but check names, failure labels and tool names (expected bodies, config
  hashes, fix commands, the reference deliverable, the blocker's description) that the
  sample's world material (its files, decoded binaries, prompt and setup commands) does
  not hold, of at least 12 characters with a digit or else of at least 24 (a line such
  as `"payments": [],` is anybody's JSON). The sample's workspace is exempt from these: what the
  world shows (a live body, a built release) is evidence the agent is meant to find.
- `dataset`: lines of at least 24 characters of the family's key file
  `operator_eval/families/<family>/family.yaml` and of the suites' `datasets/*/suite.yaml`
  that no world of the family holds (templates with their placeholders, variant
  settings, reference solutions, comments).
- `source`: the key's generator, up to 3 lines of at least 40 characters per module of
  `operator_eval/world/` and of the families' folders that no world holds: with the package
  and the seed, the key can be regenerated.

Where:

- In each sample's sandbox, after its world is built: every regular file under every
  writable mount (the workspace, the private /tmp with HOME, /dev/shm), read whole, and
  the members of zip archives (`.eval` logs, wheels), by a stdlib walker. A line of the
  world's own files (a positive control) must be found, in the workspace.
- Once, in a sandbox started the same way, whose mount table must equal every sample's
  (workspace path aside; asserted): all of `/` except /proc, /sys and /dev, for the
  needles of every sample of every family (`schema` aside: bare words elsewhere), text
  files by `grep -rIF` (binary files, such as ELF objects, images and databases, are not
  searched), plus the members of `.eval` logs and of zip archives holding this
  project's files. Positive controls (a text file and an `.eval` archive holding a key,
  written into that sandbox's /tmp and workspace) must be found, and nothing else.

A hit fails the test, naming the needle, its class and the path. A last, quick test
checks directly that the package, its datasets and its source checkout are empty
folders inside a sandbox started from `/`.
"""

from __future__ import annotations

import base64
import inspect
import io
import json
import os
import sys
import textwrap
import time
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import SandboxEnvironment, sandbox

import operator_eval
from operator_eval._paths import data_dir
from operator_eval.contracts import TaskSpec
from operator_eval.families import family_names as families
from operator_eval.sandbox import BwrapConfig, BwrapSandboxEnvironment, bwrap_problem
from operator_eval.world import build_dataset, generate_specs, world_cleanup, world_setup
from operator_eval.world._data import family_file

PROBLEM = bwrap_problem()
# CI installs bubblewrap: there a broken bwrap must fail these tests, not skip them.
needs_bwrap = pytest.mark.skipif(
    PROBLEM is not None and os.environ.get("CI") != "true",
    reason=f"bwrap unusable here: {PROBLEM}",
)
pytestmark = needs_bwrap

FAMILIES = families()
SEED = 0
STORE_KEY = "answer_key_search"
PACKAGE = Path(operator_eval.__file__).resolve().parent
KEY_MODULES = sorted([*(PACKAGE / "world").glob("*.py"), *(PACKAGE / "families").glob("*/*.py")])
"""The key generators: the world machinery and each family's model, generator and task."""

# -- the needles ---------------------------------------------------------------------------


@dataclass
class Needles:
    """A sample's needles by id (`class:n`), and which ids the world may legitimately show."""

    texts: dict[str, str] = field(default_factory=dict)
    world_facts: set[str] = field(default_factory=set)

    def add(self, kind: str, text: str, *, world_fact: bool = False) -> None:
        """Add one needle (a single line, never twice)."""
        assert "\n" not in text and text.strip(), text
        if text in self.texts.values():
            return
        needle_id = f"{kind}:{len(self.texts)}"
        self.texts[needle_id] = text
        if world_fact:
            self.world_facts.add(needle_id)

    def count(self, kind: str) -> int:
        """How many needles of one class."""
        return sum(1 for k in self.texts if k.startswith(kind + ":"))


def world_material(spec: TaskSpec) -> str:
    """Everything the sample's world is built from: what the agent is meant to see."""
    binaries = [base64.b64decode(b).decode("latin-1") for b in spec.binary_files.values()]
    return "\n".join(
        [*spec.files.values(), *binaries, spec.prompt, *spec.setup_commands, *spec.executables]
    )


KEY_FIELDS = (
    "body_lacks",
    "verify_routes",
    "json_values",
    "control_commands",
    "command_contains",
    "checksum_path",
    "evidence_root",
    "stale_amounts",
    "not_invoices",
)
"""Field names of the answer key's schema (`Expected` and its parts) that only a
serialized key holds, in whatever layout: a dump with `indent=2` or in YAML splits the
JSON fragments of the `key` class, never these."""
NOT_VALUES = {"name", "label", "schema_name", "kind", "tool"}
"""Fields of the key that name checks, labels and tools (the scorer's vocabulary, in the
docs and the package alike), not answer values."""


def _string_leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_VALUES:
                yield from _string_leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _string_leaves(item)
    elif isinstance(value, str):
        yield value


def _serialized(value: Any) -> list[str]:
    """`value` in compact JSON (Inspect's logs, pydantic) and in `json.dumps` style."""
    return [
        json.dumps(value, separators=(",", ":"), ensure_ascii=False),
        json.dumps(value, ensure_ascii=False),
    ]


def _lines_not_in(text: str, world: str, min_len: int) -> Iterator[str]:
    for line in text.splitlines():
        line = line.strip()
        if len(line) >= min_len and line not in world:
            yield line


def family_worlds(family: str) -> str:
    """The world material of every sample of a family (seed 0)."""
    return "\n".join(world_material(s) for s in generate_specs(family, SEED))


def dataset_lines(family: str, worlds: str) -> list[str]:
    """Lines of the family's key file (and the suites') that no world of the family holds."""
    root = data_dir("datasets")
    suites = [root / name / "suite.yaml" for name in ("benchboard", "benchboard_hard")]
    files = [family_file(family), *suites]
    return [
        line
        for path in files
        for line in _lines_not_in(path.read_text(encoding="utf-8"), worlds, 24)
    ]


def source_lines(worlds: str) -> list[str]:
    """Up to 3 lines per module of the key generators that no world holds."""
    lines: list[str] = []
    for module in KEY_MODULES:
        found = list(_lines_not_in(module.read_text(encoding="utf-8"), worlds, 40))
        lines += found[:3]
    return lines


def answer_key_needles(spec: TaskSpec, dataset: list[str], source: list[str]) -> Needles:
    """The needles of one sample (see the module docstring for each class)."""
    needles = Needles()
    expected = spec.expected.model_dump(mode="json")
    checks = [c for group in ("live", "files", "cites", "forbid") for c in expected[group]]
    for check in checks:
        for text in _serialized(check):
            needles.add("key", text)
    answer = expected["output"]["answer"] if expected["output"] else None
    if answer is not None:
        for number, invoice in answer["invoices"].items():
            for text in _serialized({number: invoice}):
                needles.add("key", text[1:-1])  # the entry inside the invoices mapping
        for text in _serialized(answer):
            needles.add("key", text)
    for text in _serialized(expected):
        needles.add("key", text)
    world = world_material(spec)
    for name in KEY_FIELDS:  # found however the key is laid out (indented, YAML, repr)
        if f'"{name}"' in _serialized(expected)[0] and name not in world:
            needles.add("schema", name)
    solution = spec.model_dump(mode="json", include={"expected", "reference", "flawed"})
    for leaf in _string_leaves(solution):
        for line in _lines_not_in(leaf, world, 12):
            if len(line) >= 24 or any(c.isdigit() for c in line):  # not `"payments": [],`
                needles.add("value", line, world_fact=True)
    for line in dataset:
        needles.add("dataset", line)
    for line in source:
        needles.add("source", line)
    return needles


def canary_line(spec: TaskSpec) -> str:
    """A line of the world's own files: the per-sample search must find it (control)."""
    lines = [line.strip() for text in spec.files.values() for line in text.splitlines()]
    return max((line for line in lines if len(line) >= 12), key=len)


# -- the search, run inside the sandbox --------------------------------------------------


def _search_inside() -> None:  # pragma: no cover - runs inside the sandbox (stdlib only)
    """Search the sandbox's view for needles; request on stdin, answer on stdout (JSON).

    Request: `needles` {id: text}; `world_facts` ids not searched under `world`;
    `engine` "python" (read every file under `roots`, mounts `writable` only) or "grep"
    (text files by `grep -rIF` under `/` minus `prune`, plus zip archives).
    Answer: `hits` [[id, path]], `files` searched, `mounts` [[point, fstype, ro/rw]].
    """
    import json
    import os
    import re
    import stat
    import subprocess
    import sys
    import threading
    import zipfile

    request = json.load(sys.stdin)
    needles = {k: v.encode() for k, v in request["needles"].items()}
    world = request.get("world") or os.getcwd()
    world_facts = set(request.get("world_facts", []))
    prune = set(request.get("prune", []))
    cap = 64 * 1024 * 1024
    hits: list[list[str]] = []
    files = 0

    def unescape(text: str) -> str:
        return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)

    mounts = []
    with open("/proc/self/mountinfo", encoding="utf-8") as info:
        for line in info:
            parts = line.split()
            fstype = parts[parts.index("-") + 1]
            mode = "rw" if "rw" in parts[5].split(",") else "ro"
            mounts.append([unescape(parts[4]), fstype, mode])

    def in_world(path: str) -> bool:
        return path == world or path.startswith(world.rstrip("/") + "/")

    def search(data: bytes, where: str) -> None:
        for needle_id, needle in needles.items():
            if needle in data and not (needle_id in world_facts and in_world(where)):
                hits.append([needle_id, where])

    def search_zip(path: str, every_member: bool) -> None:
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
                names = " ".join(i.filename for i in infos)
                if not (every_member or "operator_eval" in names or path.endswith(".eval")):
                    return
                search(names.encode(), path)
                for info in infos:
                    if info.file_size <= 16 * 1024 * 1024 and not info.is_dir():
                        search(archive.read(info), f"{path}!{info.filename}")
        except (OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
            pass

    def regular_files(root: str) -> list[tuple[str, int]]:
        found = []
        for top, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if os.path.join(top, d) not in prune]
            for name in names:
                path = os.path.join(top, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    found.append((path, st.st_size))
        return found

    if request["engine"] == "python":
        pseudo = {"proc", "sysfs", "devpts", "mqueue", "devtmpfs", "cgroup", "cgroup2"}
        roots = [m[0] for m in mounts if m[2] == "rw" and m[1] not in pseudo]
        seen = set()
        for root in roots:
            for path, size in regular_files(root):
                if path in seen or size > cap:
                    continue
                seen.add(path)
                files += 1
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except OSError:
                    continue
                search(data, path)
                if data[:4] == b"PK\x03\x04":
                    search_zip(path, every_member=True)
    else:
        tops = []
        for name in sorted(os.listdir("/")):
            path = "/" + name
            if path in prune or os.path.islink(path):
                continue
            tops.append(path)
        read_fd, write_fd = os.pipe()

        def feed() -> None:
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(b"\n".join(needles.values()) + b"\n")

        feeder = threading.Thread(target=feed)
        feeder.start()
        grep = subprocess.run(
            ["grep", "-rlIF", "-s", "-f", f"/dev/fd/{read_fd}", "--", *tops],
            pass_fds=(read_fd,),
            capture_output=True,
            env={**os.environ, "LC_ALL": "C"},  # bytes, no UTF-8 decoding: much faster
        )
        os.close(read_fd)
        feeder.join()
        if grep.returncode not in (0, 1, 2):
            raise SystemExit(f"grep failed: {grep.returncode} {grep.stderr[-500:]!r}")
        for path in grep.stdout.decode(errors="surrogateescape").splitlines():
            try:
                with open(path, "rb") as handle:
                    search(handle.read(), path)
            except OSError:
                hits.append(["unreadable-hit", path])
        for top in tops:
            for path, size in regular_files(top):
                files += 1
                if path.endswith((".eval", ".zip", ".whl")) and size <= cap:
                    search_zip(path, every_member=False)
    print(json.dumps({"hits": hits, "files": files, "mounts": mounts}))


SEARCH_SCRIPT = textwrap.dedent(inspect.getsource(_search_inside)) + "\n_search_inside()\n"


async def run_search(
    box: SandboxEnvironment, request: dict[str, Any], timeout: int = 600
) -> dict[str, Any]:
    """Run the search in a sandbox (the request on stdin, so in no file)."""
    result = await box.exec(
        ["python3", "-I", "-c", SEARCH_SCRIPT], input=json.dumps(request), timeout=timeout
    )
    assert result.success, result.stderr[-2000:]
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def normalized_mounts(mounts: list[list[str]], workspace: str) -> list[tuple[str, ...]]:
    """The sandbox's mount table with its own workspace path replaced (comparable)."""
    return sorted((m[0].replace(workspace, "<workspace>"), *m[1:]) for m in mounts)


# -- the eval: every sample's world, searched in its own sandbox -------------------------


@dataclass
class FamilyNeedles:
    """Needles of every sample of a family, by sample id."""

    samples: dict[str, Needles]
    canaries: dict[str, str]


def family_needles(family: str) -> FamilyNeedles:
    """The needles and the positive control of each sample of a family."""
    specs = generate_specs(family, SEED)
    worlds = family_worlds(family)
    dataset, source = dataset_lines(family, worlds), source_lines(worlds)
    return FamilyNeedles(
        samples={s.id: answer_key_needles(s, dataset, source) for s in specs},
        canaries={s.id: canary_line(s) for s in specs},
    )


@solver
def search_for_answer_keys(needles: FamilyNeedles) -> Solver:
    """Search the sample's sandbox (writable mounts, world included) for its answer key."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        mine = needles.samples[str(state.sample_id)]
        request = {
            "engine": "python",
            "needles": {**mine.texts, "canary": needles.canaries[str(state.sample_id)]},
            "world_facts": sorted(mine.world_facts),
        }
        began = time.monotonic()
        answer = await run_search(sandbox(), request)
        answer["seconds"] = time.monotonic() - began
        answer["workspace"] = (await sandbox().exec(["pwd", "-P"])).stdout.strip()
        state.store.set(STORE_KEY, answer)
        return state

    return solve


@dataclass
class SearchRun:
    """The eval's logs by family, the needles searched, and the wall time."""

    logs: dict[str, EvalLog]
    needles: dict[str, FamilyNeedles]
    seconds: float


@pytest.fixture(scope="module")
def search_run(tmp_path_factory: pytest.TempPathFactory) -> SearchRun:
    """One eval over every family; started from `/` (nothing hidden for being the cwd)."""
    needles = {family: family_needles(family) for family in FAMILIES}
    tasks = [
        Task(
            name=f"answer_keys_{family}",
            dataset=build_dataset(family, SEED),
            setup=world_setup(),
            solver=search_for_answer_keys(needles[family]),
            cleanup=world_cleanup,
            sandbox="bwrap",
        )
        for family in FAMILIES
    ]
    log_dir = tmp_path_factory.mktemp("answer_key_logs")
    began = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir("/")
        logs = inspect_eval(
            tasks, model="mockllm/model", log_dir=str(log_dir), display="none", max_tasks=2
        )
    seconds = time.monotonic() - began
    for log in logs:
        assert log.status == "success", log.error
    return SearchRun(
        {log.eval.task.removeprefix("answer_keys_"): log for log in logs}, needles, seconds
    )


def host_needles(needles: dict[str, FamilyNeedles]) -> dict[str, str]:
    """Every sample's needles but the `schema` ones, minus those holding another one.

    A needle holding a shorter one is found whenever it is. The bare field names of the
    `schema` class are ordinary words elsewhere (a cloud SDK has `json_values`).
    """
    texts = sorted(
        {
            text
            for family in needles.values()
            for sample in family.samples.values()
            for needle_id, text in sample.texts.items()
            if not needle_id.startswith("schema:")
        },
        key=len,
    )
    kept: list[str] = []
    for text in texts:
        if not any(shorter in text for shorter in kept):
            kept.append(text)
    return {f"n{i}": text for i, text in enumerate(kept)}


def describe(hits: list[list[str]], needles: dict[str, str]) -> str:
    """The hits with their needle texts, for a failure message."""
    return "\n".join(f"{k} {needles.get(k, '')[:80]!r} at {path}" for k, path in hits)


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
def test_no_sample_sandbox_holds_its_answer_key(search_run: SearchRun, family: str) -> None:
    log, needles = search_run.logs[family], search_run.needles[family]
    samples = log.samples or []
    assert {str(s.id) for s in samples} == set(needles.samples)
    specs = {s.id: s for s in generate_specs(family, SEED)}
    for sample in samples:
        spec = specs[str(sample.id)]
        mine = needles.samples[str(sample.id)]
        answer = sample.store[STORE_KEY]
        workspace = answer["workspace"]
        leaks = [hit for hit in answer["hits"] if hit[0] != "canary"]
        assert leaks == [], f"{sample.id}: answer key reachable:\n{describe(leaks, mine.texts)}"
        # the control: the search did read the sample's world, in its workspace
        canaries = [path for kind, path in answer["hits"] if kind == "canary"]
        assert canaries and all(p.startswith(workspace + "/") for p in canaries), answer
        assert answer["files"] >= len(spec.files) + len(spec.binary_files)  # all of the world
        for kind in ("key", "dataset", "source"):
            assert mine.count(kind) > 0, (sample.id, kind)


@pytest.mark.slow
def test_the_needles_would_catch_a_leaked_log(search_run: SearchRun) -> None:
    """Control: the `key` needles are exactly what Inspect's own log stores per sample."""
    for family, log in search_run.logs.items():
        with zipfile.ZipFile(log.location) as archive:
            blobs = [archive.read(n) for n in archive.namelist() if n.startswith("samples/")]
        stored = b"\n".join(blobs).decode()
        for sample_id, needles in search_run.needles[family].samples.items():
            keys = [t for k, t in needles.texts.items() if k.startswith("key:")]
            compact = [t for t in keys if '":' in t and '": ' not in t]
            assert compact and all(t in stored for t in compact), (family, sample_id)


# -- the rest of the view, searched once --------------------------------------------------


@pytest.fixture
async def plain_box(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BwrapSandboxEnvironment]:
    """A bwrap sandbox started as the eval's are (default config, from `/`)."""
    monkeypatch.chdir("/")
    config = BwrapConfig()
    environments = await BwrapSandboxEnvironment.sample_init("answer_keys", config, {})
    try:
        yield environments["default"].as_type(BwrapSandboxEnvironment)
    finally:
        await BwrapSandboxEnvironment.sample_cleanup("answer_keys", config, environments, False)


@pytest.mark.slow
async def test_the_rest_of_the_view_holds_no_answer_key(
    search_run: SearchRun, plain_box: BwrapSandboxEnvironment
) -> None:
    every = host_needles(search_run.needles)
    key_text = next(t for t in every.values() if t.startswith("{"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as fake_log:
        fake_log.writestr("samples/x_epoch_1.json", key_text)  # deflated: grep cannot see it
    # positive controls in the sandbox's private /tmp: a text file and an `.eval` archive
    await plain_box.exec(["sh", "-c", "cat > /tmp/home/control.txt"], input="x " + key_text)
    await plain_box.write_file("control.eval", archive.getvalue())
    began = time.monotonic()
    request = {"engine": "grep", "needles": every, "prune": ["/proc", "/sys", "/dev"]}
    answer = await run_search(plain_box, request)
    seconds = time.monotonic() - began
    found = {path.split("!")[0] for _, path in answer["hits"]}
    controls = {"/tmp/home/control.txt", str(plain_box.workspace / "control.eval")}
    leaks = [hit for hit in answer["hits"] if hit[1].split("!")[0] not in controls]
    assert leaks == [], f"answer key reachable:\n{describe(leaks, every)}"
    assert found == controls, answer["hits"]
    assert answer["files"] > 1000, answer["files"]  # the host's file system, not just /tmp
    # every sample's sandbox had this same view (so this one search covers them all)
    mine = normalized_mounts(answer["mounts"], str(plain_box.workspace))
    for log in search_run.logs.values():
        for sample in log.samples or []:
            theirs = sample.store[STORE_KEY]
            assert normalized_mounts(theirs["mounts"], theirs["workspace"]) == mine, sample.id
    print(
        f"\nhost view: {answer['files']} files, {len(every)} needles, {seconds:.1f}s; "
        f"eval of all samples {search_run.seconds:.1f}s",
        file=sys.stderr,
    )


async def test_the_project_and_the_package_are_hidden_from_any_cwd(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From `/` (so not hidden as the cwd): the package, the datasets, the checkout are empty."""
    package = Path(operator_eval.__file__).resolve().parent
    targets = [package, data_dir("datasets")]
    if (package.parent / "pyproject.toml").is_file():  # a source checkout (CI, editable)
        targets.append(package.parent)
    monkeypatch.chdir("/")
    config = BwrapConfig()
    environments = await BwrapSandboxEnvironment.sample_init("answer_keys", config, {})
    try:
        box = environments["default"]
        listing = "import os, sys\nfor p in sys.argv[1:]: print(os.path.isdir(p) and os.listdir(p))"
        result = await box.exec(["python3", "-I", "-c", listing, *map(str, targets)])
    finally:
        await BwrapSandboxEnvironment.sample_cleanup("answer_keys", config, environments, False)
    assert result.success, result.stderr
    # an empty folder ([]) or none at all (False): never the host's files
    assert set(result.stdout.splitlines()) <= {"[]", "False"}, (targets, result.stdout)
