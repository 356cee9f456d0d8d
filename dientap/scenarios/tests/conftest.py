from types import SimpleNamespace

import pytest

from dientap.exercises import services as es
from dientap.exercises.models import FrameParticipant, Membership
from dientap.scenarios import scenario_time, services


@pytest.fixture(autouse=True)
def _no_ticker(settings):
    # Tests call issue_due themselves; no background thread issues behind their back.
    settings.SCENARIO_TICKER = False


@pytest.fixture
def scen(world):
    """TQ-23 with Bộ CHQS in the frame, a director, a user per frame body, two situations."""
    from dientap.core import testing as t

    es.frame_participant_add(world.tq23, acting_user=None, body=world.bchqs,
                             role=FrameParticipant.Role.ADVISORY)
    director = t.user("director", body=world.bchqs, clearance=2)
    t.grant(world.tq23, director, Membership.Role.DIRECTOR)
    party = t.user("party", body=world.tinh_uy)
    a = situation(world, director, "TH-01", "N-57 07:30", [world.ubnd_tq])
    b = situation(world, director, "TH-02", "N-57 08:00", [world.tinh_uy])
    return SimpleNamespace(director=director, party=party, ubnd=world.frame_user, a=a, b=b)


def situation(world, user, code, when, bodies, **fields):
    t = scenario_time.parse(when)
    fields.setdefault("title", f"Tình huống {code}")
    fields.setdefault("content", f"Nội dung {code}")
    return services.situation_create(world.tq23, acting_user=user, code=code,
                                     scenario_minutes=t.minutes, g_relative=t.g_relative,
                                     receiving_bodies=bodies, **fields)
