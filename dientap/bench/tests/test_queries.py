"""(b) of the benchmark as a real test: the busiest pages run the same number of SQL queries on
a tiny and on a bigger dataset (no N+1), measured with CaptureQueriesContext."""

import pytest
from django.db import transaction

from dientap.bench import generator, pages


def _counts(size):
    with transaction.atomic():
        generator.generate(size, seed=1)
        user, _admin = pages.ensure_users()
        counts = pages.count_queries(user, pages.largest_exercise().pk, pages.PAGES)
        transaction.set_rollback(True)
    return counts


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    tiny, medium = _counts("tiny"), _counts("medium")
    assert generator.expected_counts("medium")["Observation"] > 4 * generator.expected_counts(
        "tiny")["Observation"]
    assert set(tiny) == {p.key for p in pages.PAGES}
    grown = {k: (tiny[k], medium[k]) for k in tiny if tiny[k] != medium[k]}
    assert not grown, f"queries per page grew with the data (tiny, medium): {grown}"


@pytest.mark.django_db
def test_floor_page_needs_a_login_and_runs_almost_no_query(client, world):
    from django.urls import reverse

    from dientap.core.testing import PASSWORD

    url = reverse("bench:floor")
    assert client.get(url).status_code == 302
    client.login(username="frame", password=PASSWORD)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 3  # session and user (and the session's refresh)
