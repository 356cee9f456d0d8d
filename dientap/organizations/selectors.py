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
    qs = Person.objects.restrict(user, VIEW)
    if query:
        qs = qs.filter(_search_q(query))
    visible_posts = Post.objects.restrict(user, VIEW).select_related("body")
    return qs.prefetch_related(Prefetch("posts", queryset=visible_posts))


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
