"""Where the stamps of an appended page go, and what they say.

A foreign page keeps its content untouched: it is turned upright (its ``/Rotate`` moved into the content), clipped
to what it showed, and given a blank strip below (and, for a document that is not approved, above) its visible
box, where the stamps are painted. So a stamp never covers the document, whatever its size or offsets.
"""

from __future__ import annotations

from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

from sts_snapshots.domain.labels import status_label
from sts_snapshots.domain.report_model import AppendixItem
from sts_snapshots.report.composed import Composed, Value
from sts_snapshots.report.overlay import OverlayText, text_width

STAMP_SIZE = 7.5
BANNER_SIZE = 9.0
BOTTOM_STRIP = 30.0
TOP_STRIP = 22.0
RED = (0.70, 0.15, 0.12)
INK = (0.12, 0.16, 0.20)


def not_approved(status: str) -> bool:
    return status != "approved"


def banner(status: str) -> str:
    """The line every page of a document that is not approved carries.

    >>> banner("rejected")
    'REJECTED — not accepted as evidence'
    """
    return f"{status_label(status).upper()} — not accepted as evidence"


def unique_name(name: str, used: set[str]) -> str:
    """``name``, or ``name (2)``... when taken; the attachment name tree needs unique keys.

    >>> used = set(); unique_name("a.png", used), unique_name("a.png", used)
    ('a.png', 'a (2).png')
    """
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{stem} ({n}).{ext}" if dot else f"{ext} ({n})"
        n += 1
    used.add(candidate)
    return candidate


Fit = str | Composed  # pieces of a stamp's text that :func:`_fit` may cut


def _fit(text: Fit, size: float, width: float, bold: bool = False) -> Fit:
    """``text`` as it is when it fits in ``width``, else cut to fit with "…" (a composed line keeps its isolates)."""
    if text_width(text, size, bold) <= width:
        return text
    end = len(text.text) if isinstance(text, Composed) else len(text)

    def cut(n: int) -> Fit:
        return Composed.of(text.slice(0, n), "…") if isinstance(text, Composed) else text[:n] + "…"

    while end and text_width(cut(end), size, bold) > width:
        end -= 1
    return cut(end)


def frame_page(writer: PdfWriter, page: PageObject, top_strip: bool) -> RectangleObject:
    """Make ``page`` upright, clip it to its visible box and add the stamp strips; return the old visible box."""
    if page.rotation % 360:
        page.transfer_rotation_to_content()
        if "/Annots" in page:  # their rectangles are in the unrotated space
            del page["/Annots"]
    media, crop = page.mediabox, page.cropbox
    left, bottom = max(media.left, crop.left), max(media.bottom, crop.bottom)
    right, top = min(media.right, crop.right), min(media.top, crop.top)
    if right <= left or top <= bottom:  # a crop box outside the media box: show the media box
        left, bottom, right, top = media.left, media.bottom, media.right, media.top
    visible = RectangleObject((left, bottom, right, top))
    clip, end = DecodedStreamObject(), DecodedStreamObject()
    clip.set_data(f"q {float(left):.3f} {float(bottom):.3f} {float(right - left):.3f} {float(top - bottom):.3f} "
                  f"re W n\n".encode("ascii"))
    end.set_data(b"\nQ\n")
    contents = page.get("/Contents")
    existing = [] if contents is None else (
        list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents])
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(clip), *existing, writer._add_object(end)])
    box = RectangleObject((left, float(bottom) - BOTTOM_STRIP, right, float(top) + (TOP_STRIP if top_strip else 0)))
    for name in ("/BleedBox", "/TrimBox", "/ArtBox"):
        if name in page:
            del page[name]
    page.mediabox = box
    page.cropbox = box
    return visible


def _label(item: AppendixItem) -> tuple[str | Value, ...]:
    """The stamp's ``<document> — v<N> — <file name>``, each name a value of its own (the whole label when the
    parts are not given)."""
    if "document" in item and "version" in item:
        return Value(item["document"]), f" — v{item['version']} — ", Value(item["name"])
    return (Value(item["label"]),)


def appended_stamps(box: RectangleObject, stamp: str, item: AppendixItem) -> list[OverlayText]:
    """The stamps of one appended page whose document shows in ``box``: what it is, the page, its status."""
    left, width = float(box.left), float(box.width)
    inner = max(width - 12, 10)
    status = item["status"]
    described = Composed.of(*_label(item), f"  |  {status_label(status)}")
    lines = [
        OverlayText(left + 6, float(box.bottom) - 12, _fit(described, STAMP_SIZE, inner, True), STAMP_SIZE, bold=True,
                    color=RED if not_approved(status) else INK, align="center", width=inner),
        OverlayText(left + 6, float(box.bottom) - 23, _fit(stamp, STAMP_SIZE, inner), STAMP_SIZE, align="center",
                    width=inner),
    ]
    if not_approved(status):
        lines.append(OverlayText(left + 6, float(box.top) + 7, _fit(banner(status), BANNER_SIZE, inner, True),
                                 BANNER_SIZE, bold=True, color=RED, align="center", width=inner))
    return lines
