"""Observations about a situation's handling (scenarios app) and the "handled on time"
figure of the dashboard."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dientap.oversight import selectors, services
from dientap.scenarios import services as scenarios


def situation(ov, exercise=None, bodies=None, code="TH-01"):
    s = scenarios.situation_create(
        exercise or ov.tq23, acting_user=None, code=code, title="Địch đánh phá bằng hỏa lực",
        content="…", scenario_minutes=-5 * 1440 + 450, deadline_minutes=30,
        receiving_bodies=bodies or [ov.ubnd_tq, ov.tinh_uy])
    return scenarios.situation_issue(s, acting_user=None,
                                     now=timezone.now() - dt.timedelta(hours=1))


def test_an_observation_about_a_situation_handling(ov):
    s = situation(ov)
    delivery = s.deliveries.get(body=ov.ubnd_tq)
    obs = services.observation_create(ov.tq23, acting_user=ov.observer, kind="shortcoming",
                                      text="Tham mưu chậm", delivery=delivery)
    assert obs.subject == delivery
    assert list(selectors.observation_list(ov.organizer, ov.tq23)) == [obs]
    other = situation(ov, exercise=ov.pt23, bodies=[ov.ubnd_pt], code="TH-09")
    with pytest.raises(ValidationError):
        services.observation_create(ov.tq23, acting_user=ov.observer, kind="shortcoming",
                                    text="x", delivery=other.deliveries.get())
    with pytest.raises(ValidationError):  # two things at once
        services.observation_create(ov.tq23, acting_user=ov.observer, kind="shortcoming",
                                    text="x", delivery=delivery, holding=ov.holding)


def test_situations_handled_on_time(ov):
    s = situation(ov)
    scenarios.delivery_handle(s, acting_user=ov.frame_user, handling_kind="advise",
                              text="Đã tham mưu", now=timezone.now() - dt.timedelta(minutes=50))
    figure = selectors.situations_on_time(ov.organizer, ov.tq23)
    # UBND handled within 30 minutes; Tỉnh ủy has not handled it and is past the deadline.
    assert (figure["total"], figure["handled"], figure["on_time"], figure["overdue"]) == (
        2, 1, 1, 1)
    assert selectors.dashboard(ov.organizer, ov.tq23)["situations"]["pct"] == 100
    # A frame member counts its own body's deliveries only.
    assert selectors.situations_on_time(ov.frame_user, ov.tq23)["total"] == 1
