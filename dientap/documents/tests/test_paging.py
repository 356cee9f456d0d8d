"""The register and the readiness matrix at national scale: a page at a time (50 rows), filters
kept across pages, the .xlsx export still the whole filtered list, the figures over every row,
classified documents scoped as before, and a number of queries that does not grow with the
data or the page."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import main_html
from dientap.core import testing as t
from dientap.core.paging import PER_PAGE
from dientap.documents import selectors
from dientap.documents.models import AccessLog, DocType, Document


def add_documents(docs, n, *, prefix="Văn bản", status="required", classification=0,
                  owner=None, **fields):
    """`n` documents of TQ-23 at once (the register only reads them)."""
    made = Document.objects.bulk_create([
        Document(exercise=docs.tq23, title=f"{prefix} {i:03d}", doc_type="plan",
                 owner_body=owner or docs.bchqs, status=status, classification=classification,
                 due_date=dt.date(2023, 9, 1) + dt.timedelta(days=i % 20), **fields)
        for i in range(n)])
    return made


def rows(html, testid="document-row"):
    return html.count(f'data-testid="{testid}"')


def titles(html, prefix):
    return set(re.findall(rf"{prefix} \d{{3}}", html))


def shown(response):
    """(page number, pages, rows in all) of the page the response shows."""
    page = response.context["page"]
    return page.number, page.paginator.num_pages, page.paginator.count


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def organizer(client, docs):
    client.force_login(docs.cleared_organizer)
    return client


REGISTER = "documents:register"
MATRIX = "documents:matrix"


def url_of(docs, name, **query):
    from urllib.parse import urlencode

    base = reverse(name, args=[docs.tq23.pk])
    return f"{base}?{urlencode(query)}" if query else base


# ---- the register -----------------------------------------------------------------------

def test_register_shows_fifty_rows_a_page_and_every_row_once(organizer, docs):
    add_documents(docs, 57)  # + the fixture's three: 60
    response = organizer.get(url_of(docs, REGISTER))
    first = main_html(response)
    assert rows(first) == PER_PAGE
    assert shown(response) == (1, 2, 60)
    assert 'href="?page=2" rel="next"' in first
    response = organizer.get(url_of(docs, REGISTER, page=2))
    second = main_html(response)
    assert rows(second) == 10 and shown(response) == (2, 2, 60)
    assert 'href="?page=1" rel="prev"' in second
    listed = titles(first, "Văn bản") | titles(second, "Văn bản")
    assert listed == {f"Văn bản {i:03d}" for i in range(57)}
    assert not titles(first, "Văn bản") & titles(second, "Văn bản")
    # A page past the end shows the last page rather than an error.
    assert rows(main_html(organizer.get(url_of(docs, REGISTER, page=99)))) == 10


def test_register_filters_are_kept_across_pages(organizer, docs):
    add_documents(docs, 55, prefix="Dự thảo", status="drafting")
    add_documents(docs, 30, prefix="Chưa làm")  # "required": filtered out
    response = organizer.get(url_of(docs, REGISTER, status="drafting", q="Dự thảo"))
    first = main_html(response)
    assert rows(first) == PER_PAGE and shown(response) == (1, 2, 55)
    # The link to the next page carries the filters (& is escaped in the HTML).
    assert re.search(r'href="\?status=drafting&amp;q=D[^"]*&amp;page=2" rel="next"', first)
    second = main_html(organizer.get(url_of(docs, REGISTER, status="drafting", q="Dự thảo",
                                            page=2)))
    assert rows(second) == 5
    assert titles(first, "Dự thảo") | titles(second, "Dự thảo") == {
        f"Dự thảo {i:03d}" for i in range(55)}
    assert not titles(first + second, "Chưa làm")
    # The filter form keeps what was chosen; it does not carry the page (a new filter starts
    # on page 1).
    assert '<option value="drafting" selected>' in second
    assert 'name="page"' not in second


def test_register_export_holds_the_whole_filtered_list(organizer, docs):
    from openpyxl import load_workbook

    add_documents(docs, 55, prefix="Dự thảo", status="drafting")
    add_documents(docs, 10, prefix="Chưa làm")
    html = main_html(organizer.get(url_of(docs, REGISTER, status="drafting", page=2)))
    href = re.search(r'href="([^"]+)"[^>]*data-testid="export-documents"', html).group(1)
    href = href.replace("&amp;", "&")
    assert "status=drafting" in href and "page=" not in href
    response = organizer.get(href)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert {f"Dự thảo {i:03d}" for i in range(55)} <= set(cells)
    assert not any(c.startswith("Chưa làm") for c in cells)
    # The selector behind the export is not cut to a page.
    assert selectors.document_list(docs.cleared_organizer, docs.tq23,
                                   status="drafting").count() == 55


def test_register_pages_hold_only_what_the_user_may_see_and_log_nothing(client, docs):
    add_documents(docs, 55, prefix="Mở")
    add_documents(docs, 55, prefix="Mật", classification=1)
    client.force_login(docs.organizer)  # on the Organizing Committee, not cleared
    response = client.get(url_of(docs, REGISTER))
    first = main_html(response)
    assert shown(response) == (1, 2, 56)  # 55 + the fixture's unclassified document
    second = main_html(client.get(url_of(docs, REGISTER, page=2)))
    assert rows(second) == 6
    assert not titles(first + second, "Mật")
    assert docs.secret.title not in first + second and docs.top.title not in first + second
    # The cleared organizer sees both, over three pages.
    client.force_login(docs.cleared_organizer)
    response = client.get(url_of(docs, REGISTER, page=3))
    assert shown(response) == (3, 3, 113) and rows(main_html(response)) == 13
    # Listing classified documents is not reading them: nothing is logged.
    assert not AccessLog.objects.exists()


def test_register_queries_do_not_grow_with_the_data_or_the_page(organizer, docs):
    from dientap.documents import services

    small = add_documents(docs, 52)
    for d in small[:3]:  # conferences, versions and comments on the rows
        services.comment_add(d, acting_user=None, text="Sửa")
    first = count_queries(organizer, url_of(docs, REGISTER))
    add_documents(docs, 150, status="drafting")
    assert count_queries(organizer, url_of(docs, REGISTER)) == first
    assert count_queries(organizer, url_of(docs, REGISTER, page=3)) == first
    assert count_queries(organizer, url_of(docs, REGISTER, status="drafting", page=2)) == first


def test_register_rows_show_counts_links_and_overdue(organizer, docs):
    from dientap.documents import services

    services.comment_add(docs.open_doc, acting_user=None, text="Sửa")
    services.document_update(docs.open_doc, acting_user=docs.cleared_organizer,
                             due_date=dt.date(2023, 9, 1))
    response = organizer.get(url_of(docs, REGISTER))
    html = main_html(response)
    assert f'href="{docs.open_doc.get_absolute_url()}"' in html
    assert '<span class="badge secret">MẬT</span>' in html
    row = next(d for d in response.context["rows"] if d.pk == docs.open_doc.pk)
    assert (row.open_comment_count, row.version_count, row.overdue) == (1, 0, True)
    assert row.due_label == "01/09/2023" and '<td class="nowrap overdue">01/09/2023' in html


# ---- the readiness matrix ---------------------------------------------------------------

def add_bodies(docs, n):
    """`n` bodies of the province, each owning two documents (one done, one overdue)."""
    bodies = [t.body(f"Cơ quan {i:03d}", area=docs.tq) for i in range(n)]
    for body in bodies:
        add_documents(docs, 1, prefix=f"Xong {body.name[-3:]}", status="approved", owner=body)
        add_documents(docs, 1, prefix=f"Trễ {body.name[-3:]}", owner=body)
    return bodies


def test_matrix_pages_its_bodies_and_counts_every_document(organizer, docs):
    add_bodies(docs, 60)  # + UBND tỉnh, owner of the fixture's three: 61 bodies
    response = organizer.get(url_of(docs, MATRIX))
    first = main_html(response)
    assert rows(first, "matrix-row") == PER_PAGE and shown(response) == (1, 2, 61)
    response2 = organizer.get(url_of(docs, MATRIX, page=2))
    second = main_html(response2)
    assert rows(second, "matrix-row") == 11
    # The figures are over all 123 documents, on every page.
    for r in (response, response2):
        figures = r.context["matrix"]
        assert (figures["done"], figures["total"], figures["percent"]) == (60, 123, 49)
        assert figures["overdue"] == 60
        assert {s.value: n for s, n in figures["statuses"]} == {
            "required": 63, "drafting": 0, "submitted": 0, "under_review": 0, "returned": 0,
            "revised": 0, "approved": 60, "issued": 0}
    # Every body on exactly one page.
    bodies = set(re.findall(r"Cơ quan \d{3}", first)) | set(re.findall(r"Cơ quan \d{3}", second))
    assert len(bodies) == 60
    # Chips: coloured by status, the overdue one flagged, linked, the tooltip (Vietnamese).
    late = Document.objects.get(title="Trễ 000 000")
    done = Document.objects.get(title="Xong 000 000")
    with translation.override("vi"):
        plan, due = str(DocType.PLAN.label), gettext("due")
        required, approved = str(Document.Status.REQUIRED.label), str(
            Document.Status.APPROVED.label)
    assert (f'<a class="chip doc-required is-overdue" href="{late.get_absolute_url()}" '
            f'title="{plan}: Trễ 000 000 · {required} · {due} 01/09/2023">'
            f'<span class="flag">!</span> {plan}: Trễ 000 000</a>') in first
    assert (f'<a class="chip doc-approved" href="{done.get_absolute_url()}" '
            f'title="{plan}: Xong 000 000 · {approved} · {due} 01/09/2023">'
            f'{plan}: Xong 000 000</a>') in first


def test_matrix_filters_are_kept_across_pages(organizer, docs):
    from dientap.conferences import services as cs
    from dientap.exercises import services as es

    rnd = es.round_create(docs.tq23, acting_user=None, kind="rehearsal", number=1,
                          start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    conference = cs.conference_create(docs.tq23, acting_user=None, body=docs.ubnd_tq,
                                      title="Phiên họp UBND tỉnh")
    cs.holding_create(conference, acting_user=None, round=rnd,
                      starts_at=dt.datetime(2023, 9, 19, 1, tzinfo=dt.UTC),
                      ends_at=dt.datetime(2023, 9, 19, 2, tzinfo=dt.UTC))
    bodies = add_bodies(docs, 55)
    for d in Document.objects.filter(owner_body__in=bodies):
        d.conferences.add(conference)
    response = organizer.get(url_of(docs, MATRIX, round=rnd.pk))
    html = main_html(response)
    assert shown(response) == (1, 2, 55)  # UBND tỉnh's documents are not used there
    assert f'href="?round={rnd.pk}&amp;page=2" rel="next"' in html
    second = main_html(organizer.get(url_of(docs, MATRIX, round=rnd.pk, page=2)))
    assert rows(second, "matrix-row") == 5
    assert docs.open_doc.title[:30] not in html + second


def test_matrix_queries_do_not_grow_with_the_data_or_the_page(organizer, docs):
    add_bodies(docs, 5)
    small = count_queries(organizer, url_of(docs, MATRIX))
    add_bodies(docs, 70)
    assert count_queries(organizer, url_of(docs, MATRIX)) == small
    assert count_queries(organizer, url_of(docs, MATRIX, page=2)) == small


def test_matrix_hides_what_the_user_may_not_see(client, docs):
    add_bodies(docs, 3)
    add_documents(docs, 2, prefix="Tối mật", classification=2, owner=docs.tinh_uy)
    client.force_login(docs.organizer)  # not cleared
    html = main_html(client.get(url_of(docs, MATRIX)))
    assert "Tối mật" not in html and docs.secret.title[:30] not in html
    assert "Tỉnh ủy" not in html  # owns only classified documents here
    figures = client.get(url_of(docs, MATRIX)).context["matrix"]
    assert (figures["done"], figures["total"]) == (3, 7)


def test_readiness_selectors_agree_with_the_whole_matrix(docs):
    """The API's whole matrix and the page's parts give the same rows and figures."""
    add_bodies(docs, 4)
    whole = selectors.readiness_matrix(docs.cleared_organizer, docs.tq23)
    documents = selectors.readiness_documents(docs.cleared_organizer, docs.tq23)
    totals = selectors.readiness_totals(documents)
    assert {k: whole[k] for k in totals} == totals
    assert [r["body"] for r in whole["rows"]] == list(selectors.readiness_bodies(documents))
    assert totals["total"] == 11 and totals["done"] == 4 and totals["overdue"] == 4
    first = whole["rows"][0]
    assert {"total", "done", "overdue", "percent", "documents"} <= set(first)
