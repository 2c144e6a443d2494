"""Read a family's data folder (`datasets/<family>/`) with errors that name the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from operator_eval._paths import data_dir


class DatasetError(ValueError):
    """A dataset folder or file is missing or malformed."""


def family_dir(family: str) -> Path:
    """Return `datasets/<family>/`, or raise DatasetError naming what is missing."""
    folder = data_dir("datasets") / family
    if not folder.is_dir():
        raise DatasetError(f"dataset folder for family '{family}' not found: {folder}")
    return folder


def load_family_yaml(
    family: str, required: tuple[str, ...] = ("story", "reference")
) -> dict[str, Any]:
    """Load and minimally validate `datasets/<family>/family.yaml`.

    Args:
        family: The family name.
        required: Keys every variant must have.
    """
    path = family_dir(family) / "family.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as ex:
        raise DatasetError(f"{path}: missing family file") from ex
    except (yaml.YAMLError, UnicodeDecodeError) as ex:
        raise DatasetError(f"{path}: not valid YAML: {ex}") from ex
    if not isinstance(data, dict) or not isinstance(data.get("variants"), dict):
        raise DatasetError(f"{path}: expected a mapping with a 'variants' mapping")
    for name, variant in data["variants"].items():
        if not isinstance(variant, dict) or any(k not in variant for k in required):
            raise DatasetError(
                f"{path}: variant '{name}' needs {' and '.join(map(repr, required))}"
            )
    return data


def read_world_files(family: str) -> dict[str, str]:
    """Return the text files of `datasets/<family>/world/`, keyed by relative path."""
    root = family_dir(family) / "world"
    if not root.is_dir():
        raise DatasetError(f"{root}: missing world fixture folder")
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(root).as_posix()
            try:
                files[rel] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as ex:
                raise DatasetError(f"{path}: world files must be UTF-8 text") from ex
    return files
