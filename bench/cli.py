"""The benchmark command line.

python -m bench run [--quick] [--db sqlite|postgres] [--pg-url URL] [--out bench/results]
                    [--only ingest,reaction,sse,meeting,scale] [--meetings N] [--seconds S] ...
python -m bench webhooks [--quick] [--db ...] [--meetings N] [--seconds S]   # = run --only webhooks
python -m bench bare --port P                 # the bare ASGI endpoint (used by ``run``)
python -m bench meeting-length --minutes M    # one meeting-length measurement (used by ``run``)
python -m bench cli-startup [--runs N]        # ``delegate --help`` against ``python -c pass``
python -m bench voice [--questions N] [--voice V]  # speech end -> first spoken audio; synthesis RTF
python -m bench quality [--local-model] [--llm-base-url URL --llm-model M] [--mistakes]
                                              # conversational quality (docs/quality.md)
python -m bench kb [--records N] [--reply-records N] [--quick] [--no-pg]  # knowledge base
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bench import processes, procstat, report
from bench.options import BENCHMARKS, DEFAULT_BENCHMARKS, Options

T = TypeVar("T")


@dataclass(frozen=True)
class Defaults:
    meetings: int
    seconds: float
    questions: int
    minutes: tuple[float, float]


FULL = Defaults(meetings=1000, seconds=20.0, questions=60, minutes=(5.0, 180.0))
QUICK = Defaults(meetings=100, seconds=3.0, questions=10, minutes=(2.0, 6.0))
"""Small and short: the whole ``--quick`` run stays under a minute (a smoke test, not numbers)."""


def main(argv: list[str] | None = None) -> None:
    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["quality"]:
        from bench import quality

        sys.exit(quality.main(given[1:]))
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the benchmarks; write JSON and a markdown table")
    hooks = sub.add_parser("webhooks", help="webhook delivery and its cost (run --only webhooks)")
    for command in (run, hooks):
        _run_options(command)
    bare = sub.add_parser("bare", help="serve the bare ASGI endpoint")
    bare.add_argument("--port", type=int, required=True)
    bare.add_argument("--uvloop", action="store_true", help="serve on uvloop instead of asyncio")
    length = sub.add_parser("meeting-length", help="process one synthetic meeting, print JSON")
    length.add_argument("--minutes", type=float, required=True)
    length.add_argument("--data-dir", type=Path, required=True)
    length.add_argument("--db-url")
    length.add_argument("--budget-s", type=float, default=300.0)
    sink = sub.add_parser("sink", help="serve a webhook receiver (used by ``webhooks``)")
    sink.add_argument("--port", type=int, required=True)
    sink.add_argument("--record", type=Path, required=True)
    sink.add_argument("--hang", action="store_true", help="never answer an event")
    startup = sub.add_parser("cli-startup", help="time delegate --help against python -c pass")
    startup.add_argument("--runs", type=int, default=15)
    voice = sub.add_parser("voice", help="speech end to first audio at Recall; synthesis speed")
    voice.add_argument("--questions", type=int, default=30)
    voice.add_argument("--voice", default="piper", help="engine or engine:name (default piper)")
    voice.add_argument("--no-pin", action="store_true", help="do not pin server and load to cores")
    kb = sub.add_parser("kb", help="knowledge base: indexing rate, search and reply latency")
    kb.add_argument("--records", type=int, default=100_000, help="records of the search test")
    kb.add_argument("--reply-records", type=int, default=10_000, help="of the reply test")
    kb.add_argument("--searches", type=int, default=200)
    kb.add_argument("--index", type=int, default=300, help="records embedded for the rate")
    kb.add_argument("--quick", action="store_true", help="2,000 / 1,000 records, 40 searches")
    kb.add_argument("--pg-url", help="PostgreSQL server URL (default: `scripts/pg start`)")
    kb.add_argument("--no-pg", action="store_true", help="SQLite only")
    kb.add_argument("--out", type=Path, default=processes.REPO / "bench" / "results")
    again = sub.add_parser("report", help="print the markdown of a results JSON file again")
    again.add_argument("json", type=Path)
    args = parser.parse_args(argv)

    if args.command == "bare":
        from bench.bare_app import serve

        serve(args.port, uvloop=args.uvloop)
    elif args.command == "sink":
        from bench.webhooks import serve_sink

        serve_sink(args.port, args.record, args.hang)
    elif args.command == "report":
        import orjson

        print(report.markdown(orjson.loads(args.json.read_bytes())))
    elif args.command == "cli-startup":
        from bench import cli_startup

        cli_startup.main(args.runs)
    elif args.command == "voice":
        from bench import voice as voice_bench

        voice_bench.main(args.questions, args.voice, pin=not args.no_pin)
    elif args.command == "kb":
        from bench import kb as kb_bench

        sizes = {
            "records": args.records,
            "reply_records": args.reply_records,
            "searches": args.searches,
            "index": args.index,
        }
        if args.quick:
            sizes = {"records": 2000, "reply_records": 1000, "searches": 40, "index": 40}
        kb_bench.main(sizes, None if args.no_pg else _pg_url(args), args.out)
    elif args.command == "meeting-length":
        from bench import meeting_length

        meeting_length.child(args.minutes, args.data_dir, args.db_url, args.budget_s)
    else:
        sys.exit(_run(args))


def _run_options(run: argparse.ArgumentParser) -> None:
    run.add_argument("--quick", action="store_true", help="small and short (under a minute)")
    run.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    run.add_argument(
        "--pg-url",
        help="PostgreSQL server URL (default: $DELEGATE_DB__URL, else `scripts/pg start`); "
        "each benchmark creates and drops a database of its own there",
    )
    run.add_argument("--out", type=Path, default=processes.REPO / "bench" / "results")
    run.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    run.add_argument("--meetings", type=int, help="concurrent meetings for ingest")
    run.add_argument("--seconds", type=float, help="length of each ingest load run")
    run.add_argument("--rate", type=float, default=1.0, help="paced load: times real time")
    run.add_argument("--questions", type=int, help="questions asked in the reaction benchmark")
    run.add_argument("--minutes", help="meeting lengths compared, e.g. 5,180")
    run.add_argument("--workers", default="1,2,4", help="worker counts for scale-out")
    run.add_argument("--no-pin", action="store_true", help="do not pin server and load to cores")
    run.add_argument("--keep", action="store_true", help="keep the work directory (logs, DBs)")


def _run(args: argparse.Namespace) -> int:
    defaults = QUICK if args.quick else FULL
    only = tuple(args.only.split(",")) if args.only else DEFAULT_BENCHMARKS
    if args.command == "webhooks":
        only = ("webhooks",)
    unknown = set(only) - set(BENCHMARKS)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    pg_url = _pg_url(args) if args.db == "postgres" else None
    if args.db == "postgres" and not pg_url:
        print("--db postgres needs --pg-url, $DELEGATE_DB__URL or scripts/pg", file=sys.stderr)
        return 2
    # The harness builds its own settings; the developer's DELEGATE_* must not leak into them.
    for key in [k for k in os.environ if k.startswith("DELEGATE_")]:
        del os.environ[key]
    minutes = tuple(float(m) for m in args.minutes.split(",")) if args.minutes else defaults.minutes
    workdir = Path(tempfile.mkdtemp(prefix="delegate-bench-"))
    opts = Options(
        quick=args.quick,
        db=args.db,
        pg_url=pg_url,
        out=args.out,
        workdir=workdir,
        only=only,
        meetings=args.meetings or defaults.meetings,
        seconds=args.seconds or defaults.seconds,
        rate=args.rate,
        questions=args.questions or defaults.questions,
        meeting_minutes=(minutes[0], minutes[-1]),
        workers=tuple(int(w) for w in args.workers.split(",")),
        pin=not args.no_pin and processes.can_pin(),
    )
    pinned = opts.pin and processes.pin_self(processes.LOAD_CORE)
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "pinned": pinned,
            "server_core": processes.SERVER_CORE if pinned else None,
            "load_core": processes.LOAD_CORE if pinned else None,
            "loadavg_before": procstat.loadavg(),
        },
        "options": {
            "quick": opts.quick,
            "db": opts.db,
            "meetings": opts.meetings,
            "seconds": opts.seconds,
            "rate": opts.rate,
            "questions": opts.questions,
            "minutes": list(opts.meeting_minutes),
            "workers": list(opts.workers),
        },
        "benchmarks": {},
    }
    started = time.perf_counter()
    failed = False
    try:
        for name in only:
            print(f"== {name} ...", flush=True)
            t0 = time.perf_counter()
            try:
                results["benchmarks"][name] = _runner()(_benchmark(name)(opts))
            except Exception as exc:
                failed = True
                traceback.print_exc()
                results["benchmarks"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"   {name} took {time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        results["duration_s"] = round(time.perf_counter() - started, 1)
        results["machine"]["loadavg_after"] = procstat.loadavg()
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    json_path, md_path = report.write(results, opts.out)
    print(md_path.read_text())
    print(f"results: {json_path}\n         {md_path}")
    return 1 if failed else 0


def _benchmark(name: str) -> Callable[[Options], Coroutine[Any, Any, dict[str, Any]]]:
    if name == "ingest":
        from bench import ingest

        return ingest.run
    if name == "breakdown":
        from bench import breakdown

        return breakdown.run
    if name == "reaction":
        from bench import reaction

        return reaction.run
    if name == "webhooks":
        from bench import webhooks

        return webhooks.run
    if name == "sse":
        from bench import sse

        return sse.run
    if name == "meeting":
        from bench import meeting_length

        return meeting_length.run
    from bench import scale_out

    return scale_out.run


def _runner() -> Callable[[Awaitable[T]], T]:
    """Run a coroutine on uvloop when installed: the generator then spends less of its core
    on the event loop itself."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return lambda coro: asyncio.run(coro)  # type: ignore[arg-type]

    def run(coro: Awaitable[T]) -> T:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(coro)  # type: ignore[arg-type]

    return run


def _pg_url(args: argparse.Namespace) -> str | None:
    if args.pg_url:
        return str(args.pg_url)
    env = os.environ.get("DELEGATE_DB__URL", "")
    if env.startswith("postgres"):
        return env
    script = processes.REPO / "scripts" / "pg"
    if script.is_file() and os.access(script, os.X_OK):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            done = subprocess.run(
                [str(script), "start"], capture_output=True, text=True, timeout=120, check=True
            )
            for line in reversed(done.stdout.splitlines()):
                if line.strip().startswith("postgres"):
                    return line.strip()
    return None
