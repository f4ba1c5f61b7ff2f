"""``POST /api/v1/verify``: anyone holding a snapshot PDF may ask whether to believe it (no login: a recipient is
not a user). It answers the fields of :class:`~sts_snapshots.signing.verify.PdfCheck` and nothing else.

The upload size limit applies (the router is included with it); every request takes a slot of a throttle like
the login's (per file and per address), so a flood gets 429 before any PDF is parsed.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, UploadFile
from pydantic import BaseModel

from ..services.throttle import LockedOut
from ..signing import SignerConfig
from ..signing.verify import BadPdf, check_pdf
from .deps import ClientAddress, Sts

router = APIRouter(tags=["verify"])


class VerifyAnswer(BaseModel):
    ok: bool
    signature: str
    signed_by: str | None
    fingerprint: str | None
    certificate: str
    signed_at: str | None
    modified_after_signing: bool | None
    snapshot_id: str | None
    snapshot_known: bool
    sha256: str
    sha256_matches: bool | None
    reason: str


@router.post("/verify", responses={422: {"description": "not a PDF that can be checked"},
                                   429: {"description": "too many checks from this address"}})
def verify(sts: Sts, address: ClientAddress,
           file: Annotated[UploadFile, File(description="the PDF to check")]) -> VerifyAnswer:
    """Check a PDF's signature and this installation's record of the snapshot it names."""
    data = file.file.read()
    try:
        sts.verify_throttle.begin(hashlib.sha256(data).hexdigest(), address)
    except LockedOut as exc:
        raise HTTPException(429, f"too many checks from this address; try again in {int(exc.seconds) + 1} s",
                            headers={"Retry-After": str(int(exc.seconds) + 1)}) from None
    settings = sts.settings
    try:
        result = check_pdf(data, sts.layout, SignerConfig.of(settings.data_dir, settings.signing_p12))
    except BadPdf as exc:
        raise HTTPException(422, str(exc)) from None
    return VerifyAnswer(**result.as_dict())
