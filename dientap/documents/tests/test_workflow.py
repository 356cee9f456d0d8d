"""Status steps, review comments, stale pages, numbering, concurrency, diff and templates."""

import datetime as dt
import io
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse

from conftest import main_html
from dientap.core.models import AuditEntry
from dientap.core.services import ConflictError
from dientap.documents import selectors, services
from dientap.documents.models import Comment, Document, DocumentVersion, NumberCounter

from .conftest import make_docx

S = Document.Status


def walk(document, user, *statuses):
    for status in statuses:
        document = services.document_change_status(document, acting_user=user, status=status)
    return document


def reviewed(docs, document=None, writer=None):
    """A document with a version, submitted and under review."""
    document = document or docs.open_doc
    services.version_write(document, acting_user=writer or docs.frame_user,
                           text="Điều 1. Nội dung.")
    return walk(document, docs.cleared_organizer, S.SUBMITTED, S.UNDER_REVIEW)


def test_full_review_cycle(docs):
    doc = reviewed(docs)
    v1 = doc.versions.get()
    comment = services.comment_add(doc, acting_user=docs.cleared_organizer, version=v1,
                                   quote="Nội dung", text="Viết rõ hơn.")
    doc = walk(doc, docs.cleared_organizer, S.RETURNED)
    services.version_write(doc, acting_user=docs.frame_user, text="Điều 1. Nội dung rõ hơn.")
    comment = services.comment_answer(comment, acting_user=docs.frame_user,
                                      answer="Đã viết lại Điều 1.")
    assert comment.state == Comment.State.ANSWERED and comment.answered_by == docs.frame_user
    doc = walk(doc, docs.frame_user, S.REVISED)
    with pytest.raises(ValidationError):  # the comment is answered but still open
        walk(doc, docs.cleared_organizer, S.APPROVED)
    services.comment_close(comment, acting_user=docs.cleared_organizer)
    doc = walk(doc, docs.cleared_organizer, S.APPROVED)
    doc = services.document_issue(doc, acting_user=docs.frame_user,
                                  issued_date=dt.date(2023, 9, 19))
    assert (doc.status, doc.number, doc.number_symbol) == (S.ISSUED, 1, "01/QĐ-UBND")
    history = selectors.document_history(doc, selectors.versions(doc), selectors.comments(doc))
    kinds = [e["kind"] for e in reversed(history)]
    assert kinds[0] == "created" and kinds.count("version") == 2
    assert {"comment", "answer", "closed", "status"} <= set(kinds)


