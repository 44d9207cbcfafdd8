"""The processes of a session (Linux /proc): what a server the tests started left running."""

from __future__ import annotations

from pathlib import Path


def session_processes(session: int) -> list[int]:
    """The live (not zombie, not dead) processes of session `session`: a server, its forkserver, the jobs'
    processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] not in "ZX":
                found.append(int(entry.name))
    return found
