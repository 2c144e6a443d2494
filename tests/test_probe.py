"""The sandbox-side probe script, run directly as `python3 _probe_script.py OP` in a workspace."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import operator_eval.probe as probe_package

SCRIPT = Path(probe_package.__file__).parent / "_probe_script.py"


def probe(ws: Path, op: str, request: dict[str, Any]) -> Any:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), op],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ws,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace with a file, a nested folder, and symlinks in and out of it."""
    root = tmp_path / "ws"
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "app.yaml").write_text("port: 8080\n")
    (root / "secret-outside.txt").write_text("inside")
    (tmp_path / "outside.txt").write_text("TOP-SECRET")
    (tmp_path / "outdir").mkdir()
    (root / "escape.txt").symlink_to(tmp_path / "outside.txt")
    (root / "escape-rel.txt").symlink_to("../outside.txt")
    (root / "escape-dir").symlink_to(tmp_path / "outdir")
    (root / "alias.yaml").symlink_to("conf/app.yaml")
    return root


ESCAPES = ["../outside.txt", "escape.txt", "escape-rel.txt", "escape-dir/x", "conf/../../x"]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- resolve --------------------------------------------------------------------------------


def test_resolve_normalises_paths_inside_the_workspace(ws: Path) -> None:
    assert probe(ws, "resolve", {"path": "conf/./x/../app.yaml"}) == {
        "ok": True,
        "rel": "conf/app.yaml",
        "error": None,
    }
    assert probe(ws, "resolve", {"path": "."})["rel"] == "."
    assert probe(ws, "resolve", {"path": "new/file.txt"})["rel"] == "new/file.txt"
    # A symlink that stays inside resolves to its target.
    assert probe(ws, "resolve", {"path": "alias.yaml"})["rel"] == "conf/app.yaml"


@pytest.mark.parametrize("path", [*ESCAPES, "/etc/passwd"])
def test_resolve_refuses_paths_outside_the_workspace(ws: Path, path: str) -> None:
    answer = probe(ws, "resolve", {"path": path})
    assert answer["ok"] is False
    assert answer["rel"] is None
    assert "outside the workspace" in answer["error"]


def test_resolve_refuses_a_workspace_prefix_sibling(ws: Path) -> None:
    # "<tmp>/ws-evil" starts with "<tmp>/ws" but is not inside it.
    (ws.parent / "ws-evil").mkdir()
    answer = probe(ws, "resolve", {"path": "../ws-evil/x"})
    assert answer["ok"] is False


@pytest.mark.parametrize("path", ["", None, 7, "a\x00b"])
def test_resolve_refuses_invalid_paths(ws: Path, path: Any) -> None:
    assert probe(ws, "resolve", {"path": path}) == {
        "ok": False,
        "rel": None,
        "error": "invalid path",
    }


# --- files ----------------------------------------------------------------------------------


def test_files_returns_text_only_where_asked(ws: Path) -> None:
    answer = probe(
        ws, "files", {"paths": ["conf/app.yaml", "alias.yaml"], "text_paths": ["alias.yaml"]}
    )
    assert answer["conf/app.yaml"]["text"] is None
    assert answer["alias.yaml"]["text"] == "port: 8080\n"


def test_files_reports_hash_size_and_problems(ws: Path) -> None:
    answer = probe(
        ws,
        "files",
        {"paths": ["conf/app.yaml", "alias.yaml", "missing.txt", "conf", *ESCAPES]},
    )
    expected = {
        "exists": True,
        "sha256": sha(b"port: 8080\n"),
        "size": 11,
        "error": None,
        "text": None,
    }
    assert answer["conf/app.yaml"] == expected
    assert answer["alias.yaml"] == expected
    assert answer["missing.txt"] == {
        "exists": False,
        "sha256": None,
        "size": None,
        "error": None,
        "text": None,
    }
    assert answer["conf"]["exists"] is False
    assert answer["conf"]["error"] == "not a regular file"
    for path in ESCAPES:
        assert answer[path]["exists"] is False, path
        assert answer[path]["sha256"] is None, path
        assert "outside the workspace" in answer[path]["error"], path


