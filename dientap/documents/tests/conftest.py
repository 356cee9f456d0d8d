"""Fixtures of the document tests: files in a private data dir, cleared users, documents."""

import io
import zipfile
from types import SimpleNamespace

import pytest

from dientap.accounts.models import Clearance
from dientap.core import testing as t
from dientap.documents import services
from dientap.documents.demo import draft_docx
from dientap.exercises.models import Membership


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DIENTAP_MAX_UPLOAD_MB = 50


def make_docx(paragraphs=("Căn cứ Luật Quốc phòng;", "Điều 1. Thành lập Ban Tổ chức.")):
    return draft_docx(list(paragraphs))


ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:text>{paragraphs}</office:text></office:body>"
    "</office:document-content>"
)
ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def make_odt(paragraphs=("Kế hoạch bảo đảm hậu cần.", "Nội dung thứ hai.")):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
        archive.writestr("content.xml", ODT_CONTENT.format(paragraphs=body),
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", ODT_MANIFEST)
    return out.getvalue()


def make_pdf(text="Bao cao"):
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture
def docs(world):
    """world + cleared users of each kind and three documents of TQ-23 owned by UBND tỉnh.

    - open_doc: unclassified
    - secret: Mật (1), recipients UBND tỉnh (the owner) only
    - top: Tối mật (2), recipients UBND tỉnh only
    """
    w = world
    cleared_organizer = t.user("org2", body=w.bchqs, clearance=Clearance.TOP_SECRET)
    t.grant(w.tq23, cleared_organizer, Membership.Role.ORGANIZER)
    director = t.user("director", body=w.bchqs, clearance=Clearance.TOP_SECRET)
    t.grant(w.tq23, director, Membership.Role.DIRECTOR)
    ubnd_cleared = t.user("ubnd1", body=w.ubnd_tq, clearance=Clearance.CONFIDENTIAL)
    tinh_uy_cleared = t.user("tinhuy3", body=w.tinh_uy, clearance=Clearance.TOP_SECRET)
    inspector_cleared = t.user("qk2top", body=w.btl_qk2, inspected_area=w.qk,
                               clearance=Clearance.TOP_SECRET)
    admin = t.user("root", is_superuser=True, is_staff=True)

    def new(title, classification=0, **fields):
        return services.document_create(
            w.tq23, acting_user=cleared_organizer, title=title, doc_type="decision",
            owner_body=w.ubnd_tq, classification=classification, **fields)

    open_doc = new("Về việc thành lập Ban Tổ chức diễn tập")
    secret = new("Về việc chuyển địa phương sang thời chiến", 1)
    top = new("Về kế hoạch sơ tán", 2)
    return SimpleNamespace(**{**vars(w), **locals()})
