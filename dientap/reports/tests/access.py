"""Access-matrix entries of the reports pages (see dientap/api/tests/matrix.py)."""

from dientap.api.tests.matrix import page, post


def _report(o, w):
    return {"pk": o.exercise.pk, "rid": o.report.pk}


ENTRIES = {
    "reports:list": page("view"),
    "reports:create": page("change"),
    "reports:edit": page("change", args=_report),
    "reports:regenerate": post("change", args=_report, data=lambda o, w: {"section": "overview"}),
    "reports:register": post("change", args=_report),
    "reports:download": page("view", args=lambda o, w: {**_report(o, w), "fmt": "docx"}),
}


def objects(o, w, *, exercise, body, person, prefix):
    """An (unclassified) round report of round 1 in each exercise."""
    from dientap.reports import services

    o.report = services.report_create(exercise, "round", o.round, acting_user=None)
