"""The scenario pages at national scale: the situation list a page at a time (filters kept, the
exports still whole), the director's console and a body's console bounded whatever the size of
the scenario (the running and next situations in full, the rest counted), and the same number
of SQL queries on a small and on a bigger scenario."""

import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import main_html
from dientap.core.paging import PER_PAGE
from dientap.scenarios import forms, selectors, services
from dientap.scenarios.models import Delivery, Situation

from .conftest import situation

M = dt.timedelta(minutes=1)


@pytest.fixture
def small_limits(monkeypatch):
    """Limits of three rows, so that a scenario of a dozen situations already overflows."""
    for name in ("UPCOMING_LIMIT", "ISSUED_LIMIT", "LOG_LIMIT", "OVERDUE_LIMIT",
                 "CONSOLE_LIMIT"):
        monkeypatch.setattr(selectors, name, 3)


def url(name, world, *args):
    return reverse(f"scenarios:{name}", args=[world.tq23.pk, *args])


def _queries(client, target) -> int:
    """Queries of the page built afresh (not a repeat view from the page cache)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target, headers={"cache-control": "no-cache"})
        assert response.status_code == 200
    return len(ctx.captured_queries)


def _issue(s, user, *, now=None):
    return services.situation_issue(s, acting_user=user, now=now)


def _handle(s, user, *, now=None):
    return services.delivery_handle(s, acting_user=user, handling_kind="advise", text="Xong",
                                    now=now)


# --- the situation list, a page at a time -------------------------------------------------------

def _many(world, scen, n, prefix="L", **fields):
    return [situation(world, scen.director, f"{prefix}-{i:02d}", f"N+1 {i // 60:02d}:{i % 60:02d}",
                      [world.ubnd_tq], **fields) for i in range(n)]


def test_the_list_shows_a_page_keeps_its_filters_and_the_export_holds_everything(
        client, world, scen):
    _many(world, scen, PER_PAGE + 5)
    client.force_login(scen.director)
    html = main_html(client.get(url("list", world)))
    rows = re.findall(r'<tr data-situation="(\d+)"', html)
    assert len(rows) == PER_PAGE
    assert f"({PER_PAGE + 7})" in html  # the count is of the whole list (and TH-01, TH-02)
    # the page's rows in the timeline's order: TH-01, TH-02 (N-57), then L-00 …
    codes = re.findall(r'/">((?:TH|L)-\d+)</a>', html)
    assert codes[:3] == ["TH-01", "TH-02", "L-00"] and len(codes) == PER_PAGE
    # the links of a row are the ones reverse() gives
    a = scen.a
    assert f'href="{reverse("scenarios:detail", args=[world.tq23.pk, a.pk])}"' in html
    assert f'action="{reverse("scenarios:action", args=[world.tq23.pk, a.pk])}"' in html
    assert f'href="{reverse("scenarios:edit", args=[world.tq23.pk, a.pk])}"' in html
    # page 2, filtered on the receiving body: filters are kept in the pager's links
    target = url("list", world) + f"?body={world.ubnd_tq.pk}&page=2"
    html = main_html(client.get(target))
    assert len(re.findall(r'<tr data-situation="', html)) == PER_PAGE + 6 - PER_PAGE
    assert f"({PER_PAGE + 6})" in html  # TH-02 goes to Tỉnh ủy: not in the filtered list
    assert f"body={world.ubnd_tq.pk}&amp;page=1" in html
    # the register export of that filtered list holds all of it, not the page
    from openpyxl import load_workbook

    export = reverse("exports:register", args=[world.tq23.pk, "situations"])
    response = client.get(f"{export}?body={world.ubnd_tq.pk}&page=2")
    ws = load_workbook(io.BytesIO(response.content)).active
    exported = [c.value for c in ws["B"] if c.value and re.fullmatch(r"(TH|L)-\d+", c.value)]
    assert len(exported) == PER_PAGE + 6 and "TH-02" not in exported
    # and the scenario's own round-trip file too
    response = client.get(url("export", world))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 1 + PER_PAGE + 7


def test_the_list_follows_the_g_hour_once_set(client, world, scen):
    g_late = situation(world, scen.director, "G-1", "G+0:30", [world.ubnd_tq])
    services.clock_set_g(world.tq23, acting_user=scen.director, g_minutes=None)
    timeline = selectors.situation_list(scen.director, world.tq23)
    assert [s.code for s in timeline] == ["TH-01", "TH-02", "G-1"]  # G unknown: last
    # G at N-57 07:00: G+0:30 is N-57 07:30, before TH-02 (08:00); TH-01 (07:30) is number 1
    services.clock_set_g(world.tq23, acting_user=scen.director,
                         g_minutes=scen.a.scenario_minutes - 30)
    timeline = selectors.situation_list(scen.director, world.tq23)
    assert [s.code for s in timeline] == ["TH-01", "G-1", "TH-02"]
    rows = selectors.situation_rows(scen.director, world.tq23)
    assert [s.code for s in rows] == ["TH-01", "G-1", "TH-02"]
    by_number = selectors.situation_list(scen.director, world.tq23, order="position")
    assert [s.code for s in by_number] == ["TH-01", "TH-02", "G-1"]
    assert g_late.pk in {s.pk for s in rows}


def test_the_list_costs_the_same_queries_for_one_page_or_three(client, world, scen):
    client.force_login(scen.director)
    services.situation_update(scen.b, acting_user=scen.director, depends_on=scen.a)
    target = url("list", world)
    client.get(target)
    few = _queries(client, target)
    _many(world, scen, 2 * PER_PAGE + 3, depends_on=scen.a)
    assert _queries(client, target) == few
    assert _queries(client, target + "?page=3") == few


def test_the_body_filter_is_written_without_a_template_per_option(world, scen):
    form = forms.ListFilterForm({"body": str(world.ubnd_tq.pk)}, exercise=world.tq23)
    assert form.is_valid()
    html = str(form["body"])
    assert html.startswith('<select name="body" id="id_body">')
    assert f'<option value="{world.ubnd_tq.pk}" selected>UBND tỉnh</option>' in html
    assert html.count("<option") == 1 + 3  # the empty choice and the three frame bodies
    assert html.count(" selected") == 1
    world.tinh_uy.short_name = 'Tỉnh ủy <"&>'
    world.tinh_uy.save()
    html = str(forms.ListFilterForm(exercise=world.tq23)["body"])
    assert "Tỉnh ủy &lt;&quot;&amp;&gt;" in html
    assert html.count(" selected") == 1 and '<option value="" selected>' in html  # as Select


# --- the director's console --------------------------------------------------------------------

@pytest.fixture
def round_(world, scen):
    """A round under way: 6 situations issued and answered by every body, 3 still awaited (one
    past its deadline), 5 scheduled, one held and one skipped."""
    now = timezone.now()
    done = _many(world, scen, 6, prefix="D")
    for s in done:
        _issue(s, scen.director, now=now - 60 * M)
        _handle(s, scen.ubnd, now=now - 50 * M)
    late = situation(world, scen.director, "W-0", "N+2", [world.ubnd_tq, world.tinh_uy],
                     deadline_minutes=10)
    _issue(late, scen.director, now=now - 40 * M)
    waiting = [situation(world, scen.director, f"W-{i}", f"N+2 0{i}:00", [world.ubnd_tq])
               for i in (1, 2)]
    for i, s in enumerate(waiting):
        _issue(s, scen.director, now=now - (20 - i) * M)
    upcoming = _many(world, scen, 3, prefix="U")  # N+1 00:00 … after TH-01 / TH-02
    held = situation(world, scen.director, "H-1", "N+3", [world.ubnd_tq])
    services.situation_hold(held, acting_user=scen.director)
    skipped = situation(world, scen.director, "S-1", "N+4", [world.ubnd_tq])
    services.situation_skip(skipped, acting_user=scen.director)
    return {"done": done, "late": late, "waiting": waiting, "upcoming": upcoming, "held": held,
            "skipped": skipped}


def test_the_director_state_lists_what_runs_now_and_next_and_counts_the_rest(
        world, scen, round_, small_limits):
    state = selectors.director_state(scen.director, world.tq23)
    codes = lambda rows: [r["code"] for r in rows]  # noqa: E731
    # issued: the three still awaited first (newest first), the finished ones only counted
    assert codes(state["issued"]) == ["W-2", "W-1", "W-0"]
    assert [r["awaiting"] for r in state["issued"]] == [1, 1, 2]
    late = state["issued"][2]
    assert [(d["body_name"], d["late"]) for d in late["deliveries"]] == [
        ("Tỉnh ủy", True), ("UBND tỉnh", True)]
    assert late["bodies"] == ["Tỉnh ủy", "UBND tỉnh"]
    assert late["url"] == reverse("scenarios:detail", args=[world.tq23.pk, round_["late"].pk])
    # upcoming: the next three in the clock's order (scheduled and held, never skipped)
    assert codes(state["upcoming"]) == ["TH-01", "TH-02", "U-00"]
    assert all(r["deliveries"] == [] for r in state["upcoming"])
    # the log: the latest issued
    assert codes(state["log"]) == ["W-2", "W-1", "W-0"]
    counts = state["counts"]
    assert {k: counts[k] for k in ("scheduled", "held", "issued", "skipped", "total")} == {
        "scheduled": 5, "held": 1, "issued": 9, "skipped": 1, "total": 16}
    assert (counts["awaiting"], counts["completed"], counts["overdue_bodies"]) == (3, 6, 2)
    assert counts["deliveries"] == {"total": 10, "waiting": 4, "acknowledged": 0,
                                    "handled": 6, "handled_late": 0, "overdue": 2}
    assert state["more"] == {"upcoming": 6 - 3, "issued": 9 - 3, "log": 9 - 3,
                             "overdue_bodies": 0}
    assert state["links"]["scheduled"] == url("list", world) + "?status=scheduled"
    # the bodies past a deadline, longest overdue first, with a link to their console
    overdue = state["overdue_bodies"]
    assert {(b["name"], b["count"]) for b in overdue} == {("UBND tỉnh", 1), ("Tỉnh ủy", 1)}
    assert overdue[0]["console_url"] == url("console", world) + f"?body={overdue[0]['body']}"


def test_finished_situations_leave_the_state_without_growing_it(world, scen, round_,
                                                                small_limits):
    before = selectors.director_state(scen.director, world.tq23)
    now = timezone.now()
    for s in _many(world, scen, 8, prefix="X"):
        _issue(s, scen.director, now=now - 30 * M)
        _handle(s, scen.ubnd, now=now - 29 * M)
    after = selectors.director_state(scen.director, world.tq23)
    for key in ("upcoming", "issued", "log", "overdue_bodies"):
        assert len(after[key]) == len(before[key]) <= 3, key
    assert [r["code"] for r in after["issued"]] == ["W-2", "W-1", "W-0"]  # still awaited first
    assert after["counts"]["completed"] == before["counts"]["completed"] + 8
    # every row is there whole, so the state's size does not follow the scenario's
    size = lambda state: len(json.dumps(state, ensure_ascii=False))  # noqa: E731
    assert size(after) < size(before) * 1.2


def test_the_state_keeps_to_what_the_user_may_see(world, scen, round_):
    """A classified situation above the user's clearance is neither listed nor counted."""
    from dientap.core import testing as t
    from dientap.exercises.models import Membership

    chief = t.user("chief", body=world.bchqs, clearance=3)
    t.grant(world.tq23, chief, Membership.Role.DIRECTOR)
    secret = situation(world, chief, "M-1", "N+2", [world.tinh_uy], classification=3,
                       deadline_minutes=5)
    _issue(secret, chief, now=timezone.now() - 30 * M)
    assert scen.director.clearance == 2
    state = selectors.director_state(scen.director, world.tq23)
    assert "M-1" not in {r["code"] for r in state["issued"] + state["log"]}
    assert state["counts"]["issued"] == 9 and state["counts"]["deliveries"]["total"] == 10
    tinh_uy = next(b for b in state["overdue_bodies"] if b["name"] == "Tỉnh ủy")
    assert tinh_uy["count"] == 1  # W-0 only, not M-1
    state = selectors.director_state(chief, world.tq23)  # cleared: listed and counted
    assert [r["code"] for r in state["issued"]][:4] == ["W-2", "W-1", "M-1", "W-0"]
    assert state["counts"]["issued"] == 10
    tinh_uy = next(b for b in state["overdue_bodies"] if b["name"] == "Tỉnh ủy")
    assert tinh_uy["count"] == 2


