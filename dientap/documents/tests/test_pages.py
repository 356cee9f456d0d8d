"""Register, matrix and overview pages; their query counts; the demo register."""

import datetime as dt
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import main_html
from dientap.conferences import services as cs
from dientap.documents import selectors, services
from dientap.documents.models import Document
from dientap.exercises import services as es

from .conftest import make_docx

_numbers = itertools.count(1)


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def grow(docs, n):
    """More documents with conferences, versions, comments and recipients."""
    tz = dt.timezone(dt.timedelta(hours=7))
    for _ in range(n):
        i = next(_numbers)
        rnd = es.round_create(docs.tq23, acting_user=None, kind="rehearsal", number=i,
                              start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
        conference = cs.conference_create(docs.tq23, acting_user=None, body=docs.tinh_uy,
                                          title=f"Hội nghị {i}")
        cs.holding_create(conference, acting_user=None, round=rnd,
                          starts_at=dt.datetime(2023, 9, 19, 8, tzinfo=tz),
                          ends_at=dt.datetime(2023, 9, 19, 9, tzinfo=tz))
        for body, classification in ((docs.ubnd_tq, 0), (docs.tinh_uy, 1), (docs.bchqs, 2)):
            d = services.document_create(
                docs.tq23, acting_user=None, title=f"Văn kiện {i} {body}", doc_type="plan",
                owner_body=body, classification=classification, conferences=[conference],
                recipients=[docs.ubnd_tq, docs.bchqs], due_date=dt.date(2023, 9, 1))
            services.version_upload(d, acting_user=None, file=io.BytesIO(make_docx([str(i)])),
                                    name="a.docx")
            services.comment_add(d, acting_user=None, text="Sửa")


@pytest.mark.parametrize("page", ["register", "matrix", "overview", "secret_register"])
def test_page_query_count_does_not_grow_with_data(client, docs, page):
    client.force_login(docs.cleared_organizer)
    url = {
        "register": reverse("documents:register", args=[docs.tq23.pk]),
        "matrix": reverse("documents:matrix", args=[docs.tq23.pk]),
        "overview": docs.tq23.get_absolute_url(),
        "secret_register": reverse("documents:secret_register", args=[docs.tq23.pk])
        + "?direction=all",
    }[page]
    grow(docs, 1)
    one = count(client, url)
    grow(docs, 4)
    assert count(client, url) == one


def test_register_filters_and_overdue(client, docs):
    services.document_update(docs.open_doc, acting_user=docs.cleared_organizer,
                             due_date=dt.date(2023, 9, 1))
    client.force_login(docs.cleared_organizer)
    url = reverse("documents:register", args=[docs.tq23.pk])
    html = main_html(client.get(url))
    assert html.count('data-testid="document-row"') == 3
    assert "overdue" in html
    html = main_html(client.get(url + "?status=drafting"))
    assert html.count('data-testid="document-row"') == 0
    html = main_html(client.get(url + f"?body={docs.bchqs.pk}"))  # not an owner: ignored
    assert html.count('data-testid="document-row"') == 3


def test_matrix_colours_overdue_and_filters_by_round_and_conference(client, docs):
    tz = dt.timezone(dt.timedelta(hours=7))
    r1 = es.round_create(docs.tq23, acting_user=None, kind="rehearsal", number=1,
                         start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    conference = cs.conference_create(docs.tq23, acting_user=None, body=docs.ubnd_tq,
                                      title="Phiên họp UBND tỉnh")
    cs.holding_create(conference, acting_user=None, round=r1,
                      starts_at=dt.datetime(2023, 9, 19, 8, tzinfo=tz),
                      ends_at=dt.datetime(2023, 9, 19, 9, tzinfo=tz))
    services.document_update(docs.open_doc, acting_user=docs.cleared_organizer,
                             conferences=[conference], due_date=dt.date(2023, 9, 1))
    client.force_login(docs.cleared_organizer)
    url = reverse("documents:matrix", args=[docs.tq23.pk])
    html = main_html(client.get(url))
    assert html.count("chip doc-required") >= 3 and "is-overdue" in html
    filtered = main_html(client.get(url + f"?round={r1.pk}"))
    assert docs.open_doc.title[:30] in filtered and docs.secret.title[:30] not in filtered
    filtered = main_html(client.get(url + f"?conference={conference.pk}"))
    assert docs.open_doc.title[:30] in filtered and docs.top.title[:30] not in filtered


def test_overview_shows_the_share_of_required_documents_approved(client, docs):
    Document.objects.filter(pk=docs.open_doc.pk).update(status="approved")
    client.force_login(docs.cleared_organizer)
    html = main_html(client.get(docs.tq23.get_absolute_url()))
    assert 'data-testid="documents-summary"' in html
    assert '<strong data-testid="documents-percent">33%</strong>' in html
    # Someone who sees only the unclassified document: 1 of 1.
    client.force_login(docs.frame_user)
    html = main_html(client.get(docs.tq23.get_absolute_url()))
    assert '<strong data-testid="documents-percent">100%</strong>' in html


def test_demo_register(db, settings, client):
    from dientap.demo import seed
    from dientap.documents.models import Comment

    exercise = seed.load()
    round1 = exercise.rounds.get(kind="rehearsal", number=1)
    conferences = list(exercise.conferences.filter(holdings__round=round1))
    assert len(conferences) == 3
    for conference in conferences:
        documents = Document.objects.filter(conferences=conference)
        assert documents.exists(), conference
        assert all(d.owner_body_id for d in documents)
    statuses = set(Document.objects.filter(exercise=exercise).values_list("status", flat=True))
    assert {"required", "drafting", "submitted", "under_review", "revised", "approved",
            "issued"} <= statuses
    showcase = Document.objects.get(exercise=exercise, doc_type="submission")
    v1, v2 = selectors.versions(showcase)
    assert (v1.format, v2.format) == ("docx", "docx")
    comments = Comment.objects.filter(document=showcase)
    assert comments.count() == 2 and comments.filter(on_version=v1).count() == 2
    assert all(c.created_at < v2.created_at for c in comments)
    rows = selectors.version_diff(v1, v2)
    assert {"op": "added", "text": "Căn cứ Luật Quốc phòng ngày 08 tháng 6 năm 2018;"} in [
        {"op": r["op"], "text": r["text"]} for r in rows]
    assert any(r["op"] == "added" and "N-5" in r["text"] for r in rows)
    issued = Document.objects.get(exercise=exercise, status="issued")
    assert issued.number_symbol == "01/QĐ-UBND"
    # The organizer sees the matrix and the overview percentage reflecting the register.
    from django.contrib.auth import get_user_model

    organizer = get_user_model().objects.get(username="bantochuc")
    summary = selectors.overview_summary(organizer, exercise)
    assert summary["total"] == Document.objects.filter(exercise=exercise).count()
    assert summary["done"] == 2 and summary["percent"] == round(100 * 2 / summary["total"])
    client.force_login(organizer)
    html = main_html(client.get(exercise.get_absolute_url()))
    assert f'<strong data-testid="documents-percent">{summary["percent"]}%</strong>' in html
    html = main_html(client.get(reverse("documents:diff", args=[showcase.pk])))
    assert "Căn cứ Luật Quốc phòng ngày 08 tháng 6 năm 2018;" in html
    matrix = main_html(client.get(reverse("documents:matrix", args=[exercise.pk])
                                  + f"?round={round1.pk}"))
    assert matrix.count('data-testid="matrix-row"') >= 5
    # The People's Committee member (cleared to Mật) sees the showcase; the inspector does not.
    ubnd = get_user_model().objects.get(username="ubnd")
    quankhu = get_user_model().objects.get(username="quankhu")
    assert Document.objects.restrict(ubnd).filter(pk=showcase.pk).exists()
    assert not Document.objects.restrict(quankhu).filter(pk=showcase.pk).exists()
