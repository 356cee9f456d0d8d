"""One exercise at a time: ``restrict(user, action, exercise=x)`` (rules decided from the user's
standing in x, exercises.access) gives exactly the rows of ``restrict(user, action)`` that
belong to x, for every scoped model and every kind of user; the standing is read once per
request and read again after a change to what it is made of."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dientap.accounts.models import Clearance
from dientap.bench import generator, pages
from dientap.core import context
from dientap.core import testing as t
from dientap.core.scoping import CHANGE, VIEW
from dientap.exercises import access
from dientap.exercises import services as es
from dientap.exercises.models import Exercise, FrameParticipant, Membership

pytestmark = pytest.mark.django_db

SCOPED = [m for m in apps.get_models()
          if hasattr(m, "scope_filter") and getattr(m, "exercise_path", None)]


def _users(world, exercise):
    """Users of every standing in the generated exercise and in the world's two."""
    bench, _admin = pages.ensure_users()  # organizer, director, observer of all, in a frame
    body = pages.console_body(exercise)
    frame_only = t.user("frame_only", body=body, clearance=Clearance.SECRET)
    uncleared = t.user("uncleared", body=body)
    organizer = t.user("organizer_one", clearance=Clearance.TOP_SECRET)
    t.grant(exercise, organizer, Membership.Role.ORGANIZER)
    director = t.user("director_one", body=body, clearance=Clearance.CONFIDENTIAL)
    t.grant(exercise, director, Membership.Role.DIRECTOR)
    observer = t.user("observer_one")
    t.grant(exercise, observer, Membership.Role.OBSERVER)
    inspector = t.user("inspector_one", inspected_area=exercise.area.parent,
                       clearance=Clearance.SECRET)
    return [bench, frame_only, uncleared, organizer, director, observer, inspector,
            world.organizer, world.observer, world.frame_user, world.inspector,
            world.stranger, world.nobody]


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_a_rule_for_one_exercise_gives_the_rows_of_the_full_rule_in_it(world, settings,
                                                                        tmp_path):
    settings.DATA_DIR = tmp_path
    generated = generator.generate("tiny", seed=1)
    exercises = [*generated, world.tq23, world.pt23]
    users = _users(world, generated[0])
    seen_rows = set()
    with context.memo_scope():  # as in a request: rules for one exercise are decided
        for model in SCOPED:
            _compare(model, users, exercises, seen_rows)
    # Not vacuous: the rules that nest other rules were compared on real rows.
    assert {"Exercise", "Document", "DocumentVersion", "Situation", "Delivery", "Observation",
            "CorrectiveAction", "Holding", "Attendance"} <= seen_rows


def _compare(model, users, exercises, seen_rows):
    for user in users:
        for action in (VIEW, CHANGE):
            full = model.objects.restrict(user, action)
            for exercise in exercises:
                want = _ids(full.filter(**{model.exercise_path: exercise.pk}))
                got = _ids(model.objects.restrict(user, action, exercise=exercise))
                assert got == want, (model.__name__, user.username, action,
                                     exercise.code_name)
                if got:
                    seen_rows.add(model.__name__)


def test_rules_are_decided_only_where_the_standing_is_memoised(world):
    from dientap.oversight.models import Observation

    def sql():
        return str(Observation.objects.restrict(world.observer, VIEW, exercise=world.tq23).query)

    assert "exercises_membership" in sql()  # outside a request: written in full
    with context.memo_scope():
        assert "exercises_membership" not in sql()  # in a request: decided, no subquery


def test_may_and_has_role_say_what_the_rules_say(world):
    ex, pt = world.tq23, world.pt23
    for user in (world.organizer, world.observer, world.frame_user, world.inspector,
                 world.stranger, world.nobody):
        for exercise in (ex, pt):
            for action in (VIEW, CHANGE):
                assert access.may(user, exercise, action) == Exercise.objects.restrict(
                    user, action).filter(pk=exercise.pk).exists(), (user, exercise, action)
    assert access.has_role(world.inspector, ex, [Membership.Role.OBSERVER], inspector=True)
    assert not access.has_role(world.inspector, ex, [Membership.Role.OBSERVER])
    assert access.has_role(world.observer, ex, [Membership.Role.OBSERVER])
    assert not access.has_role(world.observer, pt, [Membership.Role.OBSERVER])


def test_the_standing_is_read_once_per_request_and_again_after_a_change(world):
    ex, user = world.tq23, world.stranger
    token = context.open_memo()
    try:
        with CaptureQueriesContext(connection) as ctx:
            assert not access.may(user, ex, VIEW)
            assert not access.may(user, ex, CHANGE)
            list(FrameParticipant.objects.restrict(user, VIEW, exercise=ex))
        # The standing once; rows a rule decides "none" of are not even asked for.
        assert len(ctx.captured_queries) == 1
        es.membership_grant(ex, acting_user=None, user=user, role=Membership.Role.DIRECTOR)
        assert access.may(user, ex, CHANGE)  # the grant dropped the memoised standing
        # A bulk update sends no signal: the request keeps the standing it read …
        Membership.objects.filter(user=user).update(role=Membership.Role.OBSERVER)
        assert access.may(user, ex, CHANGE)
        Membership.objects.filter(user=user).delete()  # … a delete drops it
        assert not access.may(user, ex, VIEW)
    finally:
        context.close_memo(token)
    # Outside a request nothing is memoised: every call reads the database.
    es.membership_grant(ex, acting_user=None, user=user, role=Membership.Role.OBSERVER)
    assert access.may(user, ex, VIEW) and not access.may(user, ex, CHANGE)
    with CaptureQueriesContext(connection) as ctx:
        access.may(user, ex, VIEW)
        access.may(user, ex, VIEW)
    assert len(ctx.captured_queries) == 2


def test_a_page_reads_the_standing_once(client, world):
    from django.urls import reverse

    client.force_login(world.organizer)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("scenarios:list", args=[world.tq23.pk])).status_code == 200
    standing = [q for q in ctx.captured_queries if "@frame" in q["sql"] or (
        "exercises_membership" in q["sql"] and "UNION" in q["sql"])]
    assert len(standing) == 1


def test_a_model_outside_exercises_cannot_be_narrowed_to_one(world):
    from dientap.organizations.models import Body

    with pytest.raises(TypeError):
        Body.objects.restrict(world.organizer, VIEW, exercise=world.tq23)
