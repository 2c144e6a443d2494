# Why long: it does one thing, answer the harness's probe ops, as one stdlib-only script
# shipped whole into the sandbox with every probe call (no package is importable there).
"""Sandbox-side probe: run as `python3 -c <this file> OP` with a JSON request on stdin.

Standalone on purpose (stdlib only, no package imports): it is shipped into
the sandbox as a string, so the agent cannot tamper with it, and one exec
answers a whole batch. Paths are relative to the working directory (the
workspace); anything that resolves outside it is refused, symlinks included.

Ops:
  files   {"paths": [...], "text_paths": [...]}
                                           -> {path: {exists, sha256, size, error, text}}
                                              (text: the first 64 KiB, for text_paths only)
  read    {"path": p, "max_bytes": n}      -> {exists, data_b64, size, error}
  tree    {"paths": [...], "max_files": n} -> {"files": {relpath: digest}, "error": str|None}
  http    {"socket": s | "base_url": u, "requests": [{route, retries, until_status}]}
                                           -> [{route, status, body, error, attempts}]
                                              (base_url: http://host:port[/prefix], TCP)
  resolve {"path": p}                      -> {ok, rel, error}
  list    {"path": p, "max_entries": n, "depth": d} -> {entries: [..], truncated, error}
  reap    {"token": t, "marker": m}         -> {"killed": [pid, ...]} processes whose
                                              environment holds the world token or whose
                                              command line holds the marker
  owner   {"socket": s, "program": p}      -> {genuine, reason}: is the listening socket
                                              served by `python3 <workspace>/p` alone?
  find    {"name": n, "max_depth": d}      -> [relpath, ...] files named n (dot dirs skipped)
  control {"socket": s, "pid": p, "request": {...}, "service_socket": s2}
                                           -> {ok, reason, answer, service_owners}: ask the
                                              world's control plane, if pid p alone serves s
"""

import binascii
import json
import os
import socket
import stat
import sys
import time

ROOT = os.path.realpath(os.getcwd())
MAX_BODY = 64 * 1024
MAX_HEAD = 64 * 1024
MAX_HASH_BYTES = 256 * 1024 * 1024
HTTP_DEADLINE_S = 30.0
PYTHON_ENV_HOOKS = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT")


def resolve(path):
    if not isinstance(path, str) or not path or "\x00" in path:
        return None, "invalid path"
    if os.path.isabs(path):
        return None, "absolute paths are outside the workspace"
    full = os.path.realpath(os.path.join(ROOT, path))
    if full != ROOT and not full.startswith(ROOT + os.sep):
        return None, "path resolves outside the workspace"
    return full, None


