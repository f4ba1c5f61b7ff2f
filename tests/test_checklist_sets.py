"""Checklist template sets: the JSON Schema's errors name where, the shipped sample installs, and
``sts-snapshots checklists import`` installs versions without touching checklists already started."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sts_snapshots.app import build_app
from sts_snapshots.cli import main
from sts_snapshots.domain.checklist_format import TemplateError, parse_set
from sts_snapshots.resources import sample_checklist_set
from sts_snapshots.services.users import LOCAL_ADMIN, User
from sts_snapshots.settings import Settings

SAMPLE = sample_checklist_set().read_text(encoding="utf-8")


def own_set(version: int = 1, **change: Any) -> dict[str, Any]:
    return {"format": "sts-checklist-set", "format_version": 1, "id": "acme-sts", "version": version,
            "title": f"ACME STS checklists v{version}", "checklists": [
                {"code": "arrival", "title": f"Arrival v{version}", "sign_off": ["mother", "daughter"],
                 "items": [{"id": "A1", "text": "Fenders rigged", "kind": "yes_no", "side": "poac"}]}], **change}


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_the_sample_is_marked_as_one_and_follows_the_phases() -> None:
    sample = parse_set(SAMPLE)
    assert sample["sample"] and "SAMPLE" in sample["title"] and "not the industry guide's text" in sample["notice"]
    assert [c["title"] for c in sample["checklists"]] == [
        "Pre-fixture information exchange", "Pre-arrival", "Before run-in and mooring", "Before cargo transfer",
        "During transfer (repeated checks)", "Before unmooring"]
    assert [c["before_transfer"] for c in sample["checklists"]] == [True] * 4 + [False] * 2
    assert [c["repeatable"] for c in sample["checklists"]] == [False] * 4 + [True, False]


def test_a_set_installed_before_repeatable_existed_reads_with_its_default(tmp_path: Path) -> None:
    """A set stored by an earlier version has no ``repeatable``: the checklist with an interval is repeated, and
    importing the same file again is still answered as installed."""
    settings = Settings.load({"data_dir": tmp_path / "d", "workers": 0, "demo": False}, env={})
    build_app(settings).stores.close()
    store = next(p for p in (tmp_path / "d").rglob("*.json") if "template_sets" in p.read_text(encoding="utf-8"))
    data = json.loads(store.read_text(encoding="utf-8"))
    for row in data["template_sets"].values():  # as an earlier version wrote it
        for c in row["document"]["checklists"]:
            del c["repeatable"]
    store.write_text(json.dumps(data), encoding="utf-8")
    sts = build_app(settings)
    book = sts.checklists.book
    document = book.document("generic-sample")
    assert document is not None and [c["repeatable"] for c in document["checklists"]] == [False] * 4 + [True, False]
    assert book.install(SAMPLE, "again")["key"] == "generic-sample@1"
    sts.stores.close()


@pytest.mark.parametrize(("text", "where"), [
    (json.dumps(own_set(checklists=[{**own_set()["checklists"][0], "items": [
        {"id": "A1", "text": "x", "kind": "maybe", "side": "poac"}]}])), "$.checklists[0].items[0].kind: 'maybe'"),
    (json.dumps(own_set(checklists=[{**own_set()["checklists"][0], "sign_off": ["bridge"]}])),
     "$.checklists[0].sign_off[0]: 'bridge' is not one of"),
    (json.dumps(own_set(version=0)), "$.version: 0 is less than the minimum of 1"),
    (json.dumps(own_set(checklists=[own_set()["checklists"][0]] * 2)), "$.checklists[1].code: 'arrival' is used"),
    (json.dumps({k: v for k, v in own_set().items() if k != "title"}), "$: 'title' is a required property"),
    ('{\n  "format": "sts-checklist-set",\n  "id": "acme"\n  "version": 2\n}', "line 4, column 3:"),
    (json.dumps(own_set(checklists=[{**own_set()["checklists"][0], "repeatable": "yes"}])),
     "$.checklists[0].repeatable: 'yes' is not of type 'boolean'"),
    (json.dumps(own_set(checklists=[{**own_set()["checklists"][0], "repeatable": False, "repeat_every_hours": 4}])),
     "$.checklists[0].repeat_every_hours: only a repeatable checklist is repeated"),
])
def test_errors_name_the_json_path_or_the_line(text: str, where: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_set(text)
    assert where in str(caught.value)


def test_cli_import_refuses_a_bad_file_readably(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(own_set(checklists=[{**own_set()["checklists"][0], "items": []}])), encoding="utf-8")
    result = run("checklists", "import", str(bad), "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "bad.json is not a valid checklist set" in result.output and "$.checklists[0].items" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": ', encoding="utf-8")
    result = run("checklists", "import", str(broken), "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 1 and "line 1, column 8" in result.output
    missing = run("checklists", "import", str(tmp_path / "nope.json"), "--data-dir", str(tmp_path / "d"))
    assert missing.exit_code == 1 and "cannot read" in missing.output


def test_a_new_version_does_not_change_started_checklists(tmp_path: Path) -> None:
    data = tmp_path / "d"
    settings = Settings.load({"data_dir": data, "workers": 0, "demo": False, "checklist_set": "acme-sts"}, env={})
    v1, v2 = tmp_path / "v1.json", tmp_path / "v2.json"
    v1.write_text(json.dumps(own_set(1)), encoding="utf-8")
    v2.write_text(json.dumps(own_set(2)), encoding="utf-8")
    result = run("checklists", "import", str(v1), "--data-dir", str(data))
    assert result.exit_code == 0 and "installed acme-sts@1" in result.output, result.output
    sts = build_app(settings)
    admin = User(email="a@example.com", name="A", role="admin")
    sts.users.add(LOCAL_ADMIN, admin.email, "correct horse battery", role="admin")
    room = sts.rooms.create_room(admin, {"title": "R"})
    for name, imo, role in (("M", "9321483", "mother"), ("D", "9376543", "daughter")):
        sts.rooms.add_vessel(admin, room["id"], {"name": name, "imo": imo, "role": role})
    started = sts.checklists.list(admin, room["id"])["pairs"][0]["checklists"][0]
    sts.checklists.answer(admin, room["id"], started["id"], "A1", "yes")
    sts.stores.close()

    assert run("checklists", "import", str(v2), "--data-dir", str(data)).exit_code == 0
    again = run("checklists", "import", str(v2), "--data-dir", str(data))
    assert again.exit_code == 0  # the same content again is answered as installed
    v2.write_text(json.dumps(own_set(2, title="changed")), encoding="utf-8")
    changed = run("checklists", "import", str(v2), "--data-dir", str(data))
    assert changed.exit_code == 1 and "give the changed set a new version" in changed.output
    listed = run("checklists", "list", "--data-dir", str(data))
    assert "acme-sts@2" in listed.output and "acme-sts@1" in listed.output and "generic-sample@1" in listed.output

    sts = build_app(settings)
    after = sts.checklists.list(admin, room["id"])["pairs"][0]["checklists"][0]
    assert (after["title"], after["set_version"], after["items"][0]["answer"]) == ("Arrival v1", 1, "yes")
    new_room = sts.rooms.create_room(admin, {"title": "New"})
    for name, imo, role in (("M", "9321483", "mother"), ("D", "9376543", "daughter")):
        sts.rooms.add_vessel(admin, new_room["id"], {"name": name, "imo": imo, "role": role})
    assert sts.checklists.list(admin, new_room["id"])["pairs"][0]["checklists"][0]["title"] == "Arrival v2"
    sts.stores.close()
