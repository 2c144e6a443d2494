"""Read a family's data folder (`datasets/<family>/`) with errors that name the file.

Every problem with a hand-edited dataset surfaces as one `DatasetError` whose
message starts with the file's path and says what is wrong and where, e.g.
`.../safety_gate/family.yaml: variants.clean_gate: unknown key 'storry'`.
The folder is found with `operator_eval._paths.data_dir("datasets")`.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from operator_eval._paths import data_dir
from operator_eval.contracts._models import validation_summary
from operator_eval.contracts._spec import ReferenceStep
from operator_eval.contracts._vocabulary import Category, Risk


class DatasetError(ValueError):
    """A dataset folder or file is missing or malformed; the message names the file.

    Attributes:
        path: The file or folder at fault, when the message already names it.
    """

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


# --- what a family file may hold ---------------------------------------------------------------


@dataclass(frozen=True)
class FamilyKeys:
    """The keys one family's `family.yaml` may use (any key starting with `x-` is free)."""

    top: frozenset[str]
    variant: frozenset[str]


_TOP = frozenset({"family", "version", "category", "risk", "description", "ticket", "variants"})
_DEPLOY_VARIANT = frozenset(
    {"story", "reference", "category", "risk", "setup_after_start", "traps"}
)
_FLEXIBLE = frozenset({"setup_before_start", "flawed"})

FAMILY_KEYS: dict[str, FamilyKeys] = {
    "deploy_recovery": FamilyKeys(
        _TOP | {"apps", "releases_layouts", "proof_paths"},
        _DEPLOY_VARIANT
        | {"setup_before_start", "settings", "prebuilt_artifact_version", "already_live"}
        | {"drifted_config"},
    ),
    "safety_gate": FamilyKeys(
        _TOP | {"runbook"},
        _DEPLOY_VARIANT | {"dirty", "distractors", "cite"},
    ),
    "source_of_truth": FamilyKeys(
        _TOP | {"keys", "common_docs"},
        _DEPLOY_VARIANT
        | _FLEXIBLE
        | {"declared_by", "source", "repo", "live", "stale_copy", "docs", "json_files"},
    ),
    "tool_failure": FamilyKeys(
        _TOP,
        _DEPLOY_VARIANT
        | _FLEXIBLE
        | {"settings", "prebuilt_artifact_version", "old_artifact", "faults"},
    ),
    "blocked_work": FamilyKeys(
        _TOP | {"runbook", "runbook_sections"},
        _DEPLOY_VARIANT | _FLEXIBLE | {"kind", "blocked", "runbook_sections"},
    ),
    "recovery_faults": FamilyKeys(
        _TOP,
        _DEPLOY_VARIANT
        | _FLEXIBLE
        | {"settings", "prebuilt_artifact_version", "already_live", "drifted_config", "faults"},
    ),
    "deploy_incident": FamilyKeys(
        _TOP
        | {"log_paths", "migration_words", "health_reasons", "fault_keys", "runbook"}
        | {"changelog_fix", "changelog_disputed", "disputed_docs", "investigate"},
        _DEPLOY_VARIANT
        | _FLEXIBLE
        | {"settings", "prebuilt", "failing_release", "config_fault", "flaw_status"},
    ),
    "invoice_reconciliation": FamilyKeys(
        _TOP | {"issuers", "customers", "products"},
        frozenset({"trap", "bank_style", "category", "risk", "traps"}),
    ),
    "gated_release": FamilyKeys(
        _TOP | {"runbook"},
        _DEPLOY_VARIANT
        | {"flawed", "settings", "prebuilt_artifact_version", "cite", "failed_checks"}
        | {"approval", "freeze", "uncommitted", "other_scope_active"},
    ),
    "ledger_close": FamilyKeys(
        _TOP | {"issuers", "customers", "products"}, frozenset({"category", "risk", "traps"})
    ),
}
"""The keys each family's generator reads. A key outside its set would be silently ignored
(a typo such as `setings:` builds a different world), so it is refused instead. Families
not listed here are not checked for unknown keys; a generator that starts reading a new key
must add it here."""


class _VariantFile(BaseModel):
    """The types of the keys variants share (each family reads its own keys beside them)."""

    model_config = ConfigDict(extra="allow")

    story: str | None = None
    reference: list[ReferenceStep] | None = None
    flawed: dict[str, list[ReferenceStep]] | None = None
    category: Category | None = None
    risk: Risk | None = None
    traps: list[str] | None = None
    setup_before_start: list[str] | None = None
    setup_after_start: list[str] | None = None
    settings: dict[str, Any] | None = None
    faults: list[dict[str, Any]] | None = None
    cite: list[dict[str, Any]] | None = None
    docs: dict[str, str] | None = None
    json_files: dict[str, dict[str, Any]] | None = None
    runbook_sections: list[str] | None = None


