"""Access-matrix entries of oversight's pages and API (see dientap/api/tests/matrix.py).

In each exercise of `api_world` (`objects`): an observation with a photo, the default scales
and criteria with a score, a corrective action (open) and one marked done, owned by the
exercise's frame body UBND tỉnh, a later round, a round marked ready, a checklist item with an
evidence file and a budget line (both owned by UBND tỉnh).
"""

import datetime as dt
import io

from dientap.api.tests.matrix import NONE, action, api, create, listing, page, pk_of, post

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def objects(o, w, *, exercise, body, person, prefix):
    from dientap.exercises import services as es
    from dientap.oversight import services as vs

    o.observation = vs.observation_create(exercise, acting_user=None, kind="shortcoming",
                                          text=f"Thiếu bản đồ khu vực phòng thủ {prefix}",
                                          body=body, round=o.round, photo=io.BytesIO(PNG))
    o.criterion = vs.criteria_seed_defaults(exercise, acting_user=None)[0]
    o.scale = o.criterion.scale
    o.level = o.scale.levels.order_by("-points").first()
    o.score = vs.score_set(o.criterion, acting_user=None, level=o.level, round=o.round,
                           body=body, comment="Chuẩn bị đầy đủ")
    due = exercise.start_date + dt.timedelta(days=30)
    o.corrective = vs.action_create(exercise, acting_user=None, owner_body=body, due_date=due,
                                    title=f"Bổ sung phụ lục bản đồ {prefix}", round=o.round)
    done = vs.action_create(exercise, acting_user=None, owner_body=body, due_date=due,
                            title=f"Sửa trích yếu quyết định {prefix}", round=o.round)
    o.done_action = vs.action_done(done, acting_user=None, note="Đã sửa")
    later = exercise.start_date + dt.timedelta(days=14)
    o.later_round = es.round_create(exercise, acting_user=None, kind="rehearsal", number=9,
                                    start_date=later, end_date=later)
    o.readiness = vs.round_mark_ready(o.round3, None)
    o.checklist_item = vs.checklist_item_create(
        exercise, acting_user=None, category="maps", title=f"Sa bàn {prefix}",
        owner_body=body, due_date=due, evidence_file=io.BytesIO(PNG))
    o.budget_line = vs.budget_line_create(exercise, acting_user=None, title=f"Bản đồ {prefix}",
                                          owner_body=body, planned=12_000_000)


def ex_and(name, attr):
    return lambda o, w: {"pk": o.exercise.pk, name: getattr(o, attr).pk}


def one(name, attr):
    return lambda o, w: {name: getattr(o, attr).pk}


ENTRIES = {
    # pages
    "oversight:dashboard": page("view"),
    "oversight:observe": page("exercise_staff"),
    "oversight:observations": page("overseers"),
    "oversight:observation_feed": page("overseers"),
    "oversight:observation_photo": page("overseen", args=one("oid", "observation")),
    "oversight:actions": page("view"),
    "oversight:action_create": page("change"),
    "oversight:action": page("owned", args=one("aid", "corrective")),
    "oversight:action_edit": page("owned_change", args=one("aid", "corrective")),
    "oversight:action_step": post("owned_work", args=lambda o, w: {
        "aid": o.corrective.pk, "step": "start"}),
    "oversight:follow_up": page("view"),
    "oversight:round_ready": post("change", args=ex_and("rid", "round")),
    "oversight:evaluation": page("overseers"),
    "oversight:criteria_seed": post("change"),
    "oversight:criterion_create": page("change"),
    "oversight:score": page("exercise_staff"),
    "oversight:checks": page("view"),
    "oversight:check_create": page("change"),
    "oversight:check_edit": page("owned_work", args=one("iid", "checklist_item")),
    "oversight:check_evidence": page("owned", args=one("iid", "checklist_item")),
    "oversight:budget_create": page("change"),
    "oversight:budget_edit": page("owned_change", args=one("lid", "budget_line")),
    "oversight:region": page("inspectors", kinds=NONE, args=lambda o, w: {}),
    # API: observations
    "api:observations-list": create("staff_create", lambda o, w: {
        "exercise": o.exercise.pk, "kind": "strength", "text": "Chủ trì điều hành tốt",
        "body": o.body.pk}),
    "api:observations-detail": [api("overseen", pk_of("observation")),
                                api("overseen_change", pk_of("observation"), "delete")],
    "api:observations-photo": action("overseen", "observation", method="get"),
    # API: evaluation
    "api:scales-list": listing(),
    "api:scales-detail": api("overseen", pk_of("scale")),
    "api:criteria-list": create("overseer_create", lambda o, w: {
        "exercise": o.exercise.pk, "title": "Bảo đảm thông tin liên lạc", "scale": o.scale.pk}),
    "api:criteria-detail": [api("overseen", pk_of("criterion")),
                            api("overseen_change", pk_of("criterion"), "patch",
                                lambda o, w: {"description": "Theo kế hoạch"})],
    "api:criteria-seed": api("create", method="post",
                             data=lambda o, w: {"exercise": o.exercise.pk}),
    "api:scores-list": create("score_create", lambda o, w: {
        "criterion": o.criterion.pk, "round": o.round2.pk, "body": o.body.pk,
        "level": o.level.pk}),
    "api:scores-detail": [api("overseen", pk_of("score")),
                          api("overseen_observe", pk_of("score"), "patch",
                              lambda o, w: {"comment": "Đạt yêu cầu"})],
    "api:scores-summary": api("view_query", method="get",
                              data=lambda o, w: {"exercise": o.exercise.pk}),
    # API: corrective actions (owned by UBND tỉnh)
    "api:corrective-actions-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "owner_body": o.body.pk, "title": "Bổ sung kế hoạch",
        "due_date": "2023-10-30"}),
    "api:corrective-actions-detail": [api("owned", pk_of("corrective")),
                                      api("owned_change", pk_of("corrective"), "patch",
                                          lambda o, w: {"blocking": True})],
    "api:corrective-actions-start": action("owned_work", "corrective"),
    "api:corrective-actions-done": action("owned_work", "corrective",
                                          lambda o, w: {"note": "Đã bổ sung"}),
    "api:corrective-actions-verify": action("owned_change", "done_action"),
    "api:corrective-actions-reopen": action("owned_change", "done_action",
                                            lambda o, w: {"reason": "Chưa đạt yêu cầu"}),
    "api:corrective-actions-raise-again": action("owned_change", "corrective", lambda o, w: {
        "round": o.later_round.pk, "due_date": "2023-11-30"}),
    # API: round readiness, checklist, budget
    "api:round-readiness-list": create("create", lambda o, w: {"round": o.round.pk}),
    "api:round-readiness-detail": api("overseen", pk_of("readiness")),
    "api:checklist-items-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "category": "rooms", "title": "Phòng họp",
        "owner_body": o.body.pk, "due_date": "2023-10-01"}),
    "api:checklist-items-detail": [api("owned", pk_of("checklist_item")),
                                   api("owned_work", pk_of("checklist_item"), "patch",
                                       lambda o, w: {"status": "ready"})],
    "api:checklist-items-evidence-file": action("owned", "checklist_item", method="get"),
    "api:budget-lines-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "title": "Thuê xe", "owner_body": o.body.pk,
        "planned": 5_000_000}),
    "api:budget-lines-detail": [api("owned", pk_of("budget_line")),
                                api("owned_work", pk_of("budget_line"), "patch",
                                    lambda o, w: {"actual": 4_500_000})],
}
