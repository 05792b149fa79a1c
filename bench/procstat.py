"""CPU and memory of a process, read from /proc (psutil is not a dependency of the project)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSample:
    cpu_s: float
    """User plus system CPU seconds of the process, all threads."""
    wall_s: float
    """``time.monotonic()`` when the sample was taken."""


def cpu(pid: int | None = None) -> CpuSample:
    """CPU time of ``pid`` (default: this process)."""
    path = Path(f"/proc/{pid or 'self'}/stat")
    # The command name (field 2) may contain spaces; everything after its ")" is fixed.
    fields = path.read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return CpuSample((utime + stime) / _TICKS, time.monotonic())


def cpu_percent(before: CpuSample, after: CpuSample) -> float:
    """Share of one core used between two samples (100 = one core busy all the time)."""
    wall = after.wall_s - before.wall_s
    return 100.0 * (after.cpu_s - before.cpu_s) / wall if wall > 0 else 0.0


def pids_named(command: str) -> list[int]:
    """Processes whose command name is ``command`` (PostgreSQL's server and backends are all
    ``postgres``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == command:
                    found.append(int(entry.name))
            except OSError:  # it exited meanwhile
                continue
    return found


class GroupCpu:
    """CPU of a set of processes that may change while it is watched (PostgreSQL starts a
    backend per connection): a process seen only at the end counts all its CPU time, one that
    exited meanwhile counts nothing after its last sample."""

    def __init__(self, pids: list[int]) -> None:
        self.started = time.monotonic()
        self.before = {pid: s for pid in pids if (s := _try_cpu(pid)) is not None}

    def percent(self, pids: list[int]) -> float:
        wall = time.monotonic() - self.started
        used = 0.0
        for pid in pids:
            now = _try_cpu(pid)
            if now is not None:
                earlier = self.before.get(pid)
                used += now.cpu_s - (earlier.cpu_s if earlier else 0.0)
        return 100.0 * used / wall if wall > 0 else 0.0


def _try_cpu(pid: int) -> CpuSample | None:
    try:
        return cpu(pid)
    except OSError:
        return None


def memory_kib(pid: int | None = None) -> dict[str, int]:
    """``VmRSS`` (resident now) and ``VmHWM`` (peak resident) in KiB."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def rss_mib(pid: int | None = None) -> float:
    return memory_kib(pid).get("VmRSS", 0) / 1024


def peak_rss_mib(pid: int | None = None) -> float:
    return memory_kib(pid).get("VmHWM", 0) / 1024


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages: how busy the shared machine was."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass(frozen=True)
class MachineSample:
    busy_s: float
    """CPU seconds spent not idle, summed over all cores."""
    wall_s: float


def machine() -> MachineSample:
    """All cores, from the first line of /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return MachineSample((sum(fields[:8]) - idle) / _TICKS, time.monotonic())


def machine_percent(before: MachineSample, after: MachineSample) -> float:
    """Busy share of the whole machine in percent of one core (200 = two cores busy)."""
    wall = after.wall_s - before.wall_s
    return 100.0 * (after.busy_s - before.busy_s) / wall if wall > 0 else 0.0
