"""Access-matrix entries of the exports (see dientap/api/tests/matrix.py).

Each register is requested in both exercises. Registers under the exercise follow "view" (the
rows are scoped inside); the situation list and the observations are for the exercise's staff,
as their pages ("any" here, pinned exactly in test_exports.py)."""

from dientap.api.tests.matrix import page


def _register(key):
    return lambda o, w: {"pk": o.exercise.pk, "register": key}


VIEW_REGISTERS = ("frame", "committees", "conferences", "attendance", "documents", "actions",
                  "checklists", "budget")
STAFF_REGISTERS = ("situations", "observations")

ENTRIES = {
    "exports:register": [page("view", args=_register(key)) for key in VIEW_REGISTERS]
    + [page("any", args=_register(key)) for key in STAFF_REGISTERS],
}
