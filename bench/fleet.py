"""Item 10: the embedded store at fleet size. A review, an upload and a snapshot create in a one-room folder against
the same in a folder of 1,000 rooms × 35 documents, 20,000 snapshots and 200,000 activity entries (made by
:mod:`.fleet_data` through the stores); start-up to ``/api/v1/health`` and the server's memory in each.

Both servers run at once and the operations alternate between them (the same operation on the same demo room,
one folder then the other), so that the load of the machine falls on both alike.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from sts_snapshots.demo.files import simple_pdf

from .client import Api
from .fleet_data import FleetSize, generate, seed
from .machine import describe_machine
from .procs import rss_kb
from .report import Section, Target, table
from .server import Server
from .stats import median, ms, pct, secs
from .workspace import Workspace

log = logging.getLogger("bench")
OPERATIONS = ("review", "upload", "create")
RATIO, START_S, RSS_MB = 1.5, 5.0, 300


async def _operation(api: Api, what: str, room_id: str, doc_id: str, pdf: bytes) -> float:
    started = time.perf_counter()
    if what == "review":
        await api.touch(room_id, doc_id)
    elif what == "upload":
        response = await api.http.put(f"/rooms/{room_id}/documents/{doc_id}/file",
                                      files={"file": ("bench.pdf", pdf, "application/pdf")})
        response.raise_for_status()
    else:
        snapshot = await api.create(room_id)
        elapsed = time.perf_counter() - started
        await api.wait(snapshot["task_id"], poll=0.05)  # not timed: the next operation meets a quiet server
        return elapsed
    return time.perf_counter() - started


async def _measure(servers: dict[str, Server], rooms: dict[str, str], rounds: int) -> dict[str, Any]:
    pdf = simple_pdf("Bench upload", ["An upload of the fleet benchmark."])
    apis = {name: await Api(server.base_url).__aenter__() for name, server in servers.items()}
    try:
        docs = {name: (await api.documents(rooms[name]))[0]["id"] for name, api in apis.items()}
        times: dict[str, dict[str, list[float]]] = {name: {op: [] for op in OPERATIONS} for name in servers}
        for what in OPERATIONS:
            for _ in range(2):  # warm-up, not counted
                for name, api in apis.items():
                    await _operation(api, what, rooms[name], docs[name], pdf)
            for _ in range(rounds):
                for name, api in apis.items():
                    times[name][what].append(await _operation(api, what, rooms[name], docs[name], pdf))
        listing = {}
        for name, api in apis.items():
            started = time.perf_counter()
            listed = len(await api._json("GET", "/rooms"))
            listing[name] = {"rooms": listed, "s": time.perf_counter() - started}
        rss = {name: (rss_kb(server.pid) or 0) / 1024 for name, server in servers.items()}
    finally:
        for api in apis.values():
            await api.__aexit__()
    return {"times": times, "listing": listing, "rss_mb": rss}


def run(ws: Workspace, quick: bool) -> Section:
    size = FleetSize(rooms=100, snapshots=2_000, activity=20_000) if quick else FleetSize()
    rounds = 8 if quick else 25
    one, fleet = ws.root / "fleet-one", ws.root / "fleet-many"
    rooms = {"one": seed(one)}
    started = time.perf_counter()
    rooms["fleet"] = generate(fleet, size)[0]
    made_s = time.perf_counter() - started
    servers = {"one": Server(one), "fleet": Server(fleet)}
    start_s = {}
    try:
        for name, server in servers.items():
            started = time.perf_counter()
            server.start()
            start_s[name] = time.perf_counter() - started
        data = asyncio.run(_measure(servers, rooms, rounds))
    finally:
        for server in servers.values():
            server.stop()
    data |= {"start_s": start_s, "size": vars(size), "made_s": made_s, "rounds": rounds}
    return build(data, quick, describe_machine())


def build(data: dict[str, Any], quick: bool, machine: dict[str, str]) -> Section:
    times, size = data["times"], data["size"]
    rows, targets = [], []
    for what in OPERATIONS:
        one, many = median(times["one"][what]), median(times["fleet"][what])
        ratio = many / one if one else float("inf")
        rows.append([what, ms(one), ms(pct(times["one"][what], 90)), ms(many), ms(pct(times["fleet"][what], 90)),
                     f"×{ratio:.2f}", f"≤ ×{RATIO}"])
        targets.append(Target(f"{what}: {size['rooms']:,}-room folder vs one room (median)", f"×{ratio:.2f}",
                              "met" if ratio <= RATIO else "**missed**", f"{ms(one)} vs {ms(many)}"))
    start, rss = data["start_s"], data["rss_mb"]
    targets.append(Target(f"start-up to /api/v1/health, {size['rooms']:,} rooms", secs(start["fleet"]),
                          "met" if start["fleet"] <= START_S else "**missed**", f"one room: {secs(start['one'])}"))
    targets.append(Target(f"server memory, {size['rooms']:,} rooms", f"{rss['fleet']:.0f} MB",
                          "met" if rss["fleet"] <= RSS_MB else "**missed**",
                          f"RSS after the operations and a list of every room; one room: {rss['one']:.0f} MB"))
    listing = data["listing"]
    body = (
        f"A one-room data folder (the demo seed) against a folder of {size['rooms']:,} rooms × 35 documents, "
        f"{size['snapshots']:,} snapshot records (with their PDFs) and {size['activity']:,} activity entries, "
        f"generated through the stores by `bench/fleet_data.py` in {data['made_s']:.0f} s. Both servers run at "
        f"once; each operation alternates between them on the same demo room, {data['rounds']} times after 2 "
        "warm-ups. *review* = `PATCH` a document's notes; *upload* = `PUT` a 1-page PDF as a new version; *create* "
        "= `POST` a snapshot (the request only: its generation is waited for, untimed, before the next one). Each "
        "room's records live in their own files (`db/rooms/<room>.json`, `db/activity/`, `db/snapshots/`, "
        "`db/checklists/`), so a write rewrites one room's file whatever the number of rooms.\n\n"
        + table(["Operation", "1 room: p50", "p90", f"{size['rooms']:,} rooms: p50", "p90", "Ratio (p50)", "Target"],
                rows)
        + "\n\n"
        + table(["", "1 room", f"{size['rooms']:,} rooms", "Target"],
                [["start-up to /api/v1/health", secs(start["one"]), secs(start["fleet"]), f"≤ {START_S:.0f} s"],
                 ["server RSS", f"{rss['one']:.0f} MB", f"{rss['fleet']:.0f} MB", f"≤ {RSS_MB} MB"],
                 ["GET /rooms (every room, informational)", f"{ms(listing['one']['s'])} ({listing['one']['rooms']})",
                  f"{ms(listing['fleet']['s'])} ({listing['fleet']['rooms']})", "—"]])
        + "\n\nStart-up is polled every 0.2 s. The listing reads every room's file (and its readiness): it grows "
        "with the rooms by nature; only the 128 most recently used files of each store keep their parsed content, "
        "which bounds the memory.")
    return Section("fleet", "10. Fleet: the embedded store at 1,000 rooms", body, machine, targets, quick, data)

