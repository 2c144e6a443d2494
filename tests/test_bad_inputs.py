"""Bad inputs: hand-edited datasets and corrupt logs give one clear error naming the file.

Dataset tests copy every family's data (and the suites) to a temp folder, break one
thing, and point the loaders at the copy. Report tests feed damaged copies of one real
`.eval` log (an oracle run of one deploy_recovery sample) to `read_records` and to the
`operator-eval` commands.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log, write_eval_log

from operator_eval._paths import data_dir
from operator_eval.cli import main
from operator_eval.families import family_names
from operator_eval.report import ReportError, read_log, read_records
from operator_eval.tasks import benchboard, deploy_recovery
from operator_eval.world import DatasetError, _data, _service_world, _suite, generate_specs
from operator_eval.world._suite import suite_specs

# --- datasets ------------------------------------------------------------------------------


@pytest.fixture
def datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the families' data, the service world's programs and the suites.

    `<root>/<family>/` for each family's folder (its data, not its code),
    `<root>/programs/` for the service world's, `<root>/<suite>/suite.yaml` for suites.
    """
    root = tmp_path / "datasets"
    shutil.copytree(data_dir("datasets"), root, ignore=shutil.ignore_patterns("__pycache__"))
    for family in family_names():
        shutil.copytree(
            _data.family_dir(family), root / family, ignore=shutil.ignore_patterns("*.py[co]")
        )
    shutil.copytree(_service_world.PROGRAMS, root / "programs")
    monkeypatch.setattr(_data, "family_folder", lambda family: root / family)
    monkeypatch.setattr(_service_world, "PROGRAMS", root / "programs")
    monkeypatch.setattr(_suite, "data_dir", lambda name: root)
    return root


