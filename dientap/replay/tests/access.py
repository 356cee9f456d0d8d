"""Access-matrix entries of the timeline replay (see dientap/api/tests/matrix.py): whoever may
see the exercise may open the replay of its rounds; what it shows is scoped per source."""

from dientap.api.tests.matrix import page


def _round(o, w):
    return {"pk": o.exercise.pk, "rid": o.round.pk}


ENTRIES = {
    "replay:round": page("view", args=_round),
    "replay:round_data": page("view", args=_round),
}
