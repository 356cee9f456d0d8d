"""The scenario, live: the director issues a situation; two bodies' consoles (separate browser
contexts) see it live, without a reload; one acknowledges and records its handling; the director's
console shows both bodies' states live. Then a communication check goes round."""

import pytest
from playwright.sync_api import expect

from dientap.core import testing as t
from dientap.demo.seed import DEMO_ACCOUNTS
from dientap.organizations.models import Body
from dientap.scenarios.models import Situation

from .conftest import ARTIFACTS, LIVE_MS

pytestmark = pytest.mark.browser


def open_as(browser, server, username, password):
    context = browser.new_context(base_url=server.url, locale="vi-VN",
                                  viewport={"width": 1280, "height": 900})
    outside = []
    context.route(lambda url: not url.startswith(server.url),
                  lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return context, page, outside


def demo_password(username):
    return next(a.password for a in DEMO_ACCOUNTS if a.username == username)


def test_director_issues_two_consoles_follow_live(browser, asgi_server, demo, settings):
    settings.SCENARIO_TICKER = False  # the demo clock is paused anyway; no background thread
    server = asgi_server()
    hdnd = Body.objects.get(name="Hội đồng nhân dân tỉnh Tuyên Quang")
    t.user("thuongtruc_hdnd", body=hdnd)
    situation = Situation.objects.get(exercise=demo, code="TH-06")  # → HĐND and UBND
    director_url = f"/exercises/{demo.pk}/scenario/director/"
    console_url = f"/exercises/{demo.pk}/console/"

    d_ctx, director, d_out = open_as(browser, server, "daodien", demo_password("daodien"))
    u_ctx, ubnd, u_out = open_as(browser, server, "ubnd", demo_password("ubnd"))
    h_ctx, council, h_out = open_as(browser, server, "thuongtruc_hdnd", t.PASSWORD)
    try:
        director.goto(director_url)
        ubnd.goto(console_url)
        council.goto(console_url)
        for page in (director, ubnd, council):
            expect(page.locator("[data-testid=clock-state]")).to_have_attribute("data-state",
                                                                                "paused")
        sel = f"[data-situation='{situation.pk}']"
        # Before: the consoles show only their own issued situations (TH-03 for both)
        expect(ubnd.locator("[data-testid=situations] " + sel)).to_have_count(0)
        codes = ubnd.locator("[data-testid=situations] .code").all_inner_texts()
        assert codes == ["TH-03"]
        ubnd.wait_for_timeout(300)  # the streams are connected

        director.locator(f"[data-testid=upcoming] {sel} [data-testid=issue]").click()
        expect(ubnd.locator(sel)).to_be_visible(timeout=LIVE_MS)
        expect(council.locator(sel)).to_be_visible(timeout=LIVE_MS)
        expect(ubnd.locator(sel)).to_have_attribute("data-state", "issued")
        assert "arrived" in ubnd.locator(sel).get_attribute("class")  # the visual cue
        ubnd.screenshot(path=str(ARTIFACTS / "scenario-console-arrived.png"), full_page=True)

        delivery = director.locator(f"[data-testid=issued] {sel} [data-testid=delivery]")
        ubnd_body = Body.objects.get(name="Ủy ban nhân dân tỉnh Tuyên Quang")
        ubnd_chip = delivery.and_(director.locator(f"[data-body='{ubnd_body.pk}']"))
        council_chip = delivery.and_(director.locator(f"[data-body='{hdnd.pk}']"))
        expect(ubnd_chip).to_have_attribute("data-state", "issued")
        expect(council_chip).to_have_attribute("data-state", "issued")

        council.locator(f"{sel} [data-testid=ack]").click()
        expect(council_chip).to_have_attribute("data-state", "acknowledged", timeout=LIVE_MS)
        ubnd.locator(f"{sel} [data-testid=ack]").click()
        expect(ubnd_chip).to_have_attribute("data-state", "acknowledged", timeout=LIVE_MS)
        ubnd.locator(f"{sel} [data-testid=handling-text]").fill(
            "UBND tỉnh trình tờ trình về chuyển địa phương sang thời chiến")
        ubnd.locator(f"{sel} [data-testid=handle]").click()
        expect(ubnd.locator(sel)).to_have_attribute("data-state", "handled")
        expect(ubnd_chip).to_have_attribute("data-state", "handled", timeout=LIVE_MS)
        expect(council_chip).to_have_attribute("data-state", "acknowledged")
        log = director.locator(f"[data-testid=log] [data-situation='{situation.pk}']")
        expect(log).to_have_count(1)

        # Communication check: sent by the director, confirmed on the council's console.
        comm = council.locator("[data-testid=comm]")
        demo_check = comm.get_attribute("data-check")  # the demo's check, not confirmed by HĐND
        director.click("[data-testid=comm-send]")
        # A communication check reaches the console through a state reload.
        expect(comm).not_to_have_attribute("data-check", demo_check, timeout=LIVE_MS)
        council.click("[data-testid=comm-confirm]")
        expect(comm).to_have_attribute("data-confirmed", "1")
        row = director.locator(f"[data-testid=comm-body][data-body='{hdnd.pk}']")
        expect(row).to_have_attribute("data-confirmed", "1", timeout=LIVE_MS)
        expect(director.locator("[data-testid=comm-body][data-confirmed='0']").first).to_be_visible()

        director.screenshot(path=str(ARTIFACTS / "scenario-director.png"), full_page=True)
        ubnd.screenshot(path=str(ARTIFACTS / "scenario-console.png"), full_page=True)
        director.goto(f"/exercises/{demo.pk}/scenario/")
        director.screenshot(path=str(ARTIFACTS / "scenario-list.png"), full_page=True)
    finally:
        for ctx in (d_ctx, u_ctx, h_ctx):
            ctx.close()
    assert d_out == u_out == h_out == []
