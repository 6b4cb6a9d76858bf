"""The machine as the benchmarks read it from /proc: processes' CPU time and memory, how busy all cores were,
and a thread that samples the memory of a set of processes and their children."""

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SAMPLE_MB_INTERVAL = 0.2  # seconds between samples of the processes' memory
PSS_EVERY = 5  # samples between reads of the process trees and their proportional sets


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the name in parentheses may hold spaces


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages divided among the processes that share them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system time of one live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine spent on anything but idling, since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / _TICKS


@dataclass
class Busy:
    """How much of the machine was in use over a span: by everything, and by the processes watched."""

    wall: float = 0.0
    machine: float = 0.0
    watched: float = 0.0

    def __str__(self) -> str:
        cores = os.cpu_count() or 1
        return (
            f"the machine was busy {self.machine / self.wall:.2f} of its {cores} cores on average, "
            f"{self.watched / self.wall:.2f} of them in the processes measured"
        )


@contextlib.contextmanager
def busy(watched: Callable[[], float]) -> Iterator[Busy]:
    found = Busy()
    wall, machine, mine = time.perf_counter(), machine_busy_seconds(), watched()
    try:
        yield found
    finally:
        found.wall = time.perf_counter() - wall
        found.machine = machine_busy_seconds() - machine
        found.watched = watched() - mine


def trees(roots: list[int]) -> dict[int, list[int]]:
    """Each root with its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            parent = parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found_trees = {}
    for root in roots:
        found, todo = [], [root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        found_trees[root] = found
    return found_trees


class MemorySampler(threading.Thread):
    """Memory of the worker processes and their children, every SAMPLE_MB_INTERVAL seconds.

    A sum of resident sets counts the pages that forked children still share
    with their parent once per process, so it overstates what the workers take
    together; the proportional set size (PSS) divides shared pages among them."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots = roots
        self.stopping = threading.Event()
        self.peak_total_kb = 0
        self.peak_worker_kb = 0
        self.peak_process_kb = 0
        self.peak_pss_kb = 0
        self.processes = 0
        self.samples = 0
        self.timeline: list[tuple[float, int]] = []  # (perf_counter, resident sets summed in kB)
        self.trees: dict[int, list[int]] = {}

    def sample(self) -> int:
        """One sample; returns the resident sets of all the processes together, in kB.

        The resident sets are read every time (cheap); the process trees (a scan of /proc) and the
        proportional sets (the kernel walks each process's page tables) every PSS_EVERY samples, so that
        the sampling takes little of the CPU the workers are measured on."""
        if self.samples % PSS_EVERY == 0:
            self.trees = trees(self.roots)
        total = proportional = 0
        for pids in self.trees.values():
            sizes = [rss_kb(pid) for pid in pids]
            total += sum(sizes)
            self.peak_worker_kb = max(self.peak_worker_kb, sum(sizes))
            self.peak_process_kb = max(self.peak_process_kb, *sizes)
            if self.samples % PSS_EVERY == 0:
                proportional += sum(pss_kb(pid) for pid in pids)
        self.processes = max(self.processes, sum(len(pids) for pids in self.trees.values()))
        self.peak_total_kb = max(self.peak_total_kb, total)
        self.peak_pss_kb = max(self.peak_pss_kb, proportional)
        self.timeline.append((time.perf_counter(), total))
        self.samples += 1
        return total

    def at(self, moment: float) -> int:
        """The sum of resident sets in the sample taken nearest `moment` (a perf_counter value)."""
        return min(self.timeline, key=lambda sample: abs(sample[0] - moment))[1]

    def run(self) -> None:
        while not self.stopping.wait(SAMPLE_MB_INTERVAL):
            self.sample()
