"""Lines the report composes from its words and user values (issue 14): left to right, each value an isolate.

A daughter vessel named in Arabic, a Hebrew party company and an Arabic document note, checked with poppler
(pdftotext -layout and -bbox-layout), pypdf (ToUnicode maps) and the pixels of pdftoppm.
"""

from __future__ import annotations

import copy
import html
import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from sts_snapshots.domain.report_model import ReportModel
from sts_snapshots.report import render_body, render_cover
from sts_snapshots.report.canvas import Style, wrap
from sts_snapshots.report.composed import Composed, Value
from sts_snapshots.report.direction import composed_levels
from sts_snapshots.report.fonts import load_fonts
from sts_snapshots.report.shaping import shape
from sts_snapshots.report.theme import INK
from tests import report_model

FONTS = Path(__file__).resolve().parents[1] / "static" / "fonts"
VESSEL = "ناقلة الخليج"
COMPANY = "צים שירותי ספנות"
NOTE = "تمت المراجعة مع الوكيل"
PARTY = "محمد الأحمد"
# what the report must never print: isolates, embeddings' marks (poppler adds U+202B/U+202C itself around RTL text)
CONTROLS = re.compile("[\u2066-\u2069\u200e\u200f\u061c]")


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True, timeout=60).stdout.decode()


@pytest.fixture(scope="module")
def model() -> ReportModel:
    m = copy.deepcopy(report_model.model(6, included=False))
    daughter = next(v for v in m["vessels"] if v["role"] == "daughter")
    daughter["name"], daughter["imo"], daughter["flag"] = VESSEL, "9512343", "UAE"
    m["parties"][1]["company"] = COMPANY
    m["documents"][1]["notes"] = NOTE
    m["activity"].insert(0, {"at": "2026-11-28T09:00:00+00:00", "actor": "admin@sts.example",
                             "action": "approval changed", "details": f"{PARTY}: rejected — late"})
    m["activity_total"] += 1
    return m


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, model: ReportModel) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("composed")
    paths = {"cover": folder / "cover.pdf", "body": folder / "body.pdf"}
    paths["cover"].write_bytes(render_cover(model, report_model.facts(model), FONTS))
    paths["body"].write_bytes(render_body(model, FONTS))
    return paths


def test_the_vessel_line_reads_name_imo_flag_and_no_control_is_extracted(pdfs: dict[str, Path]) -> None:
    cover = run("pdftotext", "-layout", str(pdfs["cover"]), "-")
    line = next(text.strip() for text in cover.splitlines() if "9512343" in text)
    # poppler writes a line in x order and each right-to-left section (from an R letter to the next L letter or
    # digit, neutrals included) reversed into logical order between RLE/PDF of its own: the " · " drawn right of
    # the name is part of that section, so it comes first. Drawn: the name, then " · IMO 9512343 · UAE".
    assert line == f"\u202b · {VESSEL}\u202cIMO 9512343 · UAE"
    body = run("pdftotext", "-layout", str(pdfs["body"]), "-")
    assert COMPANY in body and NOTE in body
    for text in (cover, body):
        assert not CONTROLS.search(text), sorted({hex(ord(c)) for c in CONTROLS.findall(text)})


def _words(pdf: Path, page: int = 1) -> list[tuple[str, float, float, float]]:
    """(text, xMin, xMax, vertical middle) of each word poppler finds on ``page``."""
    out = run("pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-")
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [(html.unescape(m[5]), float(m[1]), float(m[3]), (float(m[2]) + float(m[4])) / 2)
            for m in re.finditer(pattern, out)]


def _ink(pdf: Path, box: tuple[float, float, float, float], dpi: int = 100) -> int:
    """Dark pixels inside ``box`` (x0, y0, x1, y1 in points from the top left) of page 1 as pdftoppm draws it."""
    ppm = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf)], capture_output=True,
                         check=True, timeout=60).stdout
    fields = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", ppm)
    assert fields is not None
    width = int(fields[1])
    pixels = ppm[fields.end():]
    x0, y0, x1, y1 = (round(v * dpi / 72) for v in box)
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if min(pixels[(y * width + x) * 3:][:3]) < 160)


def test_imo_is_drawn_right_of_the_arabic_name(pdfs: dict[str, Path]) -> None:
    words = _words(pdfs["cover"])
    imo = next(w for w in words if w[0] == "IMO" and any(o[0] == "9512343" and abs(o[3] - w[3]) < 3 for o in words))
    same_line = [w for w in words if abs(w[3] - imo[3]) < 3]
    arabic = [w for w in same_line if re.search("[\u0600-\u06ff]", w[0])]
    assert len(arabic) == 2, same_line
    assert imo[1] > max(w[2] for w in arabic)
    flag = next(w for w in same_line if w[0] == "UAE")
    assert flag[1] > imo[2]
    # the name is really drawn there, and the line starts at the cover's left margin with it
    name_box = (min(w[1] for w in arabic), imo[3] - 4, max(w[2] for w in arabic), imo[3] + 4)
    assert _ink(pdfs["cover"], name_box) > 40
    assert min(w[1] for w in arabic) == pytest.approx(min(w[1] for w in words if w[0] == "MT"), abs=0.5)


def test_an_activity_sentence_that_starts_with_an_arabic_name_keeps_its_words_in_order(pdfs: dict[str, Path]) -> None:
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdfs["body"])))[1])  # type: ignore[index]
    for page in range(1, pages + 1):
        words = _words(pdfs["body"], page)
        rejected = [w for w in words if w[0] == "rejected;"]
        if rejected:
            break
    assert rejected, "the activity entry is not in the body"
    same_line = [w for w in words if abs(w[3] - rejected[0][3]) < 3]
    arabic = [w for w in same_line if re.search("[\u0600-\u06ff]", w[0])]
    comment = next(w for w in same_line if w[0] == "comment:")
    # drawn left to right: the name, then "rejected;", then "comment: late"
    assert len(arabic) == 2 and rejected[0][1] > max(w[2] for w in arabic), same_line
    assert comment[1] > rejected[0][2]