def replace(root: Path, rel: str, old: str, new: str) -> Path:
    """Hand-edit one file of the copy: replace the first `old` with `new`."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def dataset_error(build: Callable[[], object]) -> str:
    """The one-line message of the DatasetError `build` raises."""
    with pytest.raises(DatasetError) as info:
        build()
    message = str(info.value)
    assert "\n" not in message
    return message


DR = "deploy_recovery/family.yaml"
CASES = [
    # (family, file, old, new, what the message says)
    ("deploy_recovery", DR, "variants:", "variants: [unclosed", "not valid YAML at line"),
    ("deploy_recovery", DR, "  stale_symlink:", "  clean:", "duplicate key 'clean'"),
    (
        "deploy_recovery",
        DR,
        "    settings: {switch: manual}",
        "    setings: {switch: manual}",
        "variants.stale_symlink: unknown key 'setings'",
    ),
    ("deploy_recovery", DR, "description: >-", "descripton: >-", "top level: unknown key"),
    (
        "tool_failure",
        "tool_failure/family.yaml",
        "ticket: |",
        "x-ticket: |",
        "missing key 'ticket'",
    ),
    ("deploy_recovery", DR, 'version: "1.1"', "version: 1.1", "version: Input should be a valid"),
    ("deploy_recovery", DR, "    settings: {}", "    settings: [a]", "variants.clean.settings:"),
    (
        "deploy_recovery",
        DR,
        "      - {tool: deploy,",
        "      - {tol: deploy,",
        "variants.clean.reference.0.tol: Extra inputs are not permitted",
    ),
    (
        "deploy_recovery",
        DR,
        "    story: Release",
        "    category: deplooy\n    story: Release",
        "variants.clean.category: Input should be 'drafting', 'summarization'",
    ),
    (
        "deploy_recovery",
        DR,
        "family: deploy_recovery",
        "family: deploy_recovry",
        "'deploy_recovry' does not match its folder",
    ),
    (
        "source_of_truth",
        "source_of_truth/family.yaml",
        "    values: [48",
        "    valuez: [48",
        "keys.max_connections: missing key 'values'",
    ),
    (
        "deploy_recovery",
        DR,
        "{app} version {version}",
        "{app} version {versoin}",
        "variant 'clean': bad placeholder",
    ),
    (
        "invoice_reconciliation",
        "invoice_reconciliation/family.yaml",
        "issuers: [",
        "issuers: 5\nx-issuers: [",
        "issuers: Input should be a valid list",
    ),
]


@pytest.mark.parametrize(("family", "rel", "old", "new", "problem"), CASES)
def test_hand_edited_family_file_names_the_file_and_the_problem(
    datasets: Path, family: str, rel: str, old: str, new: str, problem: str
) -> None:
    path = replace(datasets, rel, old, new)
    message = dataset_error(lambda: generate_specs(family, 0))
    assert message.startswith(f"{path}: "), message
    assert problem in message


def test_a_wrong_value_the_schema_does_not_know_still_names_file_and_variant(
    datasets: Path,
) -> None:
    path = replace(datasets, "blocked_work/family.yaml", "kind:", "kind: [x]\n    x-kind:")
    message = dataset_error(lambda: generate_specs("blocked_work", 0))
    assert message.startswith(f"{path}: ")
    assert "variant 'missing_credential'" in message and "kind must be one of" in message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "expected a mapping with a 'variants' mapping"),
        (b"- a\n- list\n", "expected a mapping"),
        (b"variants: {}\n", "variants: Dictionary should have at least 1 item"),
        (b"family: caf\xe9\n", "not valid YAML: not UTF-8 text"),
        (b"\tfamily: x\n", "not valid YAML at line 1, column 1"),
    ],
)
def test_family_file_that_is_not_a_family_file(
    datasets: Path, content: bytes, problem: str
) -> None:
    path = datasets / "safety_gate" / "family.yaml"
    path.write_bytes(content)
    message = dataset_error(lambda: generate_specs("safety_gate", 0))
    assert message.startswith(f"{path}: ") and problem in message


@pytest.mark.parametrize("family", ["deploy_recovery", "safety_gate"])
@pytest.mark.parametrize("fixture", ["deploy/deployctl", "service/server.py"])
def test_missing_fixture_file_is_named(datasets: Path, family: str, fixture: str) -> None:
    missing = datasets / "programs" / "workspace" / fixture
    missing.unlink()
    message = dataset_error(lambda: generate_specs(family, 0))
    assert message == f"{missing}: missing fixture file (the service world needs it)"


def test_broken_service_world_choices_are_named(datasets: Path) -> None:
    path = replace(datasets, "programs/choices.yaml", "apps: [", "appz: [")
    message = dataset_error(lambda: generate_specs("deploy_recovery", 0))
    assert message.startswith(f"{path}: ") and "appz: Extra inputs are not permitted" in message


def test_missing_family_file_and_folder_are_named(datasets: Path) -> None:
    (datasets / "tool_failure" / "family.yaml").unlink()
    message = dataset_error(lambda: generate_specs("tool_failure", 0))
    assert message == f"{datasets / 'tool_failure' / 'family.yaml'}: missing family file"
    shutil.rmtree(datasets / "safety_gate")
    message = dataset_error(lambda: generate_specs("safety_gate", 0))
    assert str(datasets / "safety_gate") in message and "not found" in message


def test_family_file_that_is_a_folder_is_named(datasets: Path) -> None:
    path = datasets / "tool_failure" / "family.yaml"
    path.unlink()
    path.mkdir()
    message = dataset_error(lambda: generate_specs("tool_failure", 0))
    assert message.startswith(f"{path}: cannot read family file")


def test_suite_errors_name_the_suite_file(datasets: Path) -> None:
    suite = datasets / "benchboard" / "suite.yaml"
    text = suite.read_text(encoding="utf-8")
    for old, new, problem in [
        ("safety_gate: [", "safety_gates: [", "members: unknown task family 'safety_gates'"),
        ("clean_gate,", "clean_gates,", "'safety_gate' has no variant 'clean_gates'"),
        ("[clean, ", "[clean, 5, ", "members.deploy_recovery.1: Input should be a valid string"),
        ("version:", "versoin:", "version: Field required"),
    ]:
        suite.write_text(text.replace(old, new, 1), encoding="utf-8")
        message = dataset_error(lambda: suite_specs("benchboard", 0))
        assert message.startswith(f"{suite}: ") and problem in message


def test_a_broken_member_family_is_named_not_the_suite(datasets: Path) -> None:
    path = replace(datasets, "safety_gate/family.yaml", "runbook:", "runbok:")
    message = dataset_error(lambda: suite_specs("benchboard", 0))
    assert message.startswith(f"{path}: top level: unknown key 'runbok'")


def test_tasks_raise_the_same_errors(datasets: Path) -> None:
    path = replace(datasets, DR, "    settings: {switch: manual}", "    setings: {}")
    assert dataset_error(deploy_recovery).startswith(f"{path}: variants.stale_symlink")
    assert dataset_error(benchboard).startswith(f"{path}: variants.stale_symlink")
    suite = replace(datasets, "benchboard/suite.yaml", "safety_gate: [", "safety_gates: [")
    assert dataset_error(benchboard).startswith(f"{suite}: members: unknown task family")


def test_the_shipped_datasets_pass_every_check() -> None:
    for family in family_names():
        assert _data.load_family_yaml(family, required=())["variants"]
    assert suite_specs("benchboard", 0)


def test_a_missing_key_in_a_loaded_file_names_file_and_place() -> None:
    data = _data.load_family_yaml("deploy_recovery")
    with pytest.raises(DatasetError, match=r"family\.yaml: variants\.clean: missing key 'nope'"):
        data["variants"]["clean"]["nope"]
    assert data["variants"]["clean"].get("nope") is None


# --- logs ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real log: the oracle on one deploy_recovery sample (25/25)."""
    folder = tmp_path_factory.mktemp("good")
    (log,) = inspect_eval(
        deploy_recovery(), model="opeval/oracle", limit=1, log_dir=str(folder), display="none"
    )
    assert log.status == "success"
    return Path(log.location)


