"""Creating an exercise from the province template through the pages: the library, the form,
the preview with one unmatched body (the border guard, which the demo province lacks), the
choice "create a new body", the new exercise."""

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.browser


def test_create_an_exercise_from_the_province_template(page, demo, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    from dientap.exercises.models import Exercise

    login(page, "bantochuc", "KeHoach@1909")
    page.goto("/reuse/")
    card = page.locator("[data-testid=template]").first
    expect(card).to_contain_text("Diễn tập khu vực phòng thủ cấp tỉnh")
    card.locator("a.button").click()
    page.fill("#id_code_name", "TQ-28")
    page.select_option("#id_area", label="Tỉnh Tuyên Quang")
    page.fill("#id_start_date", "2028-09-04")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=unmatched]")).to_be_visible()
    row = page.locator("tr.unmatched")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    row.locator("select").select_option("new")
    page.locator("[data-testid=confirm]").click()
    expect(page.locator("h1")).to_contain_text("Diễn tập khu vực phòng thủ tỉnh")
    new = Exercise.objects.get(code_name="TQ-28")
    assert page.url.endswith(new.get_absolute_url())
    assert new.conferences.count() == 8 and new.documents.count() == 25
