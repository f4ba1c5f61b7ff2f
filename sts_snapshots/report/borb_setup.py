"""Process-level borb hygiene: no telemetry, bounded memory, reproducible output.

* borb 3.0.9 queues "usage statistics" on every ``PDF.write``/``PDF.read`` and posts them to a remote endpoint
  (when ``requests`` is importable); on the first event from the main thread it also installs its own
  SIGINT/SIGTERM handlers and an atexit hook (``borb/pdf/license/usage_statistics.py``,
  ``UsageStatistics.event``). ``UsageStatistics.opt_out()`` makes ``event`` return before both the handler
  registration and the queueing, so opting out before the first write prevents all of it.
* borb memoizes ``get_size`` & co. with ``functools.cache`` on *methods*: the cache is global and keeps every
  layout element (and its page) alive forever.
* ``Document`` gets a random ``/ID`` and the current time as ``/CreationDate``/``/ModDate``.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import sys
from typing import Any

from borb.pdf import PDF, Document, UsageStatistics
from borb.pdf.primitives import hexstr, name

from sts_snapshots.report.canvas import PageContent
from sts_snapshots.report.faces import Face
from sts_snapshots.report.pdftree import to_borb
from sts_snapshots.report.textops import TextWriter, embed_fonts


def disable_borb_telemetry() -> None:
    """Opt out of borb's usage statistics (network calls, signal handlers, atexit hook). Idempotent."""
    UsageStatistics.opt_out()


def _caches_in(obj: Any, seen: set[int]) -> list[Any]:
    """Return the ``functools`` cache wrappers defined on a class (recursing into nested classes)."""
    found: list[Any] = []
    if id(obj) in seen:
        return found
    seen.add(id(obj))
    for value in vars(obj).values():
        target = getattr(value, "__func__", value)  # staticmethod / classmethod
        if callable(getattr(target, "cache_clear", None)):
            found.append(target)
        elif inspect.isclass(value) and value.__module__ == obj.__module__:
            found += _caches_in(value, seen)
    return found


# The last scan, under the borb modules it covered: a scan walks every class of every borb module (~3 ms), and
# a worker clears after every document, while the modules loaded change only when borb imports one lazily.
_scanned: dict[frozenset[str], list[Any]] = {}


def find_borb_caches() -> list[Any]:
    """Return every ``functools.cache``/``lru_cache`` wrapper defined in the loaded borb modules.

    borb imports many modules lazily: the scan is made again whenever the set of loaded borb modules changed.
    """
    loaded = frozenset(name for name, module in list(sys.modules.items())
                       if module is not None and (name == "borb" or name.startswith("borb.")))
    if loaded not in _scanned:
        _scanned.clear()
        _scanned[loaded] = _scan(loaded)
    return list(_scanned[loaded])


def _scan(module_names: frozenset[str]) -> list[Any]:
    seen: set[int] = set()
    caches: list[Any] = []
    for module_name in sorted(module_names):
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for value in list(vars(module).values()):
            if getattr(value, "__module__", None) != module_name:
                continue  # imported from elsewhere: handled in its own module
            if inspect.isclass(value):
                caches += _caches_in(value, seen)
            elif callable(getattr(value, "cache_clear", None)) and id(value) not in seen:
                seen.add(id(value))
                caches.append(value)
    return caches


def clear_borb_caches() -> None:
    """Empty every borb ``functools`` cache, releasing the layout objects they keep alive."""
    for cache in find_borb_caches():
        cache.cache_clear()


def new_document() -> Document:
    """Return an empty borb Document (telemetry is switched off first)."""
    disable_borb_telemetry()
    return Document()


def _finish_text(doc: Document) -> None:
    """Embed one subset font per face the document's text uses and write every page's final content stream."""
    pages = [doc.get_page(i) for i in range(doc.get_number_of_pages())]
    contents = [(page, page["Contents"]) for page in pages if isinstance(page.get("Contents"), PageContent)]
    fonts = embed_fonts(piece for _, content in contents for piece in content.pieces())
    names = {face: f"F{number}" for number, face in enumerate(fonts, start=1)}
    memo: dict[int, Any] = {}
    borb_fonts = {face: to_borb(font.tree, memo) for face, font in fonts.items()}
    writer = TextWriter(fonts, names)
    # pages drawing with the same faces share one /Font dictionary: borb's writer slows down with every object
    font_dicts: dict[tuple[Face, ...], dict[name, Any]] = {}
    for page, content in contents:
        faces = tuple(content.faces())
        if faces not in font_dicts:
            font_dicts[faces] = {name(names[face]): borb_fonts[face] for face in faces}
        page.setdefault(name("Resources"), {})[name("Font")] = font_dicts[faces]
        content.serialize(writer)


def write_document(doc: Document, seed: str) -> bytes:
    """Serialise ``doc`` reproducibly: ``/ID`` derived from ``seed``, no creation/modification timestamps.

    Every page's text is serialised here, with fonts subset to exactly the glyphs the document uses.
    """
    trailer = doc["Trailer"]
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32].upper()
    trailer[name("ID")] = [hexstr(digest), hexstr(digest)]
    info = trailer.get("Info", {})
    info.pop("CreationDate", None)
    info.pop("ModDate", None)
    disable_borb_telemetry()
    _finish_text(doc)
    out = io.BytesIO()
    PDF.write(what=doc, where_to=out)
    return out.getvalue()
