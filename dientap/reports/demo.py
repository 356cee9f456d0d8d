"""Demo reports of TQ-23: the round-1 report (lessons learned of rehearsal 1) and a draft of
the final review report, generated from the demo's data through the services."""

from dientap.exercises.models import Exercise, Round

from . import services
from .models import Report


def load(exercise: Exercise, acting_user=None) -> list[Report]:
    round1 = exercise.rounds.get(kind=Round.Kind.REHEARSAL, number=1)
    return [
        services.report_create(exercise, Report.Kind.ROUND, round1, acting_user=acting_user),
        services.report_create(exercise, Report.Kind.FINAL, acting_user=acting_user),
    ]