def sha256_file(full):
    import hashlib  # here, not at the top: most ops never hash, and the import costs ~4 ms

    digest = hashlib.sha256()
    with open(full, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def op_files(req):
    out = {}
    text_paths = set(req.get("text_paths", []))
    for path in req.get("paths", []):
        full, error = resolve(path)
        fact = {"exists": False, "sha256": None, "size": None, "error": error, "text": None}
        if full is not None:
            if os.path.isfile(full) and os.path.getsize(full) > MAX_HASH_BYTES:
                fact["error"] = f"larger than {MAX_HASH_BYTES} bytes, not hashed"
            elif os.path.isfile(full):
                fact.update(exists=True, sha256=sha256_file(full), size=os.path.getsize(full))
                if path in text_paths:
                    with open(full, "rb") as f:
                        fact["text"] = f.read(MAX_BODY).decode("utf-8", "replace")
            elif os.path.exists(full):
                fact["error"] = "not a regular file"
        out[path] = fact
    return out


def op_read(req):
    full, error = resolve(req.get("path"))
    result = {"exists": False, "data_b64": None, "size": None, "error": error}
    if full is None:
        return result
    if not os.path.exists(full):
        return result
    if not os.path.isfile(full):
        result["error"] = "not a regular file"
        return result
    size = os.path.getsize(full)
    result.update(exists=True, size=size)
    limit = int(req.get("max_bytes", 1 << 20))
    with open(full, "rb") as f:
        data = f.read(limit + 1)
    result["data_b64"] = binascii.b2a_base64(data, newline=False).decode("ascii")
    return result


def entry_digest(full):
    st = os.lstat(full)
    if stat.S_ISLNK(st.st_mode):
        return "link:" + os.readlink(full)
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if not stat.S_ISREG(st.st_mode):
        # Never open a FIFO or socket: it would block or fail.
        return f"special:{stat.S_IFMT(st.st_mode):o}"
    if st.st_size > MAX_HASH_BYTES:
        return f"file:large:{st.st_size}:{st.st_mtime_ns}"
    mode = "x" if st.st_mode & 0o111 else "-"
    return f"file:{mode}:" + sha256_file(full)


def op_tree(req):
    files = {}
    limit = int(req.get("max_files", 20000))
    for path in req.get("paths", []):
        base = os.path.join(ROOT, path)
        if not os.path.lexists(base):
            continue
        if os.path.islink(base) or os.path.isfile(base):
            files[path] = entry_digest(base)
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            # Directories count too: an empty folder created inside is a change.
            for name in sorted(filenames) + dirnames:
                full = os.path.join(dirpath, name)
                files[os.path.relpath(full, ROOT)] = entry_digest(full)
                if len(files) > limit:
                    return {"files": files, "error": f"more than {limit} files"}
    return {"files": files, "error": None}


def split_head(raw):
    """(status, content length or None, body so far), or None while the head is incomplete."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(sep)
        if found:
            break
    else:
        return None
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise ValueError(f"not an HTTP status line: {lines[0][:80]!r}")
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    return int(parts[1]), length, body


def tcp_target(base_url):
    """((host, port), host header, path prefix) of an http:// base URL, or an error string."""
    scheme, sep, rest = base_url.partition("://")
    if not sep or scheme.lower() != "http":
        return None, f"unsupported base URL {base_url!r} (only http://host:port is probed)"
    netloc, _, prefix = rest.partition("/")
    host, colon, port = netloc.rpartition(":")
    if not colon or not port.isdigit():
        host, port = netloc, "80"
    host = host.strip("[]")
    if not host:
        return None, f"no host in base URL {base_url!r}"
    return ((host, int(port)), netloc, "/" + prefix.rstrip("/") if prefix else ""), None


def get_once(address, route, timeout, host="localhost"):
    # A raw HTTP/1.0 request rather than http.client, whose import (email, ssl) costs ~25 ms
    # per probe. HTTP/1.0 means no chunked body; the body ends at its Content-Length or
    # when the server closes. The whole answer must arrive within `timeout`.
    # `address`: a unix socket path, or a (host, port) pair for TCP.
    if any(ord(c) <= 32 or ord(c) == 127 for c in route):
        return {"status": None, "body": "", "error": f"InvalidURL: control character in {route!r}"}
    deadline = time.monotonic() + timeout
    sock = None
    try:
        if isinstance(address, tuple):
            sock = socket.create_connection(address, timeout=timeout)
        else:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(address)
        request = f"GET {route} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        sock.sendall(request.encode("ascii"))
        raw = b""
        while True:
            head = split_head(raw)
            if head is None and len(raw) > MAX_HEAD:
                raise ValueError(f"headers longer than {MAX_HEAD} bytes")
            if head is not None:
                _, length, body = head
                if len(body) > MAX_BODY or (length is not None and len(body) >= length):
                    break
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no complete answer within {timeout} s")
            sock.settimeout(left)
            chunk = sock.recv(65536)
            if not chunk:
                break
            raw += chunk
        head = split_head(raw)
        if head is None:
            raise ValueError("response ended inside its headers")
        status, length, body = head
        if length is not None:
            body = body[:length]
        text = body[:MAX_BODY].decode("utf-8", "replace")
        if len(body) > MAX_BODY:
            text += "\n[body truncated]"
        return {"status": status, "body": text, "error": None}
    except Exception as ex:  # any route text or peer behaviour must end as an answer
        return {"status": None, "body": "", "error": f"{ex.__class__.__name__}: {ex}"}
    finally:
        if sock is not None:
            sock.close()


def op_http(req):
    host, prefix = "localhost", ""
    if req.get("base_url"):
        target, error = tcp_target(str(req["base_url"]))
        full = None
        if target is not None:
            full, host, prefix = target
    else:
        full, error = resolve(req.get("socket"))
    results = []
    deadline = time.monotonic() + float(req.get("deadline", HTTP_DEADLINE_S))
    for r in req.get("requests", []):
        route = r.get("route", "/")
        if not isinstance(route, str) or not route.startswith("/") or not route.isprintable():
            results.append(
                {
                    "route": route,
                    "status": None,
                    "body": "",
                    "error": "invalid route",
                    "attempts": 0,
                }
            )
            continue
        if time.monotonic() > deadline:
            results.append(
                {
                    "route": route,
                    "status": None,
                    "body": "",
                    "error": "probe deadline exceeded",
                    "attempts": 0,
                }
            )
            continue
        if full is None:
            results.append(
                {"route": route, "status": None, "body": "", "error": error, "attempts": 0}
            )
            continue
        attempts = 0
        retries = int(r.get("retries", 0))
        until = r.get("until_status")
        while True:
            attempts += 1
            res = get_once(full, prefix + route, float(r.get("timeout", 3)), host)
            if until is None or res["status"] == until or attempts > retries:
                break
            time.sleep(float(r.get("pause", 0.1)))
        res.update(route=route, attempts=attempts)
        results.append(res)
    return results


def op_resolve(req):
    full, error = resolve(req.get("path"))
    if full is None:
        return {"ok": False, "rel": None, "error": error}
    return {"ok": True, "rel": os.path.relpath(full, ROOT), "error": None}


def op_find(req):
    name, max_depth = req.get("name"), int(req.get("max_depth", 4))
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel = os.path.relpath(dirpath, ROOT)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and depth < max_depth)
        if name in filenames:
            found.append(os.path.relpath(os.path.join(dirpath, name), ROOT))
        if len(found) >= 20:
            break
    return found


