"""Included documents read defensively: limits checked before any page is copied, active content stripped.

An uploaded file is untrusted. A 4 KB PDF whose page tree names one page 99,003 times would flatten into
99,003 pages, so the page tree is walked first, with a bound, and a file over a limit is left out with its
reason (:class:`Prepared`) instead of failing the snapshot. What is copied is cleaned: no JavaScript, no
automatic actions, no launch/submit/import actions, only the page keys a viewer needs.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from sts_snapshots.domain.report_model import AppendixItem, IncludedFile, ReportModel
from sts_snapshots.report.images import image_page

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one included file may cost (settings ``include_max_*``)."""

    pages: int = 200
    total_pages: int = 1000
    bytes: int = 50 * MB
    seconds: float = 10.0

    @classmethod
    def of(cls, file: IncludedFile) -> Limits:
        return cls(file["limit_pages"], file["limit_total_pages"], file["limit_bytes"], file["limit_seconds"])


@dataclass(frozen=True)
class Prepared:
    """One appendix file after inspection: clean pages to append and/or bytes to attach, or why it is left out.

    ``volatile`` says the outcome depends on this run (the clock, the disk), not only on the file's bytes and
    the limits: a body listing it must not be cached.
    """

    item: AppendixItem
    pdf: bytes | None = None
    pages: int = 0
    attach: bytes | None = None
    reason: str | None = None
    volatile: bool = False


class NotIncluded(Exception):
    """The file is left out; the message is the reason the index prints."""

    def __init__(self, reason: str, volatile: bool = False) -> None:
        super().__init__(reason)
        self.volatile = volatile


PAGE_KEYS = {"/Type", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate",
             "/Contents", "/Group", "/UserUnit"}
ANNOT_KEYS = {"/Type", "/Subtype", "/Rect", "/Contents", "/NM", "/M", "/F", "/AP", "/AS", "/Border", "/C", "/BS",
              "/QuadPoints", "/InkList", "/Vertices", "/L", "/LE", "/IC", "/CA", "/DA", "/Q", "/RD", "/Subj",
              "/CreationDate", "/BE", "/MK"}
DROPPED_ANNOTS = {"/Screen", "/Movie", "/Sound", "/RichMedia", "/3D", "/FileAttachment", "/Popup"}
ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles", "/AcroForm", "/XFA"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/Rendition", "/Movie",
                  "/Sound", "/GoToR", "/GoToE", "/Hide", "/SetOCGState", "/Trans", "/GoTo3DView", "/RichMediaExecute"}


class _Clock:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise NotIncluded(f"reading it took longer than {self.seconds:g} s", volatile=True)


def _count_pages(reader: PdfReader, limit: int, clock: _Clock) -> int:
    """Leaves of the page tree, walked without flattening; a repeated or cyclic node is damage, not a page."""
    root = reader.trailer["/Root"].get_object()
    if not isinstance(root, DictionaryObject) or "/Pages" not in root:
        raise NotIncluded("damaged: it has no page tree")
    stack: list[PdfObject] = [root["/Pages"]]
    seen: set[int] = set()
    pages = nodes = 0
    while stack:
        ref = stack.pop()
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                raise NotIncluded("damaged: its page tree repeats a page or loops")
            seen.add(ref.idnum)
        node = ref.get_object()
        nodes += 1
        if nodes % 256 == 0:
            clock.check()
        if not isinstance(node, DictionaryObject):
            continue
        kind = node.get("/Type", "/Pages" if "/Kids" in node else "/Page")
        if kind == "/Pages":
            kids = node.get("/Kids")
            kids = kids.get_object() if kids is not None else None
            if isinstance(kids, ArrayObject):
                stack.extend(reversed(kids))
        elif kind == "/Page":
            pages += 1
            if pages > limit:
                raise NotIncluded(f"over the limit of {limit} pages per file")
    return pages


def _clean_annots(page: PageObject) -> None:
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else None
    kept = ArrayObject()
    for raw in annots if isinstance(annots, ArrayObject) else []:
        annot = raw.get_object()
        if not isinstance(annot, DictionaryObject) or annot.get("/Subtype") in DROPPED_ANNOTS:
            continue
        clean = DictionaryObject({NameObject(k): annot[k] for k in ANNOT_KEYS if k in annot})
        action = annot.get("/A")
        action = action.get_object() if action is not None else None
        if isinstance(action, DictionaryObject) and action.get("/S") == "/URI" and "/URI" in action:
            clean[NameObject("/A")] = DictionaryObject(
                {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): action["/URI"].get_object()})
        kept.append(clean)
    if kept:
        page[NameObject("/Annots")] = kept
    elif "/Annots" in page:
        del page["/Annots"]


