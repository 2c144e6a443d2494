"""The Inspect log viewer next to the board: bundling it, and linking a run's transcript.

Bundling is a step of the `board` command, not of writing the board: the page only needs
the viewer's URL. It runs Inspect's own `inspect view bundle` in a child process rather
than calling `inspect_ai.log.bundle_log_dir` in ours: the bundler drives Inspect's display
(a banner and a progress bar on our stdout, where the command prints one line), and in a
child its output is captured, a hang is bounded by `BUNDLE_TIMEOUT_S`, and any failure
becomes a warning and a board without transcript links rather than no board.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

from operator_eval.report._records import SampleRecord

VIEWER_DIR = "viewer"
BUNDLE_TIMEOUT_S = 600.0
"""Longest `inspect view bundle` may run before the viewer is given up."""


def viewer_link(viewer: str, record: SampleRecord) -> str:
    """The Inspect viewer URL of one sample's transcript.

    Args:
        viewer: URL (relative or absolute) of an `inspect view bundle` output folder.
        record: The sample run to link to.

    Returns:
        `{viewer}#/logs/{log file name}/samples/sample/{sample id}/{epoch}/transcript`,
        the log file name and the sample id URL-quoted.
    """
    log_name = record.log_path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return (
        f"{viewer}#/logs/{quote(log_name, safe='')}/samples/sample/"
        f"{quote(record.sample_id, safe='')}/{record.epoch}/transcript"
    )


def _inspect_command() -> list[str]:
    exe = Path(sys.executable).with_name("inspect")
    if exe.is_file():
        return [str(exe)]
    return [sys.executable, "-m", "inspect_ai"]


def bundle_viewer(log_dir: Path, out_dir: Path) -> str | None:
    """Bundle the Inspect log viewer with the logs of `log_dir` into `out_dir/viewer`.

    Runs `inspect view bundle --log-dir LOG_DIR --output-dir OUT_DIR/viewer --overwrite`.
    Never raises: a failure is reported as a warning and the board is written without
    transcript links.

    Args:
        log_dir: The folder of `.eval` logs to bundle (must not contain `out_dir`).
        out_dir: The board folder; the viewer goes into its `viewer` subfolder.

    Returns:
        The viewer's URL relative to the board (`"viewer/"`), or None when bundling failed.
    """
    log_dir, out_dir = Path(log_dir), Path(out_dir)
    if not log_dir.is_dir():
        warnings.warn(
            f"viewer not bundled: {log_dir} is not a folder", RuntimeWarning, stacklevel=2
        )
        return None
    command = [
        *_inspect_command(),
        "view",
        "bundle",
        "--log-dir",
        str(log_dir),
        "--output-dir",
        str(out_dir / VIEWER_DIR),
        "--overwrite",
    ]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=BUNDLE_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as ex:
        warnings.warn(
            f"viewer not bundled: {type(ex).__name__}: {ex}", RuntimeWarning, stacklevel=2
        )
        return None
    if done.returncode != 0 or not (out_dir / VIEWER_DIR / "index.html").is_file():
        output = (done.stderr or done.stdout or "").strip().splitlines()
        detail = output[-1] if output else f"exit {done.returncode}"
        warnings.warn(f"viewer not bundled: {detail}", RuntimeWarning, stacklevel=2)
        return None
    return f"{VIEWER_DIR}/"
