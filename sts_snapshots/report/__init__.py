"""PDF snapshot report: cover, cacheable body and final assembly.

``render_body(model)`` depends only on the model and can be cached by its content key; ``draw_cover`` (the cover
page, which ``assemble`` paints first) and ``assemble`` are per snapshot; ``render_cover`` is the cover alone, as a
PDF. :func:`unprintable_characters` lists the characters of a model's strings that no face of the report draws
(they print as a box). Call :func:`disable_borb_telemetry` once at start-up (the render functions also call it)
and :func:`clear_borb_caches` whenever memory matters (the body's render clears them when done).

The format of what they take is :mod:`sts_snapshots.domain.report_model`: a ``ReportModel`` (body and cover),
the snapshot's ``SnapshotFacts`` (cover, page stamps, metadata) and its ``AppendixItem`` files (assembly).
"""

from sts_snapshots.report.assemble import assemble
from sts_snapshots.report.body import render_body
from sts_snapshots.report.borb_setup import clear_borb_caches, disable_borb_telemetry
from sts_snapshots.report.cover import draw_cover, render_cover
from sts_snapshots.report.fonts import default_fonts_dir, unprintable_characters

__all__ = [
    "assemble",
    "clear_borb_caches",
    "default_fonts_dir",
    "disable_borb_telemetry",
    "draw_cover",
    "render_body",
    "render_cover",
    "unprintable_characters",
]
