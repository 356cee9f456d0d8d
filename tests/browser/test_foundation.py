import re

import pytest

from dientap.demo.seed import DEMO_ACCOUNTS

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser


def account(username):
    return next(a for a in DEMO_ACCOUNTS if a.username == username)


def test_organizer_opens_the_2023_exercise_and_switches_to_english(page, demo):
    oc = account("bantochuc")
    login(page, oc.username, oc.password)
    # The exercise list, in Vietnamese
    page.wait_for_selector("h1:has-text('Diễn tập')")
    page.click("text=TQ-23")
    page.wait_for_selector("#rounds")
    round1 = page.locator("#rounds h3", has_text="Luyện tập lần 1")
    assert "19/09/2023" in round1.inner_text()
    holdings = page.locator("#rounds ul.timeline").first.locator("[data-testid=holding]")
    assert holdings.count() == 3
    texts = holdings.all_inner_texts()
    assert "Ban Chấp hành Đảng bộ tỉnh" in texts[0]
    assert "Hội đồng nhân dân tỉnh" in texts[1]
    assert "Đảng ủy Quân sự tỉnh" in texts[2]
    page.screenshot(path=str(ARTIFACTS / "overview-vi.png"), full_page=True)

    # Switch to English: the same page, in English
    page.select_option("[data-testid=language]", "en")
    page.click("form.lang button")
    page.wait_for_selector("h2:has-text('Rounds and conferences')")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#rounds h3", has_text=re.compile(r"^Rehearsal 1 ")).count() == 1
    assert page.locator("nav").inner_text().split()[0] == "Exercises"
    page.screenshot(path=str(ARTIFACTS / "overview-en.png"), full_page=True)


def test_search_people_without_accents(page, demo):
    oc = account("bantochuc")
    login(page, oc.username, oc.password)
    page.goto("/people/?q=chau+van+lam")
    rows = page.locator("[data-testid=person-row]")
    assert rows.count() == 1
    assert "Chẩu Văn Lâm" in rows.first.inner_text()


def test_frame_member_does_not_see_another_province(page, demo):
    ubnd = account("ubnd")
    login(page, ubnd.username, ubnd.password)
    page.wait_for_selector("h1:has-text('Diễn tập')")
    body = page.locator("main").inner_text()
    assert "TQ-23" in body and "PT-23" not in body
