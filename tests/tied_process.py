"""Processes the tests start (`tekseru serve` above all) that die with the test process: killed by SIGKILL or
SIGTERM, pytest runs no finaliser, and a server it started would go on holding its port and database.

`tied(command)` is the command to hand to `subprocess.Popen` instead: it runs this file, which asks the
kernel (Linux's PR_SET_PDEATHSIG, kept across exec) to send the process SIGTERM when its parent dies, then
becomes `command` by exec, same pid. A wrapper is used rather than Popen's `preexec_fn`, which Python warns
may deadlock when the parent has threads (the browser tests' live servers are threads). The kernel sends
the signal when the *thread* that started the process ends: start it from the test's own thread, not from
a short-lived one. Elsewhere than on Linux the command is run as it is."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def tied(command: list[str]) -> list[str]:
    """`command`, run so that it gets SIGTERM when the calling process ends."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, os.path.abspath(__file__), str(os.getpid()), *command]


def _become(parent: int, command: list[str]) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the signal was asked for: nobody would send it
        sys.exit(1)
    os.execvp(command[0], command)


if __name__ == "__main__":
    _become(int(sys.argv[1]), sys.argv[2:])
