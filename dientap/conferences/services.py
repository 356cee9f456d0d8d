"""State changes of conferences and their holdings."""

from dientap.core import services
from dientap.exercises.models import Exercise
from dientap.exercises.services import require_change

from .models import Conference, Holding


def conference_create(exercise: Exercise, *, acting_user, **fields) -> Conference:
    require_change(acting_user, exercise)
    return services.create(Conference, acting_user=acting_user, exercise=exercise, **fields)


def conference_update(conference: Conference, *, acting_user, expected_version=None, **fields):
    require_change(acting_user, conference.exercise)
    return services.update(conference, acting_user=acting_user,
                           expected_version=expected_version, **fields)


def holding_create(conference: Conference, *, acting_user, **fields) -> Holding:
    require_change(acting_user, conference.exercise)
    return services.create(Holding, acting_user=acting_user, conference=conference, **fields)


def holding_update(holding: Holding, *, acting_user, expected_version=None, **fields) -> Holding:
    require_change(acting_user, holding.conference.exercise)
    return services.update(holding, acting_user=acting_user, expected_version=expected_version,
                           **fields)
