"""Printing a register page: with print media the navigation, the header bar, the buttons and the
forms are gone and the table is there, with borders; the "Print" button calls window.print();
the "Excel (.xlsx)" link carries the page's filters."""

import pytest
from playwright.sync_api import expect

from dientap.core import testing as t
from dientap.documents import services as ds

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_documents_register_prints_without_navigation(page, transactional_db, world, tmp_path,
                                                      settings):
    settings.DATA_DIR = tmp_path / "data"
    w = world
    for title in ("Kế hoạch bảo đảm hậu cần", "Báo cáo kết quả luyện tập lần 1"):
        ds.document_create(w.tq23, acting_user=None, title=title, doc_type="plan",
                           owner_body=w.ubnd_tq)
    login(page, "organizer", t.PASSWORD)
    page.goto(f"/exercises/{w.tq23.pk}/documents/?status=required")
    register = page.locator("[data-testid=register]")
    excel = page.locator("[data-testid=export-documents]")
    expect(excel).to_be_visible()
    assert excel.get_attribute("href").endswith(
        f"/exercises/{w.tq23.pk}/export/documents.xlsx?status=required")

    # The "Print" button prints (window.print, from a static file: no inline script).
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.locator("[data-testid=print]").click()
    assert page.evaluate("window.printed") == 1

    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("main nav, main .row.no-print").first).to_be_hidden()
    expect(page.locator("form.search")).to_be_hidden()
    expect(excel).to_be_hidden()
    expect(page.locator("[data-testid=print]")).to_be_hidden()
    expect(register).to_be_visible()
    expect(register.locator("tr[data-testid=document-row]")).to_have_count(2)
    cell = register.locator("td").first
    assert cell.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    assert cell.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    assert register.locator("tr").first.evaluate(
        "e => getComputedStyle(e).breakInside") == "avoid"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "print-documents.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")

    page.emulate_media(media="screen")
    expect(page.locator("header.top")).to_be_visible()
