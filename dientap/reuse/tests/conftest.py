import pytest


@pytest.fixture
def demo(db):
    """The whole demo (TQ-23 with its results) and its users by user name."""
    from django.contrib.auth import get_user_model

    from dientap.demo import seed

    exercise = seed.load()
    users = {u.username: u for u in get_user_model().objects.all()}
    return exercise, users


def row_counts() -> dict:
    """Rows of every model an import may create (to prove that nothing was created)."""
    from django.apps import apps

    labels = ["exercises.Exercise", "exercises.Phase", "exercises.TrainingIssue",
              "exercises.ContentItem", "exercises.Round", "exercises.Committee",
              "exercises.CommitteeMember", "exercises.FrameParticipant", "exercises.Membership",
              "conferences.Conference", "conferences.AgendaItem", "conferences.CompositionEntry",
              "conferences.Holding", "documents.Document", "scenarios.Situation",
              "oversight.Scale", "oversight.Criterion", "oversight.ChecklistItem",
              "oversight.BudgetLine", "organizations.Body", "core.AuditEntry", "core.Event"]
    return {label: apps.get_model(label).objects.count() for label in labels}
