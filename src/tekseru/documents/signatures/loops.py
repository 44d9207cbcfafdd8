"""pyHanko's synchronous calls, and ours, run their coroutines with `asyncio.run`, which a thread that
already runs an event loop (an async web handler, Playwright's synchronous API) cannot do: there such a
call is made from a worker thread of its own."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def outside_event_loop(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return function(*args, **kwargs)
        with ThreadPoolExecutor(1, thread_name_prefix="tekseru-signatures") as worker:
            return worker.submit(function, *args, **kwargs).result()

    return call
