"""The page cache (core/pagecache.py): a repeat view comes from the cache with two queries
(session, user) and the same bytes; any write to a table the page read, a new session, a
waiting message, a hard reload or the end of max_age builds it afresh; a page built while
something was written is not kept; it never crosses sessions."""

import pickle
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dientap.core import pagecache
from dientap.exercises.models import Membership
from dientap.oversight import services as oversight

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return response, len(ctx.captured_queries)


def observe(w, text):
    return oversight.observation_create(w.tq23, acting_user=w.observer, kind="shortcoming",
                                        text=text, body=w.ubnd_tq)


@pytest.fixture
def observations(world, client):
    client.force_login(world.observer)
    url = reverse("oversight:observations", args=[world.tq23.pk])
    client.get(url)  # a first view sets the CSRF cookie (a browser's first page does too)
    return url


# --- the SQL it watches ------------------------------------------------------------------------

@pytest.mark.parametrize(("sql", "kind", "tables"), [
    ('SELECT "a"."id" FROM "a" INNER JOIN "b" ON ("a"."b_id" = "b"."id") WHERE EXISTS('
     'SELECT 1 FROM "c" U0 LEFT OUTER JOIN "d" U1 ON (U0."id" = U1."c_id"))',
     pagecache.READ, {"a", "b", "c", "d"}),
    ("SELECT COUNT(*) FROM (SELECT 1 FROM \"x\") subquery", pagecache.READ, {"x"}),
    ('INSERT INTO "oversight_observation" ("text") VALUES (%s) RETURNING "id"',
     pagecache.WRITE, {"oversight_observation"}),
    ('UPDATE "scenarios_delivery" SET "status" = %s', pagecache.WRITE, {"scenarios_delivery"}),
    ('DELETE FROM "documents_document" WHERE "id" IN (%s)', pagecache.WRITE,
     {"documents_document"}),
    ('TRUNCATE "a", "b" RESTART IDENTITY', pagecache.WRITE, {pagecache.ALL}),
    ('ALTER TABLE "a" ADD COLUMN "b" integer', pagecache.WRITE, {pagecache.ALL}),
    ('SAVEPOINT "s1_x1"', pagecache.NEUTRAL, set()),
    ('RELEASE SAVEPOINT "s1_x1"', pagecache.NEUTRAL, set()),
    ("SET TIME ZONE 'UTC'", pagecache.NEUTRAL, set()),
    ('WITH moved AS (UPDATE "a" SET "b" = 1 RETURNING "id") SELECT * FROM moved',
     pagecache.WRITE, {pagecache.ALL}),
    ('WITH RECURSIVE up AS (SELECT "id" FROM "organizations_area") SELECT * FROM up',
     pagecache.READ, {"organizations_area", "up"}),
])
def test_statements_are_read_as_reads_writes_or_neither(sql, kind, tables):
    assert pagecache.classify(sql) == (kind, frozenset(tables))


# --- repeat views ------------------------------------------------------------------------------

def test_a_repeat_view_is_the_same_page_with_two_queries(world, client, observations):
    observe(world, "Thiếu phương án sơ tán")
    get(client, observations)  # built (and the view may learn a table it reads with rows)
    first, _queries = get(client, observations)
    again, served = get(client, observations)
    assert first.status_code == again.status_code == 200
    assert "Thiếu phương án sơ tán" in again.content.decode()
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    built = get(client, observations, cache_control="no-cache")[1]
    assert served == 2 < built  # the session and the user


def test_a_write_to_what_the_page_read_builds_it_again(world, client, observations):
    get(client, observations)
    observe(world, "Báo cáo chậm 15 phút")
    response, queries = get(client, observations)
    assert "Báo cáo chậm 15 phút" in response.content.decode()
    assert queries > 2


def test_a_write_to_a_table_the_page_did_not_read_keeps_it(world, client, observations):
    from dientap.accounts.models import LoginThrottle

    response, _queries = get(client, observations)
    tables = kept_tables(response)
    assert {"oversight_observation", "exercises_membership"} <= tables
    assert "accounts_loginthrottle" not in tables
    LoginThrottle.objects.create(kind=LoginThrottle.Kind.ADDRESS, key="10.0.0.9", failures=1)
    assert get(client, observations)[1] == 2


def kept_tables(response) -> set:
    """The tables the kept page of this response's request depends on."""
    data = pagecache.store().get(pagecache._key(response.wsgi_request))
    return set(pickle.loads(data)[0])  # noqa: S301 - written by the test's own server


def test_a_hard_reload_builds_the_page(world, client, observations):
    get(client, observations)
    assert get(client, observations)[1] == 2
    assert get(client, observations, cache_control="no-cache")[1] > 2


def test_a_lower_clearance_ends_the_repeat_view(world, client, observations):
    get(client, observations)
    assert get(client, observations)[1] == 2
    world.observer.clearance = 0
    world.observer.save(update_fields=["clearance"])
    assert get(client, observations)[1] > 2


def test_losing_access_ends_the_repeat_view(world, client, observations):
    assert get(client, observations)[0].status_code == 200
    Membership.objects.filter(user=world.observer, exercise=world.tq23).delete()
    assert get(client, observations)[0].status_code == 404


def test_a_page_is_never_served_to_another_session(world, client, observations):
    from django.test import Client

    mine = get(client, observations)[0]
    other = Client()
    other.force_login(world.organizer)
    theirs, queries = get(other, observations)
    assert queries > 2
    assert b"organizer" in theirs.content and mine.content != theirs.content


