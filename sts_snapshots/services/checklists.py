"""Checklists in a room: answering items, signing off per side in the template's order, re-opening with a reason,
and the next round of a repeated checklist."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from ..domain.checklist_format import SIDES
from ..domain.checklists import (
    ChecklistRecord,
    ChecklistView,
    ReopenRecord,
    SignOffRecord,
    clean_answer,
    instantiate,
    key_of,
    latest_rounds,
    next_round,
    round_title,
    side_label,
    state_of,
    unanswered_required,
)
from ..domain.models import PARTY_ROLES, clean_text
from ..domain.records import PartyRecord, VesselRecord
from ..domain.time import now_iso
from .checklist_book import ChecklistBook, SetSummary, pairs_of
from .errors import Conflict, Forbidden, Invalid, NotFound
from .rooms import RoomService
from .users import User


class PairView(TypedDict):
    """One transfer's checklists, in order; ``your_sides`` are the sides the caller may answer and sign."""

    mother_id: str
    mother_name: str
    daughter_id: str
    daughter_name: str
    label: str
    your_sides: list[str]
    checklists: list[ChecklistView]


class RoomChecklists(TypedDict):
    set: SetSummary | None
    poac: str
    pairs: list[PairView]


def sides_of(party: PartyRecord | None, mother: VesselRecord, daughter: VesselRecord) -> list[str]:
    """The sides a party answers for one pair: its linked vessel's (a party without a link: the owner's role),
    and the POAC's for the mooring master."""
    if party is None:
        return []
    vessel = party.get("vessel_id")
    sides = []
    if vessel == mother["id"] or (not vessel and party["role"] == "mother_owner"):
        sides.append("mother")
    if vessel == daughter["id"] or (not vessel and party["role"] == "daughter_owner"):
        sides.append("daughter")
    if party["role"] == "mooring_master":
        sides.append("poac")
    return sides


def view_of(c: ChecklistRecord, pair: str, latest: ChecklistRecord) -> ChecklistView:
    """``c`` with its derived state; ``latest`` is the newest round of the same checklist (``c`` itself if it is)."""
    state = state_of(c)
    is_latest = c["id"] == latest["id"]
    return ChecklistView(**c, state=state, unanswered_required=len(unanswered_required(c)), pair=pair,
                         rounds=latest["round"], latest=is_latest,
                         next_round=c["round"] + 1 if c["repeatable"] and is_latest and state == "signed_off"
                         else None)


