"""The people and bodies lists at national scale: 50 rows a page, the search kept across pages,
every match exactly once, and the same number of queries whatever the number of people or the
page; on PostgreSQL the page's own queries (the count and the rows) use the trigram index."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dientap.core import testing as t
from dientap.core.paging import PER_PAGE
from dientap.organizations import selectors
from dientap.organizations.models import Person, Post

PEOPLE = reverse("organizations:person_list")
BODIES = reverse("organizations:body_list")


def add_people(world, n, *, name="Nguyễn Văn Thử", body=None, start=0):
    """`n` people with a post each (in UBND tỉnh Tuyên Quang unless told)."""
    for i in range(start, start + n):
        person = Person(full_name=f"{name} {i:03d}")
        person.save()
        Post.objects.create(person=person, body=body or world.ubnd_tq, title=f"Chuyên viên {i}")


def found(html, name="Nguyễn Văn Thử"):
    return re.findall(rf"{name} \d{{3}}", html)


def shown(response):
    page = response.context["page"]
    return page.number, page.paginator.num_pages, page.paginator.count


def count_queries(client, url, **query):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, query).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def organizer(client, world):
    client.force_login(world.organizer)
    return client


def test_people_search_is_paged_and_kept_across_pages(organizer, world):
    add_people(world, 60)
    add_people(world, 5, name="Lê Thị Khác")
    response = organizer.get(PEOPLE, {"q": "nguyen van thu"})  # without accents
    first = response.content.decode()
    assert shown(response) == (1, 2, 60)
    assert first.count('data-testid="person-row"') == PER_PAGE
    assert 'href="?q=nguyen+van+thu&amp;page=2" rel="next"' in first
    response = organizer.get(PEOPLE, {"q": "nguyen van thu", "page": 2})
    second = response.content.decode()
    assert second.count('data-testid="person-row"') == 10
    assert sorted(found(first) + found(second)) == [f"Nguyễn Văn Thử {i:03d}" for i in range(60)]
    assert not found(first + second, "Lê Thị Khác")
    assert 'value="nguyen van thu"' in second  # the search box keeps the words
    # Each row shows its person's posts.
    assert len(re.findall(r"<td>Chuyên viên \d+</td>", first)) == PER_PAGE


def test_people_list_never_shows_other_provinces_on_any_page(organizer, world):
    add_people(world, 55)
    add_people(world, 55, name="Nguyễn Văn Phú", body=world.ubnd_pt)  # Phú Thọ: hidden
    response = organizer.get(PEOPLE, {"q": "nguyen van"})
    pages = shown(response)[1]
    html = "".join(organizer.get(PEOPLE, {"q": "nguyen van", "page": p}).content.decode()
                   for p in range(1, pages + 1))
    assert len(found(html)) == 55 and not found(html, "Nguyễn Văn Phú")
    assert shown(response)[2] == 56  # + Nguyễn Văn Sơn of the world


def test_people_and_bodies_queries_do_not_grow_with_the_data_or_the_page(organizer, world):
    add_people(world, 52)
    first = count_queries(organizer, PEOPLE, q="nguyen van")
    add_people(world, 80, start=100)
    assert count_queries(organizer, PEOPLE, q="nguyen van") == first
    assert count_queries(organizer, PEOPLE, q="nguyen van", page=3) == first
    assert count_queries(organizer, PEOPLE) == count_queries(organizer, PEOPLE, page=2)
    for i in range(55):
        t.body(f"Ban chỉ huy quân sự xã {i:02d}", area=world.tq, kind="military")
    one = count_queries(organizer, BODIES, kind="military")
    assert count_queries(organizer, BODIES, kind="military", page=2) == one


def test_bodies_list_is_paged_with_its_filters(organizer, world):
    for i in range(55):
        t.body(f"Ban chỉ huy quân sự xã {i:02d}", area=world.tq, kind="military")
    response = organizer.get(BODIES, {"kind": "military", "q": "xa"})
    assert shown(response) == (1, 2, 55)
    html = response.content.decode()
    assert 'href="?kind=military&amp;q=xa&amp;page=2" rel="next"' in html
    response = organizer.get(BODIES, {"kind": "military", "q": "xa", "page": 2})
    assert response.content.decode().count('data-testid="body-row"') == 5


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="a PostgreSQL index (SQLite has no trigram index)")
def test_the_pages_own_queries_can_use_the_trigram_index(world, client):
    """The count and the rows of a search page, as the view runs them (admin: all people)."""
    from django.core.paginator import Paginator

    add_people(world, 60)
    admin = t.user("root", is_superuser=True, is_staff=True)
    rows = selectors.person_list(admin, query="Nguyễn văn")
    page = Paginator(rows, PER_PAGE).get_page(1)
    with connection.cursor() as cursor:
        # A handful of rows: make the planner show which index serves the filter itself (a
        # bitmap scan needs an index condition; only the trigram index gives one).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        count_plan = rows.order_by().explain()
        rows_plan = page.object_list.explain()
    for plan in (count_plan, rows_plan):
        assert "organizations_person_search_trgm" in plan, plan
        assert "~~ '%nguyen%'" in plan and "~~ '%van%'" in plan, plan
    assert page.paginator.count == 60 + 1  # + Nguyễn Văn Sơn


def test_listed_posts_are_exactly_the_posts_the_user_may_see(world):
    """The list reads the posts of the people it shows without the person rule a second time:
    the same posts as the rule gives (a post is visible exactly when its person is), here for
    people seen through their body and through an exercise frame in another province."""
    add_people(world, 3)
    add_people(world, 2, name="Nguyễn Văn Phú", body=world.ubnd_pt)  # hidden from organizer
    # Seen in Tuyên Quang, also holding a post in Phú Thọ: both posts go with the person.
    both = t.person("Nguyễn Văn Hai Tỉnh", (world.ubnd_tq, "Phó Chủ tịch"),
                    (world.ubnd_pt, "Cố vấn"))
    assert selectors.person_list(world.organizer, query="hai tinh").get().posts.count() == 2
    assert both.posts.count() == 2
    for user in (world.organizer, world.frame_user, world.inspector, world.stranger):
        people = list(selectors.person_list(user, query="nguyen"))
        listed = {(p.pk, post.pk) for p in people for post in p.posts.all()}
        allowed = set(Post.objects.restrict(user).filter(person__in=[p.pk for p in people])
                      .values_list("person_id", "pk"))
        assert listed == allowed, user
        visible = set(Person.objects.restrict(user).values_list("pk", flat=True))
        assert {p.pk for p in people} <= visible
