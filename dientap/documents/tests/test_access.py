"""Who sees classified documents: one rule (Document.scope_filter) behind lists, pages and
downloads; every view and download of a classified document is logged; copies are marked."""

import io

import pytest
from django.urls import reverse
from docx import Document as Docx
from pypdf import PdfReader

from conftest import main_html
from dientap.core.scoping import CHANGE, VIEW
from dientap.documents import services
from dientap.documents.models import AccessLog, Comment, Document, DocumentVersion

from .conftest import make_docx, make_pdf

# user attribute -> the titles it sees among (open_doc, secret, top)
EXPECTED = {
    # Organizing Committee staff cleared to Tối mật: everything of the exercise.
    "cleared_organizer": {"open", "secret", "top"},
    # Organizer without clearance: only the unclassified one.
    "organizer": {"open"},
    # Director (not organizer) cleared to top secret, body not a recipient: unclassified only.
    "director": {"open"},
    # Recipient body, cleared to Mật: Mật yes, Tối mật no (lower clearance).
    "ubnd_cleared": {"open", "secret"},
    # Owning/recipient body, no clearance.
    "frame_user": {"open"},
    # Body that is not a recipient, even cleared to Tuyệt mật.
    "tinh_uy_cleared": {"open"},
    # Military Region inspectors with the area grant, with or without clearance.
    "inspector": {"open"},
    "inspector_cleared": {"open"},
    # Not in the exercise at all.
    "stranger": set(),
    "nobody": set(),
    # Administrators.
    "admin": {"open", "secret", "top"},
}


def names(docs, qs):
    by_pk = {docs.open_doc.pk: "open", docs.secret.pk: "secret", docs.top.pk: "top"}
    return {by_pk[pk] for pk in qs.values_list("pk", flat=True)}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_restrict_applies_the_classified_rule(docs, who):
    user = getattr(docs, who)
    assert names(docs, Document.objects.restrict(user, VIEW)) == EXPECTED[who]


def test_tinh_uy_becomes_entitled_when_added_as_recipient(docs):
    services.document_update(docs.secret, acting_user=docs.cleared_organizer,
                             recipients=[docs.ubnd_tq, docs.tinh_uy])
    assert "secret" in names(docs, Document.objects.restrict(docs.tinh_uy_cleared, VIEW))


def test_change_rights(docs):
    may_change = {u: names(docs, Document.objects.restrict(getattr(docs, u), CHANGE))
                  for u in ("cleared_organizer", "director", "ubnd_cleared", "frame_user",
                            "observer", "inspector", "tinh_uy_cleared")}
    assert may_change == {
        "cleared_organizer": {"open", "secret", "top"},
        "director": {"open"},  # directors change what they may see
        "ubnd_cleared": {"open", "secret"},  # the owning body
        "frame_user": {"open"},
        "observer": set(),
        "inspector": set(),
        "tinh_uy_cleared": set(),
    }


def test_versions_and_comments_follow_their_document(docs):
    services.version_write(docs.top, acting_user=docs.cleared_organizer, text="Tối mật")
    services.comment_add(docs.top, acting_user=docs.cleared_organizer, text="Sửa")
    for user in (docs.ubnd_cleared, docs.inspector_cleared, docs.director):
        assert not DocumentVersion.objects.restrict(user, VIEW).exists()
        assert not Comment.objects.restrict(user, VIEW).exists()
    assert DocumentVersion.objects.restrict(docs.cleared_organizer, VIEW).count() == 1


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_register_page_lists_only_what_the_user_sees(client, docs, who):
    client.force_login(getattr(docs, who))
    response = client.get(reverse("documents:register", args=[docs.tq23.pk]))
    if not EXPECTED[who]:
        assert response.status_code == 404  # the exercise itself is hidden
        return
    html = main_html(response)
    shown = {key for key, doc in (("open", docs.open_doc), ("secret", docs.secret),
                                  ("top", docs.top)) if doc.title in html}
    assert shown == EXPECTED[who]


@pytest.mark.parametrize("who", sorted(EXPECTED))
@pytest.mark.parametrize("page", ["detail", "export_docx", "version", "version_download",
                                  "diff"])
def test_pages_and_downloads_of_hidden_documents_are_404_like_missing(client, docs, who, page):
    services.version_write(docs.top, acting_user=docs.cleared_organizer, text="Nội dung")
    version = docs.top.versions.get()
    urls = {
        "detail": lambda pk, vid: reverse("documents:detail", args=[pk]),
        "export_docx": lambda pk, vid: reverse("documents:export", args=[pk, "docx"]),
        "version": lambda pk, vid: reverse("documents:version", args=[vid]),
        "version_download": lambda pk, vid: reverse("documents:version_download", args=[vid]),
        "diff": lambda pk, vid: reverse("documents:diff", args=[pk]),
    }
    client.force_login(getattr(docs, who))
    response = client.get(urls[page](docs.top.pk, version.pk))
    if "top" in EXPECTED[who]:
        assert response.status_code == 200
    else:
        missing = client.get(urls[page](999999, 999999))
        assert response.status_code == missing.status_code == 404
        assert main_html(response) == main_html(missing)
        assert not AccessLog.objects.exists()


def test_visible_but_not_changeable_is_403(client, docs):
    client.force_login(docs.observer)
    assert client.get(reverse("documents:detail", args=[docs.open_doc.pk])).status_code == 200
    assert client.get(reverse("documents:edit", args=[docs.open_doc.pk])).status_code == 403
    assert client.get(reverse("documents:upload", args=[docs.open_doc.pk])).status_code == 403
    response = client.post(reverse("documents:status", args=[docs.open_doc.pk]),
                           {"status": "drafting", "version": docs.open_doc.version})
    assert response.status_code == 403
    assert Document.objects.get(pk=docs.open_doc.pk).status == "required"


