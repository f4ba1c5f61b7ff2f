"""Checklists through the API: answering and signing off in order, the refusals, re-opening with a reason, and who
may do what (non-members 404, a party of the other side 403)."""

from __future__ import annotations

from typing import Any

import pytest

from sts_snapshots.services.users import LOCAL_ADMIN
from tests.harness import API, Harness

PEOPLE = {"mother": "mmaster@example.com", "daughter": "dmaster@example.com", "poac": "poac@example.com"}
OUTSIDER = "outsider@example.com"


async def transfer_room(h: Harness) -> dict[str, Any]:
    """A room with a mother, a daughter, their masters (linked to their vessels) and a POAC, each with an account."""
    admin = h.admin
    room = (await h.client.post(f"{API}/rooms", json={"title": "Checklists"}, headers=admin)).json()
    base = f"{API}/rooms/{room['id']}"
    vessels = {}
    for role, name, imo in (("mother", "MT Mother", "9321483"), ("daughter", "MT Daughter", "9376543")):
        response = await h.client.post(f"{base}/vessels", json={"name": name, "imo": imo, "role": role}, headers=admin)
        assert response.status_code == 201, response.text
        vessels[role] = response.json()["id"]
    for side, email in [*PEOPLE.items(), ("none", OUTSIDER)]:
        h.sts.users.add(LOCAL_ADMIN, email, "correct horse battery", name=email.split("@")[0])
        if side == "none":
            continue
        party: dict[str, Any] = {"role": "mooring_master", "name": "Pia Poac"} if side == "poac" else \
            {"role": "master", "name": f"Captain {side}", "vessel_id": vessels[side]}
        response = await h.client.post(f"{base}/parties", json={**party, "email": email}, headers=admin)
        assert response.status_code == 201, response.text
    return {"id": room["id"], "base": base, "vessels": vessels}


async def checklists(h: Harness, room: dict[str, Any], email: str = PEOPLE["mother"]) -> list[dict[str, Any]]:
    response = await h.client.get(f"{room['base']}/checklists", headers=h.auth(email))
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["pairs"]) == 1
    return list(body["pairs"][0]["checklists"])


async def answer_all(h: Harness, room: dict[str, Any], checklist: dict[str, Any]) -> None:
    values = {"yes_no": "yes", "yes_no_na": "n/a", "text": "agreed", "number": 12}
    for item in checklist["items"]:
        if item["required"]:
            response = await h.client.put(f"{room['base']}/checklists/{checklist['id']}/items/{item['id']}",
                                          json={"answer": values[item["kind"]], "remarks": "checked on deck"},
                                          headers=h.auth(PEOPLE[item["side"]]))
            assert response.status_code == 200, response.text


async def sign(h: Harness, room: dict[str, Any], checklist: dict[str, Any], side: str,
               email: str | None = None) -> Any:
    return await h.client.post(f"{room['base']}/checklists/{checklist['id']}/signoffs",
                               json={"side": side, "name": f"Captain {side}", "rank": "Master"},
                               headers=h.auth(email or PEOPLE[side]))


