"""The people/bodies search is served by a trigram index on PostgreSQL."""

import pytest
from django.db import connection

from dientap.core import testing as t
from dientap.organizations.models import Person
from dientap.organizations.selectors import _search_q

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="a PostgreSQL index (SQLite has no trigram index)")


@pytest.mark.django_db
def test_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s",
                       ["organizations_%_search_trgm"])
        rows = dict(cursor.fetchall())
    assert set(rows) == {"organizations_person_search_trgm", "organizations_body_search_trgm"}
    assert all("gin_trgm_ops" in d for d in rows.values())


@pytest.mark.django_db
def test_the_search_query_can_use_the_index(world):
    t.person("Hoàng Thị Thu Hương", (world.ubnd_tq, "Chuyên viên"))
    qs = Person.objects.filter(_search_q("huong"))
    with connection.cursor() as cursor:
        # A handful of rows: make the planner show which index can serve the filter itself
        # (a bitmap scan needs an index condition; only the trigram index gives one).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = qs.order_by().explain()
    assert "organizations_person_search_trgm" in plan
    assert qs.count() >= 1
