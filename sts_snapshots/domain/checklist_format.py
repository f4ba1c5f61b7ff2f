"""The checklist template set format: a versioned JSON document, checked against a JSON Schema.

A set holds checklists in the order they are signed off; each checklist has items (text, answer kind, required
or not, the side that answers) and names the sides that sign it off. A checklist may be ``repeatable`` (the
during-transfer checks): a room then records each round of it on its own, every ``repeat_every_hours`` if the
set says how often. Errors name the JSON path of what is wrong, or the line and column of a syntax error.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import jsonschema
from typing_extensions import TypedDict

FORMAT = "sts-checklist-set"
FORMAT_VERSION = 1
SIDES = ("mother", "daughter", "poac")
SIDE_LABELS = {"mother": "Mother vessel", "daughter": "Daughter vessel", "poac": "POAC"}
ANSWER_KINDS = ("yes_no", "yes_no_na", "text", "number")
Side = Literal["mother", "daughter", "poac"]


class ItemTemplate(TypedDict):
    id: str
    text: str
    kind: str
    required: bool
    side: str


class ChecklistTemplate(TypedDict):
    code: str
    title: str
    before_transfer: bool
    repeatable: bool
    repeat_every_hours: int | None
    sign_off: list[str]
    items: list[ItemTemplate]


class ChecklistSet(TypedDict):
    format: str
    format_version: int
    id: str
    version: int
    title: str
    sample: bool
    notice: str
    checklists: list[ChecklistTemplate]


_TEXT = {"type": "string", "minLength": 1, "maxLength": 500}
_CODE = {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,63}$"}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "STS checklist template set",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "format_version", "id", "version", "title", "checklists"],
    "properties": {
        "format": {"const": FORMAT},
        "format_version": {"const": FORMAT_VERSION},
        "id": _CODE,
        "version": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "sample": {"type": "boolean"},
        "notice": {"type": "string", "maxLength": 2000},
        "checklists": {"type": "array", "minItems": 1, "maxItems": 50, "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["code", "title", "sign_off", "items"],
            "properties": {
                "code": _CODE,
                "title": {"type": "string", "minLength": 1, "maxLength": 200},
                "before_transfer": {"type": "boolean"},
                "repeatable": {"type": "boolean", "description": "checked in rounds, each recorded and signed off "
                               "on its own; default: true when repeat_every_hours is given"},
                "repeat_every_hours": {"type": "integer", "minimum": 1, "maximum": 48},
                "sign_off": {"type": "array", "minItems": 1, "uniqueItems": True,
                             "items": {"enum": list(SIDES)}},
                "items": {"type": "array", "minItems": 1, "maxItems": 200, "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "text", "kind", "side"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$"},
                        "text": _TEXT,
                        "kind": {"enum": list(ANSWER_KINDS)},
                        "required": {"type": "boolean"},
                        "side": {"enum": list(SIDES)},
                    },
                }},
            },
        }},
    },
}


class TemplateError(ValueError):
    """A template set that cannot be installed; ``problems`` name where (JSON path or line and column)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_set(text: str) -> ChecklistSet:
    """The checklist set in ``text`` (JSON), complete with its defaults.

    >>> parse_set('{"format": "sts-checklist-set", "format_version": 1, "id": "a", "version": 1, "title": "A"}')
    Traceback (most recent call last):
    ...
    sts_snapshots.domain.checklist_format.TemplateError: $: 'checklists' is a required property
    >>> parse_set('{"format": "sts-checklist-set",\\n "id": }')
    Traceback (most recent call last):
    ...
    sts_snapshots.domain.checklist_format.TemplateError: line 2, column 8: Expecting value

    :raises TemplateError: a syntax error (with its line and column) or every place that breaks the schema.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError([f"line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from None
    return check_set(data)


def upgraded_set(document: ChecklistSet) -> ChecklistSet:
    """A stored set as this version of the format reads it: a set installed before ``repeatable`` existed has its
    default (a checklist with ``repeat_every_hours`` is repeatable).

    >>> old = {"checklists": [{"code": "d", "repeat_every_hours": 4}, {"code": "u", "repeat_every_hours": None}]}
    >>> [c["repeatable"] for c in upgraded_set(old)["checklists"]]  # type: ignore[arg-type]
    [True, False]
    """
    checklists = [ChecklistTemplate(**{**c, "repeatable": bool(c.get("repeatable", c.get("repeat_every_hours")))})
                  for c in document["checklists"]]
    return ChecklistSet(**{**document, "checklists": checklists})


def check_set(data: Any) -> ChecklistSet:
    """``data`` checked against :data:`SCHEMA`, for unique codes and for a repeat interval on a checklist that is
    not repeated, with the optional fields filled in.

    >>> one = {"code": "during", "title": "During", "sign_off": ["mother"], "repeat_every_hours": 4,
    ...        "items": [{"id": "1", "text": "Hoses tight", "kind": "yes_no", "side": "mother"}]}
    >>> head = {"format": FORMAT, "format_version": 1, "id": "a", "version": 1, "title": "A"}
    >>> check_set({**head, "checklists": [one]})["checklists"][0]["repeatable"]
    True
    >>> check_set({**head, "checklists": [{**one, "repeatable": False}]})
    Traceback (most recent call last):
    ...
    sts_snapshots.domain.checklist_format.TemplateError: $.checklists[0].repeat_every_hours: only a repeatable \
checklist is repeated (set repeatable to true, or leave repeat_every_hours out)
    """
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [f"{e.json_path}: {e.message}" for e in errors]
    if not problems:
        codes: set[str] = set()
        for i, checklist in enumerate(data["checklists"]):
            if checklist.get("repeatable") is False and "repeat_every_hours" in checklist:
                problems.append(f"$.checklists[{i}].repeat_every_hours: only a repeatable checklist is repeated "
                                "(set repeatable to true, or leave repeat_every_hours out)")
            if checklist["code"] in codes:
                problems.append(f"$.checklists[{i}].code: {checklist['code']!r} is used by an earlier checklist")
            codes.add(checklist["code"])
            ids: set[str] = set()
            for j, item in enumerate(checklist["items"]):
                if item["id"] in ids:
                    problems.append(f"$.checklists[{i}].items[{j}].id: {item['id']!r} is used by an earlier item")
                ids.add(item["id"])
    if problems:
        raise TemplateError(problems)
    return ChecklistSet(
        format=FORMAT, format_version=FORMAT_VERSION, id=data["id"], version=data["version"], title=data["title"],
        sample=bool(data.get("sample", False)), notice=data.get("notice", ""),
        checklists=[ChecklistTemplate(
            code=c["code"], title=c["title"], before_transfer=bool(c.get("before_transfer", True)),
            repeatable=bool(c.get("repeatable", "repeat_every_hours" in c)),
            repeat_every_hours=c.get("repeat_every_hours"), sign_off=list(c["sign_off"]),
            items=[ItemTemplate(id=i["id"], text=i["text"], kind=i["kind"], required=bool(i.get("required", True)),
                                side=i["side"]) for i in c["items"]])
            for c in data["checklists"]])