class ChecklistService:
    def __init__(self, rooms: RoomService, book: ChecklistBook) -> None:
        self.rooms = rooms
        self.book = book

    # -- reading ------------------------------------------------------------------------------------
    def list(self, user: User, room_id: str) -> RoomChecklists:
        self.rooms.room(user, room_id)
        self.ensure(room_id, user.email)
        party = self.rooms.member_party(user, room_id)
        return self._view(room_id, lambda m, d: list(SIDES) if user.is_admin else sides_of(party, m, d))

    def views_of(self, room_id: str) -> RoomChecklists:
        """The room's checklists without an access check (a snapshot job): what is instantiated, nothing new."""
        return self._view(room_id, lambda m, d: [])

    def _view(self, room_id: str, sides: Any) -> RoomChecklists:
        vessels = {v["id"]: v for v in self.rooms.vessels_of(room_id)}
        by_pair: dict[tuple[str, str], list[ChecklistRecord]] = {}
        for c in self.book.of_room(room_id):
            by_pair.setdefault((c["mother_id"], c["daughter_id"]), []).append(c)
        latest = latest_rounds(self.book.of_room(room_id))
        pairs: list[PairView] = []
        for mother, daughter in pairs_of(list(vessels.values())):
            label = f"{mother['name']} / {daughter['name']}"
            found = by_pair.get((mother["id"], daughter["id"]), [])
            pairs.append(PairView(mother_id=mother["id"], mother_name=mother["name"], daughter_id=daughter["id"],
                                  daughter_name=daughter["name"], label=label, your_sides=sides(mother, daughter),
                                  checklists=[view_of(c, label, latest[key_of(c)]) for c in found]))
        document = self.book.room_set(room_id)
        summary = next((s for s in self.book.installed()
                        if document and s["key"] == f"{document['id']}@{document['version']}"), None)
        return RoomChecklists(set=summary, poac=self._poac(room_id), pairs=pairs)

    def ensure(self, room_id: str, actor: str) -> None:
        """Give the room its set (the default's newest, on first use) and every transfer pair its checklists."""
        document = self.book.room_set(room_id)
        if document is None:
            return
        if not self.book.is_attached(room_id):
            self.book.attach(room_id, document, actor)
        have = {(c["mother_id"], c["daughter_id"]) for c in self.book.of_room(room_id)}
        for mother, daughter in pairs_of(self.rooms.vessels_of(room_id)):
            if (mother["id"], daughter["id"]) not in have:
                self.book.checklists_of(room_id).insert_many(
                    instantiate(room_id, document, mother["id"], daughter["id"], actor))

    def attach_set(self, user: User, room_id: str, set_id: str, version: int | None = None) -> RoomChecklists:
        """An admin gives the room another installed set, while none of its checklists has an answer."""
        self.rooms.room(user, room_id)
        if not user.is_admin:
            raise Forbidden("only an admin may change a room's checklist set")
        document = self.book.document(set_id, version)
        if document is None:
            raise Invalid(f"set_id: no installed checklist set {set_id}" + (f" version {version}" if version else ""))
        started = [c for c in self.book.of_room(room_id) if c["signoffs"] or any(i["answer"] for i in c["items"])]
        if started:
            raise Conflict("the room's checklists are started: its set can no longer be changed")
        self.book.checklists_of(room_id).clear()
        self.book.attach(room_id, document, user.email)
        self.rooms.log(room_id, user.email, "checklist set attached", f"{document['title']} v{document['version']}")
        return self.list(user, room_id)

    # -- changing ---------------------------------------------------------------------------------
    def answer(self, user: User, room_id: str, checklist_id: str, item_id: str, answer: Any,
               remarks: str | None = None) -> ChecklistView:
        checklist, mother, daughter = self._find(user, room_id, checklist_id)
        item = next((i for i in checklist["items"] if i["id"] == item_id), None)
        if item is None:
            raise NotFound("item not found")
        self._require_side(user, room_id, item["side"], mother, daughter, "answer")
        if checklist["signoffs"]:
            raise Conflict("the checklist is signed off (in part): an admin must re-open it before answers change")
        try:
            value = None if answer is None else clean_answer(item["kind"], answer)
            note = item["remarks"] if remarks is None else clean_text(remarks, "remarks", max_len=1000)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        items = [{**i, "answer": value, "remarks": note, "answered_by": user.email if value is not None else None,
                  "answered_at": now_iso() if value is not None else None} if i["id"] == item_id else i
                 for i in checklist["items"]]
        saved = self.book.save(checklist, {"items": items})
        what = f"{value}" + (f" — {note}" if note else "") if value is not None else "answer cleared"
        self.rooms.log(room_id, user.email, "checklist answered", f"{round_title(checklist)} {item_id}: {what}")
        return self._view_one(saved, mother, daughter)

    def sign_off(self, user: User, room_id: str, checklist_id: str, side: str, name: str, rank: str) -> ChecklistView:
        checklist, mother, daughter = self._find(user, room_id, checklist_id)
        if side not in checklist["sign_off"]:
            raise Invalid(f"side: {checklist['title']} is signed off by {', '.join(checklist['sign_off'])}")
        party = self._require_side(user, room_id, side, mother, daughter, "sign off")
        if any(s["side"] == side for s in checklist["signoffs"]):
            raise Conflict(f"{side_label(side)} has signed off this checklist already")
        # a repeated checklist before this one counts by its latest round
        previous = sorted((c for c in latest_rounds(self.book.of_room(room_id)).values()
                           if c["daughter_id"] == checklist["daughter_id"] and c["mother_id"] == checklist["mother_id"]
                           and c["position"] < checklist["position"] and state_of(c) != "signed_off"),
                          key=lambda c: c["position"])
        if previous:
            raise Conflict(f"{round_title(previous[0])} must be signed off first")
        open_items = unanswered_required(checklist)
        if open_items:
            ids = ", ".join(str(i["id"]) for i in open_items)
            raise Conflict(f"required item(s) {ids} are not answered yet")
        try:
            signer, signer_rank = clean_text(name, "name", required=True), clean_text(rank, "rank", required=True)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        role = PARTY_ROLES[party["role"]] if party else "Administrator"
        record = SignOffRecord(side=side, name=signer, rank=signer_rank, by=user.email, party_role=role, at=now_iso(),
                               poac=self._poac(room_id))
        saved = self.book.save(checklist, {"signoffs": [*checklist["signoffs"], record]})
        self.rooms.log(room_id, user.email, "checklist signed off",
                       f"{round_title(checklist)} ({_pair(mother, daughter)}): {side_label(side)} — {signer}, "
                       f"{signer_rank} ({role})")
        return self._view_one(saved, mother, daughter)

    def reopen(self, user: User, room_id: str, checklist_id: str, reason: str) -> ChecklistView:
        checklist, mother, daughter = self._find(user, room_id, checklist_id)
        if not user.is_admin:
            raise Forbidden("only an admin may re-open a signed checklist")
        try:
            why = clean_text(reason, "reason", max_len=1000, required=True)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        if not checklist["signoffs"]:
            raise Conflict("the checklist is not signed off: there is nothing to re-open")
        record = ReopenRecord(by=user.email, at=now_iso(), reason=why, signoffs=checklist["signoffs"])
        saved = self.book.save(checklist, {"signoffs": [], "reopenings": [*checklist["reopenings"], record]})
        self.rooms.log(room_id, user.email, "checklist re-opened",
                       f"{round_title(checklist)} ({_pair(mother, daughter)}): {why}")
        return self._view_one(saved, mother, daughter)

    def start_round(self, user: User, room_id: str, checklist_id: str) -> ChecklistView:
        """A party of the room starts the next round of a repeated checklist, once its latest round (``checklist_id``
        names any round of it) is signed off; the new round is unanswered and unsigned."""
        checklist, mother, daughter = self._find(user, room_id, checklist_id)
        if not checklist["repeatable"]:
            raise Conflict(f"{checklist['title']} is not a repeated checklist: it has one round")
        with self.book.checklists_of(room_id).locked():  # two taps on "start" make one round
            rounds = [c for c in self.book.of_room(room_id) if key_of(c) == key_of(checklist)]
            latest = max(rounds, key=lambda c: c["round"])
            if state_of(latest) != "signed_off":
                raise Conflict(f"round {latest['round']} of {checklist['title']} is not signed off yet: "
                               "the next round starts after it")
            started = next_round(latest, user.email)
            self.book.checklists_of(room_id).insert(started)
        self.rooms.log(room_id, user.email, "checklist round started",
                       f"{round_title(started)} ({_pair(mother, daughter)})")
        return self._view_one(started, mother, daughter)

    # -- helpers --------------------------------------------------------------------------------------
    def _view_one(self, c: ChecklistRecord, mother: VesselRecord, daughter: VesselRecord) -> ChecklistView:
        latest = latest_rounds([x for x in self.book.of_room(c["room_id"]) if key_of(x) == key_of(c)])
        return view_of(c, _pair(mother, daughter), latest.get(key_of(c), c))

    def _find(self, user: User, room_id: str, checklist_id: str) -> tuple[ChecklistRecord, VesselRecord, VesselRecord]:
        self.rooms.room(user, room_id)
        checklist = self.book.get(checklist_id, room_id)
        vessels = {v["id"]: v for v in self.rooms.vessels_of(room_id)}
        if checklist is None or checklist["room_id"] != room_id or checklist["mother_id"] not in vessels \
                or checklist["daughter_id"] not in vessels:
            raise NotFound("checklist not found")
        return checklist, vessels[checklist["mother_id"]], vessels[checklist["daughter_id"]]

    def _require_side(self, user: User, room_id: str, side: str, mother: VesselRecord, daughter: VesselRecord,
                      doing: str) -> PartyRecord | None:
        party = self.rooms.member_party(user, room_id)
        if not user.is_admin and side not in sides_of(party, mother, daughter):
            raise Forbidden(f"only the {side_label(side).lower()}'s parties may {doing} its items"
                            if side != "poac" else f"only the POAC may {doing} the POAC's items")
        return party

    def _poac(self, room_id: str) -> str:
        return next((p["name"] for p in self.rooms.parties_of(room_id) if p["role"] == "mooring_master"), "")


def _pair(mother: VesselRecord, daughter: VesselRecord) -> str:
    return f"{mother['name']} / {daughter['name']}"
