"""The catalogue of document types an STS operation is cleared on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["vessel", "operation"]


@dataclass(frozen=True)
class DocumentType:
    code: str
    name: str
    category: str
    scope: Scope
    required: bool = True
    criticality: Literal["high", "medium", "low"] = "high"
    has_expiry: bool = False
    warning_days: int = 30


def _v(code: str, name: str, category: str, **kw: object) -> DocumentType:
    return DocumentType(code, name, category, "vessel", **kw)  # type: ignore[arg-type]


def _o(code: str, name: str, category: str, **kw: object) -> DocumentType:
    return DocumentType(code, name, category, "operation", **kw)  # type: ignore[arg-type]


CATALOGUE: tuple[DocumentType, ...] = (
    _v("Q88", "Q88 questionnaire", "Questionnaires", criticality="high"),
    _v("PI_COE", "P&I certificate of entry", "Certificates", has_expiry=True),
    _v("CLC", "CLC certificate (civil liability)", "Certificates", has_expiry=True),
    _v("IOPP", "IOPP certificate", "Certificates", has_expiry=True, warning_days=45),
    _v("ISM_SMC", "ISM Safety Management Certificate", "Certificates", has_expiry=True),
    _v("ISM_DOC", "ISM Document of Compliance", "Certificates", has_expiry=True),
    _v("ISSC", "International Ship Security Certificate", "Certificates", has_expiry=True),
    _v("CLASS", "Class status report", "Certificates", criticality="medium", has_expiry=True, warning_days=14),
    _v("SOLAS_SC", "SOLAS safety construction certificate", "Certificates", criticality="medium", has_expiry=True),
    _v("SOLAS_SE", "SOLAS safety equipment certificate", "Certificates", criticality="medium", has_expiry=True),
    _v("STS_PLAN", "Approved STS operations plan", "Plans"),
    _v("MOORING", "Mooring arrangement plan", "Plans", criticality="medium"),
    _v("CREW", "Crew list", "Lists", criticality="low"),
    _o("FENDER", "Fender certificates", "Equipment", has_expiry=True),
    _o("HOSE", "Hose test certificates", "Equipment", has_expiry=True),
    _o("JPO", "Joint plan of operation", "Plans"),
    _o("MCA", "Mooring compatibility assessment", "Assessments"),
    _o("MSDS", "Cargo MSDS", "Cargo", criticality="medium"),
    _o("RISK", "Risk assessment", "Assessments"),
    _o("PERMIT", "Authority permission", "Permits", has_expiry=True, warning_days=7),
    _o("CHECKLIST", "STS checklists 1-5 (OCIMF)", "Checklists", criticality="medium"),
    _o("WEATHER", "Weather forecast and limits", "Plans", required=False, criticality="low"),
)

BY_CODE: dict[str, DocumentType] = {t.code: t for t in CATALOGUE}


def types_for(scope: Scope) -> list[DocumentType]:
    """The required document types for a vessel or for the operation.

    >>> [t.code for t in types_for("operation")][:2]
    ['FENDER', 'HOSE']
    """
    return [t for t in CATALOGUE if t.scope == scope and t.required]
