"""Which face draws which character: the scripts that have their own Noto face, and the "common" characters.

Arabic, Hebrew, Thai, Devanagari and CJK text goes to its Noto face even where DejaVu Sans has a glyph (DejaVu's
Arabic and Hebrew have no proper joining or marks, and a name reads best in one design). Spaces, digits,
punctuation, joiners and combining marks are *common*: they stay with the run around them.
"""

from __future__ import annotations

import bisect
import unicodedata

# (first, last, script) sorted by first code point.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0870, 0x08FF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1100, 0x11FF, "cjk"),  # Hangul Jamo
    (0x1CD0, 0x1CFF, "devanagari"),  # Vedic extensions
    (0x2E80, 0x2FDF, "cjk"),  # radicals
    (0x2FF0, 0x303F, "cjk"),  # ideographic description, CJK symbols and punctuation
    (0x3040, 0x30FF, "cjk"),  # kana
    (0x3100, 0x31FF, "cjk"),  # bopomofo, Hangul compatibility jamo, kanbun, strokes, katakana extensions
    (0x3200, 0x9FFF, "cjk"),  # enclosed CJK, compatibility, extension A, unified ideographs
    (0xA8E0, 0xA8FF, "devanagari"),
    (0xA960, 0xA97F, "cjk"),  # Hangul Jamo extended-A
    (0xAC00, 0xD7FF, "cjk"),  # Hangul syllables, Jamo extended-B
    (0xF900, 0xFAFF, "cjk"),  # compatibility ideographs
    (0xFB1D, 0xFB4F, "hebrew"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE30, 0xFE4F, "cjk"),  # CJK compatibility forms
    (0xFE70, 0xFEFF, "arabic"),  # presentation forms-B (U+FEFF itself is a common format character)
    (0xFF00, 0xFFEF, "cjk"),  # halfwidth and fullwidth forms
    (0x20000, 0x3FFFF, "cjk"),  # ideographic planes
)
_STARTS = [first for first, _, _ in _RANGES]
# Categories that follow their neighbours: separators, punctuation, digits, format characters and marks.
_COMMON = frozenset({"Zs", "Zl", "Zp", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Nd", "Cf", "Cc", "Mn", "Mc", "Me"})


def script_of(char: str) -> str | None:
    """The script with its own face that ``char`` belongs to, or None.

    >>> script_of("山"), script_of("ش"), script_of("a"), script_of("、")
    ('cjk', 'arabic', None, 'cjk')
    """
    code = ord(char)
    if code == 0xFEFF:
        return None
    index = bisect.bisect_right(_STARTS, code) - 1
    if index >= 0 and code <= _RANGES[index][1]:
        return _RANGES[index][2]
    return None


def is_common(char: str) -> bool:
    """True for characters without a script of their own (spaces, ASCII digits, punctuation, marks, joiners).

    >>> is_common(" "), is_common("7"), is_common("\\u200c"), is_common("A"), is_common("€")
    (True, True, True, False, False)
    """
    return unicodedata.category(char) in _COMMON


def is_invisible(char: str) -> bool:
    """True for characters that draw nothing by design (controls, format characters, variation selectors).

    >>> is_invisible("\\u200d"), is_invisible("\\ufe0f"), is_invisible("x")
    (True, True, False)
    """
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or char.isspace()
    )
