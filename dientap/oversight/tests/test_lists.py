"""The observation and corrective-action lists a page at a time (issue 9, national scale): the
next rows on page 2, the filters kept in the pager's links, a page out of range, the same SQL
queries whatever the number of rows and whatever their subjects, the live feed (the first page
only, with the page's filters) and the .xlsx export (always the whole filtered list)."""

import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import main_html
from dientap.core.paging import PER_PAGE
from dientap.oversight import selectors, services
from dientap.oversight.models import CorrectiveAction
from dientap.oversight.templatetags.oversight import bar, options
from dientap.scenarios import services as scenarios

from .conftest import TZ, action

BASE = dt.datetime(2023, 9, 19, 8, 0, tzinfo=TZ)


def observe(ov, i, **subject):
    subject = subject or {"holding": ov.holding}
    return services.observation_create(
        ov.tq23, acting_user=ov.observer, kind=subject.pop("kind", "shortcoming"),
        text=f"Nhận xét số {i}", observed_at=BASE + dt.timedelta(minutes=i), **subject)


def ids(response, attr: str) -> list[int]:
    """The ids of the rows a list page shows, in their order."""
    return [int(x) for x in re.findall(rf'data-{attr}="(\d+)"', main_html(response))]


def pager_links(response) -> dict[str, dict]:
    """rel → query of each pager link."""
    html = main_html(response)
    nav = html[html.index('<nav class="pager'):]
    return {rel: parse_qs(urlsplit(href.replace("&amp;", "&")).query)
            for href, rel in re.findall(r'<a href="([^"]+)" rel="(\w+)"', nav)}


def queries(client, url) -> int:
    """Queries of the page built afresh (not a repeat view from the page cache)."""
    assert client.get(url).status_code == 200  # warm up
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, headers={"cache-control": "no-cache"}).status_code == 200
    return len(ctx.captured_queries)


def situation(ov, code):
    s = scenarios.situation_create(
        ov.tq23, acting_user=None, code=code, title="Địch đánh phá bằng hỏa lực", content="…",
        scenario_minutes=-5 * 1440 + 450, deadline_minutes=30, receiving_bodies=[ov.ubnd_tq])
    s = scenarios.situation_issue(s, acting_user=None, now=timezone.now())
    return s.deliveries.get()


# --- observations -----------------------------------------------------------------------------

def test_observations_page_two_shows_the_next_rows_newest_first(ov, client):
    made = [observe(ov, i) for i in range(PER_PAGE + 10)]
    newest_first = [o.pk for o in reversed(made)]
    client.force_login(ov.organizer)
    url = reverse("oversight:observations", args=[ov.tq23.pk])
    first = client.get(url)
    assert ids(first, "observation") == newest_first[:PER_PAGE]
    second = client.get(url, {"page": 2})
    assert ids(second, "observation") == newest_first[PER_PAGE:]
    assert set(pager_links(second)) == {"prev"} and set(pager_links(first)) == {"next"}
    # A page out of range shows the last page; a page that is not a number, the first.
    assert ids(client.get(url, {"page": 99}), "observation") == newest_first[PER_PAGE:]
    assert ids(client.get(url, {"page": "x"}), "observation") == newest_first[:PER_PAGE]


def test_observation_filters_are_kept_across_pages(ov, client):
    shortcomings = [observe(ov, i) for i in range(PER_PAGE + 5)]
    proposals = [observe(ov, 100 + i, kind="proposal", body=ov.ubnd_tq) for i in range(3)]
    client.force_login(ov.organizer)
    url = reverse("oversight:observations", args=[ov.tq23.pk])
    first = client.get(url, {"kind": "shortcoming", "holding": ov.holding.pk})
    links = pager_links(first)
    assert links["next"] == {"kind": ["shortcoming"], "holding": [str(ov.holding.pk)],
                             "page": ["2"]}
    second = client.get(url, {"kind": "shortcoming", "holding": ov.holding.pk, "page": 2})
    assert ids(second, "observation") == [o.pk for o in reversed(shortcomings)][PER_PAGE:]
    assert not {p.pk for p in proposals} & set(ids(second, "observation"))
    # The export link carries the filters but not the page.
    export = re.search(r'href="([^"]+)" download data-testid="export-observations"',
                       main_html(second)).group(1)
    query = parse_qs(urlsplit(export.replace("&amp;", "&")).query)
    assert query == {"kind": ["shortcoming"], "holding": [str(ov.holding.pk)]}


