"""An activity entry's ``details`` as a sentence people read: one place, for the report (and any page).

The services write details as short text, some of it ``key=value`` lists (``document reviewed``:
``Q88: status=approved, notes=ok, expires_on=2027-02-20``; ``room updated``: ``location=Skaw, status=ready``).
:func:`describe` turns those into sentences and leaves every other text as it is: no detail is ever dropped,
and a key it does not know still prints, as ``<key> set to <value>``.
"""

from __future__ import annotations

import re
from datetime import UTC

from .labels import status_label
from .time import parse_moment, stored_date

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# A key starts the text (after an optional "<subject>: ") or follows ", ".
_KEY = re.compile(r"(?:^|, )([a-z][a-z_]*)=")
_SUBJECT = re.compile(r"^(?P<subject>[^=]*?): (?=[a-z][a-z_]*=)")
_APPROVAL = re.compile(r"^(?P<party>.*): (?P<status>pending|approved|rejected)(?: — (?P<comment>.*))?$", re.S)
_FIELD_LABELS = {
    "title": "title",
    "location": "location",
    "sts_eta": "STS ETA",
    "cargo_type": "cargo type",
    "cargo_quantity": "cargo quantity",
    "description": "description",
}
_EMPTY = ("", "None", "null")


def format_day(value: str | None) -> str:
    """An ISO date (or date-time) as ``20 Feb 2027``; other text unchanged.

    >>> format_day("2027-02-20"), format_day("2027-02-05T10:00:00+00:00"), format_day("soon")
    ('20 Feb 2027', '5 Feb 2027', 'soon')
    """
    day = stored_date(value) if value else None
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}" if day else (value or "")


def format_moment(value: str) -> str:
    """An ISO date-time as ``3 Dec 2026 06:00 UTC``; other text unchanged.

    >>> format_moment("2026-12-03T08:00:00+02:00"), format_moment("later")
    ('3 Dec 2026 06:00 UTC', 'later')
    """
    moment = parse_moment(value)
    if moment is None:
        return value
    moment = moment.astimezone(UTC)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M} UTC"


def key_values(text: str) -> list[tuple[str, str]] | None:
    """``k=v, k=v`` text as pairs, or None when ``text`` is not such a list.

    >>> key_values("status=approved, notes=ok, so far, expires_on=None")
    [('status', 'approved'), ('notes', 'ok, so far'), ('expires_on', 'None')]
    >>> key_values("Q88 v2 (q88.pdf)") is None
    True
    """
    matches = list(_KEY.finditer(text))
    if not matches or matches[0].start() != 0:
        return None
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        pairs.append((match.group(1), text[match.end():end]))
    return pairs


# A sentence as parts: (text, True) is a value a person typed (a name, a note), (text, False) the app's own words.
# The report draws each value as a bidi isolate, so an Arabic name cannot turn the words around it.
Parts = list[tuple[str, bool]]


def _phrase(action: str, key: str, value: str) -> Parts:
    empty = value.strip() in _EMPTY
    if key == "status":
        label = status_label(value).lower()
        return [(label if action == "document reviewed" else f"status set to {status_label(value)}", False)]
    if key == "notes":
        return [("note cleared", False)] if empty else [("note: ", False), (value, True)]
    if key == "expires_on":
        return [("expiry cleared" if empty else f"expiry set to {format_day(value)}", False)]
    label = _FIELD_LABELS.get(key, key.replace("_", " "))
    if empty:
        return [(f"{label} cleared", False)]
    if key == "sts_eta":
        return [(f"{label} set to {format_moment(value)}", False)]
    return [(f"{label} set to “", False), (value, True), ("”", False)]


def describe(action: str, details: str) -> str:
    """The entry's details as a sentence; text that is not a known form comes back unchanged.

    >>> describe("document reviewed", "Q88: status=approved, expires_on=2027-02-20, notes=Seen, all fine")
    'Q88: approved; expiry set to 20 Feb 2027; note: Seen, all fine'
    >>> describe("room updated", "status=ready, sts_eta=2026-12-03T06:00, berth=3")
    'status set to Ready; STS ETA set to 3 Dec 2026 06:00 UTC; berth set to “3”'
    >>> describe("approval changed", "Hans Müller: rejected — P&I entry to be reissued")
    'Hans Müller: rejected; comment: P&I entry to be reissued'
    >>> describe("document uploaded", "Q88 v2 (q88.pdf)")
    'Q88 v2 (q88.pdf)'
    """
    return "".join(text for text, _ in describe_parts(action, details))


def describe_parts(action: str, details: str) -> Parts:
    """:func:`describe` as parts, each value a person typed marked True (text of an unknown form is the app's own).

    >>> describe_parts("approval changed", "محمد: rejected — late")
    [('محمد', True), (': rejected', False), ('; comment: ', False), ('late', True)]
    >>> describe_parts("document reviewed", "Q88: notes=ok")
    [('Q88', True), (': ', False), ('note: ', False), ('ok', True)]
    """
    text = details.strip()
    if action == "approval changed":
        match = _APPROVAL.match(text)
        if match:
            comment: Parts = [("; comment: ", False), (match["comment"], True)] if match["comment"] else []
            return [(match["party"], True), (f": {match['status']}", False), *comment]
        return [(text, False)]
    subject = ""
    found = _SUBJECT.match(text)
    if found:
        subject, text = found["subject"], text[found.end():]
    pairs = key_values(text)
    if pairs is None:
        return [(details.strip(), False)]
    sentence: Parts = []
    for index, (key, value) in enumerate(pairs):
        if index:
            sentence.append(("; ", False))
        sentence += _phrase(action, key, value)
    return [(subject, True), (": ", False), *sentence] if subject else sentence
