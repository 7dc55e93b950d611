"""What the benches share: stopping a server they started."""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def stop(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM (gunicorn and `flask worker` end their work), then SIGKILL after 20 s; waits for the process."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
