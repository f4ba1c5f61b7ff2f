"""The report's text engine on names in every script a room may hold, checked with real PDF tools.

pdftotext (poppler) for logical order, pypdf for extraction, pdffonts for embedding, qpdf for structure, and the
pixels of pdftoppm's rendering where each name is drawn.
"""

from __future__ import annotations

import copy
import html
import io
import re
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from sts_snapshots.domain.report_model import ReportModel, SnapshotFacts
from sts_snapshots.report import render_body, render_cover, unprintable_characters
from sts_snapshots.report.canvas import Style, wrap
from sts_snapshots.report.fonts import load_fonts
from sts_snapshots.report.overlay import OverlayText, overlay_text, text_width
from sts_snapshots.report.shaping import shape
from sts_snapshots.report.theme import INK
from tests import report_model

FONTS = Path(__file__).resolve().parents[1] / "static" / "fonts"
EMOJI = "🚢"
PEOPLE = ["Nguyễn Thị Minh Khai", "Αθηνά Παπαδοπούλου", "Ольга Смирнова", "山田太郎", "שרה לוי", "می‌خواهم"]
COMPANIES = ["株式会社オーシャン", "中远海运", "長榮海運", "현대상선", "شركة الخليج للشحن 2024 Ltd", "צים שירותי ספנות"]
VESSELS = ["บริษัท ไทยเดินเรือ", "शिपिंग कंपनी"]
NAMES = [*PEOPLE, *COMPANIES, *VESSELS]
MIXED = "شركة الخليج للشحن 2024 Ltd"
PYPDF_NAMES = ["Nguyễn Thị Minh Khai", "Αθηνά Παπαδοπούλου", "Ольга Смирнова", "山田太郎", "株式会社オーシャン",
               "中远海运", "長榮海運", "현대상선", "צים שירותי ספנות", "บริษัท ไทยเดินเรือ"]


def normal(text: str) -> str:
    """NFKC, without bidi embedding controls, joiners and whitespace: what survives every extractor's choices.

    poppler drops the zero-width non-joiner of Persian (it draws nothing), so joiners are not compared.
    """
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\u202a-\u202e\u200c\u200d\s]", "", text)


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, capture_output=True, check=False, timeout=60)


@pytest.fixture(scope="module")
def model() -> ReportModel:
    m = copy.deepcopy(report_model.model(6, included=False))
    for party, person, company in zip(m["parties"], PEOPLE, COMPANIES, strict=True):
        party["name"], party["company"] = person, company
    m["vessels"][0]["name"], m["vessels"][1]["name"] = VESSELS
    m["room"]["title"] = f"STS {EMOJI} 山田丸 / الخليج"
    for approval, party in zip(m["approvals"], m["parties"], strict=False):
        approval["party_name"] = party["name"]
    return m


@pytest.fixture(scope="module")
def facts(model: ReportModel) -> SnapshotFacts:
    return report_model.facts(model)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, model: ReportModel, facts: SnapshotFacts) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("text")
    paths = {"body": folder / "body.pdf", "cover": folder / "cover.pdf"}
    paths["body"].write_bytes(render_body(model, FONTS))
    paths["cover"].write_bytes(render_cover(model, facts, FONTS))
    return paths


def test_pdftotext_gives_every_name_in_logical_order(pdfs: dict[str, Path]) -> None:
    body = normal(run("pdftotext", str(pdfs["body"]), "-").stdout.decode())
    for name in NAMES:
        if name == MIXED:
            # poppler orders the words of a line by x on a left-to-right page: each direction's part comes back
            # in logical order, the parts in visual order (the Latin end of an Arabic name is drawn at its left)
            assert normal("Ltd 2024 شركة الخليج للشحن") in body
        else:
            assert normal(name) in body, name
    cover = normal(run("pdftotext", str(pdfs["cover"]), "-").stdout.decode())
    for name in (*VESSELS, "山田丸", "الخليج"):
        assert normal(name) in cover, name


def test_pypdf_extracts_the_names_of_left_to_right_scripts_and_hebrew(pdfs: dict[str, Path]) -> None:
    reader = pypdf.PdfReader(pdfs["body"])
    text = normal(" ".join(page.extract_text() for page in reader.pages))
    for name in PYPDF_NAMES:
        assert normal(name) in text or normal(name[::-1]) in text, name


