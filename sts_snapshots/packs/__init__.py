"""Room packs (``.stsroom``): a room carried whole from one installation to another, signed by the one it left.

``format`` says what a pack holds and what limits a received one must keep; ``signature`` signs and checks the
manifest with the installation's signing key; ``export`` writes a pack; ``reader`` checks a received one
completely before anything is written; ``importer`` brings a room new to this installation in, or hands a room it
has to ``merge`` (``merge_plan`` decides field by field with the version vectors ``states`` keeps; a field both
sides changed is a conflict for an admin). Sync between paired installations is a later part of issue 19.
"""

from .export import export_pack, pack_file_name
from .format import PACK_SUFFIX, PackLimits, PackRefused
from .importer import ImportResult, import_pack, trust_pack

__all__ = ["PACK_SUFFIX", "ImportResult", "PackLimits", "PackRefused", "export_pack", "import_pack",
           "pack_file_name", "trust_pack"]
