from pathlib import Path

from sts_snapshots.app import build_app, seed_if_empty
from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_EMAIL, MEMBER_PASSWORD
from sts_snapshots.settings import Settings


def test_demo_room_is_realistic_and_seeded_once(tmp_path: Path) -> None:
    settings = Settings.load({"data_dir": tmp_path, "workers": 0}, env={})
    sts = build_app(settings)
    assert seed_if_empty(sts) is True
    assert seed_if_empty(build_app(settings)) is False  # a second start does not seed again
    sts = build_app(settings)
    rooms = sts.rooms.room_ids()
    assert len(rooms) == 1
    room_id = rooms[0]
    vessels = sts.rooms.vessels_of(room_id)
    assert sorted(v["role"] for v in vessels) == ["daughter", "mother"]
    parties = sts.rooms.parties_of(room_id)
    names = " ".join(p["name"] for p in parties)
    assert len(parties) == 8 and "Ørsted" in names and "Müller" in names
    docs = sts.documents.list(sts.users.get(ADMIN_EMAIL), room_id)  # type: ignore[arg-type]
    statuses = {d["effective_status"] for d in docs}
    assert len(docs) >= 30 and statuses == {"approved", "under_review", "missing", "rejected", "expired"}
    assert any(d["expiring_soon"] for d in docs)
    files = [d["latest_version"] for d in docs if d["latest_version"]]
    assert {f["mime"] for f in files} == {"application/pdf", "image/png"}
    for version in files:
        stored = sts.layout.documents / version["file_id"]
        assert stored.is_file() and version["file_name"] not in stored.name
    assert sts.users.authenticate(ADMIN_EMAIL, ADMIN_PASSWORD) is not None
    member = sts.users.authenticate(MEMBER_EMAIL, MEMBER_PASSWORD)
    assert member is not None and not member.is_admin and sts.rooms.can_see(member, room_id)
    assert len(sts.rooms.activity_for(room_id)) > 10


def test_no_demo_setting(tmp_path: Path) -> None:
    sts = build_app(Settings.load({"data_dir": tmp_path, "demo": False}, env={}))
    assert seed_if_empty(sts) is False and sts.users.count() == 0


def test_demo_checklists_are_part_way_done(settings: Settings) -> None:
    """A new user sees the checklists at once: pre-fixture and pre-arrival signed by both ships, run-in open."""
    sts = build_app(settings)
    seed_if_empty(sts)
    room_id = sts.rooms.room_ids()[0]
    found = sts.checklists.views_of(room_id)["pairs"][0]["checklists"]
    assert [c["state"] for c in found[:3]] == ["signed_off", "signed_off", "open"]
    assert [s["name"] for s in found[1]["signoffs"]] == ["Lars Nygaard", "Ana Ribeiro"]
    assert sts.rooms.readiness(room_id)["checklists_signed"] == 2
    clc = next(d for d in sts.documents.views_of(room_id) if d["type_code"] == "CLC" and d["expires_before_end"])
    assert clc["operation_note"] == "expires 2 days before the end of the operation (ETA + 48 h)"
    sts.stores.close()
