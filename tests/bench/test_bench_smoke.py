"""The benchmark harness still runs end to end (numbers are read by people, not asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_quick_ingest_benchmark_runs_and_writes_results(tmp_path: Path) -> None:
    if os.environ.get("DELEGATE_TEST_PG_URL"):
        pytest.skip("the harness is exercised once, in the SQLite pass")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "run",
            "--quick",
            "--only",
            "ingest",
            "--seconds",
            "1",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    latest = json.loads((tmp_path / "latest.json").read_text())
    text = json.dumps(latest)
    assert "ingest" in text
    assert (tmp_path / "latest.md").read_text().startswith("## Benchmark run")


@pytest.mark.slow
def test_quick_knowledge_base_benchmark_runs_and_writes_results(tmp_path: Path) -> None:
    if os.environ.get("DELEGATE_TEST_PG_URL"):
        pytest.skip("the harness is exercised once, in the SQLite pass")
    result = subprocess.run(
        [sys.executable, "-m", "bench", "kb", "--quick", "--no-pg", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    sqlite = json.loads((tmp_path / "kb-latest.json").read_text())["sqlite"]
    assert sqlite["reply"]["retrieval_in_reply"]["count"] == 40
    assert sqlite["reply"]["reply_baseline"]["count"] == 40
    assert sqlite["search"]["recall_at_3"] >= 0.9
    assert "| sqlite |" in result.stdout
