#!/usr/bin/env python3
"""The release's status service: GET /version answers with dist/BUILD_INFO.

Listens on the unix socket run/web.sock (stdlib only). Start it after the build:
    nohup python3 serve.py > run/serve.log 2>&1 &
It writes its pid to run/web.pid and stops by itself after MAX_SECONDS.
"""

import os
import signal
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOCKET = "run/web.sock"
MAX_SECONDS = 600


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            self.answer(200, b"ok\n")
        elif self.path == "/version":
            info = HERE / "dist" / "BUILD_INFO"
            if info.is_file():
                self.answer(200, info.read_bytes())
            else:
                self.answer(404, b"not built: dist/BUILD_INFO missing\n")
        else:
            self.answer(404, b"no such route\n")

    def answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        # A unix socket has no client address to log.
        sys.stderr.write("serve.py: " + (format % args) + "\n")


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main() -> None:
    os.chdir(HERE)
    Path("run").mkdir(exist_ok=True)
    if os.path.exists(SOCKET):
        os.unlink(SOCKET)
    server = Server(SOCKET, Handler)
    Path("run/web.pid").write_text(f"{os.getpid()}\n")
    timer = threading.Timer(MAX_SECONDS, server.shutdown)
    timer.daemon = True
    timer.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"serving on {SOCKET} (pid {os.getpid()})", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        os.unlink(SOCKET)


if __name__ == "__main__":
    main()