_Choices = list[str] | None


class _FamilyFile(BaseModel):
    """The types of the keys every `family.yaml` shares."""

    model_config = ConfigDict(extra="allow")

    family: str | None = None
    version: str | None = Field(default=None, description="Quoted: 1.10 is not 1.1.")
    category: Category | None = None
    risk: Risk | None = None
    description: str | None = None
    ticket: str | None = None
    variants: dict[str, _VariantFile] = Field(min_length=1)
    apps: _Choices = Field(default=None, min_length=1)
    releases_layouts: _Choices = Field(default=None, min_length=1)
    proof_paths: _Choices = Field(default=None, min_length=1)
    issuers: _Choices = Field(default=None, min_length=1)
    customers: _Choices = Field(default=None, min_length=4)
    products: list[list[Any]] | None = Field(default=None, min_length=1)
    runbook: str | None = None
    runbook_sections: dict[str, str] | None = None
    keys: dict[str, dict[str, Any]] | None = None
    common_docs: dict[str, str] | None = None


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's parser when PyYAML has it: the pure-Python one takes ~40 ms a family file
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
    """A safe loader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *anchor` may be overridden by the keys beside it
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            continue  # construct_mapping reports it
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _mapping_without_duplicates,  # type: ignore[arg-type]
)


# --- located mappings --------------------------------------------------------------------------


class FileMapping(dict[Any, Any]):
    """A mapping read from a data file that knows where it came from.

    Indexing a missing key raises `DatasetError` naming the file and the key's
    location (e.g. `variants.clean`) instead of a bare `KeyError`. Nested
    mappings, also inside lists, are `FileMapping`s too.
    """

    def __init__(self, data: dict[Any, Any], path: Path, where: str = "") -> None:
        super().__init__(
            (key, _located(value, path, f"{where}.{key}" if where else str(key)))
            for key, value in data.items()
        )
        self.path = path
        self.where = where

    def __missing__(self, key: Any) -> NoReturn:
        raise DatasetError(
            f"{self.path}: {self.where or 'top level'}: missing key {key!r}", path=self.path
        )


def _located(value: Any, path: Path, where: str) -> Any:
    if isinstance(value, dict):
        return FileMapping(value, path, where)
    if isinstance(value, list):
        return [_located(v, path, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


# --- loading -----------------------------------------------------------------------------------


def family_dir(family: str) -> Path:
    """Return `datasets/<family>/`, or raise DatasetError naming what is missing."""
    folder = data_dir("datasets") / family
    if not folder.is_dir():
        raise DatasetError(f"dataset folder for family '{family}' not found: {folder}", path=folder)
    return folder


def family_file(family: str) -> Path:
    """`datasets/<family>/family.yaml` (it may not exist)."""
    return family_dir(family) / "family.yaml"


def read_yaml(path: Path, what: str) -> Any:
    """Parse one YAML file (safely); a missing, unreadable or unparsable file raises DatasetError.

    Unlike `yaml.safe_load`, a mapping that repeats a key (two variants of the same
    name, say) is refused rather than silently keeping the last one.

    Args:
        path: The file.
        what: What the file is, for the message (e.g. "family file").
    """
    try:
        stat = path.stat()
        return copy.deepcopy(_parse_yaml(path, stat.st_mtime_ns, stat.st_size))
    except FileNotFoundError as ex:
        raise DatasetError(f"{path}: missing {what}", path=path) from ex
    except OSError as ex:
        raise DatasetError(f"{path}: cannot read {what}: {ex.strerror or ex}", path=path) from ex
    except (yaml.YAMLError, UnicodeDecodeError) as ex:
        raise DatasetError(f"{path}: not valid YAML{_yaml_problem(ex)}", path=path) from ex


@functools.lru_cache(maxsize=64)
def _parse_yaml(path: Path, mtime_ns: int, size: int) -> Any:
    """Parsed once per version of a file: a suite builds one world per variant from it."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)