def test_no_bidi_control_is_mapped_in_any_tounicode(pdfs: dict[str, Path]) -> None:
    for path in pdfs.values():
        for page in pypdf.PdfReader(path).pages:
            fonts = page["/Resources"]["/Font"]
            for name in fonts:
                cmap = fonts[name].get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
                assert not re.search(r"<(2066|2067|2068|2069|200E|200F|061C)>", cmap.upper()), name


def test_a_composed_line_is_left_to_right_with_isolated_values() -> None:
    regular, _ = load_fonts(FONTS)
    line = Composed.of(Value(VESSEL), " · IMO ", Value("9512343"), " · ", Value("UAE"))
    levels = composed_levels(line)
    assert len(levels) == len(line.text)
    # the name is right to left (level 1); the rest even: the IMO number's isolate is LTR inside LTR (level 2)
    assert set(levels[: len(VESSEL)]) == {1} and all(level % 2 == 0 for level in levels[len(VESSEL) :])
    shaped = shape(regular, line)
    assert shaped.text == line.text
    assert (shaped.runs[0].rtl, shaped.runs[0].text) == (True, VESSEL)
    assert "".join(run.text for run in shaped.runs[1:]) == " · IMO 9512343 · UAE"
    # without isolation the Arabic name makes the line right to left: the Latin parts come first
    assert shape(regular, line.text).runs[0].text != VESSEL


def test_a_value_alone_keeps_its_own_paragraph_direction() -> None:
    regular, _ = load_fonts(FONTS)
    mixed = "شركة الخليج للشحن 2024 Ltd"
    alone = shape(regular, Composed.of(Value(mixed)))
    assert [(r.rtl, r.text) for r in alone.runs] == [(r.rtl, r.text) for r in shape(regular, mixed).runs]
    assert alone.runs[0].text == "Ltd"  # an RTL paragraph, as the value printed on its own line


def test_typed_bidi_controls_steer_the_levels_but_are_never_shaped() -> None:
    regular, _ = load_fonts(FONTS)
    shaped = shape(regular, "IMO \u2067שלום\u2069 9512343\u200f")
    assert not any(CONTROLS.search(run.text) for run in shaped.runs)
    assert all(g.text == "" or not CONTROLS.search(g.text) for run in shaped.runs for g in run.glyphs)
    assert len(shaped.advances) == len(shaped.text)
    assert shaped.advances[4] == 0 and shaped.advances[9] == 0
    value = Composed.of("by ", Value("\u2067שרה\u2069 \u202eלוי"))
    assert value.text == "by שרה לוי"


def test_a_wrapped_composed_line_keeps_each_part_in_order() -> None:
    regular, _ = load_fonts(FONTS)
    style = Style(regular, 9, INK)
    line = Composed.of("Signed for the mother vessel: ", Value("شركة الخليج للشحن البحري"), ", ", Value("Master"),
                       " — 2026-12-03 06:00 UTC (by ", Value("צים שירותי ספנות"), ")")
    lines = wrap(line, style, 120)
    assert len(lines) >= 3
    assert " ".join(ln.text for ln in lines) == line.text
    assert all(ln.width <= 120 for ln in lines)
    rtl_values = ("شركة الخليج للشحن البحري", "צים שירותי ספנות")
    for ln in lines:
        levels = composed_levels(Composed(ln.text, ln.isolates))
        inside = {i for iso in ln.isolates for i in range(iso.start, iso.end)}
        # the report's words stay at level 0 on every line, so rule L2 never moves them
        assert all(levels[i] == 0 for i in range(len(ln.text)) if i not in inside), ln.text
        for iso in ln.isolates:
            piece = ln.text[iso.start : iso.end]
            # a piece of a value cut by the line end keeps the value's own direction
            assert iso.rtl == any(piece in value for value in rtl_values), piece
            assert all(levels[i] % 2 == 1 for i in range(iso.start, iso.end) if not ln.text[i].isspace()) == iso.rtl


def test_an_appended_pages_stamp_keeps_its_status_right_of_an_arabic_document_name(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import RectangleObject

    from sts_snapshots.report.overlay import overlay_text
    from sts_snapshots.report.stamps import appended_stamps

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    item = {"path": "", "name": "x.pdf", "kind": "pdf", "title": "", "attachment": "",
            "label": "شهادة السلامة — v2 — x.pdf", "status": "approved", "document": "شهادة السلامة", "version": 2}
    stamps = appended_stamps(RectangleObject((0, 40, 595, 842)), "Snapshot 7c1e · Page 1 of 1", item)  # type: ignore[arg-type]
    overlay_text(writer, {0: stamps})
    path = tmp_path / "stamped.pdf"
    with path.open("wb") as out:
        writer.write(out)
    words = _words(path)
    status = next(w for w in words if w[0] == "Approved")
    same_line = [w for w in words if abs(w[3] - status[3]) < 3]
    arabic = [w for w in same_line if re.search("[\u0600-\u06ff]", w[0])]
    bar = next(w for w in same_line if w[0] == "|")
    version = next(w for w in same_line if w[0] == "v2")
    file_name = next(w for w in same_line if w[0] == "x.pdf")
    # drawn left to right: the document's name, its version, the file's name, then "|" and its status
    assert len(arabic) == 2 and version[1] > max(w[2] for w in arabic), same_line
    assert file_name[1] > version[2] and bar[1] > file_name[2] and status[1] > bar[2], same_line
    assert not CONTROLS.search(run("pdftotext", str(path), "-"))