def op_list(req):
    full, error = resolve(req.get("path") or ".")
    if full is None:
        return {"entries": [], "truncated": False, "error": error}
    if not os.path.isdir(full):
        return {"entries": [], "truncated": False, "error": "not a directory"}
    limit, depth = int(req.get("max_entries", 500)), int(req.get("depth", 2))
    entries = []
    for dirpath, dirnames, filenames in os.walk(full):
        level = os.path.relpath(dirpath, full).count(os.sep) + (dirpath != full)
        subdirs = sorted(dirnames)
        # List the subfolders even where the walk stops descending.
        dirnames[:] = subdirs if level < depth else []
        for name in subdirs + sorted(filenames):
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, ROOT)
            if os.path.islink(p):
                entries.append(f"{rel} -> {os.readlink(p)}")
            elif os.path.isdir(p):
                entries.append(rel + "/")
            else:
                entries.append(f"{rel} ({os.path.getsize(p)} bytes)")
            if len(entries) >= limit:
                return {"entries": entries, "truncated": True, "error": None}
    return {"entries": entries, "truncated": False, "error": None}


def op_reap(req):
    token = "OPERATOR_EVAL_WORLD=" + str(req.get("token") or "")
    marker = str(req.get("marker") or "")
    killed = []
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                environ = f.read().split(b"\0")
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ")
        except OSError:
            continue
        hit = req.get("token") and token.encode() in environ
        hit = hit or (marker and marker.encode() in cmdline)
        if hit:
            try:
                os.kill(int(entry), 9)
                killed.append(int(entry))
            except OSError:
                pass
    return {"killed": killed}


