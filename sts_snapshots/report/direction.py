"""Bidirectional text: embedding levels of a line (UAX #9) and the visual order of its runs (rule L2).

python-bidi 0.6 wraps the Rust ``unicode-bidi`` crate; its only way to expose the resolved levels is
``get_display(text, debug=True)``, which returns the crate's ``BidiInfo`` debug text with one ``Level(n)`` per
UTF-8 byte. We read the levels from there (and check their count), never the reordered display string: shaping
needs the logical text of each run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from bidi import get_display

from sts_snapshots.report.composed import Composed

# Bidi classes that can make any level odd: without them a line is all level 0 (the fast, common case).
_RTL_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI", "FSI", "LRE", "LRO", "LRI", "PDF", "PDI"})
_LEVEL = re.compile(r"Level\(\s*(\d+)")


def needs_bidi(text: str) -> bool:
    """True if ``text`` has a character that can change the direction of a run."""
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)


def base_level(text: str) -> int:
    """Paragraph level by rules P2/P3: 1 if the first strong character is right-to-left, else 0.

    >>> base_level("  שלום world"), base_level("2024 Ltd")
    (1, 0)
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return 1
        if kind == "L":
            return 0
    return 0


@lru_cache(maxsize=2048)
def embedding_levels(text: str, paragraph: int | None = None) -> tuple[int, ...]:
    """Resolved embedding level of each character of the single line ``text`` (rules up to L1).

    The paragraph level is ``paragraph`` (0 or 1) when given, else that of the first strong character (P2/P3).

    >>> embedding_levels("ab שלום 12")
    (0, 0, 0, 1, 1, 1, 1, 1, 2, 2)
    """
    if not needs_bidi(text):
        return (0,) * len(text)
    base_dir = None if paragraph is None else ("R" if paragraph else "L")
    info = str(get_display(text, base_dir=base_dir, debug=True))
    block = info.split("levels: [", 1)[1].split("]", 1)[0]
    per_byte = [int(level) for level in _LEVEL.findall(block)]
    levels: list[int] = []
    offset = 0
    for char in text:
        levels.append(per_byte[offset])
        offset += len(char.encode("utf-8"))
    if offset != len(per_byte):
        raise RuntimeError("python-bidi returned levels that do not match the text")
    # L1: trailing whitespace and isolate controls take the paragraph level
    if paragraph is None:
        paragraph = base_level(text)
    index = len(text)
    while index and unicodedata.bidirectional(text[index - 1]) in ("WS", "BN", "LRI", "RLI", "FSI", "PDI"):
        index -= 1
        levels[index] = paragraph
    return tuple(levels)


def composed_levels(line: Composed) -> tuple[int, ...]:
    """Levels of each character of a composed line's plain text: a left-to-right paragraph (level 0) in which
    each value is an isolate (X5a–X5c, X6a) taking the direction of its own first strong character.

    python-bidi (the ``unicode-bidi`` crate) resolves LRI/RLI…PDI itself; the controls are written only into the
    string it is given and their levels are dropped here, so the levels match the text that is shaped and drawn.
    A line that is one value and nothing else keeps the paragraph direction of that value.

    >>> from sts_snapshots.report.composed import Value
    >>> composed_levels(Composed.of(Value("שלום"), " · IMO 12"))
    (1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    """
    if line.whole_value or not line.isolates:
        return embedding_levels(line.text, None if line.whole_value else 0)
    levels = embedding_levels(line.marked(), 0)
    # the k-th isolate's opening control is at start + 2k of the marked text, its PDI at end + 2k + 1
    controls = {at for k, iso in enumerate(line.isolates) for at in (iso.start + 2 * k, iso.end + 2 * k + 1)}
    return tuple(level for at, level in enumerate(levels) if at not in controls)


def level_runs(levels: Sequence[int]) -> list[tuple[int, int, int]]:
    """Maximal runs of equal level as (start, end, level).

    >>> level_runs([0, 0, 1, 1, 0])
    [(0, 2, 0), (2, 4, 1), (4, 5, 0)]
    """
    runs: list[tuple[int, int, int]] = []
    start = 0
    for index in range(1, len(levels) + 1):
        if index == len(levels) or levels[index] != levels[start]:
            runs.append((start, index, levels[start]))
            start = index
    return runs


def visual_order(levels: Sequence[int]) -> list[int]:
    """Indices of items of the given levels in visual order (rule L2: reverse from the highest level down).

    >>> visual_order([0, 1, 1, 2, 0])
    [0, 3, 2, 1, 4]
    """
    order = list(range(len(levels)))
    if not levels:
        return order
    lowest_odd = min(level for level in levels) | 1
    for level in range(max(levels), lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] >= level:
                end = index
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return order
