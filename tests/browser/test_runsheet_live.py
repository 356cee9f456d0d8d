"""The run sheet, live: the chair steps through the agenda and the observer's page follows,
also after the observer's connection was cut and restored."""

import pytest
from playwright.sync_api import expect

from dientap.conferences.models import Holding
from dientap.demo.seed import DEMO_ACCOUNTS

from .conftest import ARTIFACTS, LIVE_MS

pytestmark = pytest.mark.browser


def account(username):
    return next(a for a in DEMO_ACCOUNTS if a.username == username)


def logged_in_page(browser, server, username):
    context = browser.new_context(base_url=server.url, locale="vi-VN",
                                  viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    acc = account(username)
    page.goto("/accounts/login/")
    page.fill("#id_username", acc.username)
    page.fill("#id_password", acc.password)
    page.click("form button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_selector("h1")
    return context, page


def step(page, n):
    return page.locator("[data-testid=step]").nth(n)


def test_observer_follows_the_chair_live_and_after_a_cut(browser, asgi_server, demo):
    # Round 2's Party Executive Committee conference has not been held yet in the demo.
    holding = Holding.objects.get(round__number=2, round__kind="rehearsal",
                                  conference__body__name="Ban Chấp hành Đảng bộ tỉnh")
    chair_server = asgi_server()
    observer_server = asgi_server()
    url = f"/holdings/{holding.pk}/run/"

    chair_ctx, chair = logged_in_page(browser, chair_server, "bantochuc")
    observer_ctx, observer = logged_in_page(browser, observer_server, "theodoi")
    chair.goto(url)
    observer.goto(url)
    expect(observer.locator("[data-testid=holding-state]")).to_have_text("Đã lên lịch")
    expect(observer.locator("[data-testid=start]")).to_have_count(0)  # no controls

    chair.click("[data-testid=start]")
    expect(observer.locator("[data-testid=holding-state]")).to_have_text("Đang diễn ra",
                                                                         timeout=LIVE_MS)
    step(chair, 0).locator("[data-item-action=item_start]").click()
    expect(step(observer, 0)).to_have_attribute("data-status", "running", timeout=LIVE_MS)
    step(chair, 0).locator(".note").fill("Thống nhất chương trình hội nghị")
    step(chair, 0).locator("[data-item-action=item_note]").click()
    expect(step(observer, 0).locator(".decision")).to_contain_text(
        "Thống nhất chương trình hội nghị", timeout=LIVE_MS)
    observer.screenshot(path=str(ARTIFACTS / "runsheet-observer.png"), full_page=True)

    # Cut the observer's connection: its server goes away.
    observer_server.stop()
    expect(observer.locator("[data-testid=live-status]")).to_be_visible(timeout=5000)
    # Meanwhile the chair goes on.
    step(chair, 1).locator("[data-item-action=item_start]").click()
    expect(step(chair, 1)).to_have_attribute("data-status", "running")
    step(chair, 1).locator("[data-item-action=item_done]").click()
    expect(step(chair, 1)).to_have_attribute("data-status", "done")
    # Restored: the observer catches up on what it missed, and is marked current again.
    observer_server.start()
    expect(step(observer, 1)).to_have_attribute("data-status", "done", timeout=10_000)
    expect(step(observer, 0)).to_have_attribute("data-status", "done")
    expect(observer.locator("[data-testid=live-status]")).to_be_hidden()
    # And it follows live again.
    step(chair, 2).locator("[data-item-action=item_start]").click()
    expect(step(observer, 2)).to_have_attribute("data-status", "running", timeout=LIVE_MS)
    chair.screenshot(path=str(ARTIFACTS / "runsheet-chair.png"), full_page=True)
    chair_ctx.close()
    observer_ctx.close()
