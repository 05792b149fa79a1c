"""``python -m bench cli-startup``: how long ``delegate --help`` takes, against starting Python
itself (``python -c pass``) in the same run. Target: under 0.3 s for ``--help`` (issue: 2 s
when every command's dependencies were imported up front)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 0.3


def _median_s(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(runs: int) -> dict[str, float]:
    """Median wall time of ``delegate --help``, ``delegate --version`` and of the baseline,
    alternating warm runs (the first of each is dropped: it fills the file cache)."""
    delegate = str(Path(sys.executable).parent / "delegate")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "delegate --help": [delegate, "--help"],
        "delegate --version": [delegate, "--version"],
    }
    for command in commands.values():
        subprocess.run(command, check=True, capture_output=True)
    return {name: _median_s(command, runs) for name, command in commands.items()}


def main(runs: int) -> None:
    medians = run(runs)
    baseline = medians["python -c pass"]
    print(f"CLI start-up, median of {runs} runs each")
    for name, seconds in medians.items():
        print(f"  {name:<20} {seconds * 1000:7.1f} ms   {seconds / baseline:5.1f}x python -c pass")
    help_s = medians["delegate --help"]
    verdict = "met" if help_s < TARGET_S else "MISSED"
    print(f"  target: delegate --help under {TARGET_S * 1000:.0f} ms: {verdict}")