def test_the_html_console_and_its_state_come_from_the_same_selector(client, world, scen,
                                                                    round_):
    client.force_login(scen.director)
    html = client.get(url("director", world)).content.decode()
    embedded = json.loads(re.search(r'<script id="director-state" type="application/json">'
                                    r"(.*?)</script>", html, re.S).group(1))
    state = client.get(url("director_state", world)).json()
    for key in ("upcoming", "issued", "log", "overdue_bodies", "counts", "more", "links"):
        assert embedded[key] == state[key], key
    assert 'data-count="awaiting"' in html and 'data-more="issued"' in html


@pytest.mark.parametrize("name", ["director", "director_state", "console_state"])
def test_query_counts_stay_the_same_as_rows_grow_and_past_the_limits(
        client, world, scen, request, monkeypatch, name):
    services.comm_check_send(world.tq23, acting_user=scen.director)
    _issue(scen.a, scen.director)
    client.force_login(scen.ubnd if name == "console_state" else scen.director)
    target = url(name, world)
    client.get(target)
    few = _queries(client, target)  # one situation issued, one upcoming
    round_ = request.getfixturevalue("round_")  # a dozen rows of each list shown
    services.situation_update(round_["upcoming"][0], acting_user=scen.director,
                              depends_on=round_["late"])
    assert _queries(client, target) == few
    monkeypatch.setattr(selectors, "UPCOMING_LIMIT", 2)  # past the limits
    monkeypatch.setattr(selectors, "ISSUED_LIMIT", 2)
    monkeypatch.setattr(selectors, "CONSOLE_LIMIT", 2)
    now = timezone.now()
    for i, s in enumerate(_many(world, scen, 8, prefix="X", deadline_minutes=5)):
        _issue(s, scen.director, now=now - 30 * M)
        if i % 2:
            _handle(s, scen.ubnd, now=now - 20 * M)
    assert _queries(client, target) == few


