"""Wall-clock seconds, CPU seconds and item counts per stage of a run, for the command line and bench/run.py.

A stage may be timed many times (once per story, say): its figures add up. CPU seconds are this
process's and those of the worker processes that ended during the stage (a pool's workers end with
it), so a stage run on two busy cores shows about twice its wall time in CPU. Memory is the high-water
mark of the process that ran the stage, at the stage's end. Stages timed inside worker processes come
back with their results and are added in (:meth:`Stages.merge`); their seconds are then summed over the
workers, their memory is the largest worker's.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


def cpu_seconds() -> float:
    """CPU seconds so far of this process and of its child processes that have ended."""
    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def started() -> tuple[float, float]:
    """The wall clock and CPU seconds now, for :meth:`Stages.done`."""
    return time.perf_counter(), cpu_seconds()


def peak_mb() -> float:
    """This process's high-water resident memory so far, in MB: Linux's VmHWM where there is one, as a
    worker's ru_maxrss also counts the pages of the parent it was forked from before it started."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Stage:
    seconds: float = 0.0
    cpu: float = 0.0
    items: int = 0
    peak_mb: float = 0.0  # the high-water memory of the process that ran it, at its end

    @property
    def rate(self) -> float | None:
        """Items a (wall-clock) second, None when the stage took no measurable time or counted nothing."""
        return self.items / self.seconds if self.seconds > 0 and self.items else None


@dataclass
class Stages:
    """The stages of one run, in the order they first ran."""

    stages: dict[str, Stage] = field(default_factory=dict)

    def add(self, name: str, seconds: float, items: int = 0, cpu: float = 0.0, peak: float = 0.0) -> None:
        stage = self.stages.setdefault(name, Stage())
        stage.seconds += seconds
        stage.cpu += cpu
        stage.items += items
        stage.peak_mb = max(stage.peak_mb, peak)

    @contextmanager
    def time(self, name: str, items: int = 0) -> Iterator[None]:
        since = started()
        try:
            yield
        finally:
            self.done(name, since, items)

    def done(self, name: str, since: tuple[float, float], items: int = 0) -> None:
        """Add the time since ``since`` (:func:`started`) to stage ``name``: for a stage whose item count
        is known only at its end."""
        self.add(name, time.perf_counter() - since[0], items, cpu_seconds() - since[1], peak_mb())

    def merge(self, other: Stages) -> None:
        for name, stage in other.stages.items():
            self.add(name, stage.seconds, stage.items, stage.cpu, stage.peak_mb)
