"""Vietnamese text helpers: accent folding for search and a collation key for sorting.

Search folds case and diacritics ("Chẩu Văn Lâm" -> "chau van lam", "Đ" -> "d") so that a
user typing without accents finds the right person or body.

Sorting follows the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư
v x y) first and the tones second (none, huyền, hỏi, ngã, sắc, nặng: the order of CLDR's
Vietnamese collation). Keys are strings of digits only, so that the database orders them the
same way whatever its collation (SQLite's binary or a PostgreSQL locale).
"""

import re
import unicodedata

_TONES = {
    "\u0300": 1,  # huyền (grave)
    "\u0309": 2,  # hỏi (hook above)
    "\u0303": 3,  # ngã (tilde)
    "\u0301": 4,  # sắc (acute)
    "\u0323": 5,  # nặng (dot below)
}
# Marks that make a different letter (ă, â, ê, ô, ơ, ư), as opposed to tones.
_LETTER_MARKS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}

_ALPHABET = [
    "a", "a\u0306", "a\u0302", "b", "c", "d", "đ", "e", "e\u0302", "f", "g", "h", "i", "j",
    "k", "l", "m", "n", "o", "o\u0302", "o\u031b", "p", "q", "r", "s", "t", "u", "u\u031b",
    "v", "w", "x", "y", "z",
]  # fmt: skip
# Two digits per letter: digits first (10-19), then letters (20-52); 00 pads.
_LETTER_CODE = {letter: f"{20 + i:02d}" for i, letter in enumerate(_ALPHABET)}
_LETTER_CODE.update({str(d): f"{10 + d:02d}" for d in range(10)})


def fold(text: str) -> str:
    """Lowercase, without diacritics, 'đ' as 'd', whitespace collapsed."""
    text = (text or "").replace("Đ", "d").replace("đ", "d").lower()
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def initials(text: str) -> str:
    """'Ủy ban nhân dân tỉnh' -> 'ubndt': lets 'ubnd' find the People's Committee."""
    return "".join(word[0] for word in fold(text).split() if word[0].isalnum())


def _letters(word: str):
    """Yield (letter, tone) pairs of a word in Vietnamese terms."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("Đ", "đ"))
    current = None
    tone = 0
    for ch in decomposed:
        if unicodedata.combining(ch):
            if ch in _TONES:
                tone = _TONES[ch]
            elif ch in _LETTER_MARKS and current is not None:
                current += ch
            continue
        if current is not None:
            yield current, tone
            tone = 0
        current = ch
    if current is not None:
        yield current, tone


def collation_key(text: str, width: int) -> tuple[str, str]:
    """Primary (letters) and secondary (tones) keys of `text`, each padded to `width` letters."""
    primary, secondary = [], []
    for letter, tone in _letters(re.sub(r"[^\w]", "", text or "")):
        code = _LETTER_CODE.get(letter)
        if code is None:
            base = unicodedata.normalize("NFD", letter)[0]
            code = _LETTER_CODE.get(base, "99")
        primary.append(code)
        secondary.append(str(tone))
    primary, secondary = primary[:width], secondary[:width]
    return (
        "".join(primary) + "00" * (width - len(primary)),
        "".join(secondary) + "0" * (width - len(secondary)),
    )


def person_sort_key(family: str, middle: str, given: str) -> str:
    """A Vietnamese list of people sorts by given name, then family name, then middle name."""
    # Each name part is compared completely (letters, then tones) before the next one:
    # every "Anh" comes before every "Ánh", whatever their family names.
    parts = [collation_key(given, 10), collation_key(family, 10), collation_key(middle, 24)]
    return "".join(p + s for p, s in parts)


def text_sort_key(text: str, width: int = 60) -> str:
    primary, secondary = collation_key(text, width)
    return primary + secondary


def split_name(full_name: str) -> tuple[str, str, str]:
    """'Lê Thị Kim Dung' -> ('Lê', 'Thị Kim', 'Dung')."""
    words = (full_name or "").split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]