# --- a body's console ---------------------------------------------------------------------------

def test_a_bodys_console_lists_what_it_owes_first_and_counts_the_rest(client, world, scen,
                                                                      round_, small_limits):
    client.force_login(scen.ubnd)
    state = client.get(url("console_state", world)).json()
    rows = state["situations"]
    # W-0, W-1, W-2 await UBND's answer (newest first); D-0 … D-5 were answered (not shown)
    assert [r["code"] for r in rows] == ["W-2", "W-1", "W-0"]
    assert all(r["delivery"]["handled_at"] is None for r in rows)
    assert rows[2]["delivery"]["late"] and rows[2]["delivery"]["body_name"] == "UBND tỉnh"
    assert state["counts"] == {"total": 9, "handled": 6, "waiting": 3}
    assert state["more"] == {"waiting": 0, "handled": 6}
    _handle(round_["waiting"][1], scen.ubnd)
    _handle(round_["waiting"][0], scen.ubnd)
    state = client.get(url("console_state", world)).json()
    # still awaited first, then the answered ones, the latest answer first
    assert [r["code"] for r in state["situations"]] == ["W-0", "W-1", "W-2"]
    assert state["situations"][1]["delivery"]["handling_text"] == "Xong"
    assert state["more"] == {"waiting": 0, "handled": 8 - 2}
    assert "more-waiting" in client.get(url("console", world)).content.decode()