def test_owning_body_cannot_review(client, docs):
    client.force_login(docs.ubnd_cleared)
    assert client.get(reverse("documents:comment_add",
                              args=[docs.secret.pk])).status_code == 403


def test_views_of_classified_documents_are_logged_and_listed(client, docs):
    client.force_login(docs.ubnd_cleared)
    client.get(reverse("documents:detail", args=[docs.secret.pk]))
    client.get(reverse("documents:detail", args=[docs.open_doc.pk]))  # unclassified: no log
    entries = list(AccessLog.objects.all())
    assert [(e.user, e.action, e.document_id, e.copy_number) for e in entries] == [
        (docs.ubnd_cleared, "view", docs.secret.pk, None)]
    assert entries[0].body_name == str(docs.ubnd_tq)
    # The document page lists who read it.
    client.force_login(docs.cleared_organizer)
    html = main_html(client.get(reverse("documents:detail", args=[docs.secret.pk])))
    assert 'data-testid="access-log"' in html and "ubnd1" in html
    assert AccessLog.objects.filter(document=docs.secret).count() == 2


def test_downloads_get_copy_numbers_and_carry_a_visible_mark(client, docs):
    services.version_upload(docs.secret, acting_user=docs.ubnd_cleared,
                            file=io.BytesIO(make_docx()), name="du-thao.docx")
    version = docs.secret.versions.get()
    client.force_login(docs.ubnd_cleared)
    first = client.get(reverse("documents:version_download", args=[version.pk]))
    second = client.get(reverse("documents:version_download", args=[version.pk]))
    assert first.status_code == second.status_code == 200
    assert first["Cache-Control"] == "no-store, private"
    marks = []
    for response in (first, second):
        document = Docx(io.BytesIO(response.content))
        marks.append(document.paragraphs[0].text)
        assert document.sections[0].footer.paragraphs[-1].text == document.paragraphs[0].text
        assert document.paragraphs[1].text == "Căn cứ Luật Quốc phòng;"  # content unchanged
    assert "MẬT" in marks[0] and "BẢN SỐ 01" in marks[0] and "ubnd1" in marks[0]
    assert "BẢN SỐ 02" in marks[1]
    log = list(AccessLog.objects.filter(action="download").order_by("copy_number"))
    assert [(e.user, e.copy_number, e.version_id) for e in log] == [
        (docs.ubnd_cleared, 1, version.pk), (docs.ubnd_cleared, 2, version.pk)]


def test_formatted_export_of_a_classified_document_is_marked(client, docs):
    client.force_login(docs.cleared_organizer)
    response = client.get(reverse("documents:export", args=[docs.top.pk, "docx"]))
    document = Docx(io.BytesIO(response.content))
    assert document.paragraphs[0].text.startswith("TỐI MẬT - BẢN SỐ 01 - cấp cho org2")
    assert AccessLog.objects.get().what


def test_unclassified_download_is_not_marked_or_logged(client, docs):
    services.version_upload(docs.open_doc, acting_user=docs.cleared_organizer,
                            file=io.BytesIO(make_docx()), name="du-thao.docx")
    client.force_login(docs.frame_user)
    response = client.get(reverse("documents:version_download",
                                  args=[docs.open_doc.versions.get().pk]))
    assert Docx(io.BytesIO(response.content)).paragraphs[0].text == "Căn cứ Luật Quốc phòng;"
    assert not AccessLog.objects.exists()


def test_pdf_copy_is_stamped(client, docs):
    services.version_upload(docs.secret, acting_user=docs.ubnd_cleared,
                            file=io.BytesIO(make_pdf()), name="ban-in.pdf")
    client.force_login(docs.ubnd_cleared)
    response = client.get(reverse("documents:version_download",
                                  args=[docs.secret.versions.get().pk]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "01" in text and "ubnd1" in text and "Bao cao" in text


def test_odt_copy_is_marked(docs):
    from dientap.documents import output

    from .conftest import make_odt

    services.version_upload(docs.secret, acting_user=docs.ubnd_cleared,
                            file=io.BytesIO(make_odt()), name="ke-hoach.odt")
    data, name, _type = services.version_download(docs.secret.versions.get(),
                                                  acting_user=docs.ubnd_cleared)
    paragraphs = output.paragraphs_of_odt(data)
    assert "BẢN SỐ 01" in paragraphs[0] and paragraphs[1] == "Kế hoạch bảo đảm hậu cần."


def test_no_more_copies_than_allowed_when_copying_is_forbidden(client, docs):
    services.document_update(docs.secret, acting_user=docs.cleared_organizer, copies=1,
                             copying_allowed=False)
    client.force_login(docs.ubnd_cleared)
    url = reverse("documents:export", args=[docs.secret.pk, "docx"])
    assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 302 and refused.url == docs.secret.get_absolute_url()
    assert AccessLog.objects.filter(action="download").count() == 1


def test_classified_register_lists_issued_and_received_and_exports_csv(client, docs):
    client.force_login(docs.ubnd_cleared)
    url = reverse("documents:secret_register", args=[docs.tq23.pk])
    html = main_html(client.get(url + "?direction=issued"))
    assert docs.secret.title in html and docs.top.title not in html  # top: not cleared
    assert docs.open_doc.title not in html  # unclassified documents are not in it
    response = client.get(url + "?direction=issued&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert docs.secret.title in text and "MẬT" in text
    client.force_login(docs.tinh_uy_cleared)
    assert docs.secret.title not in main_html(client.get(url + "?direction=all"))
