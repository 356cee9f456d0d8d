"""The timeline replay of round 1 of the demo in a browser: the arrow keys step from moment
to moment, the slider moves the "now" cursor, play advances it; the "at this moment" panel
follows (no reload), all within the CSP (the script is a static file)."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_replay_keys_slider_and_play_move_now(page, demo):
    exercise = demo
    rnd = exercise.rounds.get(kind="rehearsal", number=1)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    login(page, "bantochuc", "KeHoach@1909")
    page.wait_for_selector("h1")
    page.goto(f"/exercises/{exercise.pk}/rounds/{rnd.pk}/timeline/?at=07:50")

    now = page.locator("[data-testid=now]")
    overdue = page.locator("[data-testid=count-overdue]")
    slider = page.locator("[data-testid=slider]")
    expect(page.locator("#replay.scripted")).to_have_count(1)  # the moments are read
    expect(slider).to_be_visible()  # shown by the script only
    expect(now).to_have_text("19/09/2023 07:50")
    expect(overdue).to_have_text("0")
    expect(page.locator("[data-testid=open]")).to_contain_text("TH-03")

    # The right arrow goes to the next moments: 07:55, 08:00, 08:05 (HĐND misses TH-03's
    # deadline): the panel shows the overdue body, without a reload.
    page.evaluate("window.__same_page = true")
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(now).to_have_text("19/09/2023 07:55")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(now).to_have_text("19/09/2023 08:05")
    expect(overdue).to_have_text("1")
    expect(page.locator("[data-testid=overdue]")).to_contain_text("HĐND tỉnh")
    expect(page.locator("li.moment.latest").first).to_contain_text("TH-03")
    expect(page).to_have_url(re.compile(r"at=2023-09-19T08:05:00"))
    page.keyboard.press("ArrowLeft")
    expect(now).to_have_text("19/09/2023 08:00")
    expect(overdue).to_have_text("0")
    assert page.evaluate("window.__same_page") is True

    # The slider: 09:00 is 2 h 30 min after the first moment (06:30).
    slider.fill(str(150 * 60))
    expect(now).to_have_text("19/09/2023 09:00")
    expect(page.locator("[data-testid=count-running]")).to_have_text("1")
    expect(page.locator("[data-testid=running]")).to_contain_text("Thông qua dự thảo")
    expect(page.locator("[data-testid=count-observations]")).to_have_text("2")
    expect(page.locator("[data-testid=scenario]")).to_have_text("N-57 08:20")  # paused

    # Play at ×60: a few seconds of the page are minutes of the round.
    page.locator("[data-testid=play]").click()
    expect(page.locator("[data-testid=play]")).to_have_attribute("aria-pressed", "true")
    expect(now).not_to_have_text("19/09/2023 09:00", timeout=5000)
    page.locator("[data-testid=play]").click()
    expect(page.locator("[data-testid=play]")).to_have_attribute("aria-pressed", "false")

    page.keyboard.press("End")  # focus is on the play button: End is for the page then
    slider.focus()
    page.keyboard.press("End")
    expect(now).to_have_text("19/09/2023 15:40")
    expect(page.locator("[data-testid=count-observations]")).to_have_text("8")
    page.keyboard.press("ArrowLeft")
    expect(now).to_have_text("19/09/2023 14:35")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "replay.png"), full_page=True)
    assert problems == []
