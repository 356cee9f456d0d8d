"""Fixtures of the report tests: the demo (TQ-23 with its two reports) in a private data dir."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from dientap.exercises.models import Round
from dientap.reports.models import Report


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def demo(db):
    from dientap.demo import seed

    exercise = seed.load()
    users = {u.username: u for u in get_user_model().objects.all()}
    return SimpleNamespace(
        exercise=exercise, users=users, organizer=users["bantochuc"],
        observer=users["theodoi"], frame=users["ubnd"],
        round1=exercise.rounds.get(kind=Round.Kind.REHEARSAL, number=1),
        round2=exercise.rounds.get(kind=Round.Kind.REHEARSAL, number=2),
        round_report=Report.objects.get(exercise=exercise, kind=Report.Kind.ROUND),
        final=Report.objects.get(exercise=exercise, kind=Report.Kind.FINAL),
    )
