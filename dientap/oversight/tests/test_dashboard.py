"""The dashboard and the region page: figures, scoping (nothing the user may not see, not
even a classified document's title), and query counts that do not grow with the data."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import main_html
from dientap.conferences import selectors as conference_selectors
from dientap.conferences import services as cs
from dientap.documents import services as ds
from dientap.oversight import selectors, services

from .conftest import action

SECRET_TITLE = "Nghị quyết MẬT về phương án phòng thủ XK-7"


def attend(ov):
    for seat, status in zip(ov.seats, ["present", "absent", "present"], strict=True):
        cs.attendance_set(ov.holding, seat, acting_user=None, status=status)
    cs.holding_start(ov.holding, acting_user=None)
    cs.holding_finish(ov.holding, acting_user=None)


def test_figures_per_body(ov):
    attend(ov)
    action(ov, due_date=dt.date(2020, 1, 1))  # overdue
    done = services.action_done(action(ov), acting_user=ov.frame_user)
    services.action_verify(done, acting_user=ov.organizer)
    action(ov, owner_body=ov.tinh_uy)
    services.checklist_item_create(ov.tq23, acting_user=ov.organizer, category="rooms",
                                   title="Hội trường", owner_body=ov.tinh_uy,
                                   due_date=dt.date(2023, 9, 15), status="ready")
    services.checklist_item_create(ov.tq23, acting_user=ov.organizer, category="safety",
                                   title="PCCC", owner_body=ov.tinh_uy,
                                   due_date=dt.date(2099, 9, 15))
    services.budget_line_create(ov.tq23, acting_user=ov.organizer, title="In ấn",
                                owner_body=ov.ubnd_tq, planned=1_250_000, actual=1_500_000)
    data = selectors.dashboard(ov.cleared, ov.tq23)
    rows = {r["body"].pk: r for r in data["readiness"]}
    ubnd, tu = rows[ov.ubnd_tq.pk], rows[ov.tinh_uy.pk]
    assert (ubnd["actions_total"], ubnd["actions_open"], ubnd["actions_overdue"],
            ubnd["actions_fixed"]) == (2, 1, 1, 1)
    assert (tu["fac_ready"], tu["fac_total"], tu["fac_pct"]) == (1, 2, 50)
    assert (tu["docs_done"], tu["docs_total"]) == (0, 1)  # the secret one: cleared user
    # attendance: required seats only (the invited one is not counted)
    assert (tu["present"], tu["seats"]) == (1, 1) and (ubnd["present"], ubnd["seats"]) == (0, 1)
    t = data["totals"]
    assert (t["actions_open"], t["actions_overdue"], t["actions_verified"]) == (2, 1, 1)
    assert (t["budget_planned"], t["budget_variance"]) == (1_250_000, 250_000)
    # The attendance figure is the same as the conferences' own gap report.
    gaps = conference_selectors.gap_report(ov.holding)
    assert (t["present"], t["seats"]) == (gaps["present_count"], gaps["required_count"])
    over_time = {r["round"].pk: r for r in data["over_time"]}
    assert (over_time[ov.r1.pk]["raised"], over_time[ov.r1.pk]["fixed"]) == (3, 1)
    assert sum(b["n"] for b in data["age"]) == 2
    assert sum(b["overdue"] for b in data["age"]) == 1


def test_a_frame_member_sees_only_their_body(ov, client):
    mine = action(ov, title="Việc của UBND")
    action(ov, owner_body=ov.tinh_uy, title="Việc của Tỉnh ủy")
    services.checklist_item_create(ov.tq23, acting_user=ov.organizer, category="rooms",
                                   title="Phòng họp Tỉnh ủy", owner_body=ov.tinh_uy,
                                   due_date=dt.date(2099, 1, 1))
    data = selectors.dashboard(ov.frame_user, ov.tq23)
    assert data["totals"]["actions_total"] == 1 and data["totals"]["fac_total"] == 0
    client.force_login(ov.frame_user)
    html = main_html(client.get(reverse("oversight:dashboard", args=[ov.tq23.pk])))
    assert "Phòng họp Tỉnh ủy" not in html
    actions = main_html(client.get(reverse("oversight:actions", args=[ov.tq23.pk])))
    assert "Việc của UBND" in actions and "Việc của Tỉnh ủy" not in actions
    assert client.get(reverse("oversight:action", args=[mine.pk])).status_code == 200
    other = ov.tq23.corrective_actions.get(owner_body=ov.tinh_uy)
    assert client.get(reverse("oversight:action", args=[other.pk])).status_code == 404
    # Observations and evaluation are for the overseers.
    for name in ("observations", "evaluation", "observe"):
        assert client.get(reverse(f"oversight:{name}", args=[ov.tq23.pk])).status_code == 403


def test_classified_documents_never_leak(ov, client):
    from dientap.accounts.models import Clearance
    from dientap.core import testing as t

    ds.document_change_status(ov.secret_doc, acting_user=None, status="submitted")
    obs = services.observation_create(ov.tq23, acting_user=ov.cleared, kind="shortcoming",
                                      text="Thiếu phụ lục", document_version=ov.secret_v1)
    a = services.action_create(ov.tq23, acting_user=ov.cleared, owner_body=ov.tinh_uy,
                               title="Bổ sung phụ lục", due_date=dt.date(2099, 1, 1),
                               observation=obs)
    services.action_done(a, acting_user=ov.cleared, fixed_by_version=ov.secret_v1)
    tinh_uy_uncleared = ov.tinh_uy_user
    tinh_uy_cleared = t.user("tinhuy_m", body=ov.tinh_uy, clearance=Clearance.CONFIDENTIAL)
    for user, sees in ((ov.organizer, False), (ov.observer, False), (ov.inspector, False),
                       (tinh_uy_uncleared, False), (tinh_uy_cleared, True),
                       (ov.cleared, True)):
        client.force_login(user)
        pages = [reverse("oversight:dashboard", args=[ov.tq23.pk]),
                 reverse("oversight:action", args=[a.pk]),
                 reverse("oversight:actions", args=[ov.tq23.pk])]
        if services.is_overseer(user, ov.tq23):
            pages += [reverse("oversight:observations", args=[ov.tq23.pk]),
                      reverse("oversight:observation_feed", args=[ov.tq23.pk])]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            shown = SECRET_TITLE in response.content.decode()
            if not sees:
                assert not shown, (user, url)
            elif url.endswith(f"/actions/{a.pk}/"):
                assert shown, (user, url)  # the version that fixed it, for who may see it
        totals = selectors.dashboard(user, ov.tq23)["totals"]
        assert totals["docs_total"] == (2 if sees else 1), user
    # Not even the count: the uncleared organizer's documents figure leaves it out.
    assert selectors.dashboard(ov.organizer, ov.tq23)["totals"]["docs_total"] == 1


def test_other_provinces_and_other_regions_see_nothing(ov, client):
    action(ov)
    for user in (ov.stranger, ov.pt_organizer, ov.other_inspector, ov.nobody):
        client.force_login(user)
        for name in ("dashboard", "actions", "follow_up", "checks"):
            assert client.get(reverse(f"oversight:{name}", args=[ov.tq23.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("oversight:dashboard", args=[ov.tq23.pk])).status_code == 302


def test_the_inspector_sees_the_provinces_side_by_side(ov, client):
    action(ov)
    action(ov, due_date=dt.date(2020, 1, 1))
    services.action_create(ov.pt23, acting_user=ov.pt_organizer, owner_body=ov.ubnd_pt,
                           title="Phú Thọ", due_date=dt.date(2099, 1, 1))
    columns = {c["exercise"].pk: c for c in selectors.region(ov.inspector)}
    assert set(columns) == {ov.tq23.pk, ov.pt23.pk}
    assert (columns[ov.tq23.pk]["actions_open"], columns[ov.tq23.pk]["actions_overdue"]) == (2, 1)
    assert columns[ov.pt23.pk]["actions_open"] == 1
    assert selectors.region(ov.other_inspector) == []
    client.force_login(ov.inspector)
    html = main_html(client.get(reverse("oversight:region")))
    assert "Tỉnh Tuyên Quang" in html and "Tỉnh Phú Thọ" in html
    assert SECRET_TITLE not in html
    for user in (ov.organizer, ov.frame_user):
        client.force_login(user)
        assert client.get(reverse("oversight:region")).status_code == 403


_n = itertools.count(100)


def grow(ov, n):
    """More bodies, documents, actions, checklist items, rounds, holdings and scores."""
    from dientap.core import testing as t
    from dientap.exercises import services as es

    tz = dt.timezone(dt.timedelta(hours=7))
    for _ in range(n):
        i = next(_n)
        body = t.body(f"Sở thử {i}", area=ov.tq)
        es.frame_participant_add(ov.tq23, acting_user=None, body=body, role="member")
        ds.document_create(ov.tq23, acting_user=None, title=f"Văn kiện {i}", doc_type="plan",
                           owner_body=body)
        rnd = es.round_create(ov.tq23, acting_user=None, kind="rehearsal", number=i,
                              start_date=dt.date(2023, 9, 20), end_date=dt.date(2023, 9, 20))
        conf = cs.conference_create(ov.tq23, acting_user=None, body=body, title=f"Họp {i}")
        seat = cs.composition_entry_create(conf, acting_user=None, title="Giám đốc", body=body)
        h = cs.holding_create(conf, acting_user=None, round=rnd,
                              starts_at=dt.datetime(2023, 9, 20, 8, tzinfo=tz),
                              ends_at=dt.datetime(2023, 9, 20, 9, tzinfo=tz))
        cs.attendance_set(h, seat, acting_user=None, status="present")
        cs.holding_start(h, acting_user=None)
        a = action(ov, owner_body=body, round=rnd)
        services.action_done(a, acting_user=ov.organizer)
        services.checklist_item_create(ov.tq23, acting_user=ov.organizer, category="rooms",
                                       title=f"Phòng {i}", owner_body=body, round=rnd,
                                       due_date=dt.date(2099, 1, 1))
        services.budget_line_create(ov.tq23, acting_user=ov.organizer, title=f"Dòng {i}",
                                    owner_body=body, planned=1000, actual=500)
        services.score_set(ov.criteria[0], acting_user=ov.observer, level="K", round=rnd,
                           body=body)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# Pinned: a change in these numbers is a change to review (N+1 must not come back).
PINNED = {"dashboard": 16, "region": 8}


@pytest.mark.parametrize("page", ["dashboard", "region", "actions", "checks", "evaluation",
                                  "follow_up", "observations"])
def test_query_counts_do_not_grow_with_rows(ov, client, page):
    user = ov.inspector if page == "region" else ov.organizer
    client.force_login(user)
    url = (reverse("oversight:region") if page == "region"
           else reverse(f"oversight:{page}", args=[ov.tq23.pk]))
    grow(ov, 1)
    count(client, url)  # warm up (session, content types)
    one = count(client, url)
    grow(ov, 4)
    assert count(client, url) == one
    if page in PINNED:
        assert one == PINNED[page], f"{page}: {one} queries (pinned {PINNED[page]})"
