"""Query counts of list pages are pinned: N+1 must not come back."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dientap.core import testing as t
from dientap.exercises import services as es


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


_numbers = itertools.count(10)


def grow(world, n):
    """More people, posts, frame entries, rounds and holdings: counts must not grow."""
    from dientap.conferences import services as cs

    tz = dt.timezone(dt.timedelta(hours=7))
    for _ in range(n):
        i = next(_numbers)
        p = t.person(f"Nguyễn Văn Thử{i}", (world.ubnd_tq, f"Chuyên viên {i}"),
                     (world.tinh_uy, f"Ủy viên {i}"))
        es.frame_participant_add(world.tq23, acting_user=None, body=world.ubnd_tq, person=p,
                                 role="member")
        rnd = es.round_create(world.tq23, acting_user=None, kind="rehearsal", number=i,
                              start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
        conf = cs.conference_create(world.tq23, acting_user=None, body=world.tinh_uy,
                                    title=f"Hội nghị {i}", chair_post=p.posts.first())
        cs.holding_create(conf, acting_user=None, round=rnd,
                          starts_at=dt.datetime(2023, 9, 19, 8, tzinfo=tz),
                          ends_at=dt.datetime(2023, 9, 19, 9, tzinfo=tz))
        t.grant(t.exercise(f"X-{i}", area=world.tq), world.organizer)


@pytest.mark.parametrize("page", ["list", "overview", "frame", "people", "bodies"])
def test_page_query_count_does_not_grow_with_data(client, world, page):
    client.force_login(world.organizer)
    urls = {
        "list": reverse("exercises:list"),
        "overview": world.tq23.get_absolute_url(),
        "frame": reverse("exercises:frame", args=[world.tq23.pk]),
        "people": reverse("organizations:person_list"),
        "bodies": reverse("organizations:body_list"),
    }
    small = count(client, urls[page])
    grow(world, 1)
    one = count(client, urls[page])
    grow(world, 5)
    assert count(client, urls[page]) == one
    assert one <= small + 2
