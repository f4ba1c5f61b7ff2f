"""The report body's sections, in order, for a model: their numbers are what the cover's pointers name."""

from __future__ import annotations

from sts_snapshots.domain.report_model import ReportModel

ROOM = "Room information"
PARTIES = "Parties"
VESSELS = "Vessels"
DOCUMENTS = "Documents status"
APPROVALS = "Approvals"
CHECKLISTS = "Checklists"
EVIDENCE = "Evidence hashes"
INCLUDED = "Included documents"
ACTIVITY = "Appendix: activity log"


def section_titles(model: ReportModel) -> list[str]:
    """The titles of the body's sections for ``model``: the requester's options leave some out.

    The activity log is an appendix: the last section, so the record's long tail follows the evidence.
    """
    options = model["options"]
    titles = [ROOM, PARTIES, VESSELS, DOCUMENTS]
    if options["include_approvals"]:
        titles.append(APPROVALS)
    titles.append(CHECKLISTS)
    titles.append(EVIDENCE)
    if model["included_files"]:
        titles.append(INCLUDED)
    if options["include_activity"]:
        titles.append(ACTIVITY)
    return titles


def see(model: ReportModel, title: str) -> str:
    """``<number>. <title>`` of a section the body has (what a cover line points to)."""
    return f"{section_titles(model).index(title) + 1}. {title}"


def left_out(model: ReportModel) -> list[str]:
    """The sections the requester chose to leave out, in body order (empty when none)."""
    options = model["options"]
    return [name for name, kept in (("approvals", options["include_approvals"]),
                                     ("activity log", options["include_activity"])) if not kept]
