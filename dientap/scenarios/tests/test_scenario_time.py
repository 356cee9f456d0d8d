import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dientap.scenarios.scenario_time import DAY, ScenarioTime, format_long, format_time, parse


@pytest.mark.parametrize(("text", "expected"), [
    ("N-57 07:30", ScenarioTime(-57 * DAY + 450)),
    ("n-57 7:30", ScenarioTime(-57 * DAY + 450)),
    ("N-57, 07:30", ScenarioTime(-57 * DAY + 450)),
    ("ngày N-57, 07 giờ 30", ScenarioTime(-57 * DAY + 450)),
    ("Ngày N-57, 07 giờ 30 phút", ScenarioTime(-57 * DAY + 450)),
    ("07 giờ 30 ngày N-57", ScenarioTime(-57 * DAY + 450)),
    ("N-57 7h30", ScenarioTime(-57 * DAY + 450)),
    ("ngày N-1, 06 giờ", ScenarioTime(-DAY + 360)),
    ("N+2", ScenarioTime(2 * DAY)),
    ("N + 2 23:59", ScenarioTime(2 * DAY + 23 * 60 + 59)),
    ("N", ScenarioTime(0)),
    ("ngày N", ScenarioTime(0)),
    ("D-3 12:00", ScenarioTime(-3 * DAY + 720)),
    ("giờ G", ScenarioTime(0, g_relative=True)),
    ("G", ScenarioTime(0, g_relative=True)),
    ("G+1:30", ScenarioTime(90, g_relative=True)),
    ("G-0:45", ScenarioTime(-45, g_relative=True)),
    ("G+2", ScenarioTime(120, g_relative=True)),
    ("G+90'", ScenarioTime(90, g_relative=True)),
    ("giờ G+1 giờ 30", ScenarioTime(90, g_relative=True)),
    ("D+2 H+3 M+45", ScenarioTime(2 * DAY + 3 * 60 + 45)),
    ("D+2H+3M+45", ScenarioTime(2 * DAY + 3 * 60 + 45)),
    ("D-1 H+6", ScenarioTime(-DAY + 360)),
    ("H+3 M+45", ScenarioTime(225)),
    ("M+90", ScenarioTime(90)),
])
def test_valid_forms(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "hôm qua", "N-57 25:00", "N-57 07:60", "N-57 24:00", "X+2", "N-57 07:30 giờ G",
    "G+1:75", "7:30", "N--2", "D+2 Q+3", None,
])
def test_invalid_forms_are_refused(text):
    with pytest.raises(ValidationError):
        parse(text)


def test_the_message_says_what_is_wrong_and_is_translated():
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        parse("N-57 25:00")
    assert "between 00:00 and 23:59" in exc.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        parse("sáng mai")
    assert "N-57 07:30" in exc.value.messages[0]


@pytest.mark.parametrize(("minutes", "g", "short", "long"), [
    (-57 * DAY + 450, False, "N-57 07:30", "ngày N-57, 07 giờ 30"),
    (0, False, "N 00:00", "ngày N, 00 giờ 00"),
    (2 * DAY, False, "N+2 00:00", "ngày N+2, 00 giờ 00"),
    (-30, False, "N-1 23:30", "ngày N-1, 23 giờ 30"),
    (0, True, "giờ G", "giờ G"),
    (90, True, "G+1:30", "G+1:30"),
    (-45, True, "G-0:45", "G-0:45"),
])
def test_format_round_trips(minutes, g, short, long):
    assert format_time(minutes, g) == short
    assert format_long(minutes, g) == long
    assert parse(short) == ScenarioTime(minutes, g)
    assert parse(long) == ScenarioTime(minutes, g)
