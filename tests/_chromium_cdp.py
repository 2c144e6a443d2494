"""Headless Chromium driven over the DevTools protocol on a pipe: stdlib only, offline.

`--dump-dom` snapshots a page once, on a virtual clock that single-page apps such as the
Inspect viewer do not settle under (its web workers and IndexedDB sync run on real time).
This drives the browser instead: navigate, poll a JavaScript expression until the page
shows what a reader would see, screenshot. Messages are NUL-separated JSON on the pipe
Chromium reads on fd 3 and writes on fd 4 (`--remote-debugging-pipe`), so no port is
opened and no websocket library is needed.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

CALL_TIMEOUT = 30.0
"""Seconds one protocol call may take before the browser is presumed stuck."""


class BrowserError(RuntimeError):
    """The browser died, refused a call, or a page never showed what was waited for."""


def chromium_path() -> str | None:
    """The Chromium binary on PATH, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    """One headless Chromium with one page, offline except for loopback.

    Args:
        profile: A fresh user-data directory (the browser writes its profile there).
        width: Window width in CSS pixels: what "on screen" means for a reader.
        height: Window height in CSS pixels.
    """

    def __init__(self, profile: Path, width: int = 1400, height: int = 900) -> None:
        binary = chromium_path()
        if binary is None:
            raise BrowserError("chromium is not installed")
        self.width, self.height = width, height
        # fds >= 10, so placing them on 3 and 4 in the child cannot clobber each other.
        to_chrome_r, to_chrome_w = (_high_fd(fd) for fd in os.pipe())
        from_chrome_r, from_chrome_w = (_high_fd(fd) for fd in os.pipe())

        def on_fds_3_and_4() -> None:
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self._log = profile.with_suffix(".stderr.log")
        with self._log.open("w") as stderr:
            self.proc = subprocess.Popen(
                [
                    binary,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--remote-debugging-pipe",
                    "--no-first-run",
                    # Offline: no proxy answers and nothing but loopback resolves.
                    "--proxy-server=127.0.0.1:9",
                    "--proxy-bypass-list=127.0.0.1",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    f"--user-data-dir={profile}",
                    f"--window-size={width},{height}",
                    "about:blank",
                ],
                pass_fds=(to_chrome_r, from_chrome_w, 3, 4),
                preexec_fn=on_fds_3_and_4,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        for fd in (to_chrome_r, from_chrome_w):
            os.close(fd)
        self._out, self._in = to_chrome_w, from_chrome_r
        self._buffer = b""
        self._next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def __enter__(self) -> Chromium:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the browser this object started (by its own process, nothing else)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for fd in (self._out, self._in):
            try:
                os.close(fd)
            except OSError:
                pass

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one protocol command and return its result (events in between are dropped)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        try:
            os.write(self._out, json.dumps(message).encode() + b"\0")
        except BrokenPipeError as err:
            raise BrowserError(f"chromium exited: {self.stderr_tail()}") from err
        deadline = time.monotonic() + CALL_TIMEOUT
        while True:
            reply = json.loads(self._read_message(deadline, method))
            if reply.get("id") != self._next_id:
                continue
            if "error" in reply:
                raise BrowserError(f"{method}: {reply['error']}")
            result: dict[str, Any] = reply["result"]
            return result

    def _read_message(self, deadline: float, method: str) -> bytes:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._in], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise BrowserError(f"{method}: no answer within {CALL_TIMEOUT:.0f}s")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium exited during {method}: {self.stderr_tail()}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return message

    def goto(self, url: str) -> None:
        """Navigate the page (returns once navigation starts; wait for content separately)."""
        self.call("Page.navigate", session=True, url=url)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression evaluated in the page."""
        reply = self.call(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            message = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"script failed: {message}")
        return reply["result"].get("value")

    def wait_for(
        self,
        expression: str,
        ready: Callable[[Any], bool],
        timeout: float = 60.0,
        what: str = "content",
    ) -> Any:
        """Poll `expression` until `ready(value)` holds twice in a row; return that value.

        Twice in a row because the viewer renders in passes (rows first, then the
        values synced from the log); a value that holds across two polls has settled.

        Raises:
            BrowserError: `timeout` seconds passed; the message carries the last value.
        """
        deadline = time.monotonic() + timeout
        last: Any = None
        settled = False
        while True:
            value = self.evaluate(expression)
            if ready(value):
                if settled and value == last:
                    return value
                settled = True
            else:
                settled = False
            last = value
            if time.monotonic() > deadline:
                raise BrowserError(f"page never showed {what} within {timeout:.0f}s; last: {last}")
            time.sleep(0.4)

    def screenshot(self, path: Path) -> Path:
        """Save what the window shows as a PNG."""
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def stderr_tail(self, chars: int = 2000) -> str:
        """The end of the browser's own log, for failure messages."""
        try:
            return self._log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _high_fd(fd: int) -> int:
    """A duplicate of `fd` numbered 10 or more (the original is closed)."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high
