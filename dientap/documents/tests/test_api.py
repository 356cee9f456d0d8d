"""The documents API: register, status, versions (upload, write, download), review, access log
and readiness, through the same services and access checks as the pages."""

import pytest

from dientap.api.testing import api_world, audit_count, token_client
from dientap.documents.models import AccessLog, Document, DocumentVersion

from .conftest import make_docx

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return api_world(world)


def test_create_update_delete(aw):
    client = token_client(aw.organizer)
    response = client.post("/api/documents/", {
        "exercise": aw.tq23.pk, "title": "Về việc huy động", "doc_type": "order",
        "owner_body": aw.ubnd_tq.pk, "conferences": [aw.own.conference.pk]})
    assert response.status_code == 201, response.content
    doc = response.json()
    assert doc["issuer_code"] == "UBND" and doc["status"] == "required"
    url = f"/api/documents/{doc['id']}/"
    assert client.patch(url, {"conferences": [aw.other.conference.pk]}).status_code == 400
    assert client.patch(url, {"classification": 3}).status_code == 400  # above own clearance
    assert client.patch(url, {"status": "approved"}).json()["status"] == "required"
    assert token_client(aw.observer).delete(url).status_code == 403
    assert client.delete(url).status_code == 204


def test_status_change_stale_and_invalid(aw):
    client = token_client(aw.frame_user)  # the owning body's member
    doc = aw.own.document
    url = f"/api/documents/{doc.pk}/status/"
    before = audit_count()
    assert client.post(url, {"status": "issued"}).status_code == 400
    assert client.post(url, {"status": "submitted"}, HTTP_IF_MATCH='"1"').status_code == 412
    assert client.post(url, {"status": "submitted", "version": 1}).status_code == 409
    assert Document.objects.get(pk=doc.pk).status == "drafting" and audit_count() == before
    doc.refresh_from_db()
    response = client.post(url, {"status": "submitted"}, HTTP_IF_MATCH=f'"{doc.version}"')
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    # Reviewing is the organizers' and directors'.
    assert client.post(url, {"status": "under_review"}).status_code == 403
    assert token_client(aw.director).post(url, {"status": "under_review"}).status_code == 200


def test_upload_write_and_download_log_access(aw):
    client = token_client(aw.frame_cleared)
    doc = aw.own.classified
    response = client.post(f"/api/documents/{doc.pk}/upload/",
                           {"file": _file(make_docx(), "qd.docx"), "note": "v2"},
                           format="multipart")
    assert response.status_code == 201, response.content
    version = response.json()
    assert version["format"] == "docx" and version["number"] == 2
    response = client.post(f"/api/documents/{doc.pk}/upload/",
                           {"file": _file(b"MZ\x90\x00", "virus.pdf")}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert DocumentVersion.objects.filter(document=doc).count() == 2
    before = AccessLog.objects.filter(document=doc, action="download").count()
    response = client.get(f"/api/document-versions/{version['id']}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store, private"
    assert AccessLog.objects.filter(document=doc, action="download").count() == before + 1
    # Without clearance: the same 404 as for a missing version, nothing logged.
    other = token_client(aw.frame_user)
    assert other.get(f"/api/document-versions/{version['id']}/download/").status_code == 404
    assert other.post(f"/api/documents/{doc.pk}/write/", {"text": "x"}).status_code == 404
    response = client.post(f"/api/documents/{doc.pk}/write/", {"text": "  "})
    assert response.status_code == 400
    response = client.post(f"/api/documents/{doc.pk}/write/", {"text": "Điều 2."})
    assert response.status_code == 201 and response.json()["number"] == 3
    listed = client.get(f"/api/document-versions/?document={doc.pk}").json()["results"]
    assert listed and all("text" not in v for v in listed)  # the text is the (logged) detail
    # Reading the detail of a classified document is logged too.
    client.get(f"/api/documents/{doc.pk}/")
    assert AccessLog.objects.filter(document=doc, action="view", user=aw.frame_cleared).exists()
    assert client.get(f"/api/document-access-log/?document={doc.pk}").json()["count"] >= 3


def test_comments(aw):
    reviewer, owner = token_client(aw.organizer), token_client(aw.frame_user)
    doc = aw.own.document
    assert owner.post("/api/comments/", {"document": doc.pk, "text": "x"}).status_code == 403
    response = reviewer.post("/api/comments/", {"document": doc.pk, "text": "Sửa Điều 1",
                                                "on_version": aw.own.doc_version.pk,
                                                "quote": "không có"})
    assert response.status_code == 400 and "quote" in response.json()
    response = reviewer.post("/api/comments/", {"document": doc.pk, "text": "Sửa Điều 1"})
    assert response.status_code == 201
    cid = response.json()["id"]
    assert owner.post(f"/api/comments/{cid}/answer/", {"answer": "Đã sửa"},
                      HTTP_IF_MATCH='"9"').status_code == 412
    response = owner.post(f"/api/comments/{cid}/answer/", {"answer": "Đã sửa"})
    assert response.json()["state"] == "answered"
    assert owner.post(f"/api/comments/{cid}/close/", {}).status_code == 403
    assert reviewer.post(f"/api/comments/{cid}/close/", {}).json()["state"] == "closed"


def test_readiness_matrix(aw):
    client = token_client(aw.organizer)
    data = client.get(f"/api/documents/readiness/?exercise={aw.tq23.pk}").json()
    assert data["total"] == 1 and data["rows"][0]["body"] == aw.ubnd_tq.pk  # classified hidden
    response = client.get(f"/api/documents/readiness/?exercise={aw.pt23.pk}")
    assert response.status_code == 400
    response = client.get(f"/api/documents/readiness/?exercise={aw.tq23.pk}"
                          f"&conference={aw.own.conference.pk}&round={aw.own.round.pk}")
    assert response.status_code == 200


def _file(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