def test_only_the_first_page_is_live_and_its_feed_is_one_page_with_the_filters(ov, client):
    made = [observe(ov, i) for i in range(PER_PAGE + 5)]
    proposal = observe(ov, 500, kind="proposal", body=ov.ubnd_tq)
    client.force_login(ov.organizer)
    url = reverse("oversight:observations", args=[ov.tq23.pk])
    first = main_html(client.get(url, {"kind": "shortcoming"}))
    assert 'data-static="1"' not in first
    feed_url = re.search(r'data-feed-url="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(feed_url).query) == {"kind": ["shortcoming"]}
    rows = client.get(feed_url).json()["observations"]
    assert [r["id"] for r in rows] == [o.pk for o in reversed(made)][:PER_PAGE]
    # Without a filter the feed is the first page of everything: the newest first.
    rows = client.get(reverse("oversight:observation_feed", args=[ov.tq23.pk])).json()[
        "observations"]
    assert len(rows) == PER_PAGE and rows[0]["id"] == proposal.pk
    # A later page is not re-rendered by live events (it would show page 1's rows).
    assert 'data-static="1"' in main_html(client.get(url, {"page": 2}))


def test_observation_rows_show_their_subject_author_and_photo(ov, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    delivery = situation(ov, "TH-01")
    on_item = observe(ov, 1, holding=ov.holding, agenda_item=ov.items[1])
    on_version = observe(ov, 2, holding=None, document_version=ov.open_v1)
    on_delivery = observe(ov, 3, holding=None, delivery=delivery)
    with_photo = observe(ov, 4, holding=ov.holding,
                         photo=SimpleUploadedFile("a.png", png, "image/png"))
    rows = {r["id"]: r for r in selectors.observation_feed(ov.organizer, ov.tq23)}
    assert rows[on_item.pk]["about"] == str(ov.items[1])
    assert rows[on_version.pk]["about"] == str(ov.open_v1)
    assert rows[on_delivery.pk]["about"] == str(delivery)
    assert rows[on_item.pk]["author"] == str(ov.observer)
    assert rows[with_photo.pk]["photo_url"] == reverse("oversight:observation_photo",
                                                       args=[with_photo.pk])
    client.force_login(ov.organizer)
    html = main_html(client.get(reverse("oversight:observations", args=[ov.tq23.pk])))
    for text in (str(ov.items[1]), str(ov.open_v1), str(delivery)):
        assert text.replace("&", "&amp;") in html or text in html
    assert f'src="{rows[with_photo.pk]["photo_url"]}"' in html
    raise_url = reverse("oversight:action_create", args=[ov.tq23.pk])
    assert f'href="{raise_url}?observation={on_item.pk}"' in html


def test_the_observation_page_runs_the_same_queries_for_3_or_60_rows_of_any_subject(
        ov, client):
    deliveries = [situation(ov, f"TH-{i:02}") for i in range(4)]

    def add(start, n):
        for i in range(start, start + n):
            subject = [{"holding": ov.holding, "agenda_item": ov.items[i % 2]},
                       {"holding": None, "document_version": ov.open_v1},
                       {"holding": None, "delivery": deliveries[i % 4]},
                       {"holding": None, "body": ov.ubnd_tq}][i % 4]
            observe(ov, i, **subject)

    client.force_login(ov.organizer)
    url = reverse("oversight:observations", args=[ov.tq23.pk])
    add(0, 3)
    few = queries(client, url)
    add(3, 57)
    assert queries(client, url) == few
    assert queries(client, url + "?page=2") == few
    assert queries(client, url + "?kind=shortcoming&page=2") == few
    feed = reverse("oversight:observation_feed", args=[ov.tq23.pk])
    assert len(client.get(feed).json()["observations"]) == PER_PAGE


def test_the_observation_export_holds_the_whole_filtered_list(ov, client):
    for i in range(PER_PAGE + 12):
        observe(ov, i)
    observe(ov, 900, kind="proposal", body=ov.ubnd_tq)
    client.force_login(ov.organizer)
    url = reverse("exports:register", args=[ov.tq23.pk, "observations"])
    assert len(xlsx_rows(client.get(url, {"kind": "shortcoming", "page": 1}))) == PER_PAGE + 12
    assert len(xlsx_rows(client.get(url))) == PER_PAGE + 13


def xlsx_rows(response) -> list[tuple]:
    """The data rows (under the "STT" header) of an exported workbook."""
    from openpyxl import load_workbook

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    return [r for r in rows[header + 1:] if r and r[0] is not None]


# --- corrective actions -----------------------------------------------------------------------

def many_actions(ov, n, **fields):
    return [action(ov, title=f"Nội dung khắc phục {i}",
                   due_date=dt.date(2099, 1, 1) + dt.timedelta(days=i), **fields)
            for i in range(n)]


def test_actions_page_two_shows_the_next_rows_by_due_date(ov, client):
    made = many_actions(ov, PER_PAGE + 7)
    client.force_login(ov.organizer)
    url = reverse("oversight:actions", args=[ov.tq23.pk])
    assert ids(client.get(url), "action") == [a.pk for a in made[:PER_PAGE]]
    assert ids(client.get(url, {"page": 2}), "action") == [a.pk for a in made[PER_PAGE:]]
    assert ids(client.get(url, {"page": 5}), "action") == [a.pk for a in made[PER_PAGE:]]
    assert ids(client.get(url, {"page": "abc"}), "action") == [a.pk for a in made[:PER_PAGE]]


def test_action_filters_are_kept_across_pages(ov, client):
    made = many_actions(ov, PER_PAGE + 6)
    done = [services.action_done(a, acting_user=ov.organizer) for a in made[:4]]
    client.force_login(ov.organizer)
    url = reverse("oversight:actions", args=[ov.tq23.pk])
    query = {"status": "open", "body": ov.ubnd_tq.pk, "round": ov.r1.pk}
    first = client.get(url, query)
    assert pager_links(first)["next"] == {k: [str(v)] for k, v in {**query, "page": 2}.items()}
    second = client.get(url, {**query, "page": 2})
    assert ids(second, "action") == [a.pk for a in made[4:]][PER_PAGE:]
    assert not {a.pk for a in done} & set(ids(first, "action") + ids(second, "action"))
    # Another body's filter: nothing of UBND's.
    assert ids(client.get(url, {"body": ov.tinh_uy.pk}), "action") == []


def test_an_action_raised_again_is_flagged_on_its_page(ov, client):
    made = many_actions(ov, 3)
    services.action_raise_again(made[1], acting_user=ov.organizer, round=ov.r2,
                                due_date=dt.date(2099, 6, 1))
    client.force_login(ov.organizer)
    html = main_html(client.get(reverse("oversight:actions", args=[ov.tq23.pk])))
    rows = {int(m.group(1)): m.group(2) for m in re.finditer(
        r'data-action="(\d+)"(.*?)</tr>', html, re.S)}
    flagged = [pk for pk, row in rows.items() if 'class="small flag"' in row]
    assert flagged == [made[1].pk]
    again = CorrectiveAction.objects.get(raised_again_from=made[1])
    source_url = reverse("oversight:action", args=[made[1].pk])
    assert f'href="{source_url}"' in rows[again.pk]


def test_the_actions_page_runs_the_same_queries_for_3_or_60_actions(ov, client):
    client.force_login(ov.organizer)
    url = reverse("oversight:actions", args=[ov.tq23.pk])
    first = many_actions(ov, 3, blocking=True)
    services.action_raise_again(first[0], acting_user=ov.organizer, round=ov.r2,
                                due_date=dt.date(2099, 6, 1))
    few = queries(client, url)
    many_actions(ov, 57, owner_body=ov.tinh_uy)
    assert queries(client, url) == few
    assert queries(client, url + "?page=2") == few
    assert queries(client, url + "?status=open&page=2") == few


def test_the_action_export_holds_the_whole_filtered_list(ov, client):
    made = many_actions(ov, PER_PAGE + 9)
    services.action_done(made[0], acting_user=ov.organizer)
    client.force_login(ov.organizer)
    url = reverse("exports:register", args=[ov.tq23.pk, "actions"])
    assert len(xlsx_rows(client.get(url, {"status": "open", "page": 1}))) == PER_PAGE + 8
    assert len(xlsx_rows(client.get(url))) == PER_PAGE + 9


# --- the dashboard's open actions by age, counted by the database ----------------------------

def test_open_actions_by_age_are_counted_in_their_bucket_by_local_date(ov):
    today = timezone.localdate()
    ages = [0, 7, 8, 14, 15, 30, 31, 400]
    made = [action(ov, title=f"Tuổi {age}", due_date=dt.date(2020, 1, 1) if age > 14
                   else dt.date(2099, 1, 1)) for age in ages]
    for a, age in zip(made, ages, strict=True):
        # 23:59 local time, `age` days ago: still that day (not the next one in UTC).
        at = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=age),
                                                     dt.time(23, 59)))
        CorrectiveAction.objects.filter(pk=a.pk).update(created_at=at)
    future = action(ov, title="Ngày mai")
    CorrectiveAction.objects.filter(pk=future.pk).update(
        created_at=timezone.now() + dt.timedelta(days=2))
    services.action_done(action(ov, title="Đã xong"), acting_user=ov.organizer)  # not open
    buckets = selectors.dashboard(ov.organizer, ov.tq23)["age"]
    assert [(b["low"], b["high"], b["n"], b["overdue"]) for b in buckets] == [
        (0, 7, 2, 0), (8, 14, 2, 0), (15, 30, 2, 2), (31, None, 2, 2)]


