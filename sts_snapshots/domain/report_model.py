"""The report model: everything a snapshot's PDF prints, and the per-snapshot facts and files that go with it.

``sts_snapshots.snapshots.model.gather`` builds a :class:`ReportModel` from the stores and
``sts_snapshots.report`` renders it. The model is plain JSON (it travels to the render workers, and its canonical
JSON is hashed into its ``content_key``), so these are TypedDicts. Moments are ISO 8601 text as the stores hold
them; the report formats them. Status codes are read through ``domain.labels``.
"""

from __future__ import annotations

from typing import Literal, NotRequired

# typing_extensions' TypedDict: pydantic (the API's response models) needs it before Python 3.12.
from typing_extensions import TypedDict

from .records import ReadinessCounts, RoomRecord
from .window import WindowView

FileKind = Literal["pdf", "image", "attachment"]

# How many activity entries a report prints unless the setting ``report_activity_limit`` says otherwise.
DEFAULT_ACTIVITY_LIMIT = 2000


# The room's own fields, as stored.
#
# ``id``, ``title``, ``location``, ``description`` as entered; ``sts_eta`` the planned start of the transfer
# (ISO 8601), None while not set; ``cargo_type`` and ``cargo_quantity`` free text (``85,000 mt ± 5%``);
# ``status`` a room status code (``draft``, ``docs_pending``, ``ready``, ...); ``created_at`` ISO 8601,
# ``created_by`` the creator's email.
ReportRoom = RoomRecord


class ReportVessel(TypedDict):
    """One vessel of the room (the mother vessel first, then by name).

    ``role`` is ``mother`` or ``daughter``; ``imo`` the 7-digit IMO number; ``dwt`` the deadweight in tonnes and
    ``length_m`` the length overall in metres, each None when unknown.
    """

    id: str
    name: str
    imo: str
    flag: str
    vessel_type: str
    role: str
    dwt: int | None
    length_m: float | None


class ReportParty(TypedDict):
    """One party to the operation, in the order of ``domain.models.PARTY_ROLES``.

    ``role`` is a ``PARTY_ROLES`` code and ``role_label`` its label there; ``name``, ``company`` and ``email``
    as entered (``company`` may be empty).
    """

    id: str
    role: str
    role_label: str
    name: str
    company: str
    email: str


class ReportDocument(TypedDict):
    """One document of the room as of now; grouped by vessel (in vessel order), the operation's last.

    ``group`` names the body table it goes in: ``Mother vessel — <name>``, ``Daughter vessel — <name>`` or
    ``Operation``. ``type_code`` is a catalogue code (``domain.catalogue.BY_CODE``) and ``type_name``,
    ``category``, ``required`` and ``criticality`` (``high``/``medium``/``low``) are that type's; within a
    group documents follow the catalogue's order. ``status`` is the effective status (the stored one, or
    ``expired`` past ``expires_on``, an ISO date or None); ``expired`` says the same, ``expiring_soon`` that it
    is not expired but within the type's warning days of the operation window's start; ``expires_before_end``
    that it is valid today but lapses ``shortfall_days`` whole days before the window's end, which
    ``operation_note`` says in words (empty otherwise). ``version`` is the number of the latest uploaded version,
    with its ``uploaded_by`` (email), ``uploaded_at`` (ISO 8601) and ``file_name`` (as uploaded): all four None
    when no file was uploaded, and ``sha256`` (hex, 64 digits) that version's digest, None without a file.
    ``reviewed_by`` (email) and ``reviewed_at`` (ISO 8601) are who set the current status and when: None while
    the current version is not reviewed, and for a review an older version of the app did not record.
    ``notes`` is the reviewers' free text, possibly empty.
    """

    id: str
    group: str
    type_code: str
    type_name: str
    category: str
    required: bool
    criticality: str
    status: str
    expires_on: str | None
    expired: bool
    expiring_soon: bool
    expires_before_end: bool
    shortfall_days: int
    operation_note: str
    version: int | None
    uploaded_by: str | None
    uploaded_at: str | None
    file_name: str | None
    sha256: str | None
    reviewed_by: str | None
    reviewed_at: str | None
    notes: str


