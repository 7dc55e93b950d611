"""The benches' own machinery (bench/): what would make a long run measure the bench instead of Tomoni."""

from __future__ import annotations

import os
import sys
import time

from bench.channels import start, stderr_lines, stderr_tail


def test_a_server_that_logs_a_lot_is_never_blocked_by_the_bench_s_stderr_pipe(tmp_path) -> None:
    """bench/channels.py starts the servers with their stderr on a pipe. Nobody read it: a server that wrote more than
    the pipe holds (64 KiB: log lines under a long backlog, a traceback per failed call) blocked at its next line.
    Now a thread reads it all the time, keeps the last lines for an error message and counts them."""
    script = "import sys\nfor n in range(3000):\n    sys.stderr.write(f'line {n} ' + 'x' * 100 + '\\n')\n"
    (tmp_path / "chatty.py").write_text(script)
    proc = start(f"{sys.executable} chatty.py", dict(os.environ), tmp_path)  # ~320 KB on stderr, then it ends
    assert proc.wait(timeout=30) == 0  # before: blocked on the full pipe (TimeoutExpired)
    deadline = time.monotonic() + 5
    while stderr_lines(proc) < 3000 and time.monotonic() < deadline:  # the reading thread gets the last lines
        time.sleep(0.05)
    assert stderr_lines(proc) == 3000 and stderr_tail(proc).rstrip().endswith("line 2999 " + "x" * 100)
