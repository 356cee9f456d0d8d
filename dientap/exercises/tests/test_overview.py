"""The exercise overview at national scale: summaries and counts rather than long lists (each
round's first conferences, the bodies furthest behind with their documents), links to the full
lists, one action bar, and a number of queries that does not grow with the data."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import main_html
from dientap.conferences import services as cs
from dientap.conferences.models import Holding
from dientap.core import testing as t
from dientap.documents.models import Document
from dientap.exercises import selectors
from dientap.exercises import services as es
from dientap.exercises.views import OVERVIEW_HOLDINGS

TZ = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def organizer_client(client, world):
    client.force_login(world.organizer)
    return client


def add_round(world, number, holdings, *, day=dt.date(2023, 9, 19)):
    """A round with `holdings` conferences, created latest first (the page sorts them)."""
    rnd = es.round_create(world.tq23, acting_user=None, kind="rehearsal", number=number,
                          start_date=day, end_date=day)
    for i in reversed(range(holdings)):
        conference = cs.conference_create(world.tq23, acting_user=None, body=world.tinh_uy,
                                          title=f"Hội nghị {number}-{i:02d}")
        cs.holding_create(conference, acting_user=None, round=rnd,
                          starts_at=dt.datetime(day.year, day.month, day.day, 7, i, tzinfo=TZ),
                          ends_at=dt.datetime(day.year, day.month, day.day, 8, i, tzinfo=TZ))
    return rnd


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_a_long_round_shows_its_first_conferences_and_links_to_the_calendar(organizer_client,
                                                                           world):
    rnd = add_round(world, 1, OVERVIEW_HOLDINGS + 3)
    Holding.objects.filter(round=rnd, conference__title="Hội nghị 1-00").update(
        state=Holding.State.FINISHED)
    html = main_html(organizer_client.get(world.tq23.get_absolute_url()))
    shown = re.findall(r"Hội nghị 1-\d\d", html)
    assert shown == [f"Hội nghị 1-{i:02d}" for i in range(OVERVIEW_HOLDINGS)]  # time order
    assert html.count('data-testid="holding"') == OVERVIEW_HOLDINGS
    calendar = reverse("schedule:exercise", args=[world.tq23.pk]) + "?view=week&amp;date=19/09/2023"
    more = re.search(r'<li class="more" data-testid="round-more"><a href="([^"]+)">([^<]+)</a>',
                     html)
    assert more and more.group(1) == calendar and "3" in more.group(2)
    count = re.search(r'data-testid="round-count">([^<]+)<', html).group(1)
    assert "8" in count and "1" in count  # eight conferences, one held
    assert f'href="{calendar}" data-testid="round-calendar"' in html


def test_a_short_round_lists_all_its_conferences_without_a_more_link(organizer_client, world):
    add_round(world, 1, 2)
    add_round(world, 2, 0, day=dt.date(2023, 10, 3))
    html = main_html(organizer_client.get(world.tq23.get_absolute_url()))
    assert html.count('data-testid="holding"') == 2
    assert 'data-testid="round-more"' not in html
    assert html.count('data-testid="round-count"') == 1  # none for the empty round


def test_rounds_summary_reads_two_queries_whatever_the_conferences(world,
                                                                   django_assert_num_queries):
    add_round(world, 1, 7)
    add_round(world, 2, 1, day=dt.date(2023, 10, 3))
    with django_assert_num_queries(2):
        rounds = selectors.rounds_summary(world.tq23, first=5)
        first = [[h.conference.title for h in r.first_holdings] for r in rounds]
        bodies = {h.conference.body.name for r in rounds for h in r.first_holdings}
    assert first == [[f"Hội nghị 1-{i:02d}" for i in range(5)], ["Hội nghị 2-00"]]
    assert [(r.holding_count, r.more_count) for r in rounds] == [(7, 2), (1, 0)]
    assert bodies == {world.tinh_uy.name}


def test_overview_queries_do_not_grow_with_rounds_conferences_or_documents(organizer_client,
                                                                          world):
    url = world.tq23.get_absolute_url()
    add_round(world, 1, 2)
    few = count_queries(organizer_client, url)
    add_round(world, 2, 12, day=dt.date(2023, 10, 3))
    add_round(world, 3, 3, day=dt.date(2023, 10, 10))
    for i in range(12):
        body = t.body(f"Cơ quan {i:02d}", area=world.tq)
        Document.objects.create(exercise=world.tq23, title=f"Văn kiện {i}", doc_type="plan",
                                owner_body=body, due_date=dt.date(2023, 9, 1))
    assert count_queries(organizer_client, url) == few


def test_documents_summary_names_the_bodies_furthest_behind_and_links_to_the_matrix(
        organizer_client, world):
    for i in range(8):
        body = t.body(f"Cơ quan {i:02d}", area=world.tq)
        for j in range(4):
            # Body i: i documents overdue, the others approved.
            Document.objects.create(
                exercise=world.tq23, title=f"Văn kiện {i}-{j}", doc_type="plan", owner_body=body,
                due_date=dt.date(2023, 9, 1), status="required" if j < i % 5 else "approved")
    response = organizer_client.get(world.tq23.get_absolute_url())
    html = main_html(response)
    behind = re.findall(r'<tr data-testid="documents-body"><td>(Cơ quan \d\d)</td>', html)
    # Four overdue first (bodies 04), then three (03), two (02, 07), one (01, 06) …: five shown.
    assert behind == ["Cơ quan 04", "Cơ quan 03", "Cơ quan 02", "Cơ quan 07", "Cơ quan 01"]
    assert f'href="{reverse("documents:matrix", args=[world.tq23.pk])}" ' \
           'data-testid="documents-all-bodies"' in html
    assert '<strong data-testid="documents-percent">' in html


def test_one_action_bar_and_the_sections_as_tabs(organizer_client, world):
    html = main_html(organizer_client.get(world.tq23.get_absolute_url()))
    bar = html[html.index('data-testid="action-bar"'):html.index('<div class="grid2">')]
    for action in ('href="' + reverse("reuse:export", args=[world.tq23.pk]) + '"',
                   'data-testid="duplicate"', 'href="' + reverse("reuse:library") + '"',
                   'data-testid="export-committees"', 'data-testid="export-conferences"',
                   'data-testid="print"'):
        assert action in bar, action
    assert html.count('class="action-bar') == 1
    tabs = html[html.index('data-testid="exercise-tabs"'):html.index('data-testid="action-bar"')]
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', tabs)
    assert current == [world.tq23.get_absolute_url()]
    # On another section's page, that section's tab is the current one.
    html = main_html(organizer_client.get(reverse("documents:matrix", args=[world.tq23.pk])))
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == [
        reverse("documents:register", args=[world.tq23.pk])]