def test_steps_belong_to_owner_or_reviewer(docs):
    services.version_write(docs.open_doc, acting_user=docs.frame_user, text="Nội dung")
    with pytest.raises(PermissionDenied):  # the owning body does not review its own work
        walk(docs.open_doc, docs.frame_user, S.SUBMITTED, S.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        services.comment_add(docs.open_doc, acting_user=docs.frame_user, text="Tự nhận xét")


def test_impossible_steps_are_refused(docs):
    with pytest.raises(ValidationError):
        walk(docs.open_doc, docs.cleared_organizer, S.APPROVED)
    with pytest.raises(ValidationError):  # nothing to submit yet
        walk(docs.open_doc, docs.cleared_organizer, S.DRAFTING, S.SUBMITTED)
    doc = reviewed(docs, Document.objects.get(pk=docs.secret.pk), docs.ubnd_cleared)
    with pytest.raises(ValidationError):  # returned without comments
        walk(doc, docs.cleared_organizer, S.RETURNED)
    with pytest.raises(ValidationError):  # only approved documents are issued
        services.document_issue(doc, acting_user=docs.cleared_organizer)


def test_returned_document_lists_its_open_comments_to_the_body(client, docs):
    doc = reviewed(docs)
    services.comment_add(doc, acting_user=docs.cleared_organizer, text="Bổ sung căn cứ.")
    services.comment_add(doc, acting_user=docs.director, text="Sửa thời hạn.")
    walk(doc, docs.cleared_organizer, S.RETURNED)
    client.force_login(docs.frame_user)
    html = main_html(client.get(doc.get_absolute_url()))
    returned = html[html.index('data-testid="returned"'):]
    assert "Bổ sung căn cứ." in returned and "Sửa thời hạn." in returned


def test_stale_status_change_is_refused(docs):
    doc = reviewed(docs)
    seen = doc.version
    services.document_change_status(doc, acting_user=docs.cleared_organizer,
                                    status=S.APPROVED, expected_version=seen)
    with pytest.raises(ConflictError):
        services.document_change_status(doc, acting_user=docs.director, status=S.RETURNED,
                                        expected_version=seen)
    assert Document.objects.get(pk=doc.pk).status == S.APPROVED


def test_stale_status_page_shows_a_message_and_changes_nothing(client, docs):
    doc = reviewed(docs)
    client.force_login(docs.cleared_organizer)
    url = reverse("documents:status", args=[doc.pk])
    assert client.post(url, {"status": S.APPROVED, "version": doc.version}).status_code == 302
    response = client.post(url, {"status": S.RETURNED, "version": doc.version}, follow=True)
    assert Document.objects.get(pk=doc.pk).status == S.APPROVED
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and str(doc.version) in errors[0]


def test_stale_answer_is_refused(docs):
    doc = reviewed(docs)
    comment = services.comment_add(doc, acting_user=docs.cleared_organizer, text="Sửa.")
    seen = comment.version
    services.comment_answer(comment, acting_user=docs.frame_user, answer="Đã sửa.",
                            expected_version=seen)
    with pytest.raises(ConflictError):
        services.comment_answer(comment, acting_user=docs.cleared_organizer, answer="Khác",
                                expected_version=seen)


def test_quote_must_be_in_the_version(docs):
    doc = reviewed(docs)
    with pytest.raises(ValidationError):
        services.comment_add(doc, acting_user=docs.cleared_organizer,
                             version=doc.versions.get(), quote="không có", text="?")


def test_two_uploads_from_the_same_page_both_become_versions_in_order(docs):
    first = services.version_upload(docs.open_doc, acting_user=docs.frame_user,
                                    file=io.BytesIO(make_docx(["A"])), name="a.docx")
    second = services.version_upload(docs.open_doc, acting_user=docs.cleared_organizer,
                                     file=io.BytesIO(make_docx(["B"])), name="b.docx")
    assert (first.number, second.number) == (1, 2)
    assert first.created_at <= second.created_at


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("real row locks need PostgreSQL; SQLite serialises all writers anyway")


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_both_succeed_in_lock_order(docs):
    _postgres_only()
    holding = threading.Event()
    results, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                Document.objects.select_for_update().get(pk=docs.open_doc.pk)
                holding.set()
                time.sleep(0.5)  # the second upload starts now and must wait for this one
                results["first"] = services.version_upload(
                    docs.open_doc, acting_user=docs.frame_user,
                    file=io.BytesIO(make_docx(["A"])), name="a.docx").number
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def second():
        try:
            holding.wait(5)
            results["second"] = services.version_upload(
                docs.open_doc, acting_user=docs.cleared_organizer,
                file=io.BytesIO(make_docx(["B"])), name="b.docx").number
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert errors == []
    assert results == {"first": 1, "second": 2}
    versions = list(DocumentVersion.objects.filter(document=docs.open_doc).order_by("number"))
    assert [v.author for v in versions] == [docs.frame_user, docs.cleared_organizer]


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_share_a_number(docs):
    _postgres_only()
    documents = []
    for i in range(4):
        d = services.document_create(docs.tq23, acting_user=None, title=f"Quyết định {i}",
                                     doc_type="decision", owner_body=docs.ubnd_tq)
        Document.objects.filter(pk=d.pk).update(status=S.APPROVED)
        documents.append(d)
    barrier = threading.Barrier(len(documents))
    errors = []

    def issue(d):
        try:
            barrier.wait(5)
            services.document_issue(d, acting_user=None, issued_date=dt.date(2023, 9, 19))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(d,)) for d in documents]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert errors == []
    numbers = sorted(Document.objects.filter(pk__in=[d.pk for d in documents])
                     .values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]


def _issued(docs, body, day, classification=0, doc_type="decision"):
    d = services.document_create(docs.tq23, acting_user=None, title="Văn bản",
                                 doc_type=doc_type, owner_body=body,
                                 classification=classification)
    Document.objects.filter(pk=d.pk).update(status=S.APPROVED)
    d.refresh_from_db()
    return services.document_issue(d, acting_user=None, issued_date=day)


def test_numbering_per_body_and_year_with_a_separate_classified_series(docs):
    day = dt.date(2023, 9, 19)
    a = _issued(docs, docs.ubnd_tq, day)
    b = _issued(docs, docs.ubnd_tq, day, doc_type="plan")
    secret = _issued(docs, docs.ubnd_tq, day, classification=1)
    party = _issued(docs, docs.tinh_uy, day, doc_type="resolution")
    next_year = _issued(docs, docs.ubnd_tq, dt.date(2024, 1, 2))
    military = _issued(docs, docs.bchqs, day)
    assert [a.number_symbol, b.number_symbol, secret.number_symbol, party.number_symbol,
            next_year.number_symbol, military.number_symbol] == [
        "01/QĐ-UBND", "02/KH-UBND", "01/QĐ-UBND", "01-NQ/TU", "01/QĐ-UBND", "01/QĐ-BCH"]
    assert set(NumberCounter.objects.values_list("body_id", "year", "classified", "last")) == {
        (docs.ubnd_tq.pk, 2023, False, 2), (docs.ubnd_tq.pk, 2023, True, 1),
        (docs.tinh_uy.pk, 2023, False, 1), (docs.ubnd_tq.pk, 2024, False, 1),
        (docs.bchqs.pk, 2023, False, 1)}