# --- read -----------------------------------------------------------------------------------


def test_read_returns_bytes_and_size(ws: Path) -> None:
    data = b"\x00\xffbinary\x80"
    (ws / "blob").write_bytes(data)
    answer = probe(ws, "read", {"path": "blob"})
    assert answer["exists"] is True
    assert answer["size"] == len(data)
    assert answer["error"] is None
    assert base64.b64decode(answer["data_b64"]) == data


def test_read_stops_one_byte_past_max_bytes(ws: Path) -> None:
    (ws / "big").write_bytes(b"0123456789" * 100)
    answer = probe(ws, "read", {"path": "big", "max_bytes": 10})
    assert answer["size"] == 1000
    # One byte more than asked, so the caller can tell the file was cut.
    assert base64.b64decode(answer["data_b64"]) == b"01234567890"


def test_read_missing_folder_and_escapes(ws: Path) -> None:
    assert probe(ws, "read", {"path": "missing"}) == {
        "exists": False,
        "data_b64": None,
        "size": None,
        "error": None,
    }
    assert probe(ws, "read", {"path": "conf"})["error"] == "not a regular file"
    for path in [*ESCAPES, str(ws / "conf" / "app.yaml")]:
        answer = probe(ws, "read", {"path": path})
        assert answer["data_b64"] is None, path
        assert "outside the workspace" in answer["error"], path


# --- tree -----------------------------------------------------------------------------------


def test_tree_digests_files_and_links_without_following_them(ws: Path) -> None:
    answer = probe(ws, "tree", {"paths": ["conf", "escape.txt", "escape-dir", "missing"]})
    assert answer["error"] is None
    files = answer["files"]
    assert set(files) == {"conf/app.yaml", "escape.txt", "escape-dir"}
    assert files["conf/app.yaml"] == "file:-:" + sha(b"port: 8080\n")
    assert files["escape.txt"] == "link:" + str(ws.parent / "outside.txt")
    assert files["escape-dir"] == "link:" + str(ws.parent / "outdir")


def test_tree_digest_changes_with_content_mode_and_link_target(ws: Path) -> None:
    (ws / "conf" / "sub").mkdir()
    (ws / "conf" / "sub" / "run.sh").write_text("echo hi\n")
    (ws / "conf" / "current").symlink_to("app.yaml")

    def snapshot() -> dict[str, str]:
        answer = probe(ws, "tree", {"paths": ["conf"]})
        assert answer["error"] is None
        files: dict[str, str] = answer["files"]
        return files

    before = snapshot()
    assert set(before) == {"conf/app.yaml", "conf/sub", "conf/sub/run.sh", "conf/current"}
    assert before["conf/sub"] == "dir"
    assert snapshot() == before  # stable when nothing changes

    (ws / "conf" / "app.yaml").write_text("port: 9090\n")
    after_content = snapshot()
    assert after_content["conf/app.yaml"] != before["conf/app.yaml"]
    assert after_content["conf/sub/run.sh"] == before["conf/sub/run.sh"]

    (ws / "conf" / "sub" / "run.sh").chmod(0o755)
    after_mode = snapshot()
    assert after_mode["conf/sub/run.sh"] != after_content["conf/sub/run.sh"]
    assert after_mode["conf/sub/run.sh"].startswith("file:x:")

    (ws / "conf" / "current").unlink()
    (ws / "conf" / "current").symlink_to("sub/run.sh")
    after_link = snapshot()
    assert after_link["conf/current"] != after_mode["conf/current"]

    (ws / "conf" / "new.txt").write_text("")
    assert "conf/new.txt" in snapshot()

    (ws / "conf" / "empty").mkdir()  # an empty folder is a change too
    assert snapshot()["conf/empty"] == "dir"


