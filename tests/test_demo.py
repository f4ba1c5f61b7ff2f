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
    assert len(parties) == 6 and "Ørsted" in names and "Müller" in names
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
