"""Ask the sandbox about its world with one tamper-proof exec per question.

Used by the tools (what the agent sees) and the scorers (what is true at the end) alike,
so both read the world the same way. Each probe op is a typed call (`_ops.py`); every
answer is recorded for re-scoring (`_tape.py`).
"""

from operator_eval.probe._ops import (
    ControlAnswer,
    FileAnswer,
    HttpAnswer,
    ListAnswer,
    OwnerAnswer,
    ReadAnswer,
    ReapAnswer,
    ResolveAnswer,
    TreeAnswer,
    ask_control,
    file_digests,
    find_file,
    http_get,
    list_folder,
    read_file,
    reap,
    resolve_path,
    socket_owner,
    tree,
    tree_digests,
)
from operator_eval.probe._run import WORLD_ENV, ProbeError, run_probe

__all__ = [
    "WORLD_ENV",
    "ControlAnswer",
    "FileAnswer",
    "HttpAnswer",
    "ListAnswer",
    "OwnerAnswer",
    "ProbeError",
    "ReadAnswer",
    "ReapAnswer",
    "ResolveAnswer",
    "TreeAnswer",
    "ask_control",
    "file_digests",
    "find_file",
    "http_get",
    "list_folder",
    "read_file",
    "reap",
    "resolve_path",
    "run_probe",
    "socket_owner",
    "tree",
    "tree_digests",
]
