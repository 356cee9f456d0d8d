"""Lay holdings and rounds out on a day/week grid (pure computation, no queries)."""

import datetime as dt
from dataclasses import dataclass, field

DEFAULT_FIRST_HOUR = 7
DEFAULT_LAST_HOUR = 18


def week_start(day: dt.date) -> dt.date:
    """The Monday of the day's week (weeks start on Monday)."""
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Segment:
    """The part of one holding that falls on one day (a holding past midnight has two)."""

    holding: object
    start: dt.datetime  # local time
    end: dt.datetime
    continues_before: bool = False
    continues_after: bool = False
    lane: int = 0
    lanes: int = 1
    style: str = ""

    @property
    def minutes(self) -> tuple[int, int]:
        first = self.start.hour * 60 + self.start.minute
        return first, first + int((self.end - self.start).total_seconds() // 60)


@dataclass
class Day:
    date: dt.date
    is_today: bool
    url: str = ""
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Band:
    """A round shown as an all-day band across the days it covers."""

    round: object
    column: int  # 1-based
    span: int
    starts_before: bool
    ends_after: bool


def _split(holding, tz, days: set[dt.date]) -> list[tuple[dt.date, Segment]]:
    start = holding.starts_at.astimezone(tz)
    end = holding.ends_at.astimezone(tz)
    out = []
    day = start.date()
    while True:
        day_start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        day_end = day_start + dt.timedelta(days=1)
        if day_start >= end:
            break
        if day in days:
            out.append((day, Segment(
                holding=holding, start=max(start, day_start), end=min(end, day_end),
                continues_before=start < day_start, continues_after=end > day_end,
            )))
        day += dt.timedelta(days=1)
    return out


def _assign_lanes(segments: list[Segment]) -> None:
    """Side by side when they overlap: greedy lanes within each cluster of overlapping ones."""
    cluster: list[Segment] = []
    lane_ends: list[int] = []
    cluster_end = -1

    def close():
        for seg in cluster:
            seg.lanes = len(lane_ends)

    for seg in segments:
        first, last = seg.minutes
        if cluster and first >= cluster_end:
            close()
            cluster, lane_ends = [], []
        for i, lane_end in enumerate(lane_ends):
            if lane_end <= first:
                seg.lane, lane_ends[i] = i, last
                break
        else:
            seg.lane = len(lane_ends)
            lane_ends.append(last)
        cluster.append(seg)
        cluster_end = max(cluster_end, last)
    if cluster:
        close()


def _pct(value: float) -> str:
    # Formatted here: a template would localise the decimal separator (vi: ",").
    return f"{value:.3f}".rstrip("0").rstrip(".")


def build(days: list[dt.date], holdings, rounds, tz, *, today: dt.date) -> dict:
    """Everything a day or week grid needs: days with positioned segments, hour marks, bands."""
    columns = {d: Day(date=d, is_today=d == today) for d in days}
    for holding in holdings:
        for day, segment in _split(holding, tz, set(columns)):
            columns[day].segments.append(segment)

    first_hour, last_hour = DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR
    for column in columns.values():
        column.segments.sort(key=lambda s: (s.start, s.end, s.holding.pk))
        for seg in column.segments:
            first, last = seg.minutes
            first_hour = min(first_hour, first // 60)
            last_hour = max(last_hour, -(-last // 60))
    total = (last_hour - first_hour) * 60
    for column in columns.values():
        _assign_lanes(column.segments)
        for seg in column.segments:
            first, last = seg.minutes
            width = 100 / seg.lanes
            seg.style = (
                f"top:{_pct((first - first_hour * 60) * 100 / total)}%;"
                f"height:{_pct((last - first) * 100 / total)}%;"
                f"left:{_pct(seg.lane * width)}%;width:{_pct(width)}%"
            )

    bands = []
    first_day, last_day = days[0], days[-1]
    for rnd in rounds:
        if rnd.end_date < first_day or rnd.start_date > last_day:
            continue
        start, end = max(rnd.start_date, first_day), min(rnd.end_date, last_day)
        bands.append(Band(round=rnd, column=(start - first_day).days + 1,
                          span=(end - start).days + 1, starts_before=rnd.start_date < first_day,
                          ends_after=rnd.end_date > last_day))

    return {
        "days": list(columns.values()),
        "hours": [f"{h:02d}:00" for h in range(first_hour, last_hour)],
        "hour_count": last_hour - first_hour,
        "bands": bands,
        "is_empty": not any(c.segments for c in columns.values()),
    }
