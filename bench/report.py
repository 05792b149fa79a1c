"""Results as JSON (everything measured) and markdown (the targets and the headline numbers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from bench import sse

FLAT = 1.25
"""A per-turn ratio (end of a long meeting over the start) up to this counts as flat: the
machine's noise between two halves of one run is about that large."""
TARGET_MEETINGS = 1000


def write(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """Write ``<stamp>-<db>[-quick].json/.md`` and copies named ``latest.json/.md``."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = results["started_at"].replace(":", "").replace("-", "")[:15]
    opts = results["options"]
    name = f"{stamp}-{opts['db']}{'-quick' if opts['quick'] else ''}"
    json_path, md_path = out / f"{name}.json", out / f"{name}.md"
    json_path.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    md_path.write_text(markdown(results))
    (out / "latest.json").write_bytes(json_path.read_bytes())
    (out / "latest.md").write_text(md_path.read_text())
    return json_path, md_path


def markdown(results: dict[str, Any]) -> str:
    b = results["benchmarks"]
    m = results["machine"]
    pin = (
        f"server pinned to core {m['server_core']}, load generator to core {m['load_core']}"
        if m["pinned"]
        else "not pinned"
    )
    lines = [
        f"## Benchmark run {results['started_at']} ({results['options']['db']}"
        f"{', quick' if results['options']['quick'] else ''})",
        "",
        f"`{results['command']}`: {m['cpus']} CPUs, Python {m['python']}, {pin}; "
        f"load average before the run {m.get('loadavg_before', '?')}, after "
        f"{m.get('loadavg_after', '?')}; took {results.get('duration_s', '?')} s.",
        "",
        "### Targets",
        "",
        "| Target | Measured | Baseline (same run) | Met |",
        "| --- | --- | --- | --- |",
        *_targets(b),
        "",
    ]
    for name, section in (
        ("ingest", _ingest),
        ("breakdown", _breakdown),
        ("reaction", _reaction),
        ("sse", lambda part: sse.section(part, _num)),
        ("meeting", _meeting),
        ("scale", _scale),
        ("webhooks", _webhooks),
    ):
        if name in b:
            lines += section(b[name]) if _usable(b[name]) else _problem(name, b[name])
    return "\n".join(lines) + "\n"


def _usable(part: dict[str, Any]) -> bool:
    return bool(part) and "error" not in part and "skipped" not in part


TITLES = {
    "ingest": "Ingest",
    "breakdown": "Where the server's time goes",
    "reaction": "Reaction",
    "sse": "SSE fan-out",
    "meeting": "Meeting length",
    "scale": "Scale-out",
    "webhooks": "Webhooks",
}


def _problem(name: str, part: dict[str, Any]) -> list[str]:
    why = part.get("error") or part.get("skipped")
    return [f"### {TITLES.get(name, name)}", "", f"Not measured: {why}", ""]


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")


def _num(value: Any, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    return f"{value:,}{unit}"


def _targets(b: dict[str, Any]) -> list[str]:
    rows: list[str] = []
    ing = b.get("ingest", {})
    if _usable(ing):
        real, bare = ing["delegate"], ing["bare"]
        r = ing["ratios"]["flood_events_per_s"]
        rows.append(
            f"| Ingest ≥ 0.5x bare endpoint (flood, {ing['meetings']} meetings) "
            f"| {_num(real['flood']['events_per_s'])} ev/s = {_num(r, 'x', 3)} "
            f"| {_num(bare['flood']['events_per_s'])} ev/s | {_met(r is not None and r >= 0.5)} |"
        )
        p99 = real["paced"]["ack_latency"]["p99_ms"]
        at_scale = ing["meetings"] >= TARGET_MEETINGS
        rows.append(
            f"| p99 ack < 50 ms at {TARGET_MEETINGS:,} meetings (paced; this run "
            f"{ing['meetings']:,}) | {_num(p99, ' ms')} "
            f"| {_num(bare['paced']['ack_latency']['p99_ms'], ' ms')} "
            f"| {_met((p99 is not None and p99 < 50) if at_scale else None)} |"
        )
        st = real["storage"]
        rows.append(
            f"| Zero lost, zero duplicated (SIGKILL after the load) | {st['lost']} lost, "
            f"{st['duplicated_rows'] + st['said_stored_twice']} duplicated of "
            f"{st['acknowledged']:,} acknowledged ({st['intentional_duplicates']} sent twice on "
            f"purpose) | - | {_met(st['ok'])} |"
        )
    rea = b.get("reaction", {})
    if _usable(rea):
        p99 = rea["idle"]["reaction"]["p99_ms"]
        rows.append(
            f"| Reaction p99 < 100 ms, no model (idle) | {_num(p99, ' ms')} "
            f"({rea['idle']['unanswered']} unanswered) | - "
            f"| {_met(p99 is not None and p99 < 100 and not rea['idle']['unanswered'])} |"
        )
    if _usable(b.get("sse", {})):
        rows += sse.target_rows(b["sse"], _num, _met)
    mee = b.get("meeting", {})
    if _usable(mee):
        r = mee["ratios"]
        short, long = list(mee["meetings"])
        flat = r["long_last_vs_first_normalised"]
        rows.append(
            f"| Per-turn cost flat {short} → {long} min (last 10% of the long meeting's turns "
            f"/ its first 10%, against a reference drain timed alongside; ≤ {FLAT}x is flat) "
            f"| {_num(flat, 'x', 2)} (raw p50 {_num(r['long_last_vs_first_p50'], 'x', 2)}) "
            f"| {_num(mee['meetings'][long]['first']['p50_ms'], ' ms')} per turn at the start "
            f"| {_met(_flat(flat))} |"
        )
        growth = mee["meetings"][long]["rss_growth_mib"]
        rows.append(
            f"| Memory flat {short} → {long} min (RSS growth over the meeting) "
            f"| {_num(growth, ' MiB')} | {_num(mee['meetings'][short]['rss_growth_mib'], ' MiB')} "
            f"in {short} min | {_met(growth is not None and growth < 20)} |"
        )
    sca = b.get("scale", {})
    if _usable(sca):
        for key, value in sca.get("backlog_ratios", {}).items():
            rows.append(
                f"| Scale-out: workers alone drain a backlog faster ({key.replace('_', ' ')}) "
                f"| {_num(value, 'x', 2)} | 1 worker | {_met(value is not None and value > 1.2)} |"
            )
        for key, value in sca["ratios"].items():
            rows.append(
                f"| Scale-out: processed/s under load grows ({key.replace('_', ' ')}) "
                f"| {_num(value, 'x', 2)} | 1 worker | {_met(value is not None and value > 1.2)} |"
            )
    elif sca:
        why = sca.get("skipped") or sca.get("error")
        rows.append(f"| Scale-out: processed/s grows with workers | - | - | n/a ({why}) |")
    return rows


def _flat(value: float | None) -> bool | None:
    return None if value is None else value <= FLAT


def _ingest(ing: dict[str, Any]) -> list[str]:
    real, bare = ing["delegate"], ing["bare"]
    lines = [
        f"### Ingest ({ing['meetings']:,} concurrent meetings, {ing['seconds']:g} s per load, "
        f"{ing['db']})",
        "",
        f"Paced load offers {ing['offered_events_per_s']:,} events/s (the scripts' realistic "
        "timing); flood sends each meeting's next event as soon as the previous one is "
        "acknowledged.",
        "",
        "| | bare endpoint | delegate serve | delegate / bare |",
        "| --- | --- | --- | --- |",
    ]

    def row(label: str, path: tuple[str, ...], unit: str = "") -> str:
        a, c = _dig(bare, path), _dig(real, path)
        rel = f"{c / a:.2f}x" if isinstance(a, int | float) and a and c is not None else "-"
        return f"| {label} | {_num(a, unit)} | {_num(c, unit)} | {rel} |"

    lines += [
        row("flood: events/s", ("flood", "events_per_s")),
        row("flood: ack p50", ("flood", "ack_latency", "p50_ms"), " ms"),
        row("flood: ack p99", ("flood", "ack_latency", "p99_ms"), " ms"),
        row("flood: server CPU (% of a core)", ("flood", "server_cpu_percent"), "%"),
        row("flood: generator CPU", ("flood", "generator_cpu_percent"), "%"),
        row("paced: events/s acknowledged", ("paced", "events_per_s")),
        row("paced: ack p50", ("paced", "ack_latency", "p50_ms"), " ms"),
        row("paced: ack p95", ("paced", "ack_latency", "p95_ms"), " ms"),
        row("paced: ack p99", ("paced", "ack_latency", "p99_ms"), " ms"),
        row("paced: delivery behind schedule, p99", ("paced", "schedule_lag_p99_ms"), " ms"),
        row("paced: server CPU", ("paced", "server_cpu_percent"), "%"),
        row("server RSS at the end", ("server_rss_mib",), " MiB"),
    ]
    if "bare_uvloop" in ing:
        uv = ing["bare_uvloop"]["flood"]["events_per_s"]
        gain = _num(ing["ratios"].get("bare_uvloop_vs_bare_flood"), "x", 2)
        lines.append(
            f"| flood: bare endpoint on uvloop | {_num(uv)} ev/s | - | {gain} of bare on asyncio |"
        )
    st = real["storage"]
    lines += [
        "",
        f"Storage check after SIGKILL: {st['acknowledged']:,} deliveries acknowledged, "
        f"{st['stored_rows']:,} rows, {st['lost']} lost, {st['duplicated_rows']} duplicate rows, "
        f"{st['said_stored_twice']} answered `stored: true` twice; "
        f"{st['intentional_duplicates']} sent twice on purpose, "
        f"{st['intentional_duplicates_said_stored']} of those answered `stored: true`; "
        f"{st['never_acknowledged']} never acknowledged, "
        f"{st.get('cancelled_in_flight', 0)} cancelled in flight by the load's hard stop, "
        f"{st['stored_without_ack']} stored without the sender seeing the 2xx.",
        "",
        _processing(real) + f" Server RSS idle {real['server_rss_idle_mib']} MiB, "
        f"peak {real['server_peak_rss_mib']} MiB.",
        "",
    ]
    return lines


def _processing(real: dict[str, Any]) -> str:
    if not real.get("processing", "in-process").startswith("in-process"):
        return (
            "No processing here: on PostgreSQL `serve` stores and defers a job per session; "
            "`delegate worker` processes run them (none in this benchmark; see scale-out)."
        )
    drain = real["drain_after_paced_s"]
    drained = f"all processed {drain:g} s later" if drain is not None else "not drained in time"
    return (
        f"Processing (same server, in-process dispatcher): {real['backlog_after_paced']:,} "
        f"events unprocessed when the paced load stopped, {drained}; "
        f"{real['backlog_at_kill']:,} unprocessed when the server was killed after the flood."
    )


def _breakdown(bd: dict[str, Any]) -> list[str]:
    drains = bd["drain_ms"]
    lines = [
        "### Where the server's time goes (in-process, no HTTP)",
        "",
        "| Step | Cost |",
        "| --- | --- |",
        f"| empty unit of work (begin, commit) | {bd['empty_unit_of_work_ms']} ms |",
        "| unit of work with one primary-key SELECT "
        f"| {bd['unit_of_work_with_one_select_ms']} ms |",
        f"| receiver path only (verify, batched store; {bd['receiver_only']['concurrent_sessions']}"
        f" sessions) | {bd['receiver_only']['events_per_s']:,} events/s, "
        f"{bd['receiver_only']['cpu_ms_per_event']} ms CPU per event |",
        f"| drain with nothing new (`process_session_events`) | {drains['nothing_new']} ms |",
    ]
    if "kick_ms" in bd:
        kick = bd["kick_ms"]
        lines += [
            f"| kick = queue the session's procrastinate job, written alone | "
            f"{kick['job_inserted']} ms (new job), {kick['job_already_waiting']} ms (one already "
            f"waiting) |",
            f"| kicks of {kick.get('batch', '?')} sessions written together | "
            f"{kick.get('per_session_in_batch', '-')} ms per session |",
        ]
    for kind, value in drains.items():
        if kind.startswith(("transcript.", "participant_events.")):
            lines.append(f"| drain after one `{kind}` | {value} ms |")
    lines += [
        "",
        f"{drains['share_of_events_without_state_change']:.0%} of a meeting's events "
        "(partials, speech_on/off) change no session state: they wake no drain and are stepped "
        "over, unparsed, by the next one. The drains timed here run after every event anyway.",
        "",
    ]
    return lines


def _reaction(rea: dict[str, Any]) -> list[str]:
    runs = [("idle", rea["idle"])]
    if "under_load" in rea:
        runs.append(
            (f"{rea['under_load']['background_meetings']} other meetings", rea["under_load"])
        )
    lines = [
        f"### Reaction (chat to the bot → `send_chat_message` at the simulator; offline brain; "
        f"{rea['questions']} questions)",
        "",
        "| | " + " | ".join(label for label, _ in runs) + " |",
        "| --- |" + " --- |" * len(runs),
    ]
    for key, label in (("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99"), ("max_ms", "max")):
        lines.append(
            f"| {label} | " + " | ".join(_num(r["reaction"][key], " ms") for _, r in runs) + " |"
        )
    lines.append(
        "| answered / asked | "
        + " | ".join(
            f"{r['questions_sent'] - r['unanswered']} / {r['questions_sent']}" for _, r in runs
        )
        + " |"
    )
    return [*lines, ""]


def _meeting(mee: dict[str, Any]) -> list[str]:
    runs = list(mee["meetings"].items())
    lines = [
        "### Meeting length (per turn: processing of all its events; storing excluded)",
        "",
        "| | " + " | ".join(f"{k} min" for k, _ in runs) + " |",
        "| --- |" + " --- |" * len(runs),
    ]

    def row(label: str, fn: Any) -> str:
        return f"| {label} | " + " | ".join(fn(r) for _, r in runs) + " |"

    lines += [
        row(
            "events / turns / replies",
            lambda r: f"{r['events']:,} / {r['turns']:,} / {r['replies']}",
        ),
        row("per turn, first 10%: p50 (mean)", lambda r: _pair(r["first"])),
        row("per turn, last 10%: p50 (mean)", lambda r: _pair(r["last"])),
        row("last / first, per turn (p50)", lambda r: _num(r["ratio_last_first_p50"], "x", 2)),
        row(
            "last / first, per event (p50)",
            lambda r: _num(r["ratio_last_first_per_event_p50"], "x", 2),
        ),
        row(
            "reference drain, first → last 10%",
            lambda r: (
                f"{_num(r['reference_first_ms'], ' ms', 3)} → "
                f"{_num(r['reference_last_ms'], ' ms', 3)}"
            ),
        ),
        row(
            "last / first against the reference",
            lambda r: _num(r["ratio_last_first_normalised"], "x", 2),
        ),
        row("turn with a reply: p50, 1st half", lambda r: _num(r["reply_first"]["p50_ms"], " ms")),
        row("turn with a reply: p50, 2nd half", lambda r: _num(r["reply_last"]["p50_ms"], " ms")),
        row("storing one event", lambda r: _num(r["store_ms_per_event"], " ms", 2)),
        row("RSS after warm-up → end", lambda r: f"{r['rss_start_mib']} → {r['rss_end_mib']} MiB"),
        row("truncated by the time budget", lambda r: "yes" if r["truncated"] else "no"),
    ]
    return [*lines, ""]


def _pair(s: dict[str, Any]) -> str:
    return f"{_num(s['p50_ms'], ' ms')} ({_num(s['mean_ms'], ' ms')})"


def _scale(sca: dict[str, Any]) -> list[str]:
    lines = [
        f"### Scale-out (PostgreSQL, {sca['meetings']} meetings, flood for {sca['seconds']:g} s)",
        "",
        "| workers | stored/s | processed/s during load | backlog at end | drained after "
        "| CPU: server / workers / PostgreSQL / whole machine (% of a core) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for run in sca["runs"].values():
        cpu = run.get("cpu_percent", {})
        lines.append(
            f"| {run['workers']} | {_num(run['stored_per_s'])} | {_num(run['processed_per_s'])} "
            f"| {run['backlog_at_end_of_load']:,} | {_num(run['drain_s'], ' s', 2)} "
            f"| {_num(cpu.get('server'))} / {_num(cpu.get('workers'))} / "
            f"{_num(cpu.get('postgres'))} / {_num(cpu.get('machine'))} |"
        )
    if "backlog" in sca:
        lines += [
            "",
            "Workers alone (a backlog stored with no worker running, the API stopped):",
            "",
            "| workers | backlog | drained in | processed/s "
            "| CPU: workers / PostgreSQL / whole machine (% of a core) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for run in sca["backlog"].values():
            cpu = run.get("cpu_percent", {})
            lines.append(
                f"| {run['workers']} | {run['backlog']:,} | {_num(run['drain_s'], ' s', 2)} "
                f"| {_num(run['processed_per_s'])} | {_num(cpu.get('workers'))} / "
                f"{_num(cpu.get('postgres'))} / {_num(cpu.get('machine'))} |"
            )
    return [*lines, ""]


def _dig(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _webhooks(w: dict[str, Any]) -> list[str]:
    none, one, r = w["no_endpoint"], w["endpoint"], w["ratios"]
    lat, rea = one["commit_to_2xx"], w["reaction"]
    quiet, hanging = rea["no_endpoint"]["reaction"], rea["hanging_endpoint"]["reaction"]
    return [
        "### Webhooks",
        "",
        f"{w['meetings']:,} concurrent meetings (paced, {w['seconds']:g} s), each way on a fresh "
        "database; the endpoint is a process of its own that answers 204.",
        "",
        "| | No endpoint | One endpoint, every event | Ratio |",
        "| --- | --- | --- | --- |",
        f"| Ingest events/s | {_num(none['load']['events_per_s'])} "
        f"| {_num(one['load']['events_per_s'])} | {_num(r['events_per_s'], 'x', 3)} |",
        f"| Ack p99 | {_num(none['load']['ack_latency']['p99_ms'], ' ms')} "
        f"| {_num(one['load']['ack_latency']['p99_ms'], ' ms')} | {_num(r['ack_p99'], 'x', 3)} |",
        f"| Processing caught up after the load | {_num(none['drain_after_load_s'], ' s')} "
        f"| {_num(one['drain_after_load_s'], ' s')} | {_num(r['catch_up_s'], 'x', 3)} |",
        "",
        f"Delivered {one['delivered']:,} of {one['webhook_deliveries_written']:,} events "
        f"({_num(one['delivered_per_s_during_load'])}/s during the load, written at "
        f"{_num(one['written_per_s'])}/s), the last {_num(one['all_delivered_after_load_s'], ' s')}"
        f" after the load; commit to the receiver's 2xx p50 {_num(lat['p50_ms'], ' ms')}, "
        f"p99 {_num(lat['p99_ms'], ' ms')}, max {_num(lat['max_ms'], ' ms')}.",
        "",
        "| Reaction (chat question to the reply at Recall) | p50 | p99 | unanswered |",
        "| --- | --- | --- | --- |",
        f"| No endpoint | {_num(quiet['p50_ms'], ' ms')} | {_num(quiet['p99_ms'], ' ms')} "
        f"| {rea['no_endpoint']['unanswered']} |",
        f"| An endpoint that never answers | {_num(hanging['p50_ms'], ' ms')} "
        f"| {_num(hanging['p99_ms'], ' ms')} | {rea['hanging_endpoint']['unanswered']} |",
        f"| Ratio | {_num(rea['ratios']['p50'], 'x', 3)} | {_num(rea['ratios']['p99'], 'x', 3)} "
        "| |",
        "",
    ]
