"""Corrective actions: the state machine, reasons, bad input, the blocking rule and its
override, round over round."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dientap.core.models import AuditEntry
from dientap.oversight import selectors, services
from dientap.oversight.models import CorrectiveAction, RoundReadiness

from .conftest import action

S = CorrectiveAction.Status


def test_the_whole_path_open_to_verified_is_audited(ov):
    a = action(ov)
    assert a.status == S.OPEN and a.created_by == ov.organizer
    a = services.action_start(a, acting_user=ov.frame_user)  # the owner body's member
    assert a.status == S.IN_PROGRESS
    a = services.action_done(a, acting_user=ov.frame_user, note="Đã bổ sung",
                             fixed_by_version=ov.open_v1, fixed_by_holding=ov.holding2)
    assert (a.status, a.done_by, a.fixed_by_version, a.fixed_by_holding) == (
        S.DONE, ov.frame_user, ov.open_v1, ov.holding2)
    a = services.action_verify(a, acting_user=ov.organizer)
    assert a.status == S.VERIFIED and a.verified_by == ov.organizer
    statuses = [e.after.get("status") for e in AuditEntry.objects.filter(
        content_type__model="correctiveaction", object_id=str(a.pk)).order_by("seq")]
    assert statuses == ["open", "in_progress", "done", "verified"]


@pytest.mark.parametrize("start,target,allowed", [
    ("open", "in_progress", True), ("open", "done", True), ("open", "verified", False),
    ("open", "reopened", False),
    ("in_progress", "done", True), ("in_progress", "verified", False),
    ("in_progress", "reopened", False), ("in_progress", "in_progress", False),
    ("done", "verified", True), ("done", "reopened", True), ("done", "in_progress", False),
    ("done", "done", False),
    ("verified", "reopened", True), ("verified", "done", False),
    ("verified", "verified", False), ("verified", "in_progress", False),
    ("reopened", "in_progress", True), ("reopened", "done", True),
    ("reopened", "verified", False),
])
def test_every_transition(ov, start, target, allowed):
    a = action(ov)
    path = {"open": [], "in_progress": ["in_progress"], "done": ["done"],
            "verified": ["done", "verified"], "reopened": ["done", "reopened"]}[start]
    steps = {
        "in_progress": lambda x: services.action_start(x, acting_user=ov.organizer),
        "done": lambda x: services.action_done(x, acting_user=ov.organizer),
        "verified": lambda x: services.action_verify(x, acting_user=ov.organizer),
        "reopened": lambda x: services.action_reopen(x, acting_user=ov.organizer,
                                                     reason="Chưa đạt yêu cầu"),
    }
    for s in path:
        a = steps[s](a)
    assert a.status == start
    if allowed:
        assert steps[target](a).status == target
    else:
        with pytest.raises(ValidationError):
            steps[target](a)
        a.refresh_from_db()
        assert a.status == start


def test_verifying_what_is_not_done_is_refused_with_a_clear_message(ov):
    a = action(ov)
    with pytest.raises(ValidationError) as exc:
        services.action_verify(a, acting_user=ov.organizer)
    assert "đã thực hiện" in exc.value.messages[0]  # in the user's language (vi)


def test_reopening_needs_a_reason(ov):
    a = services.action_done(action(ov), acting_user=ov.organizer)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            services.action_reopen(a, acting_user=ov.organizer, reason=reason)
        assert "reason" in exc.value.message_dict
    a.refresh_from_db()
    assert a.status == S.DONE
    a = services.action_reopen(a, acting_user=ov.organizer, reason="Sa bàn chưa sửa")
    assert (a.status, a.reopen_reason) == (S.REOPENED, "Sa bàn chưa sửa")


def test_who_may_do_what(ov):
    a = action(ov)
    # Another body's member, an observer and an inspector may not work on it.
    for user in (ov.tinh_uy_user, ov.inspector, ov.stranger):
        with pytest.raises(PermissionDenied):
            services.action_start(a, acting_user=user)
    a = services.action_done(a, acting_user=ov.frame_user)
    # The owner body may not verify its own work; nor reopen it.
    with pytest.raises(PermissionDenied):
        services.action_verify(a, acting_user=ov.frame_user)
    with pytest.raises(PermissionDenied):
        services.action_reopen(a, acting_user=ov.frame_user, reason="x")
    with pytest.raises(PermissionDenied):  # nor raise actions
        services.action_create(ov.tq23, acting_user=ov.frame_user, owner_body=ov.ubnd_tq,
                               title="x", due_date=dt.date(2099, 1, 1))


def test_bad_input_is_refused_and_nothing_is_saved(ov):
    before = CorrectiveAction.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.action_create(ov.tq23, acting_user=ov.organizer, owner_body=None,
                               title="Bổ sung", due_date=None)
    assert set(exc.value.message_dict) == {"owner_body", "due_date"}
    with pytest.raises(ValidationError) as exc:
        services.action_create(ov.tq23, acting_user=ov.organizer, owner_body=ov.ubnd_pt,
                               title="Bổ sung", due_date=dt.date(2099, 1, 1))
    assert "owner_body" in exc.value.message_dict  # a body of another province
    obs_pt = services.observation_create(ov.pt23, acting_user=ov.pt_organizer,
                                         kind="shortcoming", text="x", holding=ov.pt_holding)
    with pytest.raises(ValidationError):
        action(ov, observation=obs_pt)
    with pytest.raises(ValidationError):
        action(ov, round=ov.pt_round)
    assert CorrectiveAction.objects.count() == before


def test_done_pointing_to_a_version_of_another_exercise_or_a_hidden_one_is_refused(ov):
    from dientap.documents import services as ds

    pt_doc = ds.document_create(ov.pt23, acting_user=None, title="Kế hoạch", doc_type="plan",
                                owner_body=ov.ubnd_pt)
    pt_v = ds.version_write(pt_doc, acting_user=None, text="…")
    a = action(ov)
    with pytest.raises(ValidationError):
        services.action_done(a, acting_user=ov.organizer, fixed_by_version=pt_v)
    with pytest.raises(ValidationError):  # the secret resolution: UBND's member can't see it
        services.action_done(a, acting_user=ov.frame_user, fixed_by_version=ov.secret_v1)
    a.refresh_from_db()
    assert a.status == S.OPEN


def test_overdue_is_flagged(ov):
    late = action(ov, due_date=dt.date(2020, 1, 1))
    on_time = action(ov)
    assert late.is_overdue() and not on_time.is_overdue()
    assert list(selectors.action_list(ov.organizer, ov.tq23, overdue=True)) == [late]
    services.action_done(late, acting_user=ov.organizer)
    late.refresh_from_db()
    assert not late.is_overdue()


def test_the_blocking_rule_and_its_override(ov):
    blocking = action(ov, blocking=True)
    action(ov, title="Không chặn")  # open but not blocking: does not matter
    action(ov, round=ov.r2, blocking=True)  # another round: does not matter
    with pytest.raises(ValidationError) as exc:
        services.round_mark_ready(ov.r1, ov.organizer)
    assert "1" in exc.value.messages[0]
    assert not RoundReadiness.objects.exists()
    with pytest.raises(PermissionDenied):  # only the Organizing Committee decides
        services.round_mark_ready(ov.r1, ov.observer, override_reason="x")
    ready = services.round_mark_ready(ov.r1, ov.organizer,
                                      override_reason="Chỉ huy quyết định tiếp tục")
    assert (ready.by, ready.override_reason, ready.open_blocking) == (
        ov.organizer, "Chỉ huy quyết định tiếp tục", [blocking.pk])
    entry = AuditEntry.objects.get(content_type__model="roundreadiness",
                                   object_id=str(ready.pk))
    assert entry.user == ov.organizer
    assert entry.after["override_reason"] == "Chỉ huy quyết định tiếp tục"
    with pytest.raises(ValidationError):  # once only
        services.round_mark_ready(ov.r1, ov.organizer, override_reason="again")


def test_a_round_without_open_blocking_actions_is_marked_ready_without_a_reason(ov):
    a = action(ov, blocking=True)
    services.action_done(a, acting_user=ov.frame_user)  # done counts as closed for blocking
    ready = services.round_mark_ready(ov.r1, ov.organizer, override_reason="ignored")
    assert ready.override_reason == "" and ready.open_blocking == []


def test_round_over_round(ov):
    fixed = services.action_done(action(ov, title="Đã sửa"), acting_user=ov.organizer)
    still = action(ov, title="Còn mở")
    again_src = action(ov, title="Lặp lại")
    again = services.action_raise_again(again_src, acting_user=ov.organizer, round=ov.r2,
                                        due_date=dt.date(2099, 2, 1))
    new = action(ov, round=ov.r2, title="Mới ở lần 2")
    with pytest.raises(ValidationError):  # not a later round
        services.action_raise_again(again_src, acting_user=ov.organizer, round=ov.r1,
                                    due_date=dt.date(2099, 2, 1))
    report = selectors.round_over_round(ov.organizer, ov.tq23, ov.r1, ov.r2)
    assert report["fixed"] == [fixed]
    assert set(report["open"]) == {still, again_src}
    assert report["again"] == [again_src]
    assert report["new_next"] == [new]
    assert again.raised_again_from == again_src and again.round == ov.r2


def test_each_body_sees_its_own_list(ov):
    mine = action(ov)
    theirs = action(ov, owner_body=ov.tinh_uy)
    assert list(selectors.action_list(ov.frame_user, ov.tq23)) == [mine]
    assert list(selectors.action_list(ov.tinh_uy_user, ov.tq23)) == [theirs]
    assert set(selectors.action_list(ov.organizer, ov.tq23)) == {mine, theirs}
    assert set(selectors.action_list(ov.inspector, ov.tq23)) == {mine, theirs}
    assert list(selectors.action_list(ov.stranger, ov.tq23)) == []
