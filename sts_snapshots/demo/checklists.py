"""The demo room's checklists part-way done: pre-fixture and pre-arrival signed by both ships, run-in open."""

from __future__ import annotations

from ..services.checklists import ChecklistService
from ..services.rooms import RoomService
from ..services.users import User

MASTERS = [("mother", "Capt. Lars Nygaard", "lars.nygaard@nordictankers.example"),
           ("daughter", "Capt. Ana Ribeiro", "ana.ribeiro@cnsp.example")]
ANSWERS = {"yes_no": "yes", "yes_no_na": "yes", "number": "95000", "text": "Agreed: see the joint plan of operation"}
REMARKS = {"2.3": "Fender and hose certificates checked against the documents in this room.",
           "2.5": "Mooring: wind 25 kn, Hs 2.0 m; stop transfer at 30 kn."}


def seed_checklists(admin: User, rooms: RoomService, checklists: ChecklistService, room_id: str,
                    poac: User) -> None:
    vessels = {v["role"]: v for v in rooms.vessels_of(room_id)}
    people = {"poac": poac}
    for side, name, email in MASTERS:
        rooms.add_party(admin, room_id, {"role": "master", "name": name, "company": "", "email": email,
                                         "vessel_id": vessels[side]["id"]})
        people[side] = User(email=email, name=name, role="user")
    pair = checklists.list(admin, room_id)["pairs"][0]["checklists"]
    for checklist in pair[:2]:
        for item in checklist["items"]:
            checklists.answer(people[item["side"]], room_id, checklist["id"], item["id"], ANSWERS[item["kind"]],
                              REMARKS.get(item["id"], ""))
        for side, name, _email in MASTERS:
            checklists.sign_off(people[side], room_id, checklist["id"], side, name.removeprefix("Capt. "), "Master")
    run_in = pair[2]
    for item in run_in["items"][:2]:
        checklists.answer(people[item["side"]], room_id, run_in["id"], item["id"], "yes")
