"""The timeline replay of a round, on the demo (TQ-23, rehearsal round 1 on 19/09/2023)."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import main_html
from dientap.accounts.models import Clearance
from dientap.core import services as core_services
from dientap.core import testing as t
from dientap.demo import seed
from dientap.exercises import services as es
from dientap.exercises.models import Exercise, Membership
from dientap.organizations.models import Body
from dientap.oversight import services as oversight
from dientap.replay import selectors
from dientap.scenarios import services as scenarios
from dientap.scenarios.models import Situation

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BCH = "Hội nghị Ban Chấp hành Đảng bộ tỉnh ra nghị quyết lãnh đạo chuyển địa phương sang thời chiến"

# Pinned query counts (the session, the user, the exercise and round, one per source).
PAGE_QUERIES = 17
DATA_QUERIES = 17


def at(h, m, day=19):
    return dt.datetime(2023, 9, day, h, m, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def demo(db):
    exercise = seed.load()
    users = {u.username: u for u in get_user_model().objects.all()}
    rnd = exercise.rounds.get(kind="rehearsal", number=1)
    return exercise, rnd, users


def url(exercise, rnd, name="replay:round"):
    return reverse(name, args=[exercise.pk, rnd.pk])


def kinds(timeline, **filters):
    return [m for m in timeline.moments
            if all(getattr(m, k) == v for k, v in filters.items())]


# --- the moments --------------------------------------------------------------------------------

def test_round_one_has_the_conference_start_the_late_arrival_and_decisions_in_order(demo):
    exercise, rnd, users = demo
    timeline = selectors.round_timeline(users["bantochuc"], rnd)
    times = [m.at for m in timeline.moments]
    assert times == sorted(times) and len(times) > 40

    (start,) = kinds(timeline, kind="holding_started", title=BCH)
    assert start.at == at(8, 30) and start.lane == "conferences"
    (late,) = kinds(timeline, kind="late")
    assert late.title == "Chánh Văn phòng Tỉnh ủy" and late.at == at(8, 40)  # start + 10 min
    assert "10" in late.detail
    (substitute,) = kinds(timeline, kind="substitute")
    assert "Lò Văn Sinh" in substitute.detail and substitute.at == at(8, 30)
    decisions = kinds(timeline, lane="decisions")
    assert [d.title[:20] for d in decisions] == ["Thống nhất bổ sung n", "Nghị quyết được thôn"]
    assert [d.at for d in decisions] == [at(9, 38), at(9, 48)]  # when their items ended
    (finish,) = kinds(timeline, kind="holding_finished")
    order = timeline.moments.index
    assert order(start) < order(late) < order(decisions[0]) < order(decisions[1]) < order(finish)

    # Situations with real and scenario time; handling on time and late; missed deadlines.
    (th03,) = [m for m in kinds(timeline, kind="issued") if m.title.startswith("TH-03")]
    assert th03.at == at(7, 20) and th03.scenario == "N-57 07:20"
    assert [m.body for m in kinds(timeline, kind="handled_late")] == ["HĐND tỉnh"]
    assert {(m.title, m.body, m.at) for m in kinds(timeline, kind="deadline")} >= {
        ("TH-03", "HĐND tỉnh", at(8, 5))}
    # Observations with their kind, comm check, the clock's start and pause.
    assert len(kinds(timeline, kind="observation")) == 8
    assert len(kinds(timeline, kind="comm_confirmed")) == 4
    assert [m.kind for m in kinds(timeline, lane="situations") if m.kind.startswith("clock")] \
        == ["clock_started", "clock_paused"]
    # The demo's corrective actions were recorded when the demo was loaded: not on the axis.
    assert not kinds(timeline, kind="action") and len(timeline.undated) == 7


def test_state_between_issue_and_handling(demo):
    exercise, rnd, users = demo
    timeline = selectors.round_timeline(users["bantochuc"], rnd)

    state = timeline.state_at(at(7, 50))
    open_ = {s["code"]: s for s in state["open"]}
    assert set(open_["TH-03"]["pending"]) == {"HĐND tỉnh", "UBND tỉnh"}  # Tỉnh ủy done 07:40
    assert "TH-01" not in open_  # handled 06:55
    assert state["overdue"] == [] and state["scenario"] == "N-57 07:50"

    state = timeline.state_at(at(8, 10))
    assert [(d["code"], d["body"]) for d in state["overdue"]] == [("TH-03", "HĐND tỉnh")]
    assert open_["TH-03"] and state["handled_late"] == 0

    state = timeline.state_at(at(8, 20))
    assert "TH-03" not in {s["code"] for s in state["open"]}
    assert state["handled_late"] == 1 and state["overdue"] == []
    assert state["scenario"] == "N-57 08:20"  # paused at 08:20 …
    assert timeline.state_at(at(15, 0))["scenario"] == "N-57 08:20"  # … and still

    state = timeline.state_at(at(9, 0))
    assert [h["title"] for h in state["running"]] == [BCH]
    assert state["running"][0]["item"].startswith("Thông qua dự thảo")
    assert state["observations"] == {"strength": 1, "shortcoming": 1, "proposal": 0, "total": 2}
    assert timeline.state_at(at(10, 30))["running"] == []
    assert timeline.state_at(at(23, 0))["observations"]["total"] == 8


def test_state_on_the_page_and_previous_next_links(client, demo):
    exercise, rnd, users = demo
    client.force_login(users["bantochuc"])
    response = client.get(url(exercise, rnd), {"at": "08:10"})
    assert response.status_code == 200
    html = main_html(response)
    assert "19/09/2023 08:10" in html
    overdue = html[html.index('data-testid="overdue"'):]
    assert "HĐND tỉnh" in overdue[:overdue.index("</ul>")]
    assert 'href="?at=2023-09-19T08:05:00"' in html  # the previous moment: the deadline
    assert 'href="?at=2023-09-19T08:15:00"' in html  # the next one: handled late
    assert 'class="moment kind-deadline latest"' in html
    # Nothing after 08:10 is listed; the moment at 08:15 is not there yet.
    assert "Thường trực HĐND đề xuất" not in html
    # Other forms of the time give the same state.
    for value in ("19/09/2023 08:10", "2023-09-19T08:10", "2023-09-19T01:10:00+00:00"):
        other = main_html(client.get(url(exercise, rnd), {"at": value}))
        assert 'class="moment kind-deadline latest"' in other, value


@pytest.mark.parametrize("garbage", ["abc", "25:99", "8h30", "2023-13-45T10:00",
                                     "99/99/2023 10:00", "<script>x</script>", "1" * 300])
def test_garbage_at_gives_a_message_and_the_default_view(client, demo, garbage):
    exercise, rnd, users = demo
    client.force_login(users["bantochuc"])
    response = client.get(url(exercise, rnd), {"at": garbage})
    assert response.status_code == 200
    html = main_html(response)
    assert 'data-testid="at-error"' in html
    assert "<script>x" not in html
    # The default view: the whole round, up to its last moment (15:40).
    assert "19/09/2023 15:40" in html and 'data-testid="next" href="?at=" title="" hidden' in html


def test_json_moments_and_states(client, demo):
    exercise, rnd, users = demo
    client.force_login(users["bantochuc"])
    data = client.get(url(exercise, rnd, "replay:round_data")).json()
    assert data["start"].startswith("2023-09-18T23:30") and data["utc_offset"] == 7 * 3600
    stamps = [m["at"] for m in data["moments"]]
    assert stamps == sorted(stamps, key=lambda s: dt.datetime.fromisoformat(s))
    assert len(data["states"]) == len(set(stamps))
    assert [lane["key"] for lane in data["lanes"]] == [
        "conferences", "situations", "handling", "observations", "decisions"]
    by_at = {dt.datetime.fromisoformat(s["at"]): s for s in data["states"]}
    assert [d["body"] for d in by_at[at(8, 5)]["overdue"]] == ["HĐND tỉnh"]
    late = next(m for m in data["moments"] if m["kind"] == "late")
    assert late["time"] == "08:40" and late["label"] == "19/09/2023 08:40"
    assert [c["state"] for c in data["clock"]] == ["running", "paused"]


# --- scoping ------------------------------------------------------------------------------------

def test_other_exercise_is_404(client, demo):
    exercise, rnd, users = demo
    pt = Exercise.objects.get(code_name="PT-23")
    pt_round = pt.rounds.get()
    client.force_login(users["bantochuc"])
    for name in ("replay:round", "replay:round_data"):
        assert client.get(reverse(name, args=[pt.pk, pt_round.pk])).status_code == 404
        assert client.get(reverse(name, args=[exercise.pk, pt_round.pk])).status_code == 404
        assert client.get(reverse(name, args=[exercise.pk, 999999])).status_code == 404
    stranger = t.user("stranger", body=Body.objects.get(short_name="UBND tỉnh Phú Thọ"))
    client.force_login(stranger)
    assert client.get(url(exercise, rnd)).status_code == 404
    client.logout()
    assert client.get(url(exercise, rnd, "replay:round_data")).status_code == 302


def test_classified_situation_hidden_from_an_uncleared_user(client, demo):
    exercise, rnd, users = demo
    assert Situation.objects.get(exercise=exercise, code="TH-02").classification == 1
    uncleared = t.user("uncleared", body=Body.objects.get(short_name="Bộ CHQS tỉnh"),
                       clearance=Clearance.NONE)
    es.membership_grant(exercise, acting_user=None, user=uncleared,
                        role=Membership.Role.OBSERVER)

    cleared = selectors.round_timeline(users["bantochuc"], rnd)
    hidden = selectors.round_timeline(uncleared, rnd)
    assert all(m.secret for m in cleared.moments if m.title.startswith("TH-02"))
    assert sum(m.title.startswith("TH-02") for m in cleared.moments) == 5  # issue, 2 ack, 2 handled
    assert not any(m.title.startswith("TH-02") for m in hidden.moments)
    # Everything else the observer may see is there.
    assert len(hidden.moments) == len(cleared.moments) - 5

    client.force_login(uncleared)
    for name in ("replay:round", "replay:round_data"):
        body = client.get(url(exercise, rnd, name)).content.decode()
        assert "TH-01" in body and "TH-02" not in body and "Mệnh lệnh chuyển trạng" not in body
    client.force_login(users["bantochuc"])
    assert "TH-02" in client.get(url(exercise, rnd)).content.decode()


def test_frame_body_sees_its_own_handling_only(demo):
    exercise, rnd, users = demo
    timeline = selectors.round_timeline(users["ubnd"], rnd)
    assert {m.title.split(":")[0] for m in kinds(timeline, kind="issued")} == {"TH-03"}
    assert {m.body for m in timeline.moments if m.lane == "handling" and m.body} == {"UBND tỉnh"}
    assert not kinds(timeline, lane="observations")  # observations are for overseers
    assert kinds(timeline, kind="holding_started")  # the conference is the exercise's
    state = timeline.state_at(at(7, 50))
    assert [(s["code"], s["pending"]) for s in state["open"]] == [("TH-03", ["UBND tỉnh"])]


def test_held_skipped_situations_and_actions_raised_live(demo):
    exercise, rnd, users = demo
    today = timezone.localdate()
    exercise = core_services.update(exercise, acting_user=None, end_date=today)
    live = es.round_create(exercise, acting_user=None, kind="rehearsal", number=9,
                           start_date=today, end_date=today)
    th06, th07 = Situation.objects.filter(exercise=exercise, status="scheduled")[:2]
    scenarios.situation_hold(th06, acting_user=users["bantochuc"])
    scenarios.situation_skip(th07, acting_user=users["bantochuc"])
    # A corrective action raised during the round is on the axis (its created_at).
    oversight.action_create(exercise, acting_user=users["bantochuc"], round=live,
                            owner_body=Body.objects.get(short_name="UBND tỉnh"),
                            title="Bổ sung phương án sơ tán", due_date=today)
    timeline = selectors.round_timeline(users["bantochuc"], live)
    assert [(m.kind, m.title.split(":")[0]) for m in timeline.moments
            if m.lane == "situations"] == [("held", th06.code), ("skipped", th07.code)]
    (action,) = kinds(timeline, kind="action")
    assert action.title == "Bổ sung phương án sơ tán" and action.body == "UBND tỉnh"
    assert timeline.state_at(timezone.now())["actions"] == 1 and not timeline.undated
    assert not kinds(selectors.round_timeline(users["bantochuc"], rnd), kind="held")


def test_empty_round(client, demo):
    exercise, _rnd, users = demo
    final = exercise.rounds.get(kind="final")
    client.force_login(users["bantochuc"])
    response = client.get(url(exercise, final), {"at": "08:00"})
    assert response.status_code == 200 and 'data-testid="no-moments"' in main_html(response)
    data = client.get(url(exercise, final, "replay:round_data")).json()
    assert data["moments"] == [] and data["states"] == [] and data["start"] is None


def test_overview_links_to_the_timeline(client, demo):
    exercise, rnd, users = demo
    client.force_login(users["bantochuc"])
    html = main_html(client.get(reverse("exercises:detail", args=[exercise.pk])))
    assert f'href="{url(exercise, rnd)}"' in html


# --- query counts ---------------------------------------------------------------------------

def _count(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def _more_moments(exercise, rnd, users):
    """Grow every source: observations, issued situations with handling, a held conference."""
    observer = users["theodoi"]
    for n in range(6):
        oversight.observation_create(exercise, acting_user=observer, kind="strength",
                                     text=f"Ghi nhận {n}", round=rnd,
                                     body=Body.objects.get(short_name="UBND tỉnh"),
                                     observed_at=at(16, n))
    for n, situation in enumerate(Situation.objects.filter(exercise=exercise,
                                                           status="scheduled")[:3]):
        situation = scenarios.situation_issue(situation, acting_user=users["bantochuc"],
                                              now=at(16, 10 + n))
        for body in situation.receiving_bodies.all():
            scenarios.delivery_handle(situation, acting_user=None, body=body,
                                      handling_kind="report", text="Đã báo cáo",
                                      now=at(16, 30 + n))


def test_query_counts_are_pinned_and_do_not_grow(client, demo, django_assert_max_num_queries):
    exercise, rnd, users = demo
    client.force_login(users["bantochuc"])
    page, data = url(exercise, rnd), url(exercise, rnd, "replay:round_data")
    client.get(page)  # warm caches (content types, session)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(page).status_code == 200
    with django_assert_max_num_queries(DATA_QUERIES):
        assert client.get(data).status_code == 200
    before = (_count(client, page), _count(client, data),
              len(selectors.round_timeline(users["bantochuc"], rnd).moments))
    _more_moments(exercise, rnd, users)
    after = (_count(client, page), _count(client, data),
             len(selectors.round_timeline(users["bantochuc"], rnd).moments))
    assert after[2] >= before[2] + 12
    assert after[:2] == before[:2]
    assert json.loads(client.get(data).content)["moments"][-1]["time"] == "16:32"
