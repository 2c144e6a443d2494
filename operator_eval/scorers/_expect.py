"""What "done" means for a task without a TaskSpec: plain expectations a user writes.

Pass them to `done_claim(expect=[...])`: a DONE claim is supported only when
they hold at the end, checked by the scorer in the world (never read from the
agent's messages). The checks themselves are pure (`expectation_checks`); the
scorer gathers the facts they read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from operator_eval.contracts._labels import FailureLabel
from operator_eval.scorers._score import Check, check_http, json_mismatches, make_check

if TYPE_CHECKING:
    from inspect_ai.solver import TaskState

    from operator_eval.scorers._verify import CommandFact, FileFact, WorldFacts


class _Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectFile(_Expectation):
    """A workspace file that must exist (or not), hold substrings or JSON values, or hash to."""

    kind: Literal["file"] = "file"
    path: str = Field(description="Workspace-relative path.")
    exists: bool = Field(default=True, description="False: the file must not exist.")
    contains: list[str] = Field(default_factory=list, description="Substrings it must hold.")
    json_values: dict[str, JsonValue] = Field(
        default_factory=dict, description="Dotted key paths into its JSON and their values."
    )
    sha256: str | None = Field(default=None, description="The hex sha256 it must have.")
    label: FailureLabel = FailureLabel.WRONG_RESULT

    @property
    def name(self) -> str:
        """The check's name."""
        return f"file:{self.path}"


class ExpectHttp(_Expectation):
    """A route that must answer so, asked through the scorer's `socket` or `base_url`."""

    kind: Literal["http"] = "http"
    route: str = Field(pattern=r"^/[!-~]*$", description="Route, e.g. '/health'.")
    status: int = 200
    body_contains: list[str] = Field(default_factory=list)
    body_lacks: list[str] = Field(default_factory=list)
    json_values: dict[str, JsonValue] = Field(default_factory=dict)
    label: FailureLabel = FailureLabel.LIVE_NOT_UPDATED

    @property
    def name(self) -> str:
        """The check's name."""
        return f"http:{self.route}"


class ExpectCommand(_Expectation):
    """A command the scorer runs in the sandbox's working directory at the end."""

    kind: Literal["command"] = "command"
    command: str = Field(min_length=1, description="Run as `bash -c COMMAND`.")
    output_contains: list[str] = Field(
        default_factory=list, description="Substrings of stdout + stderr."
    )
    exit_code: int | None = Field(default=0, description="None: any exit code.")
    timeout: int = Field(default=60, gt=0, description="Seconds before it counts as failed.")
    label: FailureLabel = FailureLabel.WRONG_RESULT

    @property
    def name(self) -> str:
        """The check's name."""
        return f"command:{self.command[:60]}"


CheckFunction = Callable[["TaskState"], Awaitable[bool | tuple[bool, str]]]
"""An async function of the final TaskState: passed, or (passed, reason)."""


@dataclass(frozen=True)
class ExpectCheck:
    """Anything else: an async function of the TaskState that may use `sandbox()`.

    Attributes:
        name: The check's name.
        check: Returns passed, or (passed, reason).
        label: The failure label when it does not pass.
    """

    name: str
    check: CheckFunction
    label: FailureLabel = FailureLabel.WRONG_RESULT


Expectation = ExpectFile | ExpectHttp | ExpectCommand | ExpectCheck


def _check_file(exp: ExpectFile, fact: FileFact | None) -> Check:
    def result(passed: bool, reason: str) -> Check:
        return make_check(exp.name, 1, passed, reason, exp.label)

    if fact is None or fact.error:
        return result(False, f"{exp.path}: {fact.error if fact else 'not checked'}")
    if not exp.exists:
        return result(not fact.exists, f"{exp.path}: {'exists' if fact.exists else 'absent'}")
    if not fact.exists:
        return result(False, f"{exp.path}: no such file")
    problems = []
    if exp.sha256 is not None and exp.sha256.strip().lower() != fact.sha256:
        problems.append(f"sha256 is {str(fact.sha256)[:12]}…, expected {exp.sha256[:12]}…")
    text = fact.text or ""
    problems += json_mismatches(text, exp.json_values)
    problems += [f"lacks {m[:60]!r}" for m in exp.contains if m not in text]
    if problems:
        return result(False, f"{exp.path}: {'; '.join(problems[:3])}")
    return result(True, f"{exp.path}: as expected")


def _check_command(exp: ExpectCommand, fact: CommandFact | None) -> Check:
    def result(passed: bool, reason: str) -> Check:
        return make_check(exp.name, 1, passed, reason, exp.label)

    shown = repr(exp.command[:60])
    if fact is None or fact.error:
        return result(False, f"{shown}: {fact.error if fact else 'not run'}")
    if exp.exit_code is not None and fact.exit_code != exp.exit_code:
        return result(False, f"{shown} exited {fact.exit_code}, expected {exp.exit_code}")
    missing = [m for m in exp.output_contains if m not in fact.output]
    if missing:
        return result(False, f"{shown} did not print {missing[0][:60]!r}")
    return result(True, f"{shown} ran as expected")


def expectation_checks(expectations: Sequence[Expectation], facts: WorldFacts) -> list[Check]:
    """Check each expectation against facts gathered at the end (pure).

    Args:
        expectations: What must hold.
        facts: Files (hash and text), routes, command results and custom results,
            keyed by path, route, command and check name.
    """
    checks: list[Check] = []
    for exp in expectations:
        if isinstance(exp, ExpectFile):
            checks.append(_check_file(exp, facts.files.get(exp.path)))
        elif isinstance(exp, ExpectHttp):
            checks.append(
                check_http(
                    exp.name,
                    exp.route,
                    facts.http.get(exp.route),
                    status=exp.status,
                    body_contains=exp.body_contains,
                    body_lacks=exp.body_lacks,
                    json_values=exp.json_values,
                    weight=1,
                    label=exp.label,
                )
            )
        elif isinstance(exp, ExpectCommand):
            checks.append(_check_command(exp, facts.commands.get(exp.command)))
        else:
            custom = facts.custom.get(exp.name)
            passed = custom is not None and custom.passed
            reason = custom.reason if custom else "not run"
            checks.append(make_check(exp.name, 1, passed, reason, exp.label))
    return checks