def _strip_active(writer: PdfWriter) -> None:
    """Remove JavaScript, automatic actions and active action types from everything the writer holds."""
    stack: list[PdfObject] = [obj for obj in writer._objects if obj is not None]
    while stack:
        obj = stack.pop()
        if isinstance(obj, DictionaryObject):  # streams too
            if obj.get("/S") in ACTIVE_ACTIONS:
                obj.clear()
                continue
            for key in ACTIVE_KEYS & set(obj.keys()):
                del obj[key]
            stack.extend(v for v in obj.values() if not isinstance(v, IndirectObject))
        elif isinstance(obj, ArrayObject):
            stack.extend(v for v in obj if not isinstance(v, IndirectObject))


def clean_pdf(data: bytes, limits: Limits, room: int, clock: _Clock) -> tuple[bytes, int]:
    """The pages of an untrusted PDF, checked against the limits and cleaned, as a new PDF.

    :param room: pages still allowed by the total limit.
    :raises NotIncluded: over a limit, encrypted, without pages or too slow.
    """
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise NotIncluded("it is encrypted (password protected)")
    count = _count_pages(reader, limits.pages, clock)
    if count == 0:
        raise NotIncluded("it has no pages")
    if count > room:
        raise NotIncluded(f"over the limit of {limits.total_pages} pages for all included documents")
    writer = PdfWriter()
    pages = reader.pages
    if len(pages) != count:
        raise NotIncluded("damaged: its page tree is inconsistent")
    for page in pages:
        clock.check()
        for key in set(page.keys()) - PAGE_KEYS - {"/Annots"}:
            del page[key]
        _clean_annots(page)
        writer.add_page(page)
    _strip_active(writer)
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    clock.check()
    return out.getvalue(), count


def _prepare_one(item: AppendixItem, limits: Limits, room: int) -> Prepared:
    clock = _Clock(limits.seconds)
    path = Path(item["path"])
    try:
        size = path.stat().st_size
        if size > limits.bytes:
            raise NotIncluded(f"larger than the limit of {limits.bytes / MB:g} MB per file")
        data = path.read_bytes()
    except OSError:
        return Prepared(item, reason="the stored file is missing or cannot be read", volatile=True)
    except NotIncluded as exc:
        return Prepared(item, reason=str(exc))
    try:
        if item["kind"] == "pdf":
            pdf, pages = clean_pdf(data, limits, room, clock)
            return Prepared(item, pdf=pdf, pages=pages)
        if item["kind"] == "image":
            if room < 1:
                raise NotIncluded(f"over the limit of {limits.total_pages} pages for all included documents")
            pdf = image_page(data, clock.check)
            clock.check()
            return Prepared(item, pdf=pdf, pages=1, attach=data)
        return Prepared(item, attach=data)
    except NotIncluded as exc:
        return Prepared(item, reason=str(exc), volatile=exc.volatile)
    except MemoryError:
        return Prepared(item, reason="reading it needs too much memory", volatile=True)
    except Exception as exc:  # whatever a damaged file makes the parser raise
        detail = str(exc).splitlines()[0][:120] if str(exc) else exc.__class__.__name__
        kind = "image" if item["kind"] == "image" else "PDF"
        return Prepared(item, reason=f"unreadable or damaged {kind} ({detail})")


def prepare(items: Sequence[AppendixItem], limits: Sequence[Limits]) -> list[Prepared]:
    """Inspect and clean every appendix file, in order; the total page limit counts the files before."""
    prepared: list[Prepared] = []
    used = 0
    for item, limit in zip(items, limits, strict=True):
        done = _prepare_one(item, limit, max(0, limit.total_pages - used))
        used += done.pages
        prepared.append(done)
    return prepared


def placed(model: ReportModel, prepared: Sequence[Prepared], first_page: int) -> ReportModel:
    """``model`` with each included file's outcome: its page range (appended pages start at ``first_page``,
    1-based, in the whole file) or the reason it is not included."""
    files: list[IncludedFile] = []
    page = first_page
    for file, done in zip(model["included_files"], prepared, strict=True):
        span = (page, page + done.pages - 1) if done.pages else (None, None)
        page += done.pages
        files.append({**file, "first_page": span[0], "last_page": span[1], "not_included": done.reason})
    return {**model, "included_files": files}
