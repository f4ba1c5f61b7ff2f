"""Signed snapshots: the installation's signing identity, signing a PDF (pyHanko), and checking a received one."""

from .identity import Identity, SigningSetupError, ensure_identity, load_identity, rotate
from .sign import P12_PASSWORD_ENV, Signer, SignerConfig, load_signer, sign_pdf, signer_line

__all__ = ["P12_PASSWORD_ENV", "Identity", "Signer", "SignerConfig", "SigningSetupError", "ensure_identity",
           "load_identity", "load_signer", "rotate", "sign_pdf", "signer_line"]