def _yaml_problem(error: Exception) -> str:
    """`at line L, column C: problem` on one line (PyYAML's own text spans several)."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        context = f" ({error.context})" if error.context else ""
        return f"{where}: {error.problem}{context}"
    if isinstance(error, UnicodeDecodeError):
        return f": not UTF-8 text (byte {error.start})"
    return f": {' '.join(str(error).split())}"


def load_family_yaml(
    family: str, required: tuple[str, ...] = ("story", "reference")
) -> dict[str, Any]:
    """Load and validate `datasets/<family>/family.yaml`.

    The shared keys are type-checked, keys the family does not read are refused
    (see `FAMILY_KEYS`), and the result is a `FileMapping`: indexing a key that is
    not there raises a `DatasetError` naming the file and where.

    Args:
        family: The family name.
        required: Keys every variant must have.

    Raises:
        DatasetError: naming the file and the problem.
    """
    path = family_file(family)
    data = read_yaml(path, "family file")
    if not isinstance(data, dict) or not isinstance(data.get("variants"), dict):
        raise DatasetError(f"{path}: expected a mapping with a 'variants' mapping", path=path)
    for name, variant in data["variants"].items():
        if not isinstance(variant, dict) or any(k not in variant for k in required):
            raise DatasetError(
                f"{path}: variant '{name}' needs {' and '.join(map(repr, required))}", path=path
            )
    try:
        _FamilyFile.model_validate(data)
    except ValidationError as ex:
        raise DatasetError(f"{path}: {validation_summary(ex, limit=3)}", path=path) from ex
    if data.get("family", family) != family:
        raise DatasetError(
            f"{path}: family: {data['family']!r} does not match its folder {family!r}",
            path=path,
        )
    _refuse_unknown_keys(path, family, data)
    return FileMapping(data, path)


def _refuse_unknown_keys(path: Path, family: str, data: dict[Any, Any]) -> None:
    keys = FAMILY_KEYS.get(family)
    if keys is None:
        return
    places = [("top level", data, keys.top)]
    places += [(f"variants.{name}", conf, keys.variant) for name, conf in data["variants"].items()]
    for where, mapping, known in places:
        unknown = [k for k in mapping if k not in known and not str(k).startswith("x-")]
        if unknown:
            raise DatasetError(
                f"{path}: {where}: unknown key {unknown[0]!r} "
                f"(this family reads: {', '.join(sorted(known))})",
                path=path,
            )


@contextmanager
def variant_errors(family: str, variant: str) -> Iterator[None]:
    """Turn any error raised while building one variant into a DatasetError naming it.

    A DatasetError that already names its file passes unchanged; any other
    problem (a wrong-typed value, a pydantic error, a bare KeyError) is reported
    as `<family.yaml>: variant '<name>': <problem>`, chained to the original.
    """
    path = family_file(family)
    try:
        yield
    except DatasetError as ex:
        if ex.path is not None:
            raise
        named = f"'{variant}'" in str(ex)  # the generator's message already names the variant
        where = "" if named else f"variant {variant!r}: "
        raise DatasetError(f"{path}: {where}{ex}", path=path) from ex
    except ValidationError as ex:
        raise DatasetError(
            f"{path}: variant {variant!r}: {validation_summary(ex, limit=3)}", path=path
        ) from ex
    except KeyError as ex:
        raise DatasetError(
            f"{path}: variant {variant!r}: missing key {ex.args[0]!r}", path=path
        ) from ex
    except (TypeError, AttributeError, IndexError, ValueError) as ex:
        raise DatasetError(
            f"{path}: variant {variant!r}: wrong value ({type(ex).__name__}: {ex})",
            path=path,
        ) from ex


def read_world_files(family: str, required: Iterable[str] = ()) -> dict[str, str]:
    """Return the text files of `datasets/<family>/world/`, keyed by relative path.

    Args:
        family: The family name.
        required: Relative paths the world cannot run without (e.g. its programs).

    Raises:
        DatasetError: when the folder or a required file is missing, or a file is not UTF-8.
    """
    root = family_dir(family) / "world"
    if not root.is_dir():
        raise DatasetError(f"{root}: missing world fixture folder", path=root)
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(root).as_posix()
            try:
                files[rel] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as ex:
                raise DatasetError(f"{path}: world files must be UTF-8 text", path=path) from ex
            except OSError as ex:
                raise DatasetError(f"{path}: cannot read: {ex.strerror or ex}", path=path) from ex
    for rel in required:
        if rel not in files:
            raise DatasetError(
                f"{root / rel}: missing fixture file (the {family} world needs it)",
                path=root / rel,
            )
    return files
