"""The iCalendar feeds: RFC 5545 form, content, and who may read them with which token."""

import datetime as dt
import re

import icalendar
import pytest
from django.urls import reverse

from dientap.conferences import services as conf_services
from dientap.core.models import AuditEntry
from dientap.schedule import ical, services
from dientap.schedule.models import FeedToken

from .conftest import LONG_TITLE


def feed(client, exercise=None, *, body=None, token=None):
    if body is not None:
        url = reverse("schedule:body_ics", args=[body.pk])
    else:
        url = reverse("schedule:exercise_ics", args=[exercise.pk])
    return client.get(url, {} if token is None else {"token": token})


def token_of(user) -> str:
    return services.feed_token_get_or_create(user).token


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def calname(calendar) -> str:
    # icalendar keeps X- properties raw: unescape the TEXT value (RFC 5545 3.3.11) here.
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1],
                  str(calendar["X-WR-CALNAME"]))


def events(calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def assert_rfc5545_lines(raw: bytes):
    assert raw.endswith(b"\r\n")
    physical = raw.split(b"\r\n")[:-1]
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, line  # CRLF only
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # no multi-byte character split across lines
    return physical


def test_exercise_feed_has_the_exercises_events(client, world, cal):
    response = feed(client, world.tq23, token=token_of(world.organizer))
    raw = response.content
    physical = assert_rfc5545_lines(raw)
    assert any(line.startswith(b" ") for line in physical)  # the long title was folded
    calendar = parse(response)
    assert calname(calendar) == "TQ-23: Diễn tập TQ-23"
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    found = events(calendar)
    holdings = [cal.h_party, cal.h_ubnd, cal.h_military, cal.h_party_final]
    rounds = [cal.r1, cal.r2]
    assert set(found) == ({f"holding-{h.pk}@dientap" for h in holdings}
                          | {f"round-{r.pk}@dientap" for r in rounds})

    party = found[f"holding-{cal.h_party.pk}@dientap"]
    assert str(party["SUMMARY"]) == f"{LONG_TITLE} (Luyện tập lần 1)"
    assert str(party["LOCATION"]) == "Hội trường Tỉnh ủy, tầng 2"
    description = str(party["DESCRIPTION"])
    assert "Dòng 1\nDòng 2, có dấu phẩy; và chấm phẩy" in description
    assert "Tỉnh ủy Tuyên Quang" in description
    assert str(party["URL"]) == "http://testserver" + cal.party.get_absolute_url()
    start, end = party.decoded("DTSTART"), party.decoded("DTEND")
    assert start == cal.h_party.starts_at and end == cal.h_party.ends_at
    assert start.utcoffset() == dt.timedelta(0) and start.hour == 0 and start.minute == 30
    assert b"DTSTART:20230919T003000Z\r\n" in raw and b"DTEND:20230919T043000Z\r\n" in raw
    assert int(party["SEQUENCE"]) == 1
    assert party.get("DTSTAMP") is not None

    band = found[f"round-{cal.r1.pk}@dientap"]
    assert band.decoded("DTSTART") == dt.date(2023, 9, 19)
    assert band.decoded("DTEND") == dt.date(2023, 9, 21)  # exclusive end
    assert "Hội nghị bí mật tỉnh Phú Thọ" not in raw.decode().replace("\r\n ", "")


def test_sequence_follows_the_holding_version_and_uid_is_stable(client, world, cal):
    token = token_of(world.organizer)
    before = events(parse(feed(client, world.tq23, token=token)))
    conf_services.holding_update(cal.h_ubnd, acting_user=None, location="Phòng họp số 2")
    after = events(parse(feed(client, world.tq23, token=token)))
    uid = f"holding-{cal.h_ubnd.pk}@dientap"
    assert int(before[uid]["SEQUENCE"]) == 1 and int(after[uid]["SEQUENCE"]) == 2
    assert str(after[uid]["LOCATION"]) == "Phòng họp số 2"
    assert set(before) == set(after)


def test_feed_speaks_the_token_owners_language(client, world, cal):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=world.organizer.pk).update(language="en")
    found = events(parse(feed(client, world.tq23, token=token_of(world.organizer))))
    assert str(found[f"holding-{cal.h_ubnd.pk}@dientap"]["SUMMARY"]).endswith("(Rehearsal 1)")


def test_session_login_works_without_token(client, world, cal):
    assert feed(client, world.tq23).status_code == 404
    client.force_login(world.organizer)
    assert len(events(parse(feed(client, world.tq23)))) == 6


@pytest.mark.parametrize("token", ["", "nope", "x" * 43, "y" * 500])
def test_bad_token_is_404(client, world, cal, token):
    token_of(world.organizer)
    assert feed(client, world.tq23, token=token).status_code == 404
    assert feed(client, body=world.tinh_uy, token=token).status_code == 404


def test_a_bad_token_is_404_even_with_a_session(client, world, cal):
    client.force_login(world.organizer)
    assert feed(client, world.tq23, token="wrong").status_code == 404