# --- the filters' options and the bars, built in Python --------------------------------------

def test_options_are_escaped_and_the_chosen_one_selected():
    html = options([(1, "<b>Sở</b>"), (2, "A & B")], 2)
    assert html == ('<option value="1">&lt;b&gt;Sở&lt;/b&gt;</option>'
                    '<option value="2" selected>A &amp; B</option>')
    assert "selected" not in options([(1, "x")], None) + options([(1, "x")], "")


@pytest.mark.parametrize("label,aria", [(None, "—"), (50, "50"), (3.5, "3,5")])
def test_a_bar_is_labelled_like_the_template_did(label, aria):
    html = bar("12.5", label)
    assert f'aria-label="{aria}"' in html and 'width="12.5"' in html


def test_the_oversight_links_follow_who_oversees(ov, client):
    """The sub-navigation's observations link: for overseers only (the observation page says
    so itself, the other pages ask)."""
    observations = reverse("oversight:observations", args=[ov.tq23.pk])
    actions = reverse("oversight:actions", args=[ov.tq23.pk])
    client.force_login(ov.frame_user)
    assert f'href="{observations}"' not in main_html(client.get(actions))
    client.force_login(ov.organizer)
    assert f'href="{observations}"' in main_html(client.get(actions))
    assert f'href="{observations}"' in main_html(client.get(observations))
