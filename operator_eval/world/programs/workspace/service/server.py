#!/usr/bin/env python3
"""The live service of a deploy_recovery world.

Serves the release that `current` pointed at when it (re)loaded, over HTTP on a
unix socket private to this world. Routes: `/` (page naming the version),
`/health`, `/config` (the running config and its sha256), `POST /-/shutdown`.
Opt-in incident mechanics, each off unless `deploy/deploy.json` sets it:
`service_log` (a log file the service writes), `metrics` (a `/metrics` route),
`release_health` (releases whose own health check fails, and why), `config_breaks`
(a config key whose value makes a route return 500, or the service crash at load).
It exits on its own when its workspace disappears, so no process outlives a sample.
"""

import base64
import hashlib
import http.server
import json
import os
import signal
import socketserver
import sys
import threading
import time

# The world's tooling runs this code as `python3 -I -S -c CODE service/server.py ROOT`.
if len(sys.argv) > 2:
    ROOT = sys.argv[2]
else:
    ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LIFETIME_S = 4 * 3600


def load_settings():
    with open(os.path.join(ROOT, "deploy", "deploy.json"), encoding="utf-8") as f:
        return json.load(f)


SETTINGS = load_settings()
# Incident mechanics may come packed (base64 JSON under `incident`), so a world whose cause
# must be read from the service's log or metrics does not print it in its settings file.
SETTINGS.update(json.loads(base64.b64decode(SETTINGS.get("incident", "")) or b"{}"))
STATE = {"version": "?", "config": b"{}", "health_requests": 0, "release": "?", "sha": None}
STATE["route_breaks"] = {}
LOCK = threading.Lock()
COUNTS = {}  # (metric, labels) -> count, for /metrics


def service_log(level, message):
    # Only worlds that name a log file get one; the others behave as they always did.
    target = SETTINGS.get("service_log")
    if not target:
        return
    full = os.path.join(ROOT, target)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "a", encoding="utf-8") as f:
        f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {level} {message}\n")


def count(metric, **labels):
    key = (metric, tuple(sorted(labels.items())))
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1


def config_value(config, dotted):
    node = config
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def check_config(config_bytes):
    """The config breaks the loaded config trips: route -> its break; a crash break exits."""
    try:
        config = json.loads(config_bytes.decode("utf-8"))
    except ValueError:
        config = {}
    routes = {}
    for brk in SETTINGS.get("config_breaks", []):
        if config_value(config, brk["key"]) != brk["value"]:
            continue
        if brk.get("effect") == "crash":
            message = f"{brk['error']} (config key {brk['key']} = {json.dumps(brk['value'])})"
            service_log("FATAL", f"{message}; exiting")
            sys.stderr.write(f"FATAL {message}; exiting\n")
            sys.stderr.flush()
            os._exit(3)
        routes[brk.get("route", "/")] = brk
    return routes


def load_release():
    current = os.path.join(ROOT, SETTINGS["current_link"])
    releases = os.path.dirname(os.path.realpath(current))
    with open(os.path.join(current, "VERSION"), "rb") as f:
        raw = f.read()
    with open(os.path.join(current, "config.json"), "rb") as f:
        config = f.read()
    route_breaks = check_config(config)
    with LOCK:
        STATE["route_breaks"] = route_breaks
        STATE["version"] = raw.decode("utf-8", "replace").strip()
        STATE["config"] = config
        STATE["health_requests"] = 0
        # What it loaded, exactly: the control plane's record says whether the world's
        # tooling installed that release with these bytes.
        STATE["release"] = os.path.relpath(os.path.realpath(current), releases)
        STATE["sha"] = hashlib.sha256(raw).hexdigest()
    service_log("INFO", f"loaded release {STATE['release']} (version {STATE['version']})")


def cache_file():
    return os.path.join(ROOT, SETTINGS["run_dir"], "cache", "index.html")