def test_token_of_a_user_who_cannot_see_the_exercise_is_404(client, world, cal):
    stranger = token_of(world.stranger)
    assert feed(client, world.tq23, token=stranger).status_code == 404
    assert feed(client, body=world.tinh_uy, token=stranger).status_code == 404
    found = events(parse(feed(client, world.pt23, token=stranger)))
    assert f"holding-{cal.h_pt.pk}@dientap" in found
    assert f"holding-{cal.h_party.pk}@dientap" not in found
    assert feed(client, world.tq23, token=token_of(world.nobody)).status_code == 404


def test_token_of_an_inactive_user_is_404(client, world, cal):
    token = token_of(world.organizer)
    type(world.organizer).objects.filter(pk=world.organizer.pk).update(is_active=False)
    assert feed(client, world.tq23, token=token).status_code == 404


def test_rotated_token_stops_working_and_rotation_is_audited(client, world, cal):
    old = services.feed_token_get_or_create(world.organizer)
    assert feed(client, world.tq23, token=old.token).status_code == 200
    new = services.feed_token_rotate(world.organizer)
    assert new.pk == old.pk and new.token != old.token and new.version == 2
    assert feed(client, world.tq23, token=old.token).status_code == 404
    assert feed(client, world.tq23, token=new.token).status_code == 200
    entries = AuditEntry.objects.filter(content_type__model="feedtoken", object_id=str(old.pk))
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update"]
    for entry in entries:
        assert entry.user_id == world.organizer.pk
        dumped = str(entry.before) + str(entry.after)
        assert old.token not in dumped and new.token not in dumped  # the secret is not logged


def test_get_or_create_keeps_one_token_per_user(world):
    first = services.feed_token_get_or_create(world.organizer)
    assert services.feed_token_get_or_create(world.organizer).token == first.token
    assert FeedToken.objects.filter(user=world.organizer).count() == 1
    assert len(first.token) >= 40
    assert first.token != services.feed_token_get_or_create(world.observer).token


def test_body_feed_has_only_that_bodys_holdings_in_visible_exercises(client, world, cal):
    found = events(parse(feed(client, body=world.tinh_uy, token=token_of(world.organizer))))
    assert set(found) == {f"holding-{h.pk}@dientap"
                          for h in (cal.h_party, cal.h_military, cal.h_party_final)}
    assert str(found[f"holding-{cal.h_military.pk}@dientap"]["SUMMARY"]).startswith("[TQ-23] ")
    # The Military Region's inspector sees both provinces' exercises.
    found = events(parse(feed(client, body=world.tinh_uy, token=token_of(world.inspector))))
    assert f"holding-{cal.h_pt_party.pk}@dientap" in found
    assert f"holding-{cal.h_ubnd.pk}@dientap" not in found
    assert f"holding-{cal.h_pt.pk}@dientap" not in found


def test_body_feed_calendar_name(client, world, cal):
    calendar = parse(feed(client, body=world.tinh_uy, token=token_of(world.organizer)))
    assert calname(calendar) == "Tỉnh ủy Tuyên Quang"


# --- the writer itself ----------------------------------------------------------------------


def test_escape_text():
    assert ical.escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert ical.escape_text("x\x07y") == "xy"


@pytest.mark.parametrize("text", [
    "SUMMARY:" + "Hội nghị Ban Chấp hành Đảng bộ tỉnh " * 6,
    "DESCRIPTION:" + "ễ" * 100,  # three octets each
    "X:" + "a" * 73,  # exactly 75 octets: not folded
    "X:" + "a" * 74,
])
def test_fold_keeps_lines_within_75_octets_and_unfolds_back(text):
    folded = ical.fold(text)
    lines = folded.split("\r\n")
    for i, line in enumerate(lines):
        assert len(line.encode("utf-8")) <= 75
        assert i == 0 or line.startswith(" ")
    assert folded.replace("\r\n ", "") == text
    if len(text.encode()) <= 75:
        assert len(lines) == 1
    else:
        # as full as possible: no line could have taken the next character
        for line, nxt in zip(lines, lines[1:], strict=False):
            assert len(line.encode()) + len(nxt[1].encode()) > 75


def test_serialized_calendar_parses_with_utc_times():
    cal = ical.Calendar("Lịch; thử, nghiệm")
    start = dt.datetime(2023, 9, 19, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    cal.add_event(uid="holding-1@dientap", stamp=start, summary="Hội nghị", start=start,
                  end=start + dt.timedelta(hours=2), sequence=3)
    raw = cal.serialize().encode()
    assert_rfc5545_lines(raw)
    parsed = icalendar.Calendar.from_ical(raw)
    assert calname(parsed) == "Lịch; thử, nghiệm"
    event = parsed.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == start and b"DTSTART:20230919T003000Z" in raw
    assert int(event["SEQUENCE"]) == 3
