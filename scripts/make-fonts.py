"""Rebuild static/fonts/ from Debian's Noto packages (how the shipped fonts were made).

    apt-get download fonts-noto-core fonts-noto-cjk
    for f in fonts-noto-*.deb; do dpkg-deb -x "$f" noto; done
    python scripts/make-fonts.py noto

Copies the Noto Sans faces the report's fallback chain uses and extracts the Japanese face of each Noto Sans
CJK weight from Debian's collection (.ttc -> .otf, tables as shipped). The licence is the SIL Open Font
License 1.1 (static/fonts/LICENSE-Noto.txt, from the packages' copyright files).
"""

import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTCollection

FACES = [
    f"NotoSans{script}-{weight}.ttf"
    for script in ("Arabic", "Hebrew", "Thai", "Devanagari")
    for weight in ("Regular", "Bold")
] + ["NotoSansSymbols2-Regular.ttf"]


def main(root: Path, out: Path) -> None:
    """Copy and extract the faces from the unpacked packages under ``root`` into ``out``."""
    for face in FACES:
        shutil.copyfile(root / "usr/share/fonts/truetype/noto" / face, out / face)
    for weight in ("Regular", "Bold"):
        collection = TTCollection(root / f"usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc")
        japanese = next(f for f in collection.fonts if f["name"].getDebugName(1).startswith("Noto Sans CJK JP"))
        japanese.save(out / f"NotoSansCJKjp-{weight}.otf", reorderTables=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[1] / "static" / "fonts")
