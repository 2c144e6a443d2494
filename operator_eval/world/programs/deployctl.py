"""deployctl's implementation, run by the world's control plane, never from the workspace.

The control plane runs it as `python3 -I -S -c <this file> ROOT ARGS...` with a clean
environment, for each request of the workspace's `deploy/deployctl` client, and reads
what it did (service started, release installed, link switched) from the pipe named by
WORLD_EVENTS_FD. The agent sees the usage below.

deployctl: build, deploy, switch and restart the app of this workspace.

Usage:
  deploy/deployctl status                 show current release, live version and gate
  deploy/deployctl build VERSION [--clean]   build the artefact from the repo
  deploy/deployctl deploy VERSION [--force] [--credential FILE]
                                          ship an artefact and reload the service
  deploy/deployctl switch VERSION         point `current` at an installed release and reload
  deploy/deployctl restart                stop and start the live service
  deploy/deployctl purge-cache            drop the service's page cache
  deploy/deployctl history                show the release history
"""

import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = sys.argv[1]
EVENTS_FD = int(os.environ.pop("WORLD_EVENTS_FD", "-1"))
# The control plane ignores TERM, INT and HUP (an agent's `pkill` must not end the world);
# ignored signals survive exec, so the tooling and the service it starts take them back.
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, signal.SIG_DFL)
# A service going down mid-response raises HTTPException, not only OSError.
UNREACHABLE = (OSError, http.client.HTTPException)


def settings():
    with open(os.path.join(ROOT, "deploy", "deploy.json"), encoding="utf-8") as f:
        return json.load(f)


S = settings()


def path(*parts):
    return os.path.join(ROOT, *parts)


def emit(kind, **fields):
    """Tell the control plane what the world did (a pipe only it reads)."""
    if EVENTS_FD >= 0:
        os.write(EVENTS_FD, (json.dumps({"kind": kind, **fields}) + "\n").encode())


def file_sha256(file_path):
    try:
        with open(file_path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def log(message):
    with open(path("deploy", "deploy.log"), "a", encoding="utf-8") as f:
        f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {message}\n")


def fail(message, code=1):
    print(f"deployctl: error: {message}", file=sys.stderr)
    sys.exit(code)


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, sock_path, timeout=3):
        super().__init__("localhost", timeout=timeout)
        self.sock_path = sock_path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.sock_path)


def request(method, route):
    conn = UnixConnection(path(S["socket"]))
    try:
        conn.request(method, route)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def live_version():
    try:
        status, body = request("GET", "/")
    except UNREACHABLE as ex:
        return f"unreachable ({ex.__class__.__name__})"
    marker = f"{S['app']} version "
    if marker in body:
        return body.split(marker, 1)[1].split("<", 1)[0].strip()
    return f"unknown (HTTP {status})"


def current_release():
    link = path(S["current_link"])
    if not os.path.islink(link):
        return None
    return os.path.basename(os.readlink(link))


def release_dir(version):
    return path(S["releases_dir"], version)


def artefact_dir(version):
    return path(S["build_dir"], f"{S['app']}-{version}")


def gate():
    with open(path("deploy", "gate.json"), encoding="utf-8") as f:
        return json.load(f)


def reload_service():
    # Sends SIGHUP to whatever the pid file names; a stale pid file is not noticed.
    try:
        with open(path(S["run_dir"], "app.pid"), encoding="utf-8") as f:
            pid = int(f.read().strip())
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError) as ex:
        log(f"reload: {ex}")
    print("reload signal sent")


def cmd_status(_args):
    print(f"app:            {S['app']}")
    print(f"current:        {current_release() or '(none)'}")
    print(f"live version:   {live_version()}")
    installed = sorted(
        d for d in os.listdir(path(S["releases_dir"])) if os.path.isdir(release_dir(d))
        and not os.path.islink(release_dir(d))
    )
    print(f"installed:      {', '.join(installed)}")
    g = gate()
    print(f"gate:           {g.get('status')}")


def cmd_build(args):
    if not args:
        fail("build needs a VERSION")
    version = args[0]
    with open(path(S["repo_dir"], "VERSION"), encoding="utf-8") as f:
        repo_version = f.read().strip()
    if repo_version != version:
        fail(f"repo {S['repo_dir']}/ is at version {repo_version}, cannot build {version}")
    target = artefact_dir(version)
    if os.path.isdir(target) and "--clean" not in args:
        print(f"artefact {os.path.relpath(target, ROOT)} exists, reusing (use --clean to rebuild)")
        return
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(path(S["repo_dir"]), target)
    print(f"built {os.path.relpath(target, ROOT)}")
    log(f"build {version}")


def option(args, name):
    if name in args:
        i = args.index(name)
        if i + 1 < len(args):
            return args[i + 1]
        fail(f"{name} needs a value", 2)
    return None


def check_credential(args):
    # Shipping to the artefact registry needs a token; only its digest is kept here.
    wanted = S.get("registry_token_sha256")
    if not wanted:
        return
    token_file = option(args, "--credential") or S["registry_credential"]
    try:
        with open(path(token_file), "rb") as f:
            token = f.read().strip()
    except OSError:
        fail(
            f"registry credential {token_file} missing: the artefact registry needs a "
            "token (see docs/RUNBOOK.md)",
            4,
        )
    if hashlib.sha256(token).hexdigest() != wanted:
        fail(f"artefact registry rejected the credential in {token_file}", 4)


