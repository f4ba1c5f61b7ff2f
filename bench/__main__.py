"""``python -m bench [ITEM ...] [--quick]``: run benchmark items, print Markdown, update BENCHMARKS.md."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .report import BENCHMARKS, ORDER, RESULTS, Section, load_results, save
from .workspace import Workspace

log = logging.getLogger("bench")


def _runner(item: str) -> Callable[[Workspace, bool], Section]:
    from . import cache, distributed, fleet, generation, latency, memory, packs, scripts, store, throughput

    runners: dict[str, Callable[[Workspace, bool], Section]] = {
        "latency": latency.run, "generation": generation.run, "cache": cache.run,
        "store": lambda _ws, quick: store.run(quick), "throughput": throughput.run, "memory": memory.run,
        "scripts": scripts.run, "distributed": distributed.run, "fleet": fleet.run,
        "packs": packs.run}
    return runners[item]


def rerender(output: Path) -> int:
    """Rebuild the sections that know how to from their stored data, then BENCHMARKS.md."""
    from . import fleet, latency, memory, throughput

    stored = load_results()
    fresh = []
    if "latency" in stored:
        old = stored["latency"]
        fresh.append(latency.build(old.data, old.quick, old.machine))
    if "memory" in stored:
        old = stored["memory"]
        fresh.append(memory.build(old.data["rows"], old.quick, old.machine))
    if "fleet" in stored:
        old = stored["fleet"]
        fresh.append(fleet.build(old.data, old.quick, old.machine))
    if "throughput" in stored:
        old = stored["throughput"]
        fresh.append(throughput.build(old.data["results"], old.quick, old.machine))
    save(fresh, output=output)
    log.info("rebuilt %s from %s", output, RESULTS)
    return 0


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmarks of STS Snapshots against the real server (see BENCHMARKS.md).")
    parser.add_argument("items", nargs="*", choices=[*ORDER, "all"], default="all",
                        help="what to run (default: all): " + ", ".join(ORDER))
    parser.add_argument("--quick", action="store_true",
                        help="a short smoke run with small sizes; prints the tables but does not write BENCHMARKS.md")
    parser.add_argument("--write", action="store_true", help="write BENCHMARKS.md even after --quick")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    parser.add_argument("--output", type=Path, default=BENCHMARKS, help="the Markdown file to write")
    parser.add_argument("--rerender", action="store_true",
                        help="rebuild BENCHMARKS.md from bench/results.json with the current text (measures nothing)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folders and server logs")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)
    chosen = [args.items] if isinstance(args.items, str) else args.items
    items = list(ORDER) if "all" in chosen else [i for i in ORDER if i in chosen]
    write = (args.write or not args.quick) and not args.no_write
    if args.rerender:
        return rerender(args.output)
    ws = Workspace(quick=args.quick, keep=args.keep)
    sections: list[Section] = []
    failed: list[str] = []
    try:
        for item in items:
            started = time.perf_counter()
            log.info("== %s%s", item, " (quick)" if args.quick else "")
            try:
                section = _runner(item)(ws, args.quick)
            except Exception:
                log.exception("%s failed", item)
                failed.append(item)
                continue
            sections.append(section)
            print("\n" + section.markdown(), flush=True)
            log.info("== %s done in %.0f s", item, time.perf_counter() - started)
            if write:  # after each item, so a long run that stops later keeps what it measured
                save([section], output=args.output,
                     results=RESULTS if args.output == BENCHMARKS else args.output.with_suffix(".json"))
    finally:
        ws.close()
    if write and sections:
        log.info("wrote %s", args.output)
    if failed:
        log.error("failed: %s", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
