"""Scenario time, written the way exercise documents write it.

A scenario time is a signed number of minutes from 00:00 of day N (D-day), or, for a time
written relative to the G hour (*giờ G*), a signed number of minutes from G. Accepted forms:

- ``N-57 07:30``, ``N-57, 07:30``, ``ngày N-57, 07 giờ 30``, ``07 giờ 30 ngày N-57``,
  ``N-57 7h30``, ``N+2``, ``N`` (day N, 00:00); ``D`` works as ``N``;
- ``giờ G``, ``G``, ``G+1:30``, ``G-0:45``, ``G+2`` (hours), ``G+90'`` (minutes);
- HSEEP / OpenAEV relative times: ``D+2 H+3 M+45``, ``D-1 H+6``, ``H+3 M+45``.

Clock times are checked: hours 0-23, minutes 0-59 (``N-57 25:00`` is refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dientap.core.text import fold

DAY = 24 * 60


@dataclass(frozen=True)
class ScenarioTime:
    minutes: int
    g_relative: bool = False

    def __str__(self):
        return format_time(self.minutes, self.g_relative)


_CLOCK = r"(?P<h>\d{1,2})\s*(?::|h|gio)\s*(?P<m>\d{1,2})?(?:\s*(?:phut|p|'))?"
_DAY = r"(?:ngay\s*)?[nd]\s*(?:(?P<sign>[+-])\s*(?P<d>\d{1,4}))?"
_DAY_CLOCK = re.compile(rf"^{_DAY}(?:\s*,?\s*(?:luc\s*)?{_CLOCK})?$")
_CLOCK_DAY = re.compile(rf"^{_CLOCK}\s*,?\s*{_DAY}$")
_G = re.compile(
    r"^(?:gio\s*)?g(?:\s*(?P<sign>[+-])\s*(?P<h>\d{1,3})(?:\s*(?::|h|gio)\s*(?P<m>\d{1,2})?)?"
    r"(?:\s*(?:phut|p))?)?$"
)
_G_MINUTES = re.compile(r"^(?:gio\s*)?g\s*(?P<sign>[+-])\s*(?P<m>\d{1,4})\s*(?:'|phut|p)$")
_HSEEP = re.compile(
    r"^(?:d\s*(?P<dsign>[+-])\s*(?P<d>\d{1,4}))?\s*"
    r"(?:h\s*(?P<hsign>[+-])\s*(?P<h>\d{1,4}))?\s*"
    r"(?:m\s*(?P<msign>[+-])\s*(?P<m>\d{1,5}))?$"
)


def _invalid(text):
    return ValidationError(
        _("“{text}” is not a scenario time. Write it like “N-57 07:30”, “ngày N-57, 07 giờ "
          "30”, “N+2”, “giờ G”, “G+1:30” or “D+2 H+3 M+45”.").format(text=text),
        code="invalid_scenario_time",
    )


def _clock(text, h, m) -> int:
    hours, minutes = int(h), int(m or 0)
    if hours > 23 or minutes > 59:
        raise ValidationError(
            _("“{text}”: the time of day must be between 00:00 and 23:59.").format(text=text),
            code="invalid_clock_time",
        )
    return hours * 60 + minutes


def _signed(sign, value) -> int:
    return -int(value) if sign == "-" else int(value or 0)


def parse(text) -> ScenarioTime:
    """Parse a scenario time; raise ValidationError with a translated message."""
    if text is None:
        raise _invalid("")
    raw = str(text).strip()
    s = re.sub(r"\s+", " ", fold(raw).lower()).strip().rstrip(".")
    if not s:
        raise _invalid(raw)
    for pattern in (_DAY_CLOCK, _CLOCK_DAY):
        match = pattern.match(s)
        if match:
            day = _signed(match["sign"], match["d"])
            clock = _clock(raw, match["h"], match["m"]) if match["h"] is not None else 0
            return ScenarioTime(day * DAY + clock)
    match = _G_MINUTES.match(s)
    if match:
        return ScenarioTime(_signed(match["sign"], match["m"]), g_relative=True)
    match = _G.match(s)
    if match:
        if not match["sign"]:
            return ScenarioTime(0, g_relative=True)
        minutes = int(match["m"] or 0)
        if minutes > 59:
            raise _invalid(raw)
        total = int(match["h"]) * 60 + minutes
        return ScenarioTime(-total if match["sign"] == "-" else total, g_relative=True)
    match = _HSEEP.match(s)
    if match and any(match[k] for k in ("d", "h", "m")):
        return ScenarioTime(_signed(match["dsign"], match["d"]) * DAY
                            + _signed(match["hsign"], match["h"]) * 60
                            + _signed(match["msign"], match["m"]))
    raise _invalid(raw)


def format_time(minutes: int | None, g_relative: bool = False) -> str:
    """The short written form: ``N-57 07:30``, ``N+2 00:00``, ``G+1:30``, ``giờ G``."""
    if minutes is None:
        return ""
    if g_relative:
        if minutes == 0:
            return "giờ G"
        sign = "+" if minutes > 0 else "-"
        h, m = divmod(abs(minutes), 60)
        return f"G{sign}{h}:{m:02d}"
    day, rest = divmod(minutes, DAY)  # floor division: N-1 23:30 is -30
    h, m = divmod(rest, 60)
    return f"{day_label(day)} {h:02d}:{m:02d}"


def format_long(minutes: int | None, g_relative: bool = False) -> str:
    """The form of the documents: ``ngày N-57, 07 giờ 30``."""
    if minutes is None or g_relative:
        return format_time(minutes, g_relative)
    day, rest = divmod(minutes, DAY)
    h, m = divmod(rest, 60)
    return f"ngày {day_label(day)}, {h:02d} giờ {m:02d}"


def day_label(day: int) -> str:
    return "N" if day == 0 else f"N{day:+d}"


def format_seconds(seconds: float | None) -> str:
    """Scenario-now (seconds from N 00:00) as ``N-1 06:00:30``."""
    if seconds is None:
        return ""
    whole = int(seconds // 1)
    minutes, sec = divmod(whole, 60)
    return f"{format_time(minutes)}:{sec:02d}"
