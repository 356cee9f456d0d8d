"""A small RFC 5545 writer: CRLF lines folded at 75 octets, escaped TEXT, UTC times."""

import datetime as dt
import re

CRLF = "\r\n"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value) -> str:
    """TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = str(value if value is not None else "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def utc(value: dt.datetime) -> str:
    """DATE-TIME in UTC form, e.g. 20230919T010000Z."""
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def date_value(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line into chunks of at most `limit` octets, never inside a character.

    Continuation lines start with one space, which counts towards their `limit` octets.
    """
    out, chunk, size = [], [], 0
    room = limit
    for char in line:
        n = len(char.encode("utf-8"))
        if size + n > room:
            out.append("".join(chunk))
            chunk, size, room = [], 0, limit - 1
        chunk.append(char)
        size += n
    out.append("".join(chunk))
    return (CRLF + " ").join(out)


class Calendar:
    """Collects content lines; `serialize()` gives the folded, CRLF-terminated text."""

    def __init__(self, name: str, *, timezone_name: str = "", description: str = ""):
        self.lines: list[str] = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//dientap//Calendar 1.0//VI",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{escape_text(name)}",
        ]
        if description:
            self.lines.append(f"X-WR-CALDESC:{escape_text(description)}")
        if timezone_name:
            self.lines.append(f"X-WR-TIMEZONE:{timezone_name}")
        self.lines += ["REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"]

    def add_event(self, *, uid: str, stamp: dt.datetime, summary: str, start, end,
                  sequence: int = 0, location: str = "", description: str = "", url: str = "",
                  last_modified: dt.datetime | None = None, created: dt.datetime | None = None,
                  transparent: bool = False, categories: str = ""):
        """One VEVENT. `start`/`end` are aware datetimes, or dates for an all-day event
        (then `end` is the day after the last day, as RFC 5545 wants)."""
        lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{utc(stamp)}"]
        if isinstance(start, dt.datetime):
            lines += [f"DTSTART:{utc(start)}", f"DTEND:{utc(end)}"]
        else:
            lines += [f"DTSTART;VALUE=DATE:{date_value(start)}",
                      f"DTEND;VALUE=DATE:{date_value(end)}"]
        lines += [f"SEQUENCE:{int(sequence)}", f"SUMMARY:{escape_text(summary)}"]
        if location:
            lines.append(f"LOCATION:{escape_text(location)}")
        if description:
            lines.append(f"DESCRIPTION:{escape_text(description)}")
        if categories:
            lines.append(f"CATEGORIES:{escape_text(categories)}")
        if url:
            lines.append(f"URL:{url}")
        if created is not None:
            lines.append(f"CREATED:{utc(created)}")
        if last_modified is not None:
            lines.append(f"LAST-MODIFIED:{utc(last_modified)}")
        lines += ["STATUS:CONFIRMED", f"TRANSP:{'TRANSPARENT' if transparent else 'OPAQUE'}",
                  "END:VEVENT"]
        self.lines += lines

    def serialize(self) -> str:
        return "".join(fold(line) + CRLF for line in [*self.lines, "END:VCALENDAR"])