def socket_owners(full):
    """Pids whose open files include the listening unix socket bound at `full`."""
    inodes = set()
    with open("/proc/net/unix", encoding="utf-8") as f:
        next(f)
        for line in f:
            parts = line.split()
            if len(parts) >= 8 and parts[7] == full:
                inodes.add(parts[6])
    targets = {f"socket:[{i}]" for i in inodes}
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{entry}/fd/{fd}") in targets:
                    pids.append(int(entry))
                    break
            except OSError:
                continue
    return pids


def op_owner(req):
    """Is the socket served by `python3 <program>` (and nothing else), unhooked?"""
    full, error = resolve(req.get("socket"))
    if full is None:
        return {"genuine": False, "reason": error}
    program = os.path.join(ROOT, req.get("program", ""))
    try:
        pids = socket_owners(full)
    except OSError as ex:
        return {"genuine": None, "reason": f"cannot inspect /proc: {ex}"}
    if not pids:
        return {"genuine": False, "reason": "no process listens on the socket"}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
            with open(f"/proc/{pid}/environ", "rb") as f:
                pairs = [
                    v.decode("utf-8", "replace").split("=", 1)
                    for v in f.read().split(b"\0")
                    if b"=" in v
                ]
            environ = dict(pairs)
        except OSError as ex:
            return {"genuine": False, "reason": f"process {pid} vanished: {ex}"}
        shown = " ".join(argv)[:200]
        if (
            len(argv) != 2
            or not os.path.basename(argv[0]).startswith("python")
            or (argv[1] != program)
        ):
            return {"genuine": False, "reason": f"socket served by a foreign process: {shown}"}
        # The sandbox's own settings are fine; only hooks the agent added or changed count.
        hooks = [k for k in PYTHON_ENV_HOOKS if environ.get(k) != os.environ.get(k)]
        if hooks:
            return {"genuine": False, "reason": f"service runs with {', '.join(hooks)} changed"}
    return {"genuine": True, "reason": f"served by {program}"}


def op_control(req):
    """Ask the world's control plane, after checking that its own process serves the socket."""
    full, error = resolve(req.get("socket"))
    if full is None:
        return {"ok": False, "reason": f"control socket: {error}", "answer": None}
    try:
        pids = sorted(socket_owners(full))
    except OSError as ex:
        return {"ok": False, "reason": f"cannot inspect /proc: {ex}", "answer": None}
    expected = int(req.get("pid") or 0)
    result: dict[str, object] = {"ok": False, "answer": None, "service_owners": None}
    if req.get("service_socket"):
        service, _ = resolve(req["service_socket"])
        try:
            result["service_owners"] = sorted(socket_owners(service)) if service else []
        except OSError:
            result["service_owners"] = []
    if pids != [expected]:
        shown = ", ".join(map(str, pids)) or "no process"
        result["reason"] = f"the control socket is served by {shown}, not the world's ({expected})"
        return result
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(float(req.get("timeout", 20)))
        sock.connect(full)
        sock.sendall((json.dumps(req.get("request", {"op": "audit"})) + "\n").encode())
        raw = b""
        while not raw.endswith(b"\n"):
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            raw += chunk
        result.update(ok=True, reason="answered", answer=json.loads(raw))
    except (OSError, ValueError) as ex:
        result["reason"] = f"the control plane did not answer: {ex.__class__.__name__}: {ex}"
    finally:
        sock.close()
    return result


OPS = {
    "control": op_control,
    "list": op_list,
    "find": op_find,
    "files": op_files,
    "read": op_read,
    "tree": op_tree,
    "http": op_http,
    "resolve": op_resolve,
    "reap": op_reap,
    "owner": op_owner,
}


def main():
    op = OPS[sys.argv[1]]
    req = json.loads(sys.stdin.read() or "{}")
    json.dump(op(req), sys.stdout)


if __name__ == "__main__":
    main()