def test_diff_shows_added_and_removed_paragraphs(client, docs):
    services.version_upload(docs.open_doc, acting_user=docs.frame_user, name="v1.docx",
                            file=io.BytesIO(make_docx(["Căn cứ Luật A;", "Điều 1. Trong 30 ngày.",
                                                       "Điều 2. Bỏ đi."])))
    services.version_write(docs.open_doc, acting_user=docs.frame_user,
                           text="Căn cứ Luật A;\nCăn cứ Luật B;\nĐiều 1. Kể từ ngày N-5.")
    v1, v2 = selectors.versions(docs.open_doc)
    rows = selectors.version_diff(v1, v2)
    assert [(r["op"], r["text"]) for r in rows] == [
        ("same", "Căn cứ Luật A;"),
        ("removed", "Điều 1. Trong 30 ngày."), ("removed", "Điều 2. Bỏ đi."),
        ("added", "Căn cứ Luật B;"), ("added", "Điều 1. Kể từ ngày N-5."),
    ]
    client.force_login(docs.observer)
    html = main_html(client.get(reverse("documents:diff", args=[docs.open_doc.pk])))
    assert 'class="added"' in html and 'class="removed"' in html
    assert "Căn cứ Luật B;" in html


def test_word_level_marks_in_a_changed_paragraph():
    rows = selectors.diff_paragraphs(["Điều 1. Trong 30 ngày."], ["Điều 1. Trong 45 ngày."])
    assert [r["op"] for r in rows] == ["removed", "added"]
    assert "<del>30</del>" in rows[0]["html"] and "<ins>45</ins>" in rows[1]["html"]
    assert "<script>" not in selectors.diff_paragraphs([], ["<script>"])[0]["html"]


def test_register_seeded_from_the_template(client, docs):
    client.force_login(docs.cleared_organizer)
    response = client.post(reverse("documents:seed", args=[docs.tq23.pk]),
                           {"template": "provincial", "fallback_body": docs.bchqs.pk})
    assert response.status_code == 302
    from dientap.documents.templates_data import TEMPLATES

    expected = len(TEMPLATES["provincial"]["documents"])
    seeded = Document.objects.filter(exercise=docs.tq23).exclude(
        pk__in=[docs.open_doc.pk, docs.secret.pk, docs.top.pk])
    assert seeded.count() == expected
    assert seeded.get(title="Về chuyển địa phương sang thời chiến",
                      doc_type="resolution").owner_body == docs.bchqs  # no council: fallback
    assert seeded.filter(owner_body=docs.tinh_uy).exists()  # Party documents to Tỉnh ủy
    assert seeded.filter(classification__gt=0).count() > 0
    # Seeding again adds nothing.
    client.post(reverse("documents:seed", args=[docs.tq23.pk]),
                {"template": "provincial", "fallback_body": docs.bchqs.pk})
    assert Document.objects.filter(exercise=docs.tq23).count() == expected + 3


def test_create_edit_and_remove_through_pages(client, docs):
    client.force_login(docs.cleared_organizer)
    response = client.post(reverse("documents:create", args=[docs.tq23.pk]), {
        "title": "Kế hoạch A2", "doc_type": "plan", "owner_body": docs.bchqs.pk,
        "due_date": "05/09/2023", "is_required": "on", "classification": 2, "urgency": "khan",
        "recipients": [docs.ubnd_tq.pk], "copies": 5, "format_family": "",
        "sign_authority": "", "version": ""})
    assert response.status_code == 302, response.context["form"].errors
    doc = Document.objects.get(title="Kế hoạch A2")
    assert (doc.format_family, doc.issuer_code, doc.parent_issuer, doc.place,
            doc.due_date) == ("military", "BCH", "", "Tuyên Quang", dt.date(2023, 9, 5))
    assert set(doc.recipients.all()) == {docs.ubnd_tq, docs.bchqs}  # the owner keeps a copy
    assert AuditEntry.objects.filter(object_id=str(doc.pk), action="create").exists()
    # Nobody classifies above their own clearance.
    client.force_login(docs.frame_user)
    response = client.post(reverse("documents:edit", args=[docs.open_doc.pk]), {
        "title": docs.open_doc.title, "doc_type": "decision", "owner_body": docs.ubnd_tq.pk,
        "classification": 2, "copies": 0, "version": docs.open_doc.version})
    assert response.status_code == 200 and response.context["form"].errors["classification"]
    client.force_login(docs.cleared_organizer)
    client.post(reverse("documents:delete", args=[doc.pk]))
    assert not Document.objects.filter(pk=doc.pk).exists()