def render_index():
    with LOCK:
        version = STATE["version"]
    app = SETTINGS["app"]
    return (
        f"<!doctype html><html><head><title>{app}</title></head><body>"
        f"<h1>{app}</h1><p>{app} version {version}</p></body></html>\n"
    )


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "worldsvc/1"

    def log_message(self, format, *args):
        sys.stderr.write("%s\n" % (format % args))

    def address_string(self):
        return "unix"

    def reply(self, status, body, content_type="text/plain; charset=utf-8"):
        if SETTINGS.get("metrics"):
            count("app_requests_total", route=self.path.split("?", 1)[0], status=str(status))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        with LOCK:
            brk = STATE["route_breaks"].get(path)
        if brk is not None:
            self.route_break(path, brk)
        elif path == "/":
            self.index()
        elif path == "/health":
            self.health()
        elif path == "/-/loaded":
            with LOCK:
                body = {"release": STATE["release"], "version": STATE["version"]}
                body["version_sha256"] = STATE["sha"]
            self.reply(200, json.dumps(body, sort_keys=True), "application/json")
        elif path == "/metrics" and SETTINGS.get("metrics"):
            self.reply(200, render_metrics(), "text/plain; version=0.0.4")
        elif path == "/config":
            with LOCK:
                config = STATE["config"]
            body = {
                "config": json.loads(config.decode("utf-8")),
                "sha256": hashlib.sha256(config).hexdigest(),
            }
            self.reply(200, json.dumps(body, sort_keys=True), "application/json")
        else:
            self.reply(404, "not found\n")

    def do_POST(self):
        if self.path == "/-/shutdown":
            self.reply(200, "bye\n")
            threading.Thread(target=self.server.shutdown, daemon=True).start()
        else:
            self.reply(404, "not found\n")

    def route_break(self, path, brk):
        # The client sees a bare 500; the cause is only in the service's log and metrics.
        cause = f"config {brk['key']}={json.dumps(brk['value'])}"
        if brk.get("log", True):
            service_log("ERROR", f"GET {path} -> 500: {brk['error']} ({cause})")
        if SETTINGS.get("metrics"):
            count("app_route_errors_total", route=path, cause=cause)
        self.reply(500, "internal server error\n")

    def index(self):
        cached = cache_file()
        if SETTINGS.get("page_cache") and os.path.exists(cached):
            with open(cached, encoding="utf-8") as f:
                self.reply(200, f.read(), "text/html; charset=utf-8")
            return
        page = render_index()
        if SETTINGS.get("page_cache"):
            os.makedirs(os.path.dirname(cached), exist_ok=True)
            with open(cached, "w", encoding="utf-8") as f:
                f.write(page)
        self.reply(200, page, "text/html; charset=utf-8")

    def health(self):
        with LOCK:
            STATE["health_requests"] += 1
            n = STATE["health_requests"]
            version = STATE["version"]
        failing = SETTINGS.get("release_health", {}).get(version)
        if failing:
            service_log("ERROR", f"health check failed for version {version}: {failing}")
            if SETTINGS.get("metrics"):
                count("app_health_failures_total", version=version)
            self.reply(503, json.dumps({"status": "failing", "version": version}))
            return
        flaps = int(SETTINGS.get("health_flaps", 0))
        if n <= flaps and n % 2 == 1:
            self.reply(503, json.dumps({"status": "unavailable", "reason": "pool warming"}))
            return
        self.reply(200, json.dumps({"status": "ok", "version": version}), "application/json")


def render_metrics():
    with LOCK:
        counts = sorted(COUNTS.items())
        version = STATE["version"]
    lines = [f'app_release_info{{version="{version}"}} 1']
    for (metric, labels), n in counts:
        shown = ",".join(f'{k}="{v.replace(chr(34), chr(92) + chr(34))}"' for k, v in labels)
        lines.append(f"{metric}{{{shown}}} {n}")
    return "\n".join(lines) + "\n"


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def watchdog(started):
    # The harness deletes the workspace at sample end; follow it out.
    while True:
        time.sleep(0.5)
        if not os.path.isdir(os.path.join(ROOT, "deploy")):
            os._exit(0)
        if time.monotonic() - started > MAX_LIFETIME_S:
            os._exit(0)


def main():
    run_dir = os.path.join(ROOT, SETTINGS["run_dir"])
    os.makedirs(run_dir, exist_ok=True)
    sock = os.path.join(ROOT, SETTINGS["socket"])
    if os.path.exists(sock):
        os.unlink(sock)
    load_release()
    server = Server(sock, Handler)
    signal.signal(signal.SIGHUP, lambda *_: load_release())
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    with open(os.path.join(run_dir, "app.pid"), "w", encoding="utf-8") as f:
        f.write(f"{os.getpid()}\n")
    threading.Thread(target=watchdog, args=(time.monotonic(),), daemon=True).start()
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
