"""The auth matrix: every API endpoint × {no token, bad signature, expired, non-member, member, admin}.

The member is the demo room's mooring master (a reviewer and an uploader, not an admin). Each caller gets a
fresh app; calls run in table order, so the destructive ones come last.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest

from sts_snapshots.demo import ADMIN_EMAIL, MEMBER_EMAIL
from sts_snapshots.services.auth import TokenIssuer
from sts_snapshots.services.users import LOCAL_ADMIN
from tests.harness import API, Harness

CALLERS = ["none", "bad_signature", "expired", "outsider", "member", "admin"]
UNAUTH = [401, 401, 401]
VERIFY_DAMAGED = 422  # this PDF has no cross-reference table: "cannot be read"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")

# (method, path template, request kwargs, expected per caller in CALLERS order)
MATRIX: list[tuple[str, str, dict[str, Any], list[int]]] = [
    ("GET", "/health", {}, [200] * 6),
    ("POST", "/auth/token", {"data": {"username": ADMIN_EMAIL, "password": "demo-admin-pass"}}, [200] * 6),
    ("GET", "/auth/me", {}, [*UNAUTH, 200, 200, 200]),
    ("GET", "/rooms", {}, [*UNAUTH, 200, 200, 200]),
    ("POST", "/rooms", {"json": {"title": "Matrix room"}}, [*UNAUTH, 201, 201, 201]),
    ("GET", "/rooms/{room}", {}, [*UNAUTH, 404, 200, 200]),
    ("PATCH", "/rooms/{room}", {"json": {"location": "Skagen, Area 4"}}, [*UNAUTH, 404, 200, 200]),
    ("POST", "/rooms/{room}/parties", {"json": {"role": "broker", "name": "Matrix Broker"}},
     [*UNAUTH, 404, 201, 201]),
    ("POST", "/rooms/{room}/vessels", {"json": {"name": "MT Matrix", "imo": "9512343", "role": "daughter"}},
     [*UNAUTH, 404, 201, 201]),
    ("PATCH", "/rooms/{room}/vessels/{vessel}", {"json": {"flag": "Norway"}}, [*UNAUTH, 404, 200, 200]),
    # the mother vessel's documents hold files: it is never removed
    ("DELETE", "/rooms/{room}/vessels/{vessel}", {}, [*UNAUTH, 404, 409, 409]),
    ("PUT", "/rooms/{room}/approvals/{own_party}", {"json": {"status": "approved", "comment": "ok"}},
     [*UNAUTH, 404, 200, 200]),
    ("PUT", "/rooms/{room}/approvals/{other_party}", {"json": {"status": "approved"}}, [*UNAUTH, 404, 403, 200]),
    ("GET", "/rooms/{room}/documents", {}, [*UNAUTH, 404, 200, 200]),
    ("PUT", "/rooms/{room}/documents/{doc}/file", {"files": {"file": ("plan.pdf", PDF, "application/pdf")}},
     [*UNAUTH, 404, 200, 200]),
    ("GET", "/rooms/{room}/documents/{doc}/file", {}, [*UNAUTH, 404, 200, 200]),
    ("PATCH", "/rooms/{room}/documents/{doc}", {"json": {"status": "approved", "notes": "Checked."}},
     [*UNAUTH, 404, 200, 200]),
    ("GET", "/rooms/{room}/activity", {}, [*UNAUTH, 404, 200, 200]),
    ("GET", "/rooms/{room}/checklists", {}, [*UNAUTH, 404, 200, 200]),
    # the member is the POAC: it answers the POAC's item of the run-in checklist, signs for no ship
    ("PUT", "/rooms/{room}/checklists/{checklist}/items/{item}", {"json": {"answer": 12}}, [*UNAUTH, 404, 200, 200]),
    ("POST", "/rooms/{room}/checklists/{checklist}/signoffs", {"json": {"side": "mother", "name": "A", "rank": "B"}},
     [*UNAUTH, 404, 403, 409]),  # the admin may sign for a ship, but required items are still open
    ("POST", "/rooms/{room}/checklists/{signed}/reopen", {"json": {"reason": "matrix"}}, [*UNAUTH, 404, 403, 200]),
    # run-in is not a repeated checklist: it has no next round, for anyone who may see it
    ("POST", "/rooms/{room}/checklists/{checklist}/rounds", {}, [*UNAUTH, 404, 409, 409]),
    ("PUT", "/rooms/{room}/checklists/set", {"json": {"set_id": "generic-sample"}}, [*UNAUTH, 404, 403, 409]),
    ("GET", "/checklist-sets", {}, [*UNAUTH, 403, 403, 200]),
    # room packs: admins only, whether or not the caller may see the room (a member may not carry it away)
    ("POST", "/rooms/{room}/export", {}, [*UNAUTH, 403, 403, 200]),
    ("POST", "/rooms/import", {"files": {"file": ("room.stsroom", b"not a zip", "application/zip")}},
     [*UNAUTH, 403, 403, 422]),
    # merge conflicts: room members see them, admins resolve them (none here)
    ("GET", "/rooms/{room}/conflicts", {}, [*UNAUTH, 404, 200, 200]),
    ("POST", "/rooms/{room}/conflicts/{conflict}/resolve", {"json": {"keep": "local"}}, [*UNAUTH, 403, 403, 404]),
    # pairing and sync: admins only; no peer is paired in the matrix (404), and a code that is none is a 422
    ("POST", "/peers/pair-code", {}, [*UNAUTH, 403, 403, 201]),
    ("POST", "/peers", {"json": {"url": "http://127.0.0.1:9", "code": "not a code"}}, [*UNAUTH, 403, 403, 422]),
    ("GET", "/peers", {}, [*UNAUTH, 403, 403, 200]),
    ("GET", "/peers/trusted", {}, [*UNAUTH, 403, 403, 200]),
    ("DELETE", "/peers/trusted/{trusted}", {}, [*UNAUTH, 403, 403, 404]),
    ("GET", "/peers/codes", {}, [*UNAUTH, 403, 403, 200]),
    ("DELETE", "/peers/codes/{code}", {}, [*UNAUTH, 403, 403, 404]),
    ("DELETE", "/peers/codes", {}, [*UNAUTH, 403, 403, 200]),
    ("POST", "/rooms/{room}/sync", {}, [*UNAUTH, 403, 403, 404]),
    ("GET", "/rooms/{room}/sync", {}, [*UNAUTH, 403, 403, 200]),
    # what a paired installation asks: its sync token, not an account's bearer token (none here: 401 for all)
    ("GET", "/sync/rooms", {}, [401] * 6),
    ("POST", "/sync/pair", {"json": {"claim": "", "signature": "", "installation": {}}}, [401] * 6),
    ("POST", "/sync/rooms/{room}/have", {}, [401] * 6),
    ("POST", "/sync/rooms/{room}/pack", {"json": {"have": []}}, [401] * 6),
    ("POST", "/sync/rooms/import", {"files": {"file": ("room.stsroom", b"not a zip", "application/zip")}},
     [401] * 6),
    ("POST", "/rooms/{room}/snapshots", {"json": {}}, [*UNAUTH, 404, 200, 200]),
    ("GET", "/rooms/{room}/snapshots", {}, [*UNAUTH, 404, 200, 200]),
    ("GET", "/rooms/{room}/snapshots/{snapshot}", {}, [*UNAUTH, 404, 200, 200]),
    ("GET", "/rooms/{room}/snapshots/{snapshot}/download", {}, [*UNAUTH, 404, 200, 200]),
    ("GET", "/snapshots/tasks/{task}", {}, [*UNAUTH, 404, 200, 200]),
    ("GET", "/snapshots/metrics/summary", {}, [*UNAUTH, 403, 403, 200]),
    ("DELETE", "/rooms/{room}/snapshots/{snapshot}", {}, [*UNAUTH, 404, 403, 204]),
    ("DELETE", "/rooms/{room}/parties/{other_party}", {}, [*UNAUTH, 404, 204, 204]),
    # a recipient checking a file needs no account: the same answer for everyone
    ("POST", "/verify", {"files": {"file": ("snapshot.pdf", PDF, "application/pdf")}}, [VERIFY_DAMAGED] * 6),
]


def headers_for(harness: Harness, caller: str) -> dict[str, str]:
    if caller == "none":
        return {}
    if caller == "bad_signature":
        return {"Authorization": "Bearer " + jwt.encode({"sub": ADMIN_EMAIL, "exp": 9999999999},
                                                        "x" * 64, algorithm="HS256")}
    if caller == "expired":
        token = TokenIssuer(harness.sts.tokens.secret, timedelta(seconds=-5)).issue(ADMIN_EMAIL, "admin")
        return {"Authorization": f"Bearer {token}"}
    if caller == "outsider":
        if harness.sts.users.get("outsider@example.com") is None:
            harness.sts.users.add(LOCAL_ADMIN, "outsider@example.com", "outsider-pass")
        return harness.auth("outsider@example.com")
    return harness.member if caller == "member" else harness.admin


async def ids_for(harness: Harness) -> dict[str, str]:
    """Real ids in the demo room: the member's own party, another party, a document with a file, a snapshot."""
    room = harness.demo_room_id()
    parties = harness.sts.rooms.parties_of(room)
    own = next(p for p in parties if p["email"] == MEMBER_EMAIL)
    other = next(p for p in parties if p["email"] not in (MEMBER_EMAIL, ADMIN_EMAIL))
    doc = next(d for d in harness.sts.rooms.documents_of(room) if d["versions"])
    created = await harness.client.post(f"{API}/rooms/{room}/snapshots", headers=harness.admin, json={})
    task = await harness.wait_task(created.json()["task_id"], harness.admin)
    assert task["status"] == "completed", task
    lists = harness.sts.checklists.views_of(room)["pairs"][0]["checklists"]
    return {"checklist": lists[2]["id"], "signed": lists[1]["id"], "item": "3.5",
            "room": room, "own_party": own["id"], "other_party": other["id"], "doc": doc["id"],
            "snapshot": created.json()["id"], "task": created.json()["task_id"],
            "vessel": harness.sts.rooms.vessels_of(room)[0]["id"], "conflict": "no-such-conflict",
            "trusted": "00ff", "code": "0123456789ab"}


