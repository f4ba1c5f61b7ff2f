"""Where a paragraph may break: at spaces, then inside an over-long word at grapheme-cluster boundaries.

An e-mail address breaks only after ``@`` or ``.`` (unless one of its parts alone is wider than the line). Widths
come from the paragraph shaped once (each character carries its cluster's advance); every line chosen is checked
against its own shaped width, which is what gets painted.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import regex

_GRAPHEME = regex.compile(r"\X")
_EMAIL = regex.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def grapheme_breaks(word: str) -> list[int]:
    """Offsets inside ``word`` between grapheme clusters (never between a base and its marks).

    >>> grapheme_breaks("ab"), grapheme_breaks("e\\u0301x"), grapheme_breaks("กี่")
    ([1], [2], [])
    """
    ends = [match.end() for match in _GRAPHEME.finditer(word)]
    return ends[:-1]


def word_breaks(word: str) -> list[int]:
    """Preferred break offsets inside a word too long for a line: after ``@``/``.`` in an e-mail address.

    >>> word_breaks("ivan.petrov@mueller-sts.example")
    [5, 12, 24]
    """
    if _EMAIL.match(word):
        return [i + 1 for i, char in enumerate(word[:-1]) if char in "@."]
    return grapheme_breaks(word)


def _fill(
    breaks: list[int], start: int, end: int, fits: Callable[[int, int], bool]
) -> tuple[int, ...] | None:
    """Cut [start, end) at the given offsets into the fewest pieces that fit, greedily; None if one cannot."""
    cuts = [start]
    candidates = [b for b in breaks if start < b < end] + [end]
    index = 0
    while cuts[-1] < end:
        best = None
        while index < len(candidates) and fits(cuts[-1], candidates[index]):
            best = candidates[index]
            index += 1
        if best is None:
            return None
        cuts.append(best)
    return tuple(cuts)


def split_word(word: str, start: int, fits: Callable[[int, int], bool]) -> list[int]:
    """Cut offsets (absolute, after ``start``) that break an over-long word into pieces that fit.

    Preferred breaks first; a piece that still does not fit is cut at grapheme boundaries; a single grapheme
    wider than the line stays whole (nothing is dropped).
    """
    end = start + len(word)
    preferred = [start + b for b in word_breaks(word)]
    cuts = _fill(preferred, start, end, fits)
    if cuts is None:  # a part between preferred breaks is itself too wide: it alone breaks between graphemes
        bounds = [start, *preferred, end]
        extra = [
            a + b
            for a, z in itertools.pairwise(bounds)
            if not fits(a, z)
            for b in grapheme_breaks(word[a - start : z - start])
        ]
        cuts = _fill(sorted({*preferred, *extra}), start, end, fits)
    if cuts is None:  # a grapheme wider than the line: give each grapheme its own piece if need be
        cuts = (start, *[start + b for b in grapheme_breaks(word)], end)
    return list(cuts[1:-1])
