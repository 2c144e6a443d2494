"""Locate data shipped next to the package (datasets/, graphs/).

A wheel carries them under ``operator_eval/_data``; an editable install or a
source checkout reads them from the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the directory holding the shipped ``name`` data (``datasets`` or ``graphs``).

    Raises:
        FileNotFoundError: when neither the wheel copy nor the repository copy exists.
    """
    candidates = [_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"operator-eval data folder '{name}' not found (tried {tried}); "
        "reinstall the package so its data is included"
    )
