"""Reads of areas, bodies and people, always scoped to the user."""

from django.db.models import Prefetch, Q, QuerySet

from dientap.core.scoping import VIEW
from dientap.core.text import fold

from .models import Body, Person, Post


def _search_q(query: str) -> Q:
    """Every word of the (accent-folded) query must occur in the search text."""
    q = Q()
    for word in fold(query).split():
        q &= Q(search_text__contains=word)
    return q


def person_list(user, *, query: str = "") -> QuerySet[Person]:
    """The people the user sees (matching every word of `query`, accents or not), each with
    the titles of their posts. The page shows it a page at a time: a ``COUNT`` and a ``LIMIT``
    query, both served on PostgreSQL by the trigram index on ``search_text``.

    A post is visible exactly when its person is (``Post.scope_filter``): the people listed
    are visible, so all their posts are, and the posts are read without applying the
    person rule a second time (it is the costly part of the page for a user who sees the
    frames of many exercises)."""
    qs = Person.objects.restrict(user, VIEW).only("id", "full_name", "rank", "sort_key")
    if query:
        qs = qs.filter(_search_q(query))
    posts = Post.objects.only("id", "person_id", "title", "sort_order")
    return qs.prefetch_related(Prefetch("posts", queryset=posts))


def body_list(user, *, query: str = "", kind: str = "") -> QuerySet[Body]:
    qs = Body.objects.restrict(user, VIEW).select_related("area", "area__level")
    if query:
        qs = qs.filter(_search_q(query))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def person_posts(user, person: Person) -> QuerySet[Post]:
    return Post.objects.restrict(user, VIEW).filter(person=person).select_related("body")


def body_posts(user, body: Body) -> QuerySet[Post]:
    return (
        Post.objects.restrict(user, VIEW)
        .filter(body=body)
        .select_related("person")
        .order_by("-is_head", "sort_order", "person__sort_key")
    )