class ReportApproval(TypedDict):
    """One party's approval of the operation, in the order of the parties' roles.

    ``party_name``, ``party_role_label`` and ``party_email`` are the party's ``name``, ``role_label`` and
    ``email`` (possibly empty); ``status`` is ``pending``, ``approved`` or ``rejected``, with the party's
    ``comment`` (possibly empty). ``updated_by`` is the email of the account that set it (the party's own, or an
    admin's on its behalf), empty while it was never set (or not recorded); ``updated_at`` (ISO 8601) when it
    was set, or requested while never set.
    """

    party_name: str
    party_role_label: str
    party_email: str
    status: str
    comment: str
    updated_by: str
    updated_at: str


class ReportActivity(TypedDict):
    """One entry of the room's activity log: newest first, snapshot events left out.

    ``at`` is ISO 8601, ``actor`` the email of who did it, ``action`` what (``document reviewed``), ``details``
    about what (possibly empty), as stored: ``domain.activity_text.describe`` reads it as a sentence.
    """

    at: str
    actor: str
    action: str
    details: str


class ReportChecklistItem(TypedDict):
    """One item: ``side`` answers it (``Mother vessel``, ``Daughter vessel`` or ``POAC``); ``answer`` as given
    (``yes``, ``no``, ``n/a``, a number or text), None while unanswered, with the ``remarks`` (possibly empty) and
    who answered and when (email, ISO 8601; None while unanswered)."""

    id: str
    text: str
    side: str
    required: bool
    answer: str | None
    remarks: str
    answered_by: str | None
    answered_at: str | None


class ReportSignOff(TypedDict):
    """A side's sign-off: ``name`` and ``rank`` of who signed for the ship, the account (``by``) and its party
    role, when (ISO 8601), and the POAC named at the time (empty when the room had none)."""

    side: str
    name: str
    rank: str
    by: str
    party_role: str
    at: str
    poac: str


class ReportChecklist(TypedDict):
    """One round of one checklist of one transfer pair (``pair``: ``<mother> / <daughter>``, the vessels' names
    also on their own in ``mother`` and ``daughter``), in the template's order (``number``, from 1), then by round.

    ``state`` is ``open``, ``signing`` (some sides signed) or ``signed_off``; ``sign_off`` the sides that sign
    it; ``template`` the set it came from (``<id>@<version>``); ``reopenings`` each re-opening's ``by``, ``at``
    and ``reason``, oldest first. A ``repeatable`` checklist has a record per round: ``round`` of ``rounds``,
    started at ``started_at`` (ISO 8601) by ``started_by`` (an email; empty for round 1, which came with the
    pair); ``latest`` is true for its newest round, whose state is the checklist's. A checklist that is not
    repeated is round 1 of 1.
    """

    pair: str
    mother: str
    daughter: str
    number: int
    title: str
    template: str
    state: str
    before_transfer: bool
    repeatable: bool
    repeat_every_hours: int | None
    round: int
    rounds: int
    latest: bool
    started_at: str
    started_by: str
    sign_off: list[str]
    items: list[ReportChecklistItem]
    signoffs: list[ReportSignOff]
    reopenings: list[dict[str, str]]


class IncludedFile(TypedDict):
    """The latest version of one document, bundled with a snapshot that includes documents.

    ``document`` is the document's type name and ``group`` its group (as in :class:`ReportDocument`), ``vessel``
    the vessel's name or ``Operation``; ``status`` is the document's effective status (a document that is not
    ``approved`` is included too, marked as such). ``version``, ``uploaded_by`` (email), ``uploaded_at`` (ISO
    8601), ``file_name``, ``size`` (bytes), ``mime`` and ``sha256`` (hex, printed in full) are the version's, and
    ``file_id`` the name of the stored file in the documents folder. ``kind`` is ``pdf`` for a PDF (its pages
    follow the report), ``image`` for a PNG or JPEG (a page of its own, and attached), otherwise ``attachment``
    (embedded as a file attachment).

    ``limit_pages``, ``limit_total_pages``, ``limit_bytes`` and ``limit_seconds`` are the limits the file is
    judged under (settings ``include_max_*``): part of the content key, since the index prints their outcome.
    ``first_page``/``last_page`` (1-based, in the whole snapshot file) and ``not_included`` (the reason a file is
    left out, e.g. ``over the limit of 200 pages``) are filled in by the render worker after it inspected the
    file; None before.
    """

    document: str
    group: str
    vessel: str
    status: str
    version: int
    uploaded_by: str
    uploaded_at: str
    file_name: str
    sha256: str
    size: int
    mime: str
    file_id: str
    kind: FileKind
    limit_pages: int
    limit_total_pages: int
    limit_bytes: int
    limit_seconds: int
    first_page: int | None
    last_page: int | None
    not_included: str | None


