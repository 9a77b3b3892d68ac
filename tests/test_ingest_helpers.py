"""Helpers shared by the ingest tests (no tests here): the eval's text normalisation and contiguous token
matching, and small real PDFs made with reportlab whose page contents are known in advance."""

from __future__ import annotations

import json
import re
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """The eval README's normalisation: HTML tags and ** removed, lower-cased, word tokens."""
    return _WORD.findall(_TAG.sub(" ", text).replace("**", "").lower())


def contains_run(haystack: list[str], needle: list[str]) -> bool:
    """True when all of `needle` occurs contiguously in `haystack`."""
    if not needle:
        return False
    n = len(needle)
    first = needle[0]
    return any(haystack[i:i + n] == needle for i, tok in enumerate(haystack) if tok == first)


def longest_run(haystack: list[str], needle: list[str]) -> int:
    """Length of the longest contiguous run of `needle`'s tokens found in `haystack`."""
    best = 0
    positions: dict[str, list[int]] = {}
    for i, tok in enumerate(haystack):
        positions.setdefault(tok, []).append(i)
    for j in range(len(needle)):
        for i in positions.get(needle[j], ()):
            k = 0
            while j + k < len(needle) and i + k < len(haystack) and haystack[i + k] == needle[j + k]:
                k += 1
            best = max(best, k)
    return best


def dev_evidence() -> list[tuple[str, str, str]]:
    """(item id, seed file name, quote) for every evidence quote of single questions and dialog turns."""
    found = []
    for line in (SHARED / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        for n, turn in enumerate(item.get("turns") or [item]):
            for evidence in turn.get("evidence", []):
                label = item["id"] if "turns" not in item else f"{item['id']}.{n + 1}"
                found.append((label, evidence["doc"], evidence["quote"]))
    return found

def make_pdf(path: Path, pages: list[list[str]], user_password: str | None = None) -> Path:
    """One PDF page per entry, each line drawn as text; encrypted (RC4 128) when a password is given."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    encrypt = None
    if user_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(user_password, ownerPassword="owner-secret", strength=128)
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A PDF whose page holds only drawing (as a scan would): no text layer."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    return path


def make_scanned_pdf(path: Path, lines: list[str], cover: list[str] | None = None) -> Path:
    """A PDF whose last page is a scan: the lines drawn as text onto a picture (PIL, reportlab's Vera font,
    A4 at 150 dpi) and only that picture put on the page, so it has no text layer. `cover` adds a first page
    with a text layer."""
    import os

    import reportlab
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = ImageFont.truetype(os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf"), 28)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((120, 150 + 60 * n), line, font=font, fill=0)
    c = canvas.Canvas(str(path), pagesize=A4)
    if cover:
        for n, line in enumerate(cover):
            c.drawString(72, 800 - 16 * n, line)
        c.showPage()
    c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return path
