"""Reader time of the slide, web page and e-mail formats, and OCR of scanned pages (time and word accuracy).

    python benchmarks/formats.py [--dpi 150 200] [--pages 2]

The scanned pages are real text pages (reportlab, 10.5 pt and 8 pt Helvetica) rasterised by pdfium at 300 dpi
and put back into a PDF as pictures only, as a scanner would; the words OCR reads are compared with the
original text layer (bag of words: recall = original words found, precision = read words that are right).
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

WORDS = ("the board approved financial plan deficit of £12.4m against 2024/25 target quality committee noted "
         "assurance risk register elective recovery waiting list 18 weeks cancer 62-day standard ambulance "
         "handover workforce vacancies nursing agency spend reduced by 14% integrated care board chief executive "
         "reported").split()


def text_pdf(path: Path, pages: int, size: float) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(1)
    c = canvas.Canvas(str(path), pagesize=A4)
    for page in range(pages):
        y = 780
        c.setFont("Helvetica-Bold", 14)
        c.drawString(60, y, f"Item {page + 5}: Finance and performance report")
        y -= 30
        c.setFont("Helvetica", size)
        while y > 80:
            text = " ".join(rng.choice(WORDS) for _ in range(70)).capitalize() + "."
            for line in textwrap.wrap(text, int(95 * 10.5 / size)):
                if y < 80:
                    break
                c.drawString(60, y, line)
                y -= size * 1.35
            y -= 8
        c.drawCentredString(297, 30, f"Page {page + 1} of {pages}")
        c.showPage()
    c.save()
    return path


def scanned_copy(source: Path, target: Path) -> Path:
    """Each page rendered at 300 dpi and placed as a picture on an empty page: no text layer."""
    import pypdfium2
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = pypdfium2.PdfDocument(str(source))
    c = canvas.Canvas(str(target), pagesize=A4)
    for page in pdf:
        image = page.render(scale=300 / 72, grayscale=True).to_pil()
        c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return target


def words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def ocr_rows(folder: Path, dpis: list[int], pages: int) -> list[str]:
    from pypdf import PdfReader

    from assistant import config
    from assistant.ingest import ocr
    from assistant.ingest.pdf import read_pdf

    t = time.perf_counter()
    ocr._load_engine()
    rows = [f"engine load: {time.perf_counter() - t:.2f} s", "",
            "| font | dpi | s/page (wall) | s/page (CPU) | word recall | word precision |", "|---|---|---|---|---|---|"]
    for size in (10.5, 8.0):
        original = text_pdf(folder / f"text-{size}.pdf", pages, size)
        truth = words(" ".join(p.extract_text() for p in PdfReader(original).pages))
        scan = scanned_copy(original, folder / f"scan-{size}.pdf")
        for dpi in dpis:
            config.OCR_DPI = dpi
            wall, cpu = time.perf_counter(), time.process_time()
            raw = read_pdf(scan)
            wall, cpu = (time.perf_counter() - wall) / pages, (time.process_time() - cpu) / pages
            assert raw.ocr_pages == tuple(range(1, pages + 1)), raw.problems
            read = words(raw.text)
            hit = sum(min(n, read[w]) for w, n in truth.items())
            rows.append(f"| {size} pt | {dpi} | {wall:.2f} | {cpu:.2f} | {hit / sum(truth.values()):.3f} "
                        f"| {hit / max(1, sum(read.values())):.3f} |")
    return rows


def reader_rows(folder: Path) -> list[str]:
    from test_ingest_formats import _finance_pdf, make_deck, make_mail

    from assistant.ingest import read_file

    deck = folder / "deck.pptx"
    from pptx import Presentation
    from pptx.util import Inches

    presentation = Presentation()
    for n in range(30):
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        slide.shapes.title.text = f"Slide {n}: performance"
        slide.shapes.add_textbox(Inches(1), Inches(2), Inches(8), Inches(2)).text_frame.text = " ".join(WORDS) * 2
        slide.notes_slide.notes_text_frame.text = "Notes: " + " ".join(WORDS)
    presentation.save(deck)
    make_deck(folder / "small-deck.pptx")
    page = folder / "page.html"
    page.write_text("<html><body><nav>menu</nav><main>" + "".join(
        f"<h2>Section {n}</h2><p>{' '.join(WORDS)}</p><table><tr><th>a</th><th>b</th></tr>"
        f"<tr><td>{n}</td><td>{n * 2}</td></tr></table>" for n in range(200)) + "</main></body></html>")
    pdf = _finance_pdf()
    make_mail(folder / "mail.eml", attachments=(("a.pdf", pdf, "application/pdf"), ("b.pdf", pdf, "application/pdf")))
    rows = ["| file | size | documents | characters | read (best of 3) |", "|---|---|---|---|---|"]
    for path, label in ((deck, "30-slide deck"), (folder / "small-deck.pptx", "3-slide deck"),
                        (page, "web page, 200 sections"), (folder / "mail.eml", "e-mail + 2 PDF attachments")):
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            documents = read_file(path, folder)
            best = min(best, time.perf_counter() - t)
        chars = sum(len(d.text) for d in documents)
        rows.append(f"| {label} | {path.stat().st_size // 1024} KB | {len(documents)} | {chars:,} | {best * 1000:.0f} ms |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200])
    parser.add_argument("--pages", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("\n".join(reader_rows(Path(folder))))
        print()
        print("\n".join(ocr_rows(Path(folder), args.dpi, args.pages)))


if __name__ == "__main__":
    main()