async def test_answer_and_sign_in_order_then_reopen(harness: Harness) -> None:
    h = harness
    room = await transfer_room(h)
    lists = await checklists(h, room)
    assert [c["code"] for c in lists] == ["pre-fixture", "pre-arrival", "run-in-mooring", "before-transfer",
                                          "during-transfer", "before-unmooring"]
    assert {c["state"] for c in lists} == {"open"} and lists[0]["set_id"] == "generic-sample"
    detail = (await h.client.get(room["base"], headers=h.admin)).json()["readiness"]
    assert (detail["checklists_required"], detail["checklists_signed"]) == (4, 0)
    first, second = lists[0], lists[1]

    out_of_order = await sign(h, room, second, "mother")
    assert out_of_order.status_code == 409 and "Pre-fixture information exchange must be signed off first" in \
        out_of_order.json()["detail"]
    still_open = await sign(h, room, first, "mother")
    assert still_open.status_code == 409 and "1.1, 1.2, 1.3, 1.4" in still_open.json()["detail"]

    await answer_all(h, room, first)
    signed = await sign(h, room, first, "mother")
    assert signed.status_code == 201, signed.text
    body = signed.json()
    assert body["state"] == "signing" and body["signoffs"][0]["name"] == "Captain mother"
    assert body["signoffs"][0]["party_role"] == "Master" and body["signoffs"][0]["poac"] == "Pia Poac"
    assert body["items"][0]["answer"] == "yes" and body["items"][0]["remarks"] == "checked on deck"
    again = await sign(h, room, first, "mother")
    assert again.status_code == 409
    locked = await h.client.put(f"{room['base']}/checklists/{first['id']}/items/1.1", json={"answer": "no"},
                                headers=h.auth(PEOPLE["mother"]))
    assert locked.status_code == 409 and "re-open" in locked.json()["detail"]
    done = await sign(h, room, first, "daughter")
    assert done.status_code == 201 and done.json()["state"] == "signed_off"
    detail = (await h.client.get(room["base"], headers=h.admin)).json()["readiness"]
    assert detail["checklists_signed"] == 1
    log = (await h.client.get(f"{room['base']}/activity", headers=h.admin)).json()
    signoffs = [e for e in log if e["action"] == "checklist signed off"]
    assert len(signoffs) == 2 and "Captain daughter, Master (Master)" in signoffs[0]["details"]

    url = f"{room['base']}/checklists/{first['id']}/reopen"
    refused = await h.client.post(url, json={"reason": "wrong figures"}, headers=h.auth(PEOPLE["mother"]))
    assert refused.status_code == 403
    for bad in ({}, {"reason": ""}, {"reason": "   "}):
        response = await h.client.post(url, json=bad, headers=h.admin)
        assert response.status_code == 422 and response.json()["detail"], bad
    reopened = await h.client.post(url, json={"reason": "freeboard figures were wrong"}, headers=h.admin)
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["state"] == "open" and reopened.json()["reopenings"][0]["reason"] == \
        "freeboard figures were wrong"
    assert len(reopened.json()["reopenings"][0]["signoffs"]) == 2
    log = (await h.client.get(f"{room['base']}/activity", headers=h.admin)).json()
    assert log[0]["action"] == "checklist re-opened" and "freeboard figures were wrong" in log[0]["details"]
    nothing = await h.client.post(url, json={"reason": "again"}, headers=h.admin)
    assert nothing.status_code == 409


@pytest.mark.parametrize(("who", "side", "item", "status"), [
    (OUTSIDER, "mother", "1.1", 404),  # not a party: the room does not exist for them
    (PEOPLE["daughter"], "mother", "1.1", 403),  # the other side
    (PEOPLE["mother"], "daughter", "1.2", 403),
    (PEOPLE["mother"], "poac", "1.3", 403),
    (PEOPLE["poac"], "mother", "1.1", 403),
    (PEOPLE["mother"], "mother", "1.1", 200),
    (PEOPLE["poac"], "poac", "1.3", 200),
])
async def test_only_the_side_answers_its_items(harness: Harness, who: str, side: str, item: str, status: int) -> None:
    room = await transfer_room(harness)
    first = (await checklists(harness, room))[0]
    response = await harness.client.put(f"{room['base']}/checklists/{first['id']}/items/{item}",
                                        json={"answer": "yes"}, headers=harness.auth(who))
    assert response.status_code == status, response.text
    if status != 200:
        assert response.json()["detail"]
    listed = await harness.client.get(f"{room['base']}/checklists", headers=harness.auth(who))
    assert listed.status_code == (404 if who == OUTSIDER else 200)


async def test_sign_off_refused_for_the_other_side(harness: Harness) -> None:
    room = await transfer_room(harness)
    first = (await checklists(harness, room))[0]
    await answer_all(harness, room, first)
    for side, email, status in (("mother", PEOPLE["daughter"], 403), ("daughter", OUTSIDER, 404),
                                ("poac", PEOPLE["poac"], 422)):  # the POAC is named, the ships sign this one
        response = await sign(harness, room, first, side, email)
        assert response.status_code == status and response.json()["detail"], response.text


@pytest.mark.parametrize(("item", "body"), [
    ("1.1", {"answer": "maybe"}), ("1.1", {"answer": "n/a"}),  # yes/no only
    ("1.5", {"answer": "lots"}), ("1.5", {"answer": "inf"}),  # a number
    ("1.1", {"answer": "yes", "remarks": "x" * 1001}), ("1.1", {"answer": "yes", "colour": "red"}),
    ("1.1", {}), ("1.1", {"answer": ["yes"]}),
])
async def test_bad_answers_get_422_with_detail(harness: Harness, item: str, body: dict[str, Any]) -> None:
    room = await transfer_room(harness)
    first = (await checklists(harness, room))[0]
    response = await harness.client.put(f"{room['base']}/checklists/{first['id']}/items/{item}", json=body,
                                        headers=harness.auth(PEOPLE["mother"]))
    assert response.status_code == 422 and response.json()["detail"], response.text


async def test_unknown_checklist_and_item_are_404(harness: Harness) -> None:
    room = await transfer_room(harness)
    first = (await checklists(harness, room))[0]
    headers = harness.auth(PEOPLE["mother"])
    base = f"{room['base']}/checklists"
    for url in (f"{base}/{'0' * 32}/items/1.1", f"{base}/{first['id']}/items/9.9"):
        response = await harness.client.put(url, json={"answer": "yes"}, headers=headers)
        assert response.status_code in (404, 422) and response.json()["detail"], url