def test_every_font_is_embedded_and_qpdf_finds_nothing_wrong(pdfs: dict[str, Path]) -> None:
    for path in pdfs.values():
        fonts = run("pdffonts", str(path))
        assert fonts.returncode == 0 and fonts.stderr == b""
        rows = fonts.stdout.decode().splitlines()[2:]
        faces = {row.split()[0].split("+")[1] for row in rows}
        assert all(row.split()[-5] == "yes" for row in rows), rows
        assert len(rows) == len(faces), "a face is embedded twice"
        check = run("qpdf", "--check", str(path))
        assert check.returncode == 0 and b"WARNING" not in check.stdout + check.stderr
    body_faces = run("pdffonts", str(pdfs["body"])).stdout.decode()
    for face in ("DejaVuSans", "NotoSansCJKjp-Regular", "NotoSansArabic-Regular", "NotoSansHebrew-Regular",
                 "NotoSansThai-Bold", "NotoSansDevanagari-Bold"):
        assert f"+{face} " in body_faces, face


def test_the_same_model_gives_the_same_bytes(model: ReportModel, pdfs: dict[str, Path]) -> None:
    assert render_body(copy.deepcopy(model), FONTS) == pdfs["body"].read_bytes()


def _words(pdf: Path, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    out = run("pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-").stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [(html.unescape(m[5]), (float(m[1]), float(m[2]), float(m[3]), float(m[4])))
            for m in re.finditer(pattern, out)]


def _ink(pdf: Path, page: int, box: tuple[float, float, float, float], dpi: int = 100) -> int:
    """Non-white pixels inside ``box`` (PDF points, top-left origin) of the page rendered by pdftoppm."""
    ppm = run("pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)).stdout
    fields = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", ppm)
    assert fields is not None
    width, height = int(fields[1]), int(fields[2])
    pixels = ppm[fields.end():]
    scale = dpi / 72
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    count = 0
    for y in range(max(y0, 0), min(y1, height)):
        row = pixels[(y * width + x0) * 3 : (y * width + x1) * 3]
        count += sum(1 for i in range(0, len(row), 3) if min(row[i : i + 3]) < 160)
    return count


def test_each_name_is_drawn_where_pdftotext_finds_it(pdfs: dict[str, Path]) -> None:
    words = _words(pdfs["body"], 1)
    for name in NAMES:
        # poppler's word boxes hold raw (visual) text and split a word at a zero-width joiner
        forms = (normal(name), normal(name)[::-1])
        boxes = [box for text, box in words if len(normal(text)) >= 2 and any(normal(text) in f for f in forms)]
        assert boxes, name
        assert _ink(pdfs["body"], 1, boxes[0]) > 15, f"{name} is blank"


def test_an_emoji_is_drawn_as_a_box_and_reported(pdfs: dict[str, Path], model: ReportModel) -> None:
    words = _words(pdfs["cover"], 1)
    boxes = [box for text, box in words if EMOJI in text]
    assert boxes, "the emoji's box is extracted as the emoji (ActualText)"
    assert _ink(pdfs["cover"], 1, boxes[0]) > 15
    strings = [*NAMES, model["room"]["title"], "tab\tand\u200dzwj\ufe0f"]
    assert unprintable_characters(strings) == [EMOJI]


def test_private_use_and_unassigned_characters_are_unprintable() -> None:
    assert unprintable_characters(["a\ue000b", "\U0010fffd", "Ørsted 山田 שלום"]) == ["\ue000", "\U0010fffd"]


def test_long_thai_text_wraps_at_cluster_boundaries_without_losing_characters() -> None:
    regular, _ = load_fonts(FONTS)
    style = Style(regular, 9, INK)
    thai = "บริษัทไทยเดินเรือทะเลจำกัดมหาชน" * 3
    lines = wrap(thai, style, 60)
    assert len(lines) > 3
    assert "".join(line.text for line in lines) == thai
    assert all(line.width <= 60 for line in lines)
    # no line starts with a combining mark (never between a base and its marks)
    assert not any(unicodedata.category(line.text[0]) == "Mn" for line in lines)


def test_a_long_email_address_breaks_only_after_at_or_dot() -> None:
    regular, _ = load_fonts(FONTS)
    style = Style(regular, 8, INK)
    email = "operations.department.manager@mueller-ship-to-ship-services.example.com"
    lines = wrap(f"Contact {email} today", style, 150)
    assert "".join(line.text for line in lines).replace(" ", "") == f"Contact{email}today"
    inside = [line.text.removeprefix("Contact ").removesuffix(" today") for line in lines]
    inside = [piece for piece in inside if piece not in ("Contact", "today")]
    assert "".join(inside) == email
    assert all(piece[-1] in "@." for piece in inside[:-1]), inside
    assert len(inside) >= 3 and all(line.width <= 150 for line in lines)


def test_right_to_left_text_is_split_by_level_and_ordered_visually() -> None:
    regular, _ = load_fonts(FONTS)
    shaped = shape(regular, MIXED)
    runs = [(run.face.key, run.rtl, run.text) for run in shaped.runs]
    # an RTL paragraph: "Ltd" is drawn leftmost, then the digits (left to right), then the Arabic words
    assert runs == [
        ("DejaVuSans", False, "Ltd"),
        ("NotoSansArabic-Regular", True, " "),
        ("NotoSansArabic-Regular", False, "2024"),
        ("NotoSansArabic-Regular", True, "شركة الخليج للشحن "),
    ]
    arabic = shaped.runs[-1]
    # joined forms: fewer glyphs than letters would not hold in general, but lam-alef and the joining forms differ
    # from the isolated letters: the shaped word is narrower than its letters side by side
    letters = sum(regular.width(c, 10) for c in "الخليج")
    assert regular.width("الخليج", 10) < letters
    assert shaped.width == pytest.approx(sum(g.advance for r in shaped.runs for g in r.glyphs))
    assert arabic.rtl and len(arabic.glyphs) >= len("شركة الخليج للشحن") - 2


def test_stamps_use_the_embedded_fonts_over_foreign_pages(pdfs: dict[str, Path]) -> None:
    writer = PdfWriter(clone_from=str(pdfs["body"]))
    writer.add_blank_page(595, 842)
    # a foreign page whose own font is called like ours would be: /STSDejaVuSans
    foreign = writer.pages[-1]
    fonts = DictionaryObject({NameObject("/STSDejaVuSans"): writer.pages[0]["/Resources"]["/Font"].raw_get("/F1")})
    foreign[NameObject("/Resources")] = writer._add_object(DictionaryObject({NameObject("/Font"): fonts}))
    stamp = "Snapshot 7c1e | Page {} — 山田 شركة Ωμέγα"
    stamps = {
        i: [OverlayText(40, 20, stamp.format(i + 1), 7, align="right", width=515), OverlayText(40, 30, "Ør", 8, True)]
        for i in range(len(writer.pages))
    }
    overlay_text(writer, stamps)
    out = io.BytesIO()
    writer.write(out)
    path = pdfs["body"].with_name("stamped.pdf")
    path.write_bytes(out.getvalue())
    check = run("qpdf", "--check", str(path))
    assert check.returncode == 0 and b"WARNING" not in check.stdout + check.stderr
    fonts_out = run("pdffonts", str(path))
    assert fonts_out.stderr == b"" and all(r.split()[-5] == "yes" for r in fonts_out.stdout.decode().splitlines()[2:])
    reader = pypdf.PdfReader(path)
    assert "/STSDejaVuSans" in reader.pages[-1]["/Resources"]["/Font"]  # the foreign name is kept...
    assert "/STSDejaVuSans2" in reader.pages[-1]["/Resources"]["/Font"]  # ...and ours takes another
    for number in (1, len(reader.pages)):
        text = normal(run("pdftotext", "-f", str(number), "-l", str(number), str(path), "-").stdout.decode())
        assert normal(stamp.format(number)) in text
    assert normal("山田太郎") in normal(run("pdftotext", "-f", "1", "-l", "1", str(path), "-").stdout.decode())
    assert text_width("Page 1", 7) == pytest.approx(load_fonts(FONTS)[0].width("Page 1", 7))