@pytest.mark.parametrize("caller", CALLERS)
async def test_auth_matrix(harness: Harness, caller: str) -> None:
    ids = await ids_for(harness)
    headers = headers_for(harness, caller)
    column = CALLERS.index(caller)
    for method, path, kwargs, expected in MATRIX:
        response = await harness.client.request(method, API + path.format(**ids), headers=headers, **kwargs)
        assert response.status_code == expected[column], (caller, method, path, response.text)
        if response.status_code >= 400:
            assert response.json()["detail"], (method, path)
        if response.status_code == 401 and not path.startswith("/sync/"):
            assert response.headers["www-authenticate"] == "Bearer"


async def test_matrix_covers_every_api_endpoint(harness: Harness) -> None:
    spec = (await harness.client.get("/openapi.json")).json()
    endpoints = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops
                 if path.startswith(API)}
    names = {"room": "room_id", "own_party": "party_id", "other_party": "party_id", "doc": "doc_id",
             "snapshot": "snapshot_id", "task": "task_id",
             "checklist": "checklist_id", "signed": "checklist_id", "item": "item_id",
             "vessel": "vessel_id", "conflict": "conflict_id", "trusted": "ident",
             "code": "code_id"}
    covered = {(method, API + path.format(**{k: "{" + v + "}" for k, v in names.items()}))
               for method, path, _kwargs, _expected in MATRIX}
    assert endpoints == covered
