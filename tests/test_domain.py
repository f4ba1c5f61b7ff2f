from datetime import date

import pytest

from sts_snapshots.domain.documents import Document
from sts_snapshots.domain.imo import normalize_imo
from sts_snapshots.domain.models import Party, Room, Vessel
from sts_snapshots.domain.readiness import effective_status, expiring_soon, readiness
from sts_snapshots.domain.window import OperationWindow


@pytest.mark.parametrize("imo", ["9321483", "IMO 9376543", "imo9074729", " 9240512 "])
def test_valid_imo_numbers(imo: str) -> None:
    assert len(normalize_imo(imo)) == 7


@pytest.mark.parametrize("imo", ["9321484", "932148", "93214830", "IMO", "abcdefg", "", "9321-83"])
def test_invalid_imo_numbers_are_refused(imo: str) -> None:
    with pytest.raises(ValueError, match="IMO"):
        normalize_imo(imo)


def test_vessel_rejects_bad_imo_and_role() -> None:
    with pytest.raises(ValueError, match="check digit"):
        Vessel(room_id="r", name="MT X", imo="9321484", role="mother")
    with pytest.raises(ValueError, match="mother or daughter"):
        Vessel(room_id="r", name="MT X", imo="9321483", role="tug")  # type: ignore[arg-type]


def test_room_and_party_rules() -> None:
    with pytest.raises(ValueError, match="title is required"):
        Room(title="  ")
    with pytest.raises(ValueError, match="status"):
        Room(title="x", status="sailing")
    with pytest.raises(ValueError, match="ISO 8601"):
        Room(title="x", sts_eta="next tuesday")
    with pytest.raises(ValueError, match="not an email"):
        Party(room_id="r", role="broker", name="B", email="nope")
    assert Party(room_id="r", role="mooring_master", name="Ingrid Ørsted").role_label == "Mooring master (POAC)"


TODAY = date(2026, 11, 28)
NO_ETA = OperationWindow(TODAY, None)  # a room without an ETA is judged against today, as before


@pytest.mark.parametrize(("expires_on", "status", "expired", "soon"), [
    (None, "approved", False, False),
    ("2026-11-27", "approved", True, False),
    ("2026-11-28", "approved", False, True),
    ("2026-12-20", "approved", False, True),
    ("2027-06-01", "approved", False, False),
])
def test_expiry_rules(expires_on: str | None, status: str, expired: bool, soon: bool) -> None:
    doc = {"type_code": "PI_COE", "status": status, "expires_on": expires_on}
    assert (effective_status(doc, TODAY) == "expired") is expired
    assert expiring_soon(doc, NO_ETA) is soon


def test_type_warning_days_apply() -> None:
    permit = {"type_code": "PERMIT", "status": "approved", "expires_on": "2026-12-10"}  # PERMIT warns 7 days ahead
    assert expiring_soon(permit, NO_ETA) is False


def test_readiness_counts_required_documents_only() -> None:
    docs = [Document(room_id="r", type_code="Q88", status="approved").to_record(),
            Document(room_id="r", type_code="CLC", status="approved", expires_on="2026-01-01").to_record(),
            Document(room_id="r", type_code="CREW", status="rejected").to_record(),
            Document(room_id="r", type_code="HOSE", status="under_review").to_record(),
            Document(room_id="r", type_code="WEATHER", status="missing").to_record()]  # not required
    result = readiness(docs, NO_ETA)
    assert (result["required"], result["approved"], result["expired"], result["rejected"],
            result["under_review"]) == (4, 1, 1, 1, 1)
    assert result["ready"] is False
    all_ok = readiness([Document(room_id="r", type_code="Q88", status="approved").to_record()], NO_ETA)
    assert all_ok["ready"] is True and all_ok["percent"] == 100
