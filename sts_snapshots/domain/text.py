"""What text the app accepts: no control characters but newline and tab, no lone surrogates; clean file names."""

from __future__ import annotations

import re
import unicodedata

# Bidi embeddings, overrides and isolates: in a file name they make "gpj.exe" read as "exe.jpg". ZWJ and ZWNJ
# (U+200D, U+200C) are not among them: Persian and Indic names need them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored and printed as it is, or None.

    >>> text_problem("Ørsted\\tشركة\\n"), text_problem("a\\x00b"), text_problem("\\ud800")
    (None, 'a control character (U+0000)', 'an unpaired surrogate (U+D800)')
    """
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return f"an unpaired surrogate (U+{code:04X})"
        if ch not in "\n\t" and unicodedata.category(ch) == "Cc":
            return f"a control character (U+{code:04X})"
    return None


def clean_file_name(name: str, default: str = "upload") -> str:
    """A file name without folders, control characters or bidi controls; at most 200 characters.

    >>> clean_file_name("../x/photo\\u202egpj.exe"), clean_file_name("a\\x00b.pdf"), clean_file_name("\\x07")
    ('photogpj.exe', 'ab.pdf', 'upload')
    >>> clean_file_name("ناوگان\\u200cها.pdf") == "ناوگان\\u200cها.pdf"
    True
    """
    base = re.split(r"[/\\\\]", name)[-1]
    kept = "".join(ch for ch in base if ch not in BIDI_CONTROLS and unicodedata.category(ch) not in ("Cc", "Cs"))
    kept = kept.strip()[-200:]
    return kept if kept.strip(".") else default


def clean_mime(value: str | None) -> str | None:
    """A MIME type as ``type/subtype`` (parameters dropped), or None when it is not one.

    >>> clean_mime("application/pdf; charset=x"), clean_mime("text/html\\r\\nX-Evil: 1"), clean_mime(None)
    ('application/pdf', None, None)
    """
    head = (value or "").split(";", 1)[0].strip()
    return head.lower() if MIME.fullmatch(head) else None
