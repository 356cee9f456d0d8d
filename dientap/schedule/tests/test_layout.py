"""The grid layout: lanes for overlapping holdings, days split at midnight, round bands."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from dientap.schedule import layout

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2023, 9, 18)
WEEK = [MONDAY + dt.timedelta(days=i) for i in range(7)]


def holding(pk, day, start, end, end_day=None):
    end_day = end_day or day
    return SimpleNamespace(
        pk=pk, starts_at=dt.datetime.combine(day, dt.time(*start), tzinfo=TZ),
        ends_at=dt.datetime.combine(end_day, dt.time(*end), tzinfo=TZ))


def test_week_starts_on_monday():
    assert layout.week_start(dt.date(2023, 9, 24)) == MONDAY  # a Sunday
    assert layout.week_start(MONDAY) == MONDAY


def test_overlapping_holdings_share_the_width():
    tue = WEEK[1]
    hs = [holding(1, tue, (8, 0), (10, 0)), holding(2, tue, (9, 0), (11, 0)),
          holding(3, tue, (10, 0), (12, 0)), holding(4, tue, (14, 0), (15, 0))]
    grid = layout.build(WEEK, hs, [], TZ, today=MONDAY)
    segs = grid["days"][1].segments
    assert [s.holding.pk for s in segs] == [1, 2, 3, 4]
    assert [(s.lane, s.lanes) for s in segs] == [(0, 2), (1, 2), (0, 2), (0, 1)]
    assert "width:50%" in segs[0].style and "left:50%" in segs[1].style
    assert "width:100%" in segs[3].style
    # 07:00-18:00 by default: 08:00 is 1/11 down
    assert grid["hours"][0] == "07:00" and grid["hour_count"] == 11
    assert segs[0].style.startswith("top:9.091%;height:18.182%")
    assert "," not in segs[0].style  # never a localised decimal comma


def test_a_holding_past_midnight_is_split_and_widens_the_hours():
    hs = [holding(1, WEEK[2], (20, 0), (2, 0), end_day=WEEK[3])]
    grid = layout.build(WEEK, hs, [], TZ, today=MONDAY)
    wed, thu = grid["days"][2].segments, grid["days"][3].segments
    assert len(wed) == 1 and wed[0].continues_after and not wed[0].continues_before
    assert len(thu) == 1 and thu[0].continues_before
    assert grid["hours"][0] == "00:00" and grid["hours"][-1] == "23:00"


def test_round_bands_are_clipped_to_the_week():
    rounds = [SimpleNamespace(start_date=MONDAY - dt.timedelta(days=2), end_date=WEEK[1]),
              SimpleNamespace(start_date=WEEK[5], end_date=WEEK[6] + dt.timedelta(days=3)),
              SimpleNamespace(start_date=WEEK[6] + dt.timedelta(days=1),
                              end_date=WEEK[6] + dt.timedelta(days=2))]
    bands = layout.build(WEEK, [], rounds, TZ, today=MONDAY)["bands"]
    assert [(b.column, b.span, b.starts_before, b.ends_after) for b in bands] == [
        (1, 2, True, False), (6, 2, False, True)]
