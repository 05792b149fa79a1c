"""Counts of a schemathesis JSON run report, for the CI log."""

from __future__ import annotations

from typing import Any


def summary(report: dict[str, Any]) -> str:
    """Operations, test cases per outcome, each phase's status and every failure kind."""
    operations, cases = report["operations"], report["test_cases"]
    phases = ", ".join(f"{name} {phase['status']}" for name, phase in report["phases"].items())
    lines = [
        f"contract run (schemathesis {report['schemathesis_version']}, seed {report['seed']}, "
        f"{report['running_time']:.0f} s):",
        f"  operations: {operations['tested']} tested of {operations['total']}",
        f"  test cases: {cases['generated']} generated, {cases['with_failures']} with failures "
        f"({cases['unique_failures']} unique), {cases['errored']} errored",
        f"  phases: {phases}",
        f"  failures: {sum(f['count'] for f in report['failures'])}",
        *(f"    {f['code']} {f['title']}: {f['count']}" for f in report["failures"]),
        f"  errors: {len(report['errors'])}",
    ]
    return "\n".join(lines)