def test_tree_single_file_and_file_limit(ws: Path) -> None:
    assert probe(ws, "tree", {"paths": ["conf/app.yaml"]})["files"] == {
        "conf/app.yaml": "file:-:" + sha(b"port: 8080\n")
    }
    for i in range(5):
        (ws / "conf" / f"f{i}").write_text(str(i))
    answer = probe(ws, "tree", {"paths": ["conf"], "max_files": 3})
    assert answer["error"] == "more than 3 files"


# --- list -----------------------------------------------------------------------------------


def test_list_shows_folders_files_sizes_and_links(ws: Path) -> None:
    (ws / "conf" / "a" / "b" / "c").mkdir(parents=True)
    (ws / "conf" / "a" / "b" / "c" / "deep.txt").write_text("x")
    answer = probe(ws, "list", {"path": "conf", "depth": 2})
    assert answer["error"] is None
    assert answer["truncated"] is False
    entries = answer["entries"]
    assert "conf/app.yaml (11 bytes)" in entries
    assert "conf/a/" in entries
    assert "conf/a/b/" in entries
    assert "conf/a/b/c/" in entries  # the deepest level still names its folders
    assert "conf/a/b/c/deep.txt (1 bytes)" not in entries

    top = probe(ws, "list", {})["entries"]
    assert "alias.yaml -> conf/app.yaml" in top
    assert "escape-dir -> " + str(ws.parent / "outdir") in top


def test_list_truncates_and_refuses_escapes(ws: Path) -> None:
    for i in range(10):
        (ws / "conf" / f"f{i}.txt").write_text("")
    answer = probe(ws, "list", {"path": "conf", "max_entries": 4})
    assert answer["truncated"] is True
    assert len(answer["entries"]) == 4

    assert probe(ws, "list", {"path": "conf/app.yaml"})["error"] == "not a directory"
    for path in ["..", "escape-dir", str(ws)]:
        answer = probe(ws, "list", {"path": path})
        assert answer["entries"] == [], path
        assert "outside the workspace" in answer["error"], path


# --- find -----------------------------------------------------------------------------------


def test_find_skips_dot_folders(ws: Path) -> None:
    for folder in [".git/refs", ".venv", "proof", "a/b"]:
        (ws / folder).mkdir(parents=True)
        (ws / folder / "proof.json").write_text("{}")
    found = probe(ws, "find", {"name": "proof.json"})
    assert sorted(found) == ["a/b/proof.json", "proof/proof.json"]
    assert probe(ws, "find", {"name": "nothing.json"}) == []


def test_find_respects_max_depth(ws: Path) -> None:
    deep = ws / "d1" / "d2" / "d3" / "d4" / "d5" / "d6"
    deep.mkdir(parents=True)
    (deep / "x.json").write_text("")
    (ws / "x.json").write_text("")
    assert probe(ws, "find", {"name": "x.json"}) == ["x.json"]
    assert sorted(probe(ws, "find", {"name": "x.json", "max_depth": 10})) == [
        "d1/d2/d3/d4/d5/d6/x.json",
        "x.json",
    ]


# --- http -----------------------------------------------------------------------------------


def test_http_status_body_and_retries(ws: Path, unix_http_server: Any) -> None:
    unix_http_server(
        ws / "run" / "app.sock",
        {
            "/health": (200, b"ok"),
            "/warming": [(503, b"starting"), (503, b"starting"), (200, b"ready")],
            "/big": (200, b"y" * (70 * 1024)),
        },
    )
    answer = probe(
        ws,
        "http",
        {
            "socket": "run/app.sock",
            "requests": [
                {"route": "/health"},
                {"route": "/nope"},
                {"route": "/warming", "retries": 5, "until_status": 200, "pause": 0.01},
                {"route": "/big"},
            ],
        },
    )
    health, nope, warming, big = answer
    assert health == {"route": "/health", "status": 200, "body": "ok", "error": None, "attempts": 1}
    assert (nope["status"], nope["body"]) == (404, "not found")
    assert (warming["status"], warming["body"], warming["attempts"]) == (200, "ready", 3)
    assert big["status"] == 200
    assert big["body"].endswith("\n[body truncated]")
    assert len(big["body"]) < 65 * 1024