def test_a_waiting_message_is_shown_not_a_kept_page(world, client, observations):
    from types import SimpleNamespace

    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    get(client, observations)
    assert get(client, observations)[1] == 2
    storage = CookieStorage(SimpleNamespace(COOKIES={}))
    client.cookies[storage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Đã lưu nhận xét.")])
    response, queries = get(client, observations)
    assert "Đã lưu nhận xét." in response.content.decode() and queries > 2
    # shown once: the page after it is built again without it, then repeated
    assert "Đã lưu nhận xét." not in get(client, observations)[0].content.decode()
    assert get(client, observations)[1] == 2


def test_a_page_built_while_a_write_commits_is_stale_at_once(world, client, observations):
    """Kept with the versions read before it was built: a write meanwhile outdates it."""
    response = client.get(observations)
    key = pagecache._key(response.wsgi_request)
    tables = ["*", "oversight_observation"]
    before = pagecache.versions(tables)
    observe(world, "trong lúc dựng trang")  # written while the page is being built
    pagecache._keep(key, response, tables, before, 30)
    assert pagecache._lookup(key) is None
    pagecache._keep(key, response, tables, pagecache.versions(tables), 30)
    assert pagecache._lookup(key) is not None


def test_a_view_that_reads_a_new_table_is_built_again(world, client, observations):
    """A build that read a table the view had not read before is not kept (its versions were
    not read first); the view's tables grow and the next build is kept."""
    name = "dientap.oversight.views.observations"
    pagecache._tables_of[name] = pagecache._tables_of[name] - {"oversight_observation"}
    observe(world, "a")
    assert get(client, observations)[1] > 2
    assert "oversight_observation" in pagecache._tables_of[name]
    assert get(client, observations)[1] > 2
    assert get(client, observations)[1] == 2


def test_a_page_that_writes_while_it_is_built_is_not_kept(world, client):
    """The document's download logs an access every time: never from the cache."""
    from dientap.core.pagecache import page_cache

    calls = []

    @page_cache(30)
    def view(request):
        from django.http import HttpResponse

        calls.append(1)
        oversight.observation_create(world.tq23, acting_user=world.observer,
                                     kind="shortcoming", text="ghi", body=world.ubnd_tq)
        return HttpResponse("ok")

    request = client.get(reverse("oversight:observations", args=[world.tq23.pk])).wsgi_request
    request.user = world.observer
    view(request)
    view(request)
    assert len(calls) == 2


def test_a_kept_page_lasts_max_age(world, client, observations):
    response = client.get(observations)
    key = pagecache._key(response.wsgi_request)
    tables = ["*", "oversight_observation"]
    pagecache._keep(key, response, tables, pagecache.versions(tables), 0.2)
    assert pagecache._lookup(key) is not None
    time.sleep(0.3)
    assert pagecache._lookup(key) is None


@pytest.mark.django_db(transaction=True)
def test_a_write_is_counted_at_once_and_shared_at_commit(world):
    table = "oversight_observation"
    shared = pagecache.store().read
    before, local_before = shared([table])[0], pagecache._local.read([table])[0]
    with transaction.atomic():
        observe(world, "a")
        observe(world, "b")
        assert shared([table]) == [before]  # nothing shared before the commit ...
        assert pagecache._local.read([table])[0] > local_before  # ... but counted here
    assert shared([table]) == [before + 1]  # one bump for the transaction


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_still_leaves_the_commit_bump(world):
    """The transaction's callback was registered inside a savepoint that rolled back: the
    next write registers it again."""
    table = "oversight_observation"
    before = pagecache.store().read([table])[0]
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            observe(world, "a")
            1 / 0  # noqa: B018
        observe(world, "b")
    assert pagecache.store().read([table])[0] == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_shares_nothing(world):
    table = "oversight_observation"
    before = pagecache.store().read([table])[0]
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        observe(world, "a")
        1 / 0  # noqa: B018
    assert pagecache.store().read([table])[0] == before
    observe(world, "b")  # autocommit: shared at once
    assert pagecache.store().read([table])[0] == before + 1


def test_only_this_process_counts_its_uncommitted_writes(world, client, observations):
    get(client, observations)
    assert get(client, observations)[1] == 2
    pagecache._local.bump({"oversight_observation"})  # written here, not committed yet
    assert get(client, observations)[1] > 2
    response, queries = get(client, observations)
    assert queries == 2
    # the same page as another process kept it: its uncommitted counts are not compared
    key = pagecache._key(response.wsgi_request)
    tables, (shared, _process, local), *rest = pickle.loads(  # noqa: S301 - the test's own
        pagecache.store().get(key))
    pagecache.store().set(key, pickle.dumps((tables, (shared, "another", [0] * len(local)),
                                             *rest)), 30)
    assert get(client, observations)[1] == 2


def test_a_write_it_cannot_place_ends_every_kept_page(world, client, observations):
    get(client, observations)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE dientap_probe (id integer)")
        cursor.execute("DROP TABLE dientap_probe")
    assert get(client, observations)[1] > 2


def test_the_local_store_forgets_the_oldest_pages():
    store = pagecache.LocalStore(size=2)
    for key in "abc":
        store.set(key, key.encode(), 30)
    assert store.get("a") is None and store.get("c") == b"c"
    store.bump({"t"})
    assert store.read(["t", "u"]) == [1, 0]


def test_no_cache_when_it_is_switched_off(world, client, observations, settings):
    settings.DIENTAP_PAGE_CACHE = False
    get(client, observations)
    assert get(client, observations)[1] > 2

