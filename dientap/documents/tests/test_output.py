"""Vietnamese-format output, read back from the file; PDF through LibreOffice."""

import datetime as dt
import io
import shutil
import subprocess
import unicodedata

import pytest
from django.urls import reverse
from docx import Document as Docx
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from pypdf import PdfReader

from dientap.documents import output, pdf, services
from dientap.documents.models import Document

S = Document.Status


def issue(docs, document, day):
    Document.objects.filter(pk=document.pk).update(status=S.APPROVED)
    document.refresh_from_db()
    return services.document_issue(document, acting_user=docs.cleared_organizer,
                                   issued_date=day)


@pytest.fixture
def decision(docs):
    """An issued Mật decision of the People's Committee, signed KT. CHỦ TỊCH."""
    doc = services.document_update(
        docs.secret, acting_user=docs.cleared_organizer, urgency="hoa_toc",
        recipients=[docs.ubnd_tq, docs.bchqs], sign_authority="KT.",
        sign_on_behalf="CHỦ TỊCH", sign_title="PHÓ CHỦ TỊCH", sign_name="Trần Thị An")
    services.version_write(doc, acting_user=docs.cleared_organizer, text=(
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
        "QUYẾT ĐỊNH:\nĐiều 1. Chuyển địa phương sang thời chiến.\n"
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký."))
    for _ in range(4):  # numbers 01-04 of the classified series go to other documents
        issue(docs, services.document_create(
            docs.tq23, acting_user=None, title="Khác", doc_type="plan",
            owner_body=docs.ubnd_tq, classification=1), dt.date(2024, 1, 2))
    return issue(docs, Document.objects.get(pk=doc.pk), dt.date(2024, 1, 5))


def paragraphs_with_runs(document):
    """Every paragraph in the body, inside tables too, with its runs."""
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))]


def find(document, text):
    for p in paragraphs_with_runs(document):
        if p.text == text:
            return p
    raise AssertionError(f"{text!r} not in the document")


def between(value, low, high):
    """Within [low, high] give or take the rounding of lengths to twentieths of a point."""
    return low - Mm(0.1) <= value <= high + Mm(0.1)


def size(p):
    return p.runs[0].font.size


def test_decree_30_decision_read_back(docs, decision):
    data, name = services.export_docx(decision, acting_user=docs.cleared_organizer)
    assert name == "05-QD-UBND.docx"
    document = Docx(io.BytesIO(data))
    section = document.sections[0]
    # A4 and the margins of Decree 30.
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    assert between(section.top_margin, Mm(20), Mm(25))
    assert between(section.bottom_margin, Mm(20), Mm(25))
    assert between(section.left_margin, Mm(30), Mm(35))
    assert between(section.right_margin, Mm(15), Mm(20))
    # Times New Roman everywhere.
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = [r for p in paragraphs_with_runs(document) for r in p.runs if r.text.strip()]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    # National title (bold caps 12-13 pt) over the motto (bold 13-14 pt, underlined).
    title = find(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.runs[0].bold and Pt(12) <= size(title) <= Pt(13)
    motto = find(document, "Độc lập - Tự do - Hạnh phúc")
    assert motto.runs[0].bold and motto.runs[0].underline and Pt(13) <= size(motto) <= Pt(14)
    texts = [p.text for p in paragraphs_with_runs(document)]
    assert texts.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") + 1 == texts.index(
        "Độc lập - Tự do - Hạnh phúc")
    # Issuing body, number and symbol (leading zero), then the secrecy and urgency marks.
    issuer = find(document, "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG")
    assert issuer.runs[0].bold
    number = texts.index("Số: 05/QĐ-UBND")
    assert texts.index("ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG") < number
    assert texts[number + 1] == "MẬT" and texts[number + 2] == "HỎA TỐC"
    mark = find(document, "MẬT")
    assert mark.runs[0].bold
    # Place and date in italics, with the leading zeros of day < 10 and months 1-2.
    date_line = find(document, "Tuyên Quang, ngày 05 tháng 01 năm 2024")
    assert date_line.runs[0].italic
    # Type, summary, body, signature with authority prefix, recipients and archive.
    assert find(document, "QUYẾT ĐỊNH").runs[0].bold
    assert "Về việc chuyển địa phương sang thời chiến" in texts
    article = find(document, "Điều 1. Chuyển địa phương sang thời chiến.")
    assert article.runs[0].text == "Điều 1." and article.runs[0].bold
    assert texts.index("KT. CHỦ TỊCH") + 1 == texts.index("PHÓ CHỦ TỊCH")
    assert "Trần Thị An" in texts
    assert "Nơi nhận:" in texts and "- Bộ Chỉ huy Quân sự tỉnh Tuyên Quang;" in texts
    assert texts[-1] != "" and "- Lưu: VT, UBND." in texts
    # The downloaded copy is marked (classified).
    assert texts[0].startswith("MẬT - BẢN SỐ 01 - cấp cho org2")