class ReportOptions(TypedDict):
    """What the requester of a snapshot chose to include, and how much of the activity log a report prints.

    ``include_documents`` bundles the files; ``include_approvals`` and ``include_activity`` (both true unless
    the requester said otherwise) print the approvals section and the activity log appendix.
    ``activity_limit`` is the most activity entries printed (the newest); the report says how many it left out.
    """

    include_documents: bool
    include_activity: bool
    include_approvals: bool
    activity_limit: int


class ReportModel(TypedDict):
    """Everything the report body prints; the same model always renders the same body.

    ``template_version`` changes with the report's layout, so a new layout gives new keys. ``readiness``
    counts the required documents by effective status (and says whether all are approved and valid through
    the end of ``operation_window``, and how many checklists to sign before transfer are signed);
    ``included_files`` is empty unless the snapshot includes documents. ``options`` are the requester's choices;
    ``approvals`` is empty and ``activity`` too when they left those out. ``activity`` holds the newest
    entries, at most ``options["activity_limit"]`` of them, and ``activity_total`` counts them all (0 when the
    activity was left out), so ``activity_total - len(activity)`` entries are not printed.
    ``content_key`` is the SHA-256 of the canonical JSON of every other field
    (``snapshots.content_key.content_key``): the key of the cached body.
    """

    template_version: str
    options: ReportOptions
    room: ReportRoom
    vessels: list[ReportVessel]
    parties: list[ReportParty]
    documents: list[ReportDocument]
    approvals: list[ReportApproval]
    activity: list[ReportActivity]
    activity_total: int
    readiness: ReadinessCounts
    operation_window: WindowView
    checklists: list[ReportChecklist]
    included_files: list[IncludedFile]
    content_key: str
    # the room's open merge conflicts, one line each (issue 19); absent when none, so other rooms' keys stay as they
    # were. The content key covers them: resolving one gives a new key
    conflicts: NotRequired[list[str]]


class SnapshotFacts(TypedDict):
    """What the cover, the page stamps and the PDF's metadata say about one snapshot (not in the cached body).

    ``snapshot_id`` and ``title`` are the snapshot's, ``content_key`` its model's; ``generated_at`` is
    ``YYYY-MM-DD HH:MM:SS UTC`` (also the PDF's creation date) and ``generated_by`` ``Name <email>`` or the
    email alone. ``signed_by`` is the signature's line (``Digitally signed by <subject>, certificate SHA-256
    <fingerprint>``; empty for an unsigned file) and ``activity_chains`` one line per origin of the room's
    activity chain (its entry count, head hash and since when it is chained).
    """

    snapshot_id: str
    title: str
    content_key: str
    generated_at: str
    generated_by: str
    signed_by: NotRequired[str]
    activity_chains: NotRequired[list[str]]


class AppendixItem(TypedDict):
    """A file the assembly adds after the report, one per :class:`IncludedFile`, in order.

    ``path`` is where the file is on disk and ``name`` its file name as uploaded; ``kind`` as in
    :class:`IncludedFile`; ``title`` the bookmark of its pages, ``<group>: <document> (<file name>)``;
    ``attachment`` its name as a PDF attachment, ``<vessel or Operation> - <document> - v<N> - <file name>``
    (unique in the file); ``label`` what its stamped pages say it is, ``<document> — v<N> — <file name>``, and
    ``status`` the document's effective status (pages of a document that is not approved say so). ``document``
    and ``version`` are the label's parts, so the stamp can draw the document's and the file's names as isolates.
    """

    path: str
    name: str
    kind: FileKind
    title: str
    attachment: str
    label: str
    status: str
    document: NotRequired[str]
    version: NotRequired[int]
