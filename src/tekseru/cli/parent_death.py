"""A process that ends when the process that started it dies, even by SIGKILL (which lets that one stop
nobody): the workers of `tekseru serve --workers N` (`serve_workers.end_with`) and the servers the tests
start (tests/tied_process.py)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def signal_when_parent_dies(parent: int, sig: int = signal.SIGTERM) -> bool:
    """Ask the kernel to send this process `sig` when its parent, process `parent`, dies (Linux's
    PR_SET_PDEATHSIG, kept across exec; sent when the parent's *thread* that started this process ends).
    False where the system cannot (not Linux, or refused). A parent already gone is not told by the
    kernel: then `sig` is sent here at once."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # it died before the signal was asked for: nobody will send it
        os.kill(os.getpid(), sig)
    return True