def test_party_and_military_families(docs):
    party = services.document_create(
        docs.tq23, acting_user=None, title="Về lãnh đạo chuyển địa phương sang thời chiến",
        doc_type="resolution", owner_body=docs.tinh_uy, sign_authority="TM.",
        sign_on_behalf="BAN THƯỜNG VỤ", sign_title="BÍ THƯ", sign_name="Chẩu Văn Lâm")
    party = issue(docs, party, dt.date(2023, 9, 19))
    texts = [p.text for p in paragraphs_with_runs(
        Docx(io.BytesIO(services.export_docx(party, acting_user=None)[0])))]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in texts
    assert "Số 01-NQ/TU" in texts and "T/M BAN THƯỜNG VỤ" in texts
    assert "Tuyên Quang, ngày 19 tháng 9 năm 2023" in texts
    military = services.document_create(
        docs.tq23, acting_user=None, title="Về việc chuyển trạng thái sẵn sàng chiến đấu",
        doc_type="decision", owner_body=docs.bchqs, sign_title="CHỈ HUY TRƯỞNG",
        sign_name="Đại tá Đặng Quốc Việt", parent_issuer="BỘ TƯ LỆNH QUÂN KHU 2")
    military = issue(docs, military, dt.date(2023, 9, 19))
    texts = [p.text for p in paragraphs_with_runs(
        Docx(io.BytesIO(services.export_docx(military, acting_user=None)[0])))]
    assert military.format_family == "military"
    assert texts.index("BỘ TƯ LỆNH QUÂN KHU 2") + 1 == texts.index(
        "BỘ CHỈ HUY QUÂN SỰ TỈNH TUYÊN QUANG")
    assert "Số: 01/QĐ-BCH" in texts and "Đại tá Đặng Quốc Việt" in texts


def test_place_and_date_rules():
    assert output.place_date("Tuyên Quang", dt.date(2023, 9, 19)) == (
        "Tuyên Quang, ngày 19 tháng 9 năm 2023")
    assert output.place_date("Phú Thọ", dt.date(2024, 2, 3)) == (
        "Phú Thọ, ngày 03 tháng 02 năm 2024")
    assert output.place_date("Hà Giang", dt.date(2024, 12, 31)) == (
        "Hà Giang, ngày 31 tháng 12 năm 2024")


@pytest.mark.skipif(not pdf.soffice(), reason="LibreOffice is installed by ./run and .ci/run")
def test_libreoffice_converts_the_decision_to_pdf(client, docs, decision, tmp_path):
    client.force_login(docs.cleared_organizer)
    response = client.get(reverse("documents:export", args=[decision.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    # poppler's text extraction keeps letters with stacked diacritics whole (pypdf splits
    # them when the font draws the marks apart, as Liberation Serif 1.x does).
    source = tmp_path / "d.pdf"
    source.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(source), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    text = unicodedata.normalize("NFC", text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "05/QĐ-UBND" in text
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(source),
                        str(tmp_path / "page")], check=True, timeout=60)
        assert list(tmp_path.glob("page*.png"))


def test_pdf_without_libreoffice_shows_a_clear_error(client, docs, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a server where soffice is not installed
    client.force_login(docs.frame_user)
    response = client.get(reverse("documents:export", args=[docs.open_doc.pk, "pdf"]),
                          follow=True)
    assert response.redirect_chain[-1][0] == docs.open_doc.get_absolute_url()
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "LibreOffice" in errors[0].message


def test_property_elements_are_in_schema_order(docs, decision):
    """Word "repairs" files whose property elements are out of order; ours never are."""
    import zipfile

    from lxml import etree

    data, _name = services.export_docx(decision, acting_user=docs.cleared_organizer)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [etree.fromstring(archive.read(n)) for n in archive.namelist()  # noqa: S320
                 if n.startswith("word/") and n.endswith(".xml")]
    orders = {qn("w:pPr"): output._PPR_ORDER, qn("w:rPr"): output._RPR_ORDER,
              qn("w:tblPr"): output._TBLPR_ORDER}
    checked = 0
    for root in parts:
        for tag, order in orders.items():
            for element in root.iter(tag):
                names = [c.tag.rsplit("}", 1)[-1] for c in element]
                assert len(set(names)) == len(names), names  # no element twice
                known = [n for n in names if n in order]
                assert known == sorted(known, key=order.index), known
                checked += 1
    assert checked > 50
