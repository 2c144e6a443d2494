#!/usr/bin/env python3
"""The live service of a deploy_recovery world.

Serves the release that `current` pointed at when it (re)loaded, over HTTP on a
unix socket private to this world. Routes: `/` (page naming the version),
`/health`, `/config` (the running config and its sha256), `POST /-/shutdown`.
It exits on its own when its workspace disappears, so no process outlives a sample.
"""

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
STATE = {"version": "?", "config": b"{}", "health_requests": 0, "release": "?", "sha": None}
LOCK = threading.Lock()


def load_release():
    current = os.path.join(ROOT, SETTINGS["current_link"])
    releases = os.path.dirname(os.path.realpath(current))
    with open(os.path.join(current, "VERSION"), "rb") as f:
        raw = f.read()
    with open(os.path.join(current, "config.json"), "rb") as f:
        config = f.read()
    with LOCK:
        STATE["version"] = raw.decode("utf-8", "replace").strip()
        STATE["config"] = config
        STATE["health_requests"] = 0
        # What it loaded, exactly: the control plane's record says whether the world's
        # tooling installed that release with these bytes.
        STATE["release"] = os.path.relpath(os.path.realpath(current), releases)
        STATE["sha"] = hashlib.sha256(raw).hexdigest()


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
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            self.index()
        elif path == "/health":
            self.health()
        elif path == "/-/loaded":
            with LOCK:
                body = {"release": STATE["release"], "version": STATE["version"]}
                body["version_sha256"] = STATE["sha"]
            self.reply(200, json.dumps(body, sort_keys=True), "application/json")
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
        flaps = int(SETTINGS.get("health_flaps", 0))
        if n <= flaps and n % 2 == 1:
            self.reply(503, json.dumps({"status": "unavailable", "reason": "pool warming"}))
            return
        self.reply(200, json.dumps({"status": "ok", "version": version}), "application/json")


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
