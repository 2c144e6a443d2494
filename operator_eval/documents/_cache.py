"""A disk cache for rendered fixture documents (PDFs), so a task loads in a fraction of a second.

Rendering a world's invoices with fpdf2 costs ~30 ms a PDF, over a second per
invoice_reconciliation dataset, paid again by every eval process. The bytes are a pure
function of the document, the renderer's code and fpdf2's version, so they are kept
under `$OPERATOR_EVAL_CACHE` (default: the user cache folder platformdirs names, which is
`$XDG_CACHE_HOME/operator-eval` or `~/.cache/operator-eval` on Linux) by a digest of all three.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from platformdirs import user_cache_dir

CACHE_ENV = "OPERATOR_EVAL_CACHE"


def cache_dir() -> Path:
    """Where rendered documents are kept: `$OPERATOR_EVAL_CACHE`, else the user cache folder."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(user_cache_dir("operator-eval", appauthor=False))


@functools.cache
def _code_digest(renderer_file: str, library: str) -> str:
    code = Path(renderer_file).read_bytes()
    return hashlib.sha256(code + f"\0{library} {version(library)}".encode()).hexdigest()


def cached_render(
    kind: str, key: str, render: Callable[[], bytes], *, renderer_file: str, library: str
) -> bytes:
    """The bytes of `render()`, from the cache when this exact document was rendered before.

    Args:
        kind: Folder of the cache (e.g. "pdf").
        key: Everything the document depends on (e.g. its repr).
        render: Renders the document.
        renderer_file: Source file of the renderer; editing it invalidates its entries.
        library: Distribution name of the rendering library; a new version of it
            invalidates its entries too.

    A cache that cannot be read or written is skipped: the document is rendered.
    """
    digest = hashlib.sha256(
        (_code_digest(renderer_file, library) + "\0" + key).encode()
    ).hexdigest()
    path = cache_dir() / kind / f"{digest}.bin"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = render()
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)  # atomic: a concurrent reader sees all of it or nothing
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return data
