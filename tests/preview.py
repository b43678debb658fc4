"""A `magsite serve` subprocess for tests: started on a free port, read line by line, stopped with Ctrl-C."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
WAIT = 20.0  # seconds a rebuild may take on a busy test machine


class Preview:
    """A running preview server and everything it printed."""

    def __init__(self, site: Path, *args: str) -> None:
        code = "import sys; from magsite.cli import main; sys.exit(main())"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "serve", "--site", str(site), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            start_new_session=True,  # its own process group, which Ctrl-C in a terminal signals as a whole
        )
        self.lines: list[str] = []
        self.stderr: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(self.process.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.stderr), daemon=True).start()
        line = self.wait_for_line(r"serving http://")
        match = re.search(r"http://([\d.]+):(\d+)", line)
        assert match, line
        self.host, self.port = match.group(1), int(match.group(2))

    def _read(self, stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.append(line.rstrip("\n"))
            self._queue.put(line)

    def wait_for_line(self, pattern: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines + self.stderr:
                if re.search(pattern, line):
                    return line
            try:
                self._queue.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
        raise AssertionError(f"no line like {pattern!r} in:\n" + "\n".join(self.lines + self.stderr))

    def request(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """Send the path exactly as given (no client-side normalising of `..`)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def text(self, path: str) -> str:
        status, _, body = self.request(path)
        return body.decode() if status == 200 else ""

    def stop(self) -> int:
        """Ctrl-C, as in a terminal (to the process group); returns the exit code."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


def eventually(probe: Callable[[], T], what: str = "condition") -> T:
    """Poll until probe() returns something truthy; the preview rebuilds on its own, the test only watches."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if value := probe():
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
