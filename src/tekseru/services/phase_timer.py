"""How long each phase of a long run took, by the clock and by the processor."""

from __future__ import annotations

import time

__all__ = ["PhaseTimer"]


class PhaseTimer:
    """Wall-clock and CPU seconds (of the whole process, every thread) per phase."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}
        self._last, self._last_cpu = time.perf_counter(), time.process_time()

    def lap(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self.cpu_seconds[phase] = self.cpu_seconds.get(phase, 0.0) + cpu - self._last_cpu
        self._last, self._last_cpu = now, cpu
