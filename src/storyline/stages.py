"""Wall-clock seconds and item counts per stage of a run, for the progress display and bench/run.py.

A stage may be timed many times (once per story, say): its seconds and items add up. Stages that run in
worker processes report the seconds their workers spent, summed over workers (core-seconds), which
:meth:`Stages.add` takes in as they come back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Stage:
    seconds: float = 0.0
    items: int = 0

    @property
    def rate(self) -> float | None:
        """Items a second, None when the stage took no measurable time or counted nothing."""
        return self.items / self.seconds if self.seconds > 0 and self.items else None


@dataclass
class Stages:
    """The stages of one run, in the order they first ran."""

    stages: dict[str, Stage] = field(default_factory=dict)

    def add(self, name: str, seconds: float, items: int = 0) -> None:
        stage = self.stages.setdefault(name, Stage())
        stage.seconds += seconds
        stage.items += items

    @contextmanager
    def time(self, name: str, items: int = 0) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start, items)

    def merge(self, other: Stages) -> None:
        for name, stage in other.stages.items():
            self.add(name, stage.seconds, stage.items)
