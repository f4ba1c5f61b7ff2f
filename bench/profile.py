"""``python -m bench.profile OUT [IN_FLIGHT] [COUNT]``: where the server's time goes under item 1's load.

Starts a server as ``bench latency`` does (ten real renders of the 200-document room in progress), then records it
with py-spy (``pip install py-spy``; not a dependency of the project) while COUNT creates on the demo room and as
many task GETs run with IN_FLIGHT in flight. OUT gets py-spy's raw (collapsed) stacks, one line per stack and
thread; an OUT whose name contains ``gil`` samples only the thread holding the GIL (CPU), any other every thread
(wall time, waits included). Prints the client-side p50 / p99 of both and the most frequent frames.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from . import latency
from .client import Api
from .generation import timed_generation
from .stats import summary
from .workspace import Workspace

log = logging.getLogger("bench")


def top_frames(raw: Path, count: int = 40) -> list[tuple[int, str]]:
    """The frames of py-spy's raw output by the samples they appear in (each frame once per stack)."""
    seen: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        for frame in set(stack.split(";")[1:]):
            seen[frame] += int(samples)
    return [(n, frame) for frame, n in seen.most_common(count)]


async def _record(ws: Workspace, out: Path, in_flight: int, count: int, spy: str) -> None:
    with ws.server(latency.OPTIONS) as server:
        async with Api(server.base_url) as api:
            demo = ws.rooms["demo"]
            await timed_generation(api, demo, False, None)
            background = await latency._background(api, ws.rooms["docs200"])
            mode = ["--gil"] if "gil" in out.name else ["--idle"]
            recorder = subprocess.Popen([spy, "record", "-p", str(server.pid), "-o", str(out), "-f", "raw", "-r", "100",
                                         "--threads", "--nonblocking", *mode],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                await asyncio.sleep(1)  # py-spy attaching
                creates, gets = await latency.load_round(api, demo, background, count, in_flight)
            finally:
                recorder.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
                recorder.wait(60)
    for name, values in (("create", creates), ("task GET", gets)):
        s = summary(values)
        print(f"{name}: p50 {s['p50'] * 1000:.1f} ms, p99 {s['p99'] * 1000:.1f} ms ({in_flight} in flight)")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    log.setLevel(logging.INFO)
    if not argv:
        print(__doc__)
        return 2
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy is not installed: pip install py-spy")
        return 2
    out = Path(argv[0])
    in_flight, count = (int(argv[1]) if len(argv) > 1 else 10), (int(argv[2]) if len(argv) > 2 else 300)
    ws = Workspace()
    try:
        asyncio.run(_record(ws, out, in_flight, count, spy))
    finally:
        ws.close()
    for samples, frame in top_frames(out):
        print(f"{samples:7d}  {frame}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
