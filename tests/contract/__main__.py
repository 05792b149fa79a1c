"""The API's contract, checked the way a client generator or a fuzzer would: schemathesis runs
its coverage, fuzzing and stateful phases against a live ``delegate serve`` + ``delegate sim``
(``live.py``) and fails on any server error, schema violation or undocumented status.

    .venv/bin/python -m tests.contract [--db-url URL] [--max-examples N] [--seed N]

Exits with schemathesis' status (0: every check passed) and prints its counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.contract.config import schemathesis_config
from tests.contract.live import live_stack
from tests.contract.report import summary
from tests.support import PgDatabases


async def run(args: argparse.Namespace, work_dir: Path) -> int:
    async with live_stack(work_dir, args.db_url) as seeded:
        config = work_dir / "schemathesis.toml"
        report = work_dir / "report.json"
        config.write_text(schemathesis_config(seeded, args.max_examples, report, args.seed))
        command = [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file",
            str(config),
            "run",
            f"{seeded.base_url}/openapi.json",
        ]
        # Run in the work directory: schemathesis and hypothesis keep caches in the cwd.
        done = await asyncio.to_thread(subprocess.run, command, check=False, cwd=work_dir)
    print(summary(json.loads(report.read_text())) if report.exists() else "no report written")  # noqa: T201 -- the counts are this command's output
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.contract", description=__doc__)
    parser.add_argument("--db-url", help="PostgreSQL database to serve from (default SQLite)")
    parser.add_argument(
        "--pg-admin-url",
        help="serve from a throwaway database created on this PostgreSQL server "
        "(scripts/pg start prints one), dropped at the end",
    )
    parser.add_argument("--max-examples", type=int, default=50, help="cases per operation")
    parser.add_argument("--seed", type=int, help="schemathesis seed (default: random)")
    parser.add_argument("--keep", type=Path, help="keep logs and reports in this directory")
    args = parser.parse_args()
    if args.pg_admin_url:
        databases = PgDatabases(args.pg_admin_url)
        args.db_url = databases.create(migrated=False)
        try:
            return _in_work_dir(args)
        finally:
            databases.close()
    return _in_work_dir(args)


def _in_work_dir(args: argparse.Namespace) -> int:
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return asyncio.run(run(args, args.keep))
    with tempfile.TemporaryDirectory(prefix="delegate-contract-") as tmp:
        return asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
