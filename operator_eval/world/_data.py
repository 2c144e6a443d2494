"""Read a family's data folder with errors that name the file.

Every problem with a hand-edited dataset surfaces as one `DatasetError` whose
message starts with the file's path and says what is wrong and where, e.g.
`.../safety_gate/family.yaml: variants.clean_gate: unknown key 'storry'`.
A family's folder is its package (`operator_eval/families/<family>/`), found through the
family registry; what its `family.yaml` may hold is the family's file model.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import yaml
from pydantic import ValidationError

from operator_eval.contracts._models import validation_summary
from operator_eval.families import get_family


class DatasetError(ValueError):
    """A dataset folder or file is missing or malformed; the message names the file.

    Attributes:
        path: The file or folder at fault, when the message already names it.
    """

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


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


def family_folder(family: str) -> Path:
    """Where the registered family `family` keeps its data (its package's folder).

    Raises:
        ValueError: for an unknown family (the message lists the known ones).
    """
    return get_family(family).folder


def family_dir(family: str) -> Path:
    """Return the family's folder, or raise DatasetError naming what is missing."""
    folder = family_folder(family)
    if not folder.is_dir():
        raise DatasetError(f"dataset folder for family '{family}' not found: {folder}", path=folder)
    return folder


def family_file(family: str) -> Path:
    """The family's `family.yaml` (it may not exist)."""
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
    """Load and validate the family's `family.yaml`.

    The keys are type-checked against the family's file model, keys it does not
    declare are refused (any key starting with `x-` is free), and the result is a
    `FileMapping`: indexing a key that is not there raises a `DatasetError` naming the
    file and where.

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
    _check_keys(path, family, data)
    return FileMapping(data, path)


def _check_keys(path: Path, family: str, data: dict[Any, Any]) -> None:
    """Type-check the keys the family's model declares, then refuse any other key.

    Type errors come first (as the shared keys were always checked first); `x-` keys
    and unknown keys are left out of the type check, so each problem has one message.
    """
    model = get_family(family).file_model
    top_fields = frozenset(model.model_fields)
    variant_fields = frozenset(model.variant_model().model_fields)
    places = [("top level", data, top_fields)]
    places += [(f"variants.{n}", conf, variant_fields) for n, conf in data["variants"].items()]
    known_only = {k: v for k, v in data.items() if k in top_fields}
    known_only["variants"] = {
        name: {k: v for k, v in conf.items() if k in variant_fields}
        if isinstance(conf, dict)
        else conf
        for name, conf in data["variants"].items()
    }
    try:
        model.model_validate(known_only)
    except ValidationError as ex:
        raise DatasetError(f"{path}: {validation_summary(ex, limit=3)}", path=path) from ex
    if data.get("family", family) != family:
        raise DatasetError(
            f"{path}: family: {data['family']!r} does not match its folder {family!r}",
            path=path,
        )
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
    """Return the text files of the family's `world/` folder, keyed by relative path.

    Args:
        family: The family name.
        required: Relative paths the world cannot run without (e.g. its programs).

    Raises:
        DatasetError: when the folder or a required file is missing, or a file is not UTF-8.
    """
    return read_fixture_files(family_dir(family) / "world", family, required)


def read_fixture_files(root: Path, owner: str, required: Iterable[str] = ()) -> dict[str, str]:
    """Return the text files under `root`, keyed by relative path.

    Args:
        root: The fixture folder.
        owner: Whose world the files make, for the message (a family, "service").
        required: Relative paths the world cannot run without (e.g. its programs).

    Raises:
        DatasetError: when the folder or a required file is missing, or a file is not UTF-8.
    """
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
                f"{root / rel}: missing fixture file (the {owner} world needs it)",
                path=root / rel,
            )
    return files
