"""Uploads are checked by content; every bad one is refused with a message and leaves
nothing behind: no stored file, no staging file, no version row, no audit row."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dientap.core.models import AuditEntry
from dientap.documents import services, storage
from dientap.documents.models import DocumentVersion

from .conftest import make_docx, make_odt, make_pdf


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def corrupted_xml_docx() -> bytes:
    good = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]  # XML cut in the middle
            archive.writestr(info.filename, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>",
                      "word/document.xml": b"\0" * (30 * 1024 * 1024)})


BAD = {
    # case: (content, name, error code)
    "renamed_windows_program": (b"MZ\x90\x00\x03" + b"\0" * 200, "ke-hoach.docx", "executable"),
    "renamed_linux_program": (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "bao-cao.pdf",
                              "executable"),
    "script": (b"#!/bin/sh\nrm -rf /\n", "lenh.odt", "executable"),
    "truncated_docx": (make_docx()[:1500], "du-thao.docx", "corrupt"),
    "docx_with_broken_xml": (corrupted_xml_docx(), "du-thao.docx", "corrupt"),
    "zip_that_is_no_document": (zip_bytes({"a.txt": b"hello"}), "du-thao.docx", "type"),
    "zip_bomb": (zip_bomb(), "bom.docx", "bomb"),
    "empty": (b"", "trong.docx", "empty"),
    "unknown_content": (b"just some text", "ghi-chu.docx", "type"),
    "wrong_extension": (b"just some text", "ghi-chu.txt", "type"),
    "content_does_not_match_name": (make_pdf(), "ke-hoach.docx", "mismatch"),
    "path_separator": (make_docx(), "../../etc/ke-hoach.docx", "name"),
    "backslash": (make_docx(), "C:\\Windows\\ke-hoach.docx", "name"),
    "control_character": (make_docx(), "ke\x00hoach.docx", "name"),
    "bidi_override": (make_docx(), "ke-hoach\u202excod.pdf", "name"),
    "no_name": (make_docx(), "  ", "name"),
}


def nothing_left(document):
    assert storage.blobs() == []  # neither stored nor staged
    assert not DocumentVersion.objects.filter(document=document).exists()


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_upload_is_refused_and_nothing_is_stored(docs, case):
    content, name, code = BAD[case]
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.version_upload(docs.open_doc, acting_user=docs.frame_user,
                                file=io.BytesIO(content), name=name)
    assert [e.code for e in refused.value.error_list] == [code]
    assert refused.value.messages[0]  # a sentence for the user
    nothing_left(docs.open_doc)
    assert AuditEntry.objects.count() == audit_before


def test_file_over_the_limit_is_refused(docs, settings):
    settings.DIENTAP_MAX_UPLOAD_MB = 1
    content = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        services.version_upload(docs.open_doc, acting_user=docs.frame_user,
                                file=io.BytesIO(content), name="lon.pdf")
    assert refused.value.error_list[0].code == "size"
    assert "1 MB" in refused.value.messages[0]
    nothing_left(docs.open_doc)


@pytest.mark.parametrize("case", ["renamed_windows_program", "zip_bomb", "empty",
                                  "truncated_docx", "content_does_not_match_name"])
def test_upload_page_shows_the_refusal_on_the_file_field(client, docs, case):
    content, name, _code = BAD[case]
    client.force_login(docs.frame_user)
    response = client.post(reverse("documents:upload", args=[docs.open_doc.pk]),
                           {"file": SimpleUploadedFile(name, content), "note": "thử"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'role="alert"' in response.content.decode()
    nothing_left(docs.open_doc)


def test_upload_page_over_the_limit(client, docs, settings):
    settings.DIENTAP_MAX_UPLOAD_MB = 1
    client.force_login(docs.frame_user)
    response = client.post(reverse("documents:upload", args=[docs.open_doc.pk]), {
        "file": SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    nothing_left(docs.open_doc)


@pytest.mark.parametrize("content,name,fmt", [
    (make_docx(), "Du thảo kế hoạch.docx", "docx"),
    (make_odt(), "ke-hoach.ODT", "odt"),
    (make_pdf(), "ban-in.pdf", "pdf"),
])
def test_good_uploads_become_versions_stored_by_checksum(client, docs, content, name, fmt):
    import hashlib

    client.force_login(docs.frame_user)
    response = client.post(reverse("documents:upload", args=[docs.open_doc.pk]),
                           {"file": SimpleUploadedFile(name, content), "note": "Lần 1"})
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document=docs.open_doc)
    digest = hashlib.sha256(content).hexdigest()
    assert (version.number, version.format, version.file_name, version.size, version.sha256,
            version.note, version.author) == (1, fmt, name, len(content), digest, "Lần 1",
                                              docs.frame_user)
    assert storage.blobs() == [storage.blob_path(digest)]
    assert storage.blob_path(digest).read_bytes() == content
    # The first version moves a required document to drafting.
    docs.open_doc.refresh_from_db()
    assert docs.open_doc.status == "drafting"
    # The file is not under any public URL: only the checked download view serves it.
    assert str(storage.files_dir()) not in response.content.decode()


def test_same_content_twice_is_stored_once_but_gives_two_versions(docs):
    content = make_docx()  # the same bytes twice (a new .docx carries its creation time)
    for _ in range(2):
        services.version_upload(docs.open_doc, acting_user=docs.frame_user,
                                file=io.BytesIO(content), name="a.docx")
    assert docs.open_doc.versions.count() == 2
    assert len(storage.blobs()) == 1


def test_a_failing_version_row_leaves_no_file(docs):
    """The file is stored inside the transaction; when the row fails, the file goes too."""
    from dientap.documents.models import Document

    # An issued document refuses new versions, after its file was stored.
    Document.objects.filter(pk=docs.open_doc.pk).update(status="issued")
    with pytest.raises(ValidationError):
        services.version_upload(docs.open_doc, acting_user=docs.frame_user,
                                file=io.BytesIO(make_docx()), name="a.docx")
    nothing_left(docs.open_doc)