async def test_installed_sets_are_for_admins(harness: Harness) -> None:
    response = await harness.client.get(f"{API}/checklist-sets", headers=harness.admin)
    assert response.status_code == 200 and response.json()[0]["key"] == "generic-sample@1"
    assert response.json()[0]["sample"] is True
    assert (await harness.client.get(f"{API}/checklist-sets", headers=harness.member)).status_code == 403


async def sign_both(h: Harness, room: dict[str, Any], checklist: dict[str, Any]) -> None:
    await answer_all(h, room, checklist)
    for side in checklist["sign_off"]:
        response = await sign(h, room, checklist, side)
        assert response.status_code == 201, response.text


async def start_round(h: Harness, room: dict[str, Any], checklist: dict[str, Any],
                      email: str = PEOPLE["poac"]) -> Any:
    return await h.client.post(f"{room['base']}/checklists/{checklist['id']}/rounds", headers=h.auth(email))


def rounds_of(lists: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [c for c in lists if c["code"] == code]


async def test_during_transfer_rounds_are_recorded_and_signed_each_on_its_own(harness: Harness) -> None:
    h = harness
    room = await transfer_room(h)
    lists = await checklists(h, room)
    during = rounds_of(lists, "during-transfer")[0]
    assert (during["repeatable"], during["round"], during["rounds"], during["latest"], during["next_round"]) == \
        (True, 1, 1, True, None)
    assert during["started_at"] == during["created_at"]
    not_yet = await start_round(h, room, during)
    assert not_yet.status_code == 409 and "round 1 of During transfer (repeated checks) is not signed off yet" in \
        not_yet.json()["detail"]
    single = await start_round(h, room, lists[0])
    assert single.status_code == 409 and "not a repeated checklist" in single.json()["detail"]
    assert (await start_round(h, room, during, OUTSIDER)).status_code == 404
    for checklist in lists[:5]:
        await sign_both(h, room, checklist)

    first = rounds_of(await checklists(h, room), "during-transfer")[0]
    assert first["state"] == "signed_off" and first["next_round"] == 2
    started = await start_round(h, room, first)
    assert started.status_code == 201, started.text
    second = started.json()
    assert (second["round"], second["rounds"], second["latest"], second["state"]) == (2, 2, True, "open")
    assert second["id"] != first["id"] and second["started_by"] == PEOPLE["poac"] and not second["signoffs"]
    assert {i["answer"] for i in second["items"]} == {None}
    again = await start_round(h, room, first)  # a second tap: round 2 is open, so no round 3
    assert again.status_code == 409 and "round 2 of" in again.json()["detail"]
    entry = (await h.client.get(f"{room['base']}/activity", headers=h.admin)).json()[0]
    assert entry["action"] == "checklist round started" and \
        entry["details"] == "During transfer (repeated checks), round 2 (MT Mother / MT Daughter)"

    lists = await checklists(h, room)
    assert [(c["round"], c["latest"], c["rounds"]) for c in rounds_of(lists, "during-transfer")] == \
        [(1, False, 2), (2, True, 2)]
    unmooring = rounds_of(lists, "before-unmooring")[0]
    await answer_all(h, room, unmooring)
    blocked = await sign(h, room, unmooring, "mother")  # the latest round decides the order
    assert blocked.status_code == 409 and \
        "During transfer (repeated checks), round 2 must be signed off first" in blocked.json()["detail"]

    url = f"{room['base']}/checklists/{second['id']}/items/5.4"
    response = await h.client.put(url, json={"answer": 41000, "remarks": "at 14:00"},
                                  headers=h.auth(PEOPLE["daughter"]))
    assert response.status_code == 200 and response.json()["items"][3]["answer"] == "41000"
    await sign_both(h, room, second)
    assert (await sign(h, room, unmooring, "mother")).status_code == 201
    lists = await checklists(h, room)
    one, two = rounds_of(lists, "during-transfer")
    assert one["items"][3]["answer"] is None and two["items"][3]["remarks"] == "at 14:00"  # answers per round
    assert [s["side"] for s in two["signoffs"]] == ["mother", "daughter"] and len(one["signoffs"]) == 2
    log = (await h.client.get(f"{room['base']}/activity", headers=h.admin)).json()
    assert any(e["details"].startswith("During transfer (repeated checks), round 2 (MT Mother / MT Daughter): "
                                       "Daughter vessel") for e in log if e["action"] == "checklist signed off")

    # re-opening works per round: round 1 opens, round 2 (the latest) stays signed, the order rule is unchanged
    reopened = await h.client.post(f"{room['base']}/checklists/{one['id']}/reopen", json={"reason": "wrong time"},
                                   headers=h.admin)
    assert reopened.status_code == 200 and reopened.json()["state"] == "open" and reopened.json()["round"] == 1
    lists = await checklists(h, room)
    assert [c["state"] for c in rounds_of(lists, "during-transfer")] == ["open", "signed_off"]
    assert (await sign(h, room, unmooring, "daughter")).status_code == 201
    assert rounds_of(lists, "during-transfer")[1]["next_round"] == 3


async def test_checklists_stored_before_rounds_read_as_round_one(harness: Harness) -> None:
    h = harness
    room = await transfer_room(h)
    lists = await checklists(h, room)
    table = h.sts.checklists.book.checklists_of(room["id"])
    for c in lists:  # as an earlier version stored them: no round fields at all
        stored = table.get(c["id"])
        assert stored is not None
        table.upsert({k: v for k, v in stored.items()  # type: ignore[arg-type]
                      if k not in ("repeatable", "round", "started_at", "started_by")})
    old = await checklists(h, room)
    assert [(c["round"], c["rounds"], c["latest"]) for c in old] == [(1, 1, True)] * 6
    assert all(c["started_at"] == c["created_at"] and c["started_by"] == "" for c in old)
    assert [c["repeatable"] for c in old] == [False] * 4 + [True, False]  # the old record's repeat_every_hours
    for checklist in old[:5]:
        await sign_both(h, room, checklist)
    started = await start_round(h, room, old[4])
    assert started.status_code == 201 and started.json()["round"] == 2


async def test_a_vessel_leaves_with_its_empty_checklists_but_not_with_entries(harness: Harness) -> None:
    h = harness
    room = await transfer_room(h)
    response = await h.client.post(f"{room['base']}/vessels", json={"name": "MT Second", "imo": "9074729",
                                                                      "role": "daughter"}, headers=h.admin)
    second = response.json()["id"]
    listed = (await h.client.get(f"{room['base']}/checklists", headers=h.admin)).json()
    assert [p["daughter_name"] for p in listed["pairs"]] == ["MT Daughter", "MT Second"]
    first = listed["pairs"][0]["checklists"][0]
    answered = await h.client.put(f"{room['base']}/checklists/{first['id']}/items/1.1",
                                  json={"answer": "yes", "remarks": "sent 08:00"}, headers=h.auth(PEOPLE["mother"]))
    assert answered.status_code == 200
    stored = h.sts.checklists.book.of_room(room["id"])
    assert len(stored) == 12

    gone = await h.client.delete(f"{room['base']}/vessels/{second}", headers=h.admin)  # nothing entered in its pair
    assert gone.status_code == 204, gone.text
    assert {c["daughter_id"] for c in h.sts.checklists.book.of_room(room["id"])} == {room["vessels"]["daughter"]}

    for role in ("daughter", "mother"):  # the answered pair holds both
        refused = await h.client.delete(f"{room['base']}/vessels/{room['vessels'][role]}", headers=h.admin)
        assert refused.status_code == 409, refused.text
        assert "checklists hold answers or sign-offs (Pre-fixture information exchange)" in refused.json()["detail"]
        assert "part of the clearance record" in refused.json()["detail"]
    assert len(h.sts.checklists.book.of_room(room["id"])) == 6
    assert len(await checklists(h, room)) == 6
    # a new role would make other pairs and hide these checklists: refused as well, for the same reason
    turned = await h.client.patch(f"{room['base']}/vessels/{room['vessels']['daughter']}", json={"role": "mother"},
                                  headers=h.admin)
    assert turned.status_code == 409 and "cannot change its role" in turned.json()["detail"], turned.text
    renamed = await h.client.patch(f"{room['base']}/vessels/{room['vessels']['daughter']}",
                                   json={"name": "MT Daughter II"}, headers=h.admin)
    assert renamed.status_code == 200  # a correction that keeps the pairs is fine
    assert len(await checklists(h, room)) == 6

    url = f"{room['base']}/checklists/{first['id']}/items/1.1"
    cleared = await h.client.put(url, json={"answer": None}, headers=h.auth(PEOPLE["mother"]))
    assert cleared.status_code == 200
    remark_only = await h.client.delete(f"{room['base']}/vessels/{room['vessels']['daughter']}", headers=h.admin)
    assert remark_only.status_code == 409  # the remark is still there
    await h.client.put(url, json={"answer": None, "remarks": ""}, headers=h.auth(PEOPLE["mother"]))
    removed = await h.client.delete(f"{room['base']}/vessels/{room['vessels']['daughter']}", headers=h.admin)
    assert removed.status_code == 204, removed.text
    assert h.sts.checklists.book.of_room(room["id"]) == []
