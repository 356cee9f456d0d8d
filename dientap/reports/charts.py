"""The dashboard's charts as PNG images for the .docx (Pillow), with a font that has the
Vietnamese letters (DejaVu through fontconfig); without it, Pillow's own font and the labels
without diacritics."""

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from dientap.core.text import fold
from dientap.documents.output import font_file

W, H = 1600, 800
INK, GRID = (30, 30, 30), (210, 210, 210)
RAISED, FIXED, SCORE = (192, 80, 77), (79, 129, 189), (79, 129, 189)


@lru_cache(maxsize=8)
def _font_path(bold: bool):
    return font_file("DejaVu Sans:style=Bold" if bold else "DejaVu Sans")


def _font(size: int, bold: bool = False):
    path = _font_path(bold)
    if path:
        try:
            return ImageFont.truetype(path, size), True
        except OSError:
            pass
    return ImageFont.load_default(), False


class _Canvas:
    def __init__(self, title: str):
        self.image = Image.new("RGB", (W, H), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.title_font, self.unicode = _font(40, bold=True)
        self.font, _ = _font(28)
        self.small, _ = _font(24)
        self.text((W // 2, 40), title, self.title_font, anchor="mm")

    def label(self, text: str) -> str:
        return text if self.unicode else fold(text)

    def text(self, xy, text, font, fill=INK, anchor="la"):
        self.draw.text(xy, self.label(text), font=font, fill=fill, anchor=anchor)

    def fit(self, text: str, font, width: int) -> str:
        text = self.label(text)
        if self.draw.textlength(text, font=font) <= width:
            return text
        while text and self.draw.textlength(text + "…", font=font) > width:
            text = text[:-1]
        return text + "…"

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, "PNG", optimize=True)
        return out.getvalue()


def actions_per_round(rows: list[dict]) -> bytes:
    """Grouped bars: corrective actions raised and fixed, per round."""
    c = _Canvas("Nội dung khắc phục theo từng bước: đã giao / đã hoàn thành")
    left, right, top, bottom = 110, W - 40, 110, H - 130
    top_value = max([r["raised"] for r in rows] + [1])
    steps = min(top_value, 5)
    for i in range(steps + 1):
        value = round(top_value * i / steps)
        y = bottom - (bottom - top) * value / top_value
        c.draw.line((left, y, right, y), fill=GRID, width=2)
        c.text((left - 15, y), str(value), c.small, anchor="rm")
    slot = (right - left) / max(len(rows), 1)
    bar = min(80, slot / 3)
    for i, r in enumerate(rows):
        x = left + slot * i + slot / 2
        for dx, value, colour in ((-bar, r["raised"], RAISED), (0, r["fixed"], FIXED)):
            y = bottom - (bottom - top) * value / top_value
            c.draw.rectangle((x + dx, y, x + dx + bar, bottom), fill=colour)
            c.text((x + dx + bar / 2, y - 8), str(value), c.small, anchor="md")
        c.text((x, bottom + 20), c.fit(r["round"], c.small, int(slot - 10)), c.small,
               anchor="ma")
    c.draw.line((left, bottom, right, bottom), fill=INK, width=3)
    for i, (colour, name) in enumerate(((RAISED, "Đã giao"), (FIXED, "Đã hoàn thành"))):
        x = left + 20 + i * 380
        c.draw.rectangle((x, H - 60, x + 36, H - 28), fill=colour)
        c.text((x + 50, H - 44), name, c.font, anchor="lm")
    return c.png()


def score_by_criterion(rows: list[dict], best: float = 4) -> bytes:
    """Horizontal bars: average points per criterion (0 to `best`)."""
    c = _Canvas("Điểm bình quân theo tiêu chí đánh giá")
    label_w, left, right, top = 640, 680, W - 90, 100
    row_h = min(80, (H - top - 60) / max(len(rows), 1))
    for i in range(int(best) + 1):
        x = left + (right - left) * i / best
        c.draw.line((x, top, x, top + row_h * len(rows)), fill=GRID, width=2)
        c.text((x, top + row_h * len(rows) + 10), str(i), c.small, anchor="ma")
    for i, r in enumerate(rows):
        y = top + row_h * i
        c.text((label_w, y + row_h / 2), c.fit(r["title"], c.small, label_w - 30), c.small,
               anchor="rm")
        x = left + (right - left) * min(r["avg"], best) / best
        c.draw.rectangle((left, y + row_h * 0.2, x, y + row_h * 0.8), fill=SCORE)
        c.text((x + 10, y + row_h / 2), f"{r['avg']:.2f}".replace(".", ","), c.small,
               anchor="lm")
    return c.png()
