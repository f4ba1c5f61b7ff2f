"""Text that cannot be stored and printed as typed is refused naming the field; file names and types are cleaned."""

from __future__ import annotations

import pytest

from tests.harness import API, Harness


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/rooms", {"title": "Skaw\x00STS"}, "title"),
    ("/rooms", {"title": "Skaw", "location": "bell\x07"}, "location"),
    ("/rooms/{room}/parties", {"role": "broker", "name": "Ali\x1b[31m"}, "name"),
    ("/rooms/{room}/snapshots", {"title": "esc\x1bape"}, "title"),
])
async def test_control_characters_are_a_422_naming_the_field(harness: Harness, path: str, body: dict[str, str],
                                                            field: str) -> None:
    answer = await harness.client.post(API + path.format(room=harness.demo_room_id()), headers=harness.admin,
                                       json=body)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["detail"] and "control character" in answer.json()["detail"]


async def test_newlines_tabs_and_joiners_are_kept(harness: Harness) -> None:
    room = harness.demo_room_id()
    doc = next(d for d in harness.sts.rooms.documents_of(room) if d["versions"])
    note = "Line one\n\tindented; شرکت\u200cها"
    answer = await harness.client.patch(f"{API}/rooms/{room}/documents/{doc['id']}", headers=harness.admin,
                                        json={"notes": note})
    assert answer.status_code == 200 and answer.json()["notes"] == note


async def test_an_upload_name_loses_controls_and_bidi_overrides_and_its_type_is_checked(harness: Harness) -> None:
    room = harness.demo_room_id()
    doc = next(d for d in harness.sts.rooms.documents_of(room) if not d["versions"])
    name = "crew\u202elist\u2066 (final)\u200d.pdf"
    answer = await harness.client.put(f"{API}/rooms/{room}/documents/{doc['id']}/file", headers=harness.admin,
                                      files={"file": (name, b"%PDF-1.4 x", "application/pdf\x01x")})
    assert answer.status_code == 200, answer.text
    version = answer.json()["latest_version"]
    assert version["file_name"] == "crewlist (final)\u200d.pdf" and version["mime"] == "application/pdf"
    download = await harness.client.get(f"{API}/rooms/{room}/documents/{doc['id']}/file", headers=harness.admin)
    assert download.status_code == 200 and download.content == b"%PDF-1.4 x"
    assert "\u202e" not in download.headers["content-disposition"]