def test_the_console_shows_a_bodys_own_delivery_with_its_documents(client, world, scen):
    from dientap.documents import services as docs

    _issue(scen.a, scen.director)
    doc = docs.document_create(world.tq23, acting_user=None, title="Tờ trình",
                               doc_type="submission", owner_body=world.ubnd_tq)
    services.delivery_handle(scen.a, acting_user=scen.ubnd, handling_kind="advise",
                             text="Đề xuất", documents=[doc])
    client.force_login(scen.ubnd)
    row = client.get(url("console_state", world)).json()["situations"][0]
    delivery = Delivery.objects.get(situation=scen.a, body=world.ubnd_tq)
    assert row["delivery"]["id"] == delivery.pk and row["delivery"]["version"] == delivery.version
    assert row["delivery"]["documents"] == [
        {"id": doc.pk, "title": str(doc), "url": doc.get_absolute_url()}]
    assert row["bodies"] == [] and row["status_label"] == str(
        Situation.Status.ISSUED.label)


def test_staff_open_a_console_with_one_query_for_the_body(client, world, scen):
    client.force_login(world.organizer)
    target = url("console_state", world)
    assert client.get(target).json()["body"] == world.bchqs.pk  # their own body, in the frame
    assert client.get(target + f"?body={world.tinh_uy.pk}").json()["body"] == world.tinh_uy.pk
    assert client.get(target + "?body=nonsense").status_code == 404
    assert client.get(target + f"?body={world.ubnd_pt.pk}").status_code == 404  # not in frame