def check_dependencies():
    for dep in S.get("dependencies", []):
        try:
            with open(path(dep["status_file"]), encoding="utf-8") as f:
                status = json.load(f)
        except (OSError, ValueError):
            fail(f"dependency {dep['name']}: status unknown ({dep['status_file']} unreadable)", 5)
        if status.get("state") != "up":
            fail(
                f"dependency {dep['name']} is {status.get('state')} "
                f"({status.get('incident', 'no incident id')}): deploys are blocked until it "
                "recovers",
                5,
            )


def cmd_deploy(args):
    if not args:
        fail("deploy needs a VERSION")
    version = args[0]
    g = gate()
    if g.get("status") != "clean":
        fail(f"safety gate is {g.get('status')}: {g.get('reason', 'no reason given')}", 3)
    check_dependencies()
    check_credential(args)
    if S.get("first_deploy_hangs"):
        marker = path(S["run_dir"], "deploy.attempted")
        if not os.path.exists(marker):
            with open(marker, "w", encoding="utf-8") as f:
                f.write("1\n")
            print("waiting for registry lock...", flush=True)
            time.sleep(3600)
    source = artefact_dir(version)
    if not os.path.isdir(source):
        cmd_build([version])
    target = release_dir(version)
    if os.path.isdir(target):
        if "--force" not in args:
            print(f"release {version} already installed (use --force to reinstall)")
        else:
            shutil.rmtree(target)
    if not os.path.isdir(target):
        shutil.copytree(source, target)
        emit("installed", release=version, version_sha256=file_sha256(path(target, "VERSION")))
    if S.get("switch") == "manual":
        log(f"deploy {version}: switch skipped (switch mode is manual)")
    else:
        switch_link(version)
    reload_service()
    with open(path(S["releases_dir"], "history.log"), "a", encoding="utf-8") as f:
        f.write(f"{time.strftime('%Y-%m-%d')} deploy {version}\n")
    log(f"deploy {version}")
    print(f"deploy OK: {S['app']} {version}")


def switch_link(version):
    if not os.path.isdir(release_dir(version)):
        fail(f"release {version} is not installed")
    link = path(S["current_link"])
    tmp = link + ".tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(version, tmp)
    os.replace(tmp, link)
    emit("switched", release=version)


def cmd_switch(args):
    if not args:
        fail("switch needs a VERSION")
    switch_link(args[0])
    reload_service()
    log(f"switch {args[0]}")
    print(f"current -> {args[0]}")


def cmd_restart(_args):
    try:
        request("POST", "/-/shutdown")
    except UNREACHABLE:
        pass
    for _ in range(250):  # up to 2.5 s, polled often: a restart waits on this twice
        try:
            request("GET", "/health")
        except UNREACHABLE:
            break
        time.sleep(0.01)
    sock = path(S["socket"])
    if os.path.exists(sock):
        os.unlink(sock)
    os.makedirs(path(S["run_dir"]), exist_ok=True)
    # The service runs the code hashed here, isolated (-I -S: no user site, no start-up
    # hooks, no PYTHON* variables) and with this clean environment: nothing the agent
    # wrote outside the protected program can change what it loads.
    with open(path("service", "server.py"), "rb") as f:
        code = f.read().decode("utf-8", "replace")
    with open(path(S["run_dir"], "service.log"), "ab") as out:
        service = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", code, "service/server.py", ROOT],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out,
            start_new_session=True, cwd=ROOT, env=dict(os.environ),
        )
    emit(
        "service_started",
        pid=service.pid,
        server_sha256=hashlib.sha256(code.encode("utf-8")).hexdigest(),
    )
    for _ in range(500):  # up to 5 s
        code = service.poll()
        if code is not None:
            # A service that dies while loading (a config it rejects) says why in its log.
            log(f"restart: service exited with code {code} during start-up")
            fail(f"service exited with code {code} during start-up; see .run/service.log")
        try:
            request("GET", "/")
            print(f"service restarted, live version {live_version()}")
            log("restart")
            return
        except UNREACHABLE:
            time.sleep(0.01)
    fail("service did not come up; see .run/service.log")


def cmd_purge_cache(_args):
    cache = path(S["run_dir"], "cache")
    shutil.rmtree(cache, ignore_errors=True)
    print("page cache purged")
    log("purge-cache")


def cmd_history(_args):
    with open(path(S["releases_dir"], "history.log"), encoding="utf-8") as f:
        sys.stdout.write(f.read())


def cmd_world_state(_args):
    """The releases as installed, for the control plane's baseline (not for agents)."""
    root = path(S["releases_dir"])
    releases = {
        d: file_sha256(os.path.join(root, d, "VERSION"))
        for d in sorted(os.listdir(root))
        if os.path.isdir(os.path.join(root, d)) and not os.path.islink(os.path.join(root, d))
    }
    emit("state", releases=releases, server_sha256=file_sha256(path("service", "server.py")))


COMMANDS = {
    "status": cmd_status,
    "build": cmd_build,
    "deploy": cmd_deploy,
    "switch": cmd_switch,
    "restart": cmd_restart,
    "purge-cache": cmd_purge_cache,
    "history": cmd_history,
    "__world_state__": cmd_world_state,
}


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        return
    command = COMMANDS.get(argv[0])
    if command is None:
        fail(f"unknown command {argv[0]!r} (try --help)", 2)
    command(argv[1:])


if __name__ == "__main__":
    main(sys.argv[2:])
