"""Reading the review comments of a classified document through the API is logged in its
access log, as reading the document (its detail, a version, a download) is."""

import pytest

from dientap.api.testing import api_world, ids, token_client
from dientap.documents.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return api_world(world)


def logged(document):
    return list(AccessLog.objects.filter(document=document).order_by("id")
                .values_list("user__username", "action", "what"))


def test_listing_the_comments_of_a_classified_document_is_logged(aw):
    classified = aw.own.classified
    before = logged(classified)
    client = token_client(aw.frame_cleared)
    assert ids(client.get(f"/api/comments/?document={classified.pk}")) == {
        aw.own.classified_comment.pk}
    new = logged(classified)[len(before):]
    assert [(u, a) for u, a, _w in new] == [("frame_cleared", "view")]
    # One entry per classified document on the page; none for unclassified ones.
    plain = logged(aw.own.document)
    assert ids(client.get("/api/comments/?page_size=200")) >= {
        aw.own.comment.pk, aw.own.classified_comment.pk}
    assert len(logged(classified)) == len(before) + 2
    assert logged(aw.own.document) == plain == []
    # Someone who may not see it lists nothing and logs nothing.
    assert ids(token_client(aw.frame_user).get(f"/api/comments/?document={classified.pk}")) \
        == set()
    assert len(logged(classified)) == len(before) + 2


def test_reading_one_comment_of_a_classified_document_is_logged(aw):
    classified = aw.own.classified
    count = len(logged(classified))
    client = token_client(aw.frame_cleared)
    assert client.get(f"/api/comments/{aw.own.classified_comment.pk}/").status_code == 200
    assert [(u, a) for u, a, _w in logged(classified)[count:]] == [("frame_cleared", "view")]
    assert client.get(f"/api/comments/{aw.own.comment.pk}/").status_code == 200
    assert logged(aw.own.document) == []