def _truncated(good: Path, bad: Path) -> None:
    data = good.read_bytes()
    bad.write_bytes(data[: len(data) // 2])


def _json_cut(good: Path, bad: Path) -> None:
    full = bad.with_name("full.json")
    write_eval_log(read_eval_log(str(good)), str(full))
    text = full.read_text(encoding="utf-8")
    bad.write_text(text[: len(text) // 2], encoding="utf-8")


def _zip_of_other_things(good: Path, bad: Path) -> None:
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("hello.txt", "not a log")


BAD_LOGS: dict[str, tuple[str, Callable[[Path, Path], object] | None, str]] = {
    # name: (file name, how to make it from the good log, what the problem line says)
    "truncated": ("cut.eval", _truncated, "not a zip archive (truncated"),
    "random bytes": (
        "noise.eval",
        lambda g, b: b.write_bytes(bytes(range(256)) * 7),
        "not a zip archive",
    ),
    "empty": ("empty.eval", lambda g, b: b.write_bytes(b""), "empty file"),
    "missing": ("gone.eval", None, "no such file"),
    "json cut": ("cut.json", _json_cut, "not valid JSON (truncated?)"),
    "json not a log": ("other.json", lambda g, b: b.write_text('{"a": 1}'), "not an Inspect log"),
    "zip not a log": ("other.eval", _zip_of_other_things, "a zip archive but not an Inspect log"),
    "not a log file": ("notes.txt", lambda g, b: b.write_text("hi"), "expected a .eval or .json"),
}


@pytest.fixture(params=list(BAD_LOGS))
def bad_log(request: pytest.FixtureRequest, good_log: Path, tmp_path: Path) -> tuple[Path, str]:
    name, make, problem = BAD_LOGS[request.param]
    path = tmp_path / name
    if make is not None:
        make(good_log, path)
    return path, problem


def test_read_log_names_the_file_and_the_problem(bad_log: tuple[Path, str]) -> None:
    path, problem = bad_log
    with pytest.raises(ReportError) as info:
        read_log(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and problem in message and "\n" not in message


def test_a_bad_log_is_skipped_and_the_good_one_kept(
    good_log: Path, bad_log: tuple[Path, str]
) -> None:
    path, problem = bad_log
    records, problems = read_records([good_log, path])
    assert [(r.model, r.points) for r in records] == [("opeval/oracle", 25)]
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: skipped: ") and problem in problems[0]


def test_a_log_with_a_damaged_member_is_skipped(good_log: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.eval"
    with zipfile.ZipFile(damaged, "w") as archive:  # a valid zip whose header is cut short
        archive.writestr("_journal/start.json", "{}")
        archive.writestr("header.json", '{"version": 2, "status": "succ')
    records, problems = read_records([good_log, damaged])
    assert len(records) == 1
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{damaged}: skipped: cannot read log: damaged data inside the archive (invalid JSON: "
    )


def test_folders_without_logs_are_skipped_not_fatal(good_log: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    records, problems = read_records([good_log.parent, tmp_path / "empty", tmp_path / "nope"])
    assert len(records) == 1
    assert problems == [
        f"{tmp_path / 'empty'}: skipped: no .eval or .json logs in this folder",
        f"{tmp_path / 'nope'}: skipped: no such file or folder",
    ]


def test_hand_edited_scores_are_skipped(good_log: Path, tmp_path: Path) -> None:
    log = read_eval_log(str(good_log))
    assert log.samples and log.samples[0].scores
    log.samples[0].scores["operator_score"].value = {"points": "lots"}
    edited = tmp_path / "edited.eval"
    write_eval_log(log, str(edited))
    records, problems = read_records([good_log, edited])
    assert len(records) == 1
    assert len(problems) == 1
    assert problems[0].startswith(
        f"{edited}: skipped: cannot read scores: ValueError: invalid literal for int()"
    )


def test_commands_report_partial_results_and_exit_non_zero(
    good_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = tmp_path / "cut.eval"
    _truncated(good_log, cut)
    gone = tmp_path / "gone.eval"
    expected = [
        f"{gone}: skipped: no such file or folder",
        f"{cut}: skipped: cannot read log: not a zip archive (truncated, or not a .eval log)",
    ]

    assert main(["routing", str(good_log), str(cut), str(gone)]) == 1
    out, err = capsys.readouterr()
    assert "opeval/oracle" in out
    assert err.splitlines() == expected

    board = tmp_path / "board"
    assert main(["board", str(good_log), str(cut), str(gone), "-o", str(board)]) == 1
    out, err = capsys.readouterr()
    assert "(1 sample runs)" in out and err.splitlines() == expected
    assert "not a zip archive" in (board / "index.html").read_text(encoding="utf-8")

    assert main(["summary", str(good_log), str(cut)]) == 1
    out, err = capsys.readouterr()
    assert "25/25" in out and str(cut) in err and "Traceback" not in err


def test_commands_with_only_bad_logs_fail_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.eval"
    empty.write_bytes(b"")
    assert main(["routing", str(empty)]) != 0
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{empty}: skipped: cannot read log: empty file "
        "(was the run killed before it wrote its log?)",
        "operator-eval: no scored samples in these logs",
    ]
