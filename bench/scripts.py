"""Item ``scripts``: what printing every script costs, and what signing costs (issues 14 and 15).

In-process, on the demo room's own report model: once as it is (Latin, Greek, Cyrillic names), once with its
parties, companies and vessels renamed in Japanese, Chinese, Korean, Arabic, Hebrew and Thai (same structure,
same lengths of lists). Each is rendered through the render worker's own function (``build_pdf``: inspect,
body, cover, assembly, signature, atomic write) with no body (a cache miss) and with the body given (a hit),
median of several runs after a warm-up, fonts and signer loaded first as a worker has them.
"""

from __future__ import annotations

import copy
import hashlib
import time
from typing import Any

from .inprocess import fonts_dir, model_and_facts, warm_up
from .machine import describe_machine
from .report import Section, Target, table
from .setup_data import open_app
from .stats import median
from .workspace import Workspace

NAMES = [
    ("山田太郎", "株式会社オーシャン海運"), ("محمد العلي", "شركة الخليج للشحن 2024 Ltd"), ("김민준", "현대상선"),
    ("王伟", "中远海运集团"), ("陳大文", "長榮海運"), ("דוד כהן", "צים שירותי ספנות"), ("สมชาย ใจดี", "บริษัท ไทยเดินเรือ"),
]
VESSELS = ["山田丸", "ناقلة الخليج", "현대 드림", "中远之星"]


def renamed(model: Any) -> dict[str, Any]:
    """``model`` with every party, company and vessel named in CJK, Arabic, Hebrew or Thai."""
    out = copy.deepcopy(model)
    for i, party in enumerate(out["parties"]):
        party["name"], party["company"] = NAMES[i % len(NAMES)]
    for i, vessel in enumerate(out["vessels"]):
        vessel["name"] = VESSELS[i % len(VESSELS)]
    out["content_key"] = hashlib.sha256(repr(out).encode()).hexdigest()
    return out


def _times(job: dict[str, Any], reps: int, cold: bool = False) -> tuple[float, dict[str, Any]]:
    from sts_snapshots.report.pdffonts import _program
    from sts_snapshots.snapshots.worker import build_pdf

    times, out = [], {}
    for _ in range(reps):
        if cold:  # as the first snapshot of a room in a fresh worker: no font subset kept from earlier renders
            _program.cache_clear()
        started = time.perf_counter()
        out = dict(build_pdf(job))  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    return median(times), out


def measure(ws: Workspace, reps: int) -> dict[str, dict[str, float]]:
    from sts_snapshots.signing import load_signer, sign_pdf

    data = ws.fresh()
    sts = open_app(data)
    warm_up()
    results: dict[str, dict[str, float]] = {}
    try:
        latin, facts = model_and_facts(sts, ws.rooms["demo"], False)
        signer = sts.pipeline.signer
        assert signer is not None
        load_signer(signer)
        for label, model in (("Latin (demo room)", latin), ("CJK, Arabic, Hebrew, Thai names", renamed(latin))):
            job: dict[str, Any] = {"model": model, "facts": facts, "body": None, "fonts_dir": str(fonts_dir()),
                                   "output": str(data / "bench-scripts.pdf"), "appendix": [], "signer": signer}
            _times(job, 1)  # warm-up: the faces this model needs are parsed once per process
            cold, _ = _times(job, reps, cold=True)
            miss, out = _times(job, reps)
            body = out["body"]
            hit, hit_out = _times({**job, "body": body}, reps)
            results[label] = {"miss": miss, "cold": cold, "hit": hit, "size": hit_out["size"],
                              "pages": hit_out["pages"], "body_size": len(body)}
        _times({"model": latin, "facts": facts, "body": None, "fonts_dir": str(fonts_dir()),
                "output": str(data / "bench-unsigned.pdf"), "appendix": [], "signer": None}, 1)
        pdf = (data / "bench-unsigned.pdf").read_bytes()
        loaded = load_signer(signer)
        sign_times = []
        for _ in range(max(reps, 10)):
            started = time.perf_counter()
            sign_pdf(pdf, loaded)
            sign_times.append(time.perf_counter() - started)
        results["signing"] = {"median": median(sign_times), "best": min(sign_times), "size": len(pdf)}
    finally:
        sts.stores.close()
    return results


def run(ws: Workspace, quick: bool = False) -> Section:
    reps = 3 if quick else 7
    r = measure(ws, reps)
    latin, other, sign = r["Latin (demo room)"], r["CJK, Arabic, Hebrew, Thai names"], r["signing"]
    rows = [[label, f"{v['pages']:.0f}", f"{v['size'] / 1024:.0f} KB", f"{v['cold'] * 1000:.0f} ms",
             f"{v['miss'] * 1000:.0f} ms", f"{v['hit'] * 1000:.0f} ms"] for label, v in r.items() if label != "signing"]
    ratio = other["miss"] / latin["miss"]
    cold_ratio = other["cold"] / latin["cold"]
    extra_hit = (other["hit"] - latin["hit"]) * 1000
    body = (
        "The render worker's own function (`build_pdf`) on the demo room's report model, in this process: *miss* "
        "renders the body too, *hit* is given the cached body (cover, assembly, signature, atomic write remain). "
        f"Median of {reps} after a warm-up. The second model is the same room with its parties, companies and "
        "vessels renamed in Japanese, Chinese, Korean, Arabic, Hebrew and Thai: every face of the fallback chain "
        "is shaped, subset and embedded. A worker keeps the font subsets it made (per face and glyph set): *miss, "
        "cold* is the first render of a room in a fresh worker (none kept), *miss* a later one whose names are "
        "unchanged (a note or a status changed), the usual case.\n\n"
        + table(["Names", "Pages", "PDF", "Miss, cold", "Miss", "Hit"], rows)
        + f"\n\nSigning alone (pyHanko, PAdES B-B, EC P-256, `bytes_reserved` set so it signs once) of the "
        f"{sign['size'] / 1024:.0f} KB file: median {sign['median'] * 1000:.1f} ms, best {sign['best'] * 1000:.1f} ms."
        " The signer is parsed once per worker process (~5 ms); importing pyHanko costs 0.6–1.0 s once per worker.")
    targets = [
        Target("a room with CJK and Arabic names: miss ≤ 1.3× the Latin miss", f"×{ratio:.2f} "
               f"({latin['miss'] * 1000:.0f} → {other['miss'] * 1000:.0f} ms)", "met" if ratio <= 1.3 else "**missed**",
               f"first render in a fresh worker ×{cold_ratio:.2f} ({latin['cold'] * 1000:.0f} → "
               f"{other['cold'] * 1000:.0f} ms): each extra face is one more HarfBuzz subset per PDF part"),
        Target("… its cache hit ≤ 30 ms more than a Latin hit", f"+{extra_hit:.0f} ms", "met" if extra_hit <= 30
               else "**missed**"),
        Target("signing a snapshot ≤ 20 ms", f"median {sign['median'] * 1000:.1f} ms (best {sign['best'] * 1000:.1f})",
               "met" if sign["median"] <= 0.020 else "**missed**",
               "" if sign["median"] <= 0.020 else "asn1crypto building the CMS structure, on a slow shared VM"),
    ]
    return Section("scripts", "7. Every script, and the signature: render and signing cost", body, describe_machine(),
                   targets, quick, {"results": r})
