"""The week and day pages, the per-body page, and the token rotation button."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import main_html
from dientap.conferences import services as conf_services
from dientap.schedule import services
from dientap.schedule.models import FeedToken

from .conftest import at


def calendar(client, exercise, **params):
    return client.get(reverse("schedule:exercise", args=[exercise.pk]), params)


def positions(html: str, *needles: str) -> list[int]:
    found = [html.find(n) for n in needles]
    assert all(p >= 0 for p in found), dict(zip(needles, found, strict=True))
    return found


@pytest.fixture
def organizer(client, world):
    client.force_login(world.organizer)
    return client


def test_week_view_shows_the_weeks_holdings_in_time_order(organizer, world, cal):
    response = calendar(organizer, world.tq23, view="week", date="20/09/2023")
    assert response.status_code == 200
    html = main_html(response)
    # Monday 18/09 to Sunday 24/09
    assert "18/09/2023" in html and "24/09/2023" in html
    party, ubnd, military = positions(
        html, cal.party.get_absolute_url() + '"', cal.ubnd.get_absolute_url() + '"',
        cal.military.get_absolute_url() + '"')
    assert party < ubnd < military
    assert html.count('data-testid="holding"') == 3
    assert "07:30–11:30" in html and "14:00–16:30" in html and "08:00–10:00" in html
    assert "Hội trường Tỉnh ủy, tầng 2" in html and "Phòng họp UBND tỉnh" in html
    assert "UBND tỉnh" in html  # the body
    # the round as an all-day band
    assert html.count('data-testid="round"') == 1 and "Luyện tập lần 1" in html
    # nothing from another week or from the hidden exercise
    assert "Hội nghị bí mật tỉnh Phú Thọ" not in html
    assert "Hội nghị phối hợp liên tỉnh" not in html
    assert "Tổng duyệt" not in html


def test_day_view_shows_only_that_day(organizer, world, cal):
    html = main_html(calendar(organizer, world.tq23, view="day", date="19/09/2023"))
    assert html.count('data-testid="holding"') == 2
    party, ubnd = positions(html, cal.party.get_absolute_url() + '"',
                            cal.ubnd.get_absolute_url() + '"')
    assert party < ubnd
    assert cal.military.get_absolute_url() + '"' not in html
    assert "19/09/2023" in html


def test_navigation_links(organizer, world, cal):
    html = main_html(calendar(organizer, world.tq23, view="week", date="20/09/2023"))
    base = reverse("schedule:exercise", args=[world.tq23.pk])
    assert f'{base}?view=week&amp;date=11/09/2023' in html  # previous Monday
    assert f'{base}?view=week&amp;date=25/09/2023' in html  # next Monday
    html = main_html(calendar(organizer, world.tq23, view="day", date="20/09/2023"))
    assert f'{base}?view=day&amp;date=19/09/2023' in html
    assert f'{base}?view=day&amp;date=21/09/2023' in html


def test_default_is_the_week_of_the_first_round_when_nothing_is_ahead(organizer, world, cal):
    for params in ({}, {"date": "31/02/2023"}, {"view": "month", "date": "nonsense"}):
        html = main_html(calendar(organizer, world.tq23, **params))
        assert "18/09/2023" in html and "24/09/2023" in html, params
        assert html.count('data-testid="holding"') == 3


def test_default_is_the_week_of_the_next_holding(organizer, world, cal, settings):
    # A holding tomorrow, in a round of an exercise that runs now.
    from dientap.exercises import services as es
    from dientap.exercises.models import Round

    today = timezone.localdate()
    later = world.tq23
    later = es.exercise_update(later, acting_user=None, start_date=today,
                               end_date=today + dt.timedelta(days=30))
    rnd = es.round_create(later, acting_user=None, kind=Round.Kind.REHEARSAL, number=2,
                          start_date=today + dt.timedelta(days=9),
                          end_date=today + dt.timedelta(days=9))
    day = today + dt.timedelta(days=9)
    conf_services.holding_create(cal.ubnd, acting_user=None, round=rnd,
                                 starts_at=at(day, 8), ends_at=at(day, 9))
    monday = day - dt.timedelta(days=day.weekday())
    html = main_html(calendar(organizer, world.tq23))
    assert monday.strftime("%d/%m/%Y") in html


def test_hidden_exercise_is_404(client, world, cal):
    client.force_login(world.stranger)
    assert calendar(client, world.tq23, view="week", date="19/09/2023").status_code == 404
    html = main_html(calendar(client, world.pt23, view="week", date="19/09/2023"))
    assert "Hội nghị bí mật tỉnh Phú Thọ" in html
    assert cal.party.title[:20] not in html and "Phiên họp Ủy ban nhân dân tỉnh" not in html


def test_anonymous_is_sent_to_login(client, world, cal):
    response = calendar(client, world.tq23)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_calendar_link_in_exercise_nav_and_on_body_page(organizer, world, cal):
    html = main_html(organizer.get(world.tq23.get_absolute_url()))
    assert reverse("schedule:exercise", args=[world.tq23.pk]) in html
    html = main_html(organizer.get(world.tinh_uy.get_absolute_url()))
    assert reverse("schedule:body", args=[world.tinh_uy.pk]) in html


def test_subscription_links_carry_the_users_token(organizer, world, cal):
    html = main_html(calendar(organizer, world.tq23))
    token = FeedToken.objects.get(user=world.organizer).token
    ics = reverse("schedule:exercise_ics", args=[world.tq23.pk])
    assert f"http://testserver{ics}?token={token}" in html
    assert f"webcal://testserver{ics}?token={token}" in html


def test_week_page_query_count_does_not_grow_with_holdings(organizer, world, cal):
    calendar(organizer, world.tq23, date="19/09/2023")  # makes the feed token
    with CaptureQueriesContext(connection) as few:
        calendar(organizer, world.tq23, date="19/09/2023")
    from dientap.exercises import services as es
    from dientap.exercises.models import Round

    extra = es.round_create(world.tq23, acting_user=None, kind=Round.Kind.REHEARSAL, number=3,
                            start_date=dt.date(2023, 9, 21), end_date=dt.date(2023, 9, 22))
    for i in range(6):
        conf = conf_services.conference_create(world.tq23, acting_user=None,
                                               body=[world.tinh_uy, world.bchqs][i % 2],
                                               title=f"Hội nghị số {i}")
        conf_services.holding_create(conf, acting_user=None, round=extra,
                                     starts_at=at(dt.date(2023, 9, 21), 7 + i),
                                     ends_at=at(dt.date(2023, 9, 21), 8 + i))
    with CaptureQueriesContext(connection) as many:
        response = calendar(organizer, world.tq23, date="19/09/2023")
    assert main_html(response).count('data-testid="holding"') == 9
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_body_page_lists_its_holdings_in_visible_exercises(organizer, world, cal):
    response = organizer.get(reverse("schedule:body", args=[world.tinh_uy.pk]))
    assert response.status_code == 200
    html = main_html(response)
    assert html.count('data-testid="holding"') == 3
    military, final = positions(html, "Hội nghị Đảng ủy Quân sự tỉnh", "Tổng duyệt")
    first = html.find(cal.party.get_absolute_url() + '"')
    assert 0 <= first < military < final
    assert "Phiên họp Ủy ban nhân dân tỉnh" not in html  # another body
    assert "Hội nghị phối hợp liên tỉnh" not in html  # hidden exercise


def test_body_page_of_a_hidden_body_is_404(client, world, cal):
    client.force_login(world.stranger)
    assert client.get(reverse("schedule:body", args=[world.tinh_uy.pk])).status_code == 404


def test_rotate_button_replaces_the_token_and_returns(organizer, world, cal):
    old = services.feed_token_get_or_create(world.organizer).token
    back = reverse("schedule:exercise", args=[world.tq23.pk]) + "?view=day&date=19/09/2023"
    response = organizer.post(reverse("schedule:token_rotate"), {"next": back})
    assert response.status_code == 302 and response.url == back
    assert FeedToken.objects.get(user=world.organizer).token != old
    response = organizer.post(reverse("schedule:token_rotate"), {"next": "https://evil.example/"})
    assert response.url == reverse("exercises:list")
    assert organizer.get(reverse("schedule:token_rotate")).status_code == 405


def test_holding_past_midnight_is_labelled_on_the_grid_and_in_the_list(organizer, world, cal):
    """The times, days, links and tooltips each holding shows are computed once per holding
    (not per template lookup): the same text as before, in local time."""
    night = conf_services.conference_create(world.tq23, acting_user=None, body=world.bchqs,
                                            title="Trực ban đêm", location="Sở chỉ huy")
    conf_services.holding_create(night, acting_user=None, round=cal.r1,
                                 starts_at=at(dt.date(2023, 9, 19), 22),
                                 ends_at=at(dt.date(2023, 9, 20), 2))
    html = main_html(calendar(organizer, world.tq23, view="week", date="19/09/2023"))
    link = f'<a href="{night.get_absolute_url()}">Trực ban đêm</a>'
    assert link in html  # in the list
    assert "22:00–20/09/2023 02:00" in html  # the list: the end on another day
    assert ", 19/09/2023</td>" in html
    # The grid: two segments, marked as continuing, with their tooltip.
    assert "22:00–00:00 …" in html and "… 00:00–02:00" in html
    assert 'title="22:00–00:00 Trực ban đêm · Bộ CHQS tỉnh · Sở chỉ huy"' in html
    assert html.count(f'class="cal-title" href="{night.get_absolute_url()}"') == 2
