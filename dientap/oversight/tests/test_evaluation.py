"""Evaluation: criteria and scales as data, scores on the scale only, aggregates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dientap.core.models import AuditEntry
from dientap.oversight import selectors, services
from dientap.oversight.models import Criterion, Scale, Score


def test_defaults_seed_the_article_criteria_and_both_scales_once(ov):
    assert [c.title for c in ov.criteria][:2] == ["Chuẩn bị văn kiện",
                                                   "Cơ sở vật chất, điều kiện bảo đảm"]
    assert len(ov.criteria) == 8
    assert set(Scale.objects.filter(exercise=ov.tq23).values_list("code", flat=True)) == {
        "vn4", "hseep"}
    assert [lvl.code for lvl in ov.criteria[0].scale.levels.all()] == ["G", "K", "D", "KD"]
    services.criteria_seed_defaults(ov.tq23, acting_user=ov.organizer)  # again: no duplicates
    assert Criterion.objects.filter(exercise=ov.tq23).count() == 8
    with pytest.raises(PermissionDenied):
        services.criteria_seed_defaults(ov.tq23, acting_user=ov.frame_user)


def test_a_criterion_on_the_hseep_scale(ov):
    hseep = Scale.objects.get(exercise=ov.tq23, code="hseep")
    c = services.criterion_create(ov.tq23, acting_user=ov.organizer, title="Liên lạc",
                                  scale=hseep)
    score = services.score_set(c, acting_user=ov.observer, level="S", round=ov.r1,
                               body=ov.ubnd_tq)
    assert score.level.points == 3
    with pytest.raises(ValidationError):  # a level of the other scale
        services.score_set(c, acting_user=ov.observer, level="G", round=ov.r1, body=ov.ubnd_tq)
    with pytest.raises(ValidationError):  # a scale of another exercise
        services.criterion_create(ov.tq23, acting_user=ov.organizer, title="x",
                                  scale=Scale.objects.get(exercise=ov.pt23, code="hseep"))


@pytest.mark.parametrize("level", ["X", "P", "", "5"])
def test_a_score_outside_the_scale_is_refused(ov, level):
    with pytest.raises(ValidationError) as exc:
        services.score_set(ov.criteria[0], acting_user=ov.observer, level=level, round=ov.r1,
                           body=ov.ubnd_tq)
    assert "level" in exc.value.message_dict
    assert not Score.objects.exists()


def test_a_level_object_of_another_scale_is_refused(ov):
    other = ov.pt_criteria[0].scale.levels.first()
    with pytest.raises(ValidationError):
        services.score_set(ov.criteria[0], acting_user=ov.observer, level=other, round=ov.r1,
                           body=ov.ubnd_tq)


def test_scores_per_holding_take_its_round_and_body_and_replace_each_other(ov):
    obs = services.observation_create(ov.tq23, acting_user=ov.observer, kind="strength",
                                      text="Chủ trì tốt", holding=ov.holding)
    s = services.score_set(ov.criteria[3], acting_user=ov.observer, level="K",
                           holding=ov.holding, evidence=[obs])
    assert (s.round, s.body, list(s.evidence.all())) == (ov.r1, ov.tinh_uy, [obs])
    s2 = services.score_set(ov.criteria[3], acting_user=ov.observer, level="G",
                            holding=ov.holding, evidence=[obs])
    assert s2.pk == s.pk and s2.level.code == "G" and Score.objects.count() == 1
    assert AuditEntry.objects.filter(content_type__model="score", object_id=str(s.pk)).count() >= 2
    with pytest.raises(ValidationError):  # evidence of another exercise
        pt_obs = services.observation_create(ov.pt23, acting_user=ov.pt_organizer,
                                             kind="strength", text="x", holding=ov.pt_holding)
        services.score_set(ov.criteria[3], acting_user=ov.observer, level="G",
                           holding=ov.holding, evidence=[pt_obs])
    with pytest.raises(ValidationError):  # a holding of another exercise
        services.score_set(ov.criteria[3], acting_user=ov.observer, level="G",
                           holding=ov.pt_holding)
    with pytest.raises(PermissionDenied):
        services.score_set(ov.criteria[3], acting_user=ov.frame_user, level="G",
                           holding=ov.holding)


def test_aggregates_per_body_round_and_criterion(ov):
    c1, c2 = ov.criteria[0], ov.criteria[1]
    scored = [  # criterion, round, body, level (points G4 K3 D2 KD1)
        (c1, ov.r1, ov.ubnd_tq, "G"), (c2, ov.r1, ov.ubnd_tq, "D"),
        (c1, ov.r1, ov.tinh_uy, "K"), (c2, ov.r1, ov.tinh_uy, "KD"),
        (c1, ov.r2, ov.ubnd_tq, "G"), (c2, ov.r2, ov.ubnd_tq, "K"),
    ]
    for criterion, rnd, body, level in scored:
        services.score_set(criterion, acting_user=ov.observer, level=level, round=rnd,
                           body=body)
    agg = selectors.aggregates(ov.organizer, ov.tq23)
    by_body = {r["body_id"]: (float(r["avg"]), r["n"]) for r in agg["by_body"]}
    assert by_body == {ov.ubnd_tq.pk: (3.25, 4), ov.tinh_uy.pk: (2.0, 2)}
    by_round = {r["round_id"]: (float(r["avg"]), r["n"]) for r in agg["by_round"]}
    assert by_round == {ov.r1.pk: (2.5, 4), ov.r2.pk: (3.5, 2)}
    by_criterion = {r["criterion_id"]: (float(r["avg"]), r["n"]) for r in agg["by_criterion"]}
    assert by_criterion == {c1.pk: (11 / 3, 3), c2.pk: (2.0, 3)}
    assert float(agg["cells"][(c1.pk, ov.ubnd_tq.pk)]["avg"]) == 4.0
    # Scores are for overseers: a frame member and another province see none.
    assert selectors.aggregates(ov.frame_user, ov.tq23)["by_body"] == []
    assert selectors.aggregates(ov.pt_organizer, ov.tq23)["by_body"] == []
