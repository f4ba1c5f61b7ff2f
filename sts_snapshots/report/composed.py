"""Lines the report composes from its own words and user values: each value is a bidi isolate (UAX #9 X5a–X5c).

``f"{name} · IMO {imo}"`` takes its paragraph direction from the first strong character, so an Arabic name turns
the whole line right to left and its Latin parts change places. A :class:`Composed` line is left to right, and
each :class:`Value` in it keeps the direction of its own first strong character without moving its neighbours.

The isolates are kept as spans of the plain text; :meth:`Composed.marked` writes them as LRI/RLI…PDI only for
python-bidi to resolve the levels (:func:`~.direction.composed_levels`). The controls are never shaped or drawn.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"
# Explicit bidi formatting characters and marks: they steer the levels but are never drawn or extracted.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def strip_controls(text: str) -> str:
    """``text`` without bidi formatting characters and marks.

    >>> strip_controls("\\u2068abc\\u2069\\u200f")
    'abc'
    """
    return "".join(char for char in text if char not in BIDI_CONTROLS)


def first_strong_rtl(text: str) -> bool:
    """True if the first strong character of ``text`` is right to left (rule P2, as FSI resolves it).

    >>> first_strong_rtl("2024 شركة Ltd"), first_strong_rtl("IMO 9512343"), first_strong_rtl("42")
    (True, False, False)
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@dataclass(frozen=True)
class Value:
    """A user value inside a composed line: it is isolated from the words around it."""

    text: str


@dataclass(frozen=True)
class Isolate:
    """The span [start, end) of a composed line's plain text that is one value, and that value's direction."""

    start: int
    end: int
    rtl: bool


@dataclass(frozen=True)
class Composed:
    """A left-to-right line of literal text and isolated values; ``text`` is what it says, with no controls."""

    text: str
    isolates: tuple[Isolate, ...] = ()

    def marked(self) -> str:
        """The text with each isolate between LRI or RLI and PDI: what python-bidi resolves levels from.

        >>> Composed.of(Value("שלום"), " · IMO").marked() == RLI + "שלום" + PDI + " · IMO"
        True
        """
        out: list[str] = []
        at = 0
        for iso in self.isolates:
            out += [self.text[at : iso.start], RLI if iso.rtl else LRI, self.text[iso.start : iso.end], PDI]
            at = iso.end
        out.append(self.text[at:])
        return "".join(out)

    def slice(self, start: int, end: int) -> Composed:
        """The part [start, end) of the plain text; a value cut in two keeps its direction in both parts.

        >>> Composed.of("Name ", Value("ناقلة الخليج")).slice(3, 10).isolates
        (Isolate(start=2, end=7, rtl=True),)
        """
        isolates = tuple(
            Isolate(max(iso.start, start) - start, min(iso.end, end) - start, iso.rtl)
            for iso in self.isolates
            if iso.start < end and iso.end > start
        )
        return Composed(self.text[start:end], isolates)

    def select(self, keep: Sequence[bool]) -> Composed:
        """Only the characters whose ``keep`` is true (one flag per character of the text)."""
        index = [0]
        for flag in keep:
            index.append(index[-1] + (1 if flag else 0))
        text = "".join(char for char, flag in zip(self.text, keep, strict=True) if flag)
        isolates = tuple(
            Isolate(index[iso.start], index[iso.end], iso.rtl)
            for iso in self.isolates
            if index[iso.end] > index[iso.start]
        )
        return Composed(text, isolates)

    def map(self, change: Callable[[str], str]) -> Composed:
        """Apply ``change`` to each literal stretch and each value on its own (NFC, spacing), keeping the spans."""
        return Composed.of(*(Value(change(text)) if iso is not None else change(text) for text, iso in self.segments()))

    def segments(self) -> list[tuple[str, Isolate | None]]:
        """The text cut into literal stretches (None) and values (their isolate), in logical order."""
        out: list[tuple[str, Isolate | None]] = []
        at = 0
        for iso in self.isolates:
            if iso.start > at:
                out.append((self.text[at : iso.start], None))
            out.append((self.text[iso.start : iso.end], iso))
            at = iso.end
        if at < len(self.text):
            out.append((self.text[at:], None))
        return out

    @property
    def whole_value(self) -> bool:
        """True when the line is one value and nothing else: it then takes its own direction as a paragraph."""
        return len(self.isolates) == 1 and self.isolates[0].start == 0 and self.isolates[0].end == len(self.text)

    @classmethod
    def of(cls, *parts: str | Value | Composed) -> Composed:
        """Literal text, values and composed lines one after the other; a value's bidi controls are dropped.

        >>> line = Composed.of(Value("ناقلة الخليج"), " · IMO ", Value("9512343"))
        >>> line.text, [(i.start, i.end, i.rtl) for i in line.isolates]
        ('ناقلة الخليج · IMO 9512343', [(0, 12, True), (19, 26, False)])
        """
        text = ""
        isolates: list[Isolate] = []
        for part in parts:
            if isinstance(part, Composed):
                isolates += [Isolate(i.start + len(text), i.end + len(text), i.rtl) for i in part.isolates]
                text += part.text
            elif isinstance(part, Value):
                value = strip_controls(part.text)
                if value:
                    isolates.append(Isolate(len(text), len(text) + len(value), first_strong_rtl(value)))
                text += value
            else:
                text += part
        return cls(text, tuple(isolates))

    @classmethod
    def join(cls, separator: str, parts: Iterable[str | Value | Composed]) -> Composed:
        """``separator.join(parts)`` keeping each value isolated.

        >>> Composed.join(" · ", [Value("MT Bora"), "IMO 9412347"]).text
        'MT Bora · IMO 9412347'
        """
        items: list[str | Value | Composed] = []
        for part in parts:
            if items:
                items.append(separator)
            items.append(part)
        return cls.of(*items)


# A line's content: plain text (its paragraph direction from its first strong character), or a composed line.
Text = str | Composed


def plain(text: Text) -> str:
    """What the line says, without isolates."""
    return text.text if isinstance(text, Composed) else text


def cut(text: Text, start: int, end: int) -> Text:
    """The part [start, end) of a line's plain text, of the same kind."""
    return text.slice(start, end) if isinstance(text, Composed) else text[start:end]


def concat(*parts: Text) -> Text:
    """Lines and literal text one after another; composed if any part is."""
    if all(isinstance(part, str) for part in parts):
        return "".join(plain(part) for part in parts)
    return Composed.of(*parts)
