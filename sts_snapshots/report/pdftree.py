"""Library-neutral PDF values, built once by :mod:`~.pdffonts` and converted for borb or for pypdf.

A tree is made of ``dict`` (str keys), ``list``, :class:`Name`, ``str`` (an ASCII PDF string), ``int``, ``float``
and :class:`Stream`. The two adapters are the only code that knows either library's object model. With pypdf,
streams and dictionaries that have a ``Type`` become indirect objects (shared by every page that uses them);
borb makes every dictionary indirect itself.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from borb.pdf.primitives import name, stream
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)


class Name(str):
    """A PDF name object (written ``/Value``)."""


@dataclass(eq=False)
class Stream:
    """A stream: its dictionary entries and its data, kept Flate-compressed (``/Filter`` is added for it)."""

    entries: dict[str, Value]
    data: bytes = field(repr=False)

    @classmethod
    def compressed(cls, raw: bytes, **entries: Value) -> Stream:
        """A stream holding ``raw`` compressed with zlib."""
        return cls(dict(entries), zlib.compress(raw, 9))


Value: TypeAlias = dict[str, "Value"] | list["Value"] | Name | str | int | float | Stream


def to_borb(value: Value, memo: dict[int, tuple[Value, Any]]) -> Any:
    """Convert a neutral tree to borb primitives; objects already converted (by ``id``) are reused.

    The memo keeps each converted tree alive beside its result: a freed tree's ``id`` could be reused by a new
    one, which would then be taken for it.
    """
    done = memo.get(id(value))
    if done is not None:
        return done[1]
    result: Any
    if isinstance(value, Name):
        return name(value)
    if isinstance(value, Stream):
        result = stream()
        for key, item in value.entries.items():
            result[name(key)] = to_borb(item, memo)
        result[name("Filter")] = name("FlateDecode")
        result[name("Bytes")] = value.data
        result[name("Length")] = len(value.data)
    elif isinstance(value, dict):
        result = {name(key): to_borb(item, memo) for key, item in value.items()}
    elif isinstance(value, list):
        result = [to_borb(item, memo) for item in value]
    else:
        return value
    memo[id(value)] = (value, result)
    return result


def to_pypdf(value: Value, writer: PdfWriter, memo: dict[int, tuple[Value, PdfObject]]) -> PdfObject:
    """Convert a neutral tree to pypdf objects added to ``writer``; objects already converted are reused (the memo
    keeps the trees alive, as for :func:`to_borb`)."""
    done = memo.get(id(value))
    if done is not None:
        return done[1]
    result: PdfObject
    if isinstance(value, Name):
        return NameObject("/" + value)
    if isinstance(value, bool | int):
        return NumberObject(int(value))
    if isinstance(value, float):
        return FloatObject(round(value, 3))
    if isinstance(value, str):
        return TextStringObject(value)
    if isinstance(value, Stream):
        data = StreamObject()
        for key, item in value.entries.items():
            data[NameObject("/" + key)] = to_pypdf(item, writer, memo)
        data[NameObject("/Filter")] = NameObject("/FlateDecode")
        data.set_data(value.data)
        result = writer._add_object(data)
    elif isinstance(value, dict):
        entries = DictionaryObject({NameObject("/" + k): to_pypdf(v, writer, memo) for k, v in value.items()})
        result = writer._add_object(entries) if "Type" in value else entries
    else:
        result = ArrayObject([to_pypdf(item, writer, memo) for item in value])
    memo[id(value)] = (value, result)
    return result