def test_http_gives_up_after_its_retries(ws: Path, unix_http_server: Any) -> None:
    unix_http_server(ws / "app.sock", {"/": (503, b"down")})
    request = {"route": "/", "retries": 2, "until_status": 200, "pause": 0.01}
    (answer,) = probe(ws, "http", {"socket": "app.sock", "requests": [request]})
    assert (answer["status"], answer["attempts"]) == (503, 3)


def test_http_errors_are_answers_not_crashes(ws: Path, unix_http_server: Any) -> None:
    # A socket outside the workspace is refused without connecting.
    unix_http_server(ws.parent / "outside.sock", {"/": (200, b"outside")})
    (refused,) = probe(ws, "http", {"socket": "../outside.sock", "requests": [{"route": "/"}]})
    assert refused["status"] is None
    assert refused["attempts"] == 0
    assert "outside the workspace" in refused["error"]

    (missing,) = probe(ws, "http", {"socket": "run/none.sock", "requests": [{"route": "/"}]})
    assert missing["status"] is None
    assert missing["body"] == ""
    assert "FileNotFoundError" in missing["error"]


def _raw_server(path: Path, answer: bytes) -> threading.Thread:
    """A unix socket peer that reads one request and sends `answer` raw, then closes."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(answer)
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("answer", "status", "body", "error"),
    [
        (b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nno length, closed", 200, "no length, closed", None),
        (b"HTTP/1.1 503 Service Unavailable\r\n\r\n", 503, "", None),
        (b"SSH-2.0-OpenSSH\r\n\r\n", None, "", "ValueError: not an HTTP status line"),
        (b"HTTP/1.0 200 OK\r\nX: cut", None, "", "ValueError: response ended inside its headers"),
        (b"", None, "", "ValueError: response ended inside its headers"),
        (b"HTTP/1.0 200 OK\nContent-Length: 2\n\nokEXTRA", 200, "ok", None),  # bare LF
    ],
)
def test_http_reads_whatever_a_peer_answers_as_an_answer(
    ws: Path, answer: bytes, status: int | None, body: str, error: str | None
) -> None:
    _raw_server(ws / "odd.sock", answer)
    (got,) = probe(ws, "http", {"socket": "odd.sock", "requests": [{"route": "/"}]})
    assert (got["status"], got["body"]) == (status, body)
    assert (got["error"] or "").startswith(error or ""), got


def test_http_stops_at_the_content_length_of_a_peer_that_keeps_the_line_open(
    ws: Path,
) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(ws / "open.sock"))
    server.listen(1)
    held: list[socket.socket] = []

    def serve() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
        held.append(conn)  # never closed while the probe reads

    threading.Thread(target=serve, daemon=True).start()
    (got,) = probe(ws, "http", {"socket": "open.sock", "requests": [{"route": "/"}]})
    assert (got["status"], got["body"], got["error"]) == (200, "hello", None)


def test_http_gives_a_trickling_peer_its_timeout_not_more(ws: Path) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(ws / "slow.sock"))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        with contextlib.suppress(OSError):
            for _ in range(100):  # a byte every 0.2 s: each read is in time, the answer is not
                conn.sendall(b"x")
                time.sleep(0.2)

    threading.Thread(target=serve, daemon=True).start()
    request = {"route": "/", "timeout": 1}
    (got,) = probe(ws, "http", {"socket": "slow.sock", "requests": [request]})
    assert got["status"] is None and got["error"].startswith("TimeoutError"), got


def test_http_refuses_a_route_with_spaces_or_controls(ws: Path, unix_http_server: Any) -> None:
    unix_http_server(ws / "app.sock", {"/": (200, b"ok")})
    routes = [{"route": "/a b"}, {"route": "/a\tb"}]
    spaced, tabbed = probe(ws, "http", {"socket": "app.sock", "requests": routes})
    assert spaced["status"] is None and spaced["error"].startswith("InvalidURL"), spaced
    assert tabbed["status"] is None and tabbed["error"] == "invalid route", tabbed
