"""The number of queries of every list endpoint does not grow with the rows (pinned)."""

import pytest

from dientap.api.testing import _exercise_objects, count_queries, token_client
from dientap.api.urls import router
from dientap.core import testing as t

pytestmark = pytest.mark.django_db

PREFIXES = sorted(prefix for prefix, _viewset, _basename in router.registry)
# prefix: (as the superuser, as the organizer): token lookup + user + count + rows (+ prefetches
# and the user's body/area for scoping). Update deliberately, never to hide an N+1.
PINNED = {
    "agenda-items": (4, 4),
    "agenda-progress": (3, 3),
    "areas": (3, 5),
    "attendance": (3, 3),
    "bodies": (3, 5),
    "comments": (3, 3),
    "committee-members": (3, 3),
    "committees": (3, 3),
    "composition-entries": (3, 3),
    "conferences": (3, 3),
    "content-items": (3, 3),
    "document-access-log": (3, 2),
    "document-versions": (3, 3),
    "documents": (6, 6),
    "exercises": (3, 3),
    "frame-participants": (3, 3),
    "holdings": (3, 3),
    "levels": (3, 3),
    "memberships": (3, 3),
    "people": (3, 5),
    "phases": (3, 3),
    "posts": (3, 5),
    "rounds": (3, 3),
    "tokens": (3, 3),
    "training-issues": (3, 3),
    "users": (3, 5),
}


def grow(aw, n):
    for i in range(n):
        exercise = t.exercise(f"G-{aw.grown}-{i}", area=aw.tq)
        t.grant(exercise, aw.organizer)
        from dientap.exercises import services as es

        es.frame_participant_add(exercise, acting_user=None, body=aw.ubnd_tq, person=aw.son,
                                 role="chair")
        _exercise_objects(aw, exercise, aw.ubnd_tq, aw.son, prefix=f"G{aw.grown}{i}")
        t.person(f"Nguyễn Văn Thêm{aw.grown}{i}", (aw.ubnd_tq, "Chuyên viên"))
        t.user(f"extra{aw.grown}{i}", body=aw.ubnd_tq)
    aw.grown += 1


@pytest.mark.parametrize("prefix", PREFIXES)
def test_list_query_count_does_not_grow(aw, prefix):
    aw.grown = 0
    url = f"/api/{prefix}/"
    clients = {"admin": token_client(aw.admin), "organizer": token_client(aw.organizer)}
    for _name, client in clients.items():
        client.get(url)  # warm caches (content types, permissions)
    first = {name: count_queries(c, url) for name, c in clients.items()}
    grow(aw, 1)
    one = {name: count_queries(c, url) for name, c in clients.items()}
    grow(aw, 3)
    more = {name: count_queries(c, url) for name, c in clients.items()}
    assert more == one, (prefix, first, one, more)
    assert (one["admin"], one["organizer"]) == PINNED[prefix], (prefix, one)


def test_every_list_is_pinned():
    assert sorted(PINNED) == PREFIXES


# scenarios and oversight (their API modules; update deliberately, never to hide an N+1)
PINNED.update({
    "situations": (5, 5),
    "deliveries": (4, 4),
    "exercise-clocks": (3, 3),
    "comm-checks": (5, 5),
    "observations": (3, 3),
    "scales": (4, 4),
    "criteria": (3, 3),
    "scores": (4, 4),
    "corrective-actions": (3, 3),
    "round-readiness": (3, 3),
    "checklist-items": (3, 3),
    "budget-lines": (3, 3),
    # Listing comments of classified documents logs the reads: one insert for the page.
    "comments": (4, 3),
})
