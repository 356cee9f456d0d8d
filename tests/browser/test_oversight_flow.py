"""Oversight end to end on a phone: an observer records an observation, the Organizing
Committee turns it into a corrective action for UBND tỉnh, UBND marks it done with a document
version, the Organizing Committee verifies it; the dashboard numbers follow."""

import pytest
from playwright.sync_api import expect

from dientap.demo.seed import DEMO_ACCOUNTS
from dientap.organizations.models import Body
from dientap.oversight.models import CorrectiveAction, Observation

from .conftest import ARTIFACTS, LIVE_MS

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def session(browser, server, username, viewport=PHONE):
    acc = next(a for a in DEMO_ACCOUNTS if a.username == username)
    context = browser.new_context(base_url=server.url, locale="vi-VN", viewport=viewport,
                                  has_touch=True, is_mobile=viewport == PHONE)
    outside = []
    context.route(lambda url: not url.startswith(server.url),
                  lambda route: (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", acc.username)
    page.fill("#id_password", acc.password)
    page.click("form button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_selector("h1")
    return context, page, outside


def figure(page, testid) -> int:
    return int(page.locator(f"[data-testid={testid}]").inner_text().strip())


def test_observation_to_verified_corrective_action(browser, asgi_server, demo):
    server = asgi_server()
    exercise = demo
    holding = exercise.conferences.get(body__name="Ban Chấp hành Đảng bộ tỉnh").holdings.get(
        round__number=1, round__kind="rehearsal")
    dashboard = f"/exercises/{exercise.pk}/dashboard/"

    # The Organizing Committee's dashboard before.
    org_ctx, org, org_outside = session(browser, server, "bantochuc",
                                        {"width": 1280, "height": 900})
    org.goto(dashboard)
    open_before = figure(org, "actions-open")
    verified_before = figure(org, "actions-verified")

    # 1. The observer, on a phone, records an observation of the holding.
    obs_ctx, obs, obs_outside = session(browser, server, "theodoi")
    obs.goto(f"/exercises/{exercise.pk}/observe/?holding={holding.pk}")
    expect(obs.locator("[data-testid=obs-holding]")).to_be_visible()
    box = obs.locator("[data-testid=obs-submit]").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 44  # a big target on a phone
    obs.locator("[data-testid=kind-shortcoming]").tap()
    obs.locator("[data-testid=obs-text]").fill("Thiếu phương án sơ tán trong dự thảo kế hoạch")
    obs.screenshot(path=str(ARTIFACTS / "oversight-observe-phone.png"), full_page=True)
    obs.locator("[data-testid=obs-submit]").tap()
    expect(obs.locator("[data-testid=recent-observation]").first).to_contain_text(
        "Thiếu phương án sơ tán")
    observation = Observation.objects.get(text__startswith="Thiếu phương án sơ tán")
    assert observation.holding_id == holding.pk and observation.author.username == "theodoi"

    # 2. The Organizing Committee (phone too) turns it into an action for UBND tỉnh.
    oc_ctx, oc, oc_outside = session(browser, server, "bantochuc")
    oc.goto(f"/exercises/{exercise.pk}/observe/?holding={holding.pk}")
    oc.locator(f"[data-observation='{observation.pk}'] [data-testid=raise-action]").click()
    oc.wait_for_url("**/actions/new/**")
    expect(oc.locator("[data-testid=source-observation]")).to_contain_text("Thiếu phương án")
    ubnd = Body.objects.get(short_name="UBND tỉnh", area=exercise.area)
    oc.select_option("#id_owner_body", value=str(ubnd.pk))
    oc.fill("#id_due_date", "31/12/2099")
    oc.locator("form button[type=submit]").last.tap()
    expect(oc.locator("[data-testid=action-status]")).to_have_attribute("class",
                                                                       "badge action-open")
    action = CorrectiveAction.objects.get(observation=observation)
    assert action.owner_body.short_name == "UBND tỉnh"
    org.goto(dashboard)
    assert figure(org, "actions-open") == open_before + 1

    # 3. UBND tỉnh sees it in its own list and marks it done with a document version.
    ub_ctx, ub, ub_outside = session(browser, server, "ubnd")
    ub.goto(f"/exercises/{exercise.pk}/actions/?body={action.owner_body_id}")
    row = ub.locator(f"[data-testid=action-row][data-action='{action.pk}']")
    expect(row).to_be_visible()
    row.locator("[data-testid=action-link]").click()
    ub.wait_for_url(f"**/actions/{action.pk}/")
    version_options = ub.locator("#id_fixed_by_version option")
    assert version_options.count() > 1
    ub.select_option("#id_fixed_by_version", index=1)
    chosen = int(ub.locator("#id_fixed_by_version").input_value())
    ub.fill("#id_note", "Đã bổ sung phương án sơ tán")
    ub.locator("[data-testid=action-done]").tap()
    expect(ub.locator("[data-testid=action]")).to_have_attribute("data-status", "done")
    expect(ub.locator("[data-testid=fixed-by-version]")).to_be_visible()
    expect(ub.locator("[data-testid=action-verify]")).to_have_count(0)  # not theirs to verify
    action.refresh_from_db()
    assert (action.status, action.fixed_by_version_id, action.done_by.username) == (
        "done", chosen, "ubnd")
    org.goto(dashboard)
    assert figure(org, "actions-open") == open_before

    # 4. The Organizing Committee verifies it.
    oc.goto(f"/actions/{action.pk}/")
    oc.locator("[data-testid=action-verify]").tap()
    expect(oc.locator("[data-testid=action]")).to_have_attribute("data-status", "verified")
    org.goto(dashboard)
    assert figure(org, "actions-verified") == verified_before + 1
    assert figure(org, "actions-open") == open_before
    org.screenshot(path=str(ARTIFACTS / "oversight-dashboard.png"), full_page=True)

    for ctx in (org_ctx, obs_ctx, oc_ctx, ub_ctx):
        ctx.close()
    assert org_outside == obs_outside == oc_outside == ub_outside == []


def test_the_observation_list_is_live_on_its_first_page(browser, asgi_server, demo):
    """A paginated list (issue 9): page 1 shows a new observation at the top without a
    reload, fetching one page (not the whole list); later pages are not live."""
    from dientap.accounts.models import User
    from dientap.core.paging import PER_PAGE
    from dientap.oversight import services

    server = asgi_server()
    exercise = demo
    holding = exercise.conferences.get(body__name="Ban Chấp hành Đảng bộ tỉnh").holdings.get(
        round__number=1, round__kind="rehearsal")
    observer = User.objects.get(username="theodoi")
    older = holding.starts_at
    for i in range(PER_PAGE + 5):  # two pages at least
        services.observation_create(exercise, acting_user=observer, kind="strength",
                                    text=f"Ghi nhận trước đó {i}", holding=holding,
                                    observed_at=older)
    ctx, org, outside = session(browser, server, "bantochuc", {"width": 1280, "height": 900})
    url = f"/exercises/{exercise.pk}/observations/"
    with org.expect_response(lambda r: f"/exercises/{exercise.pk}/events/" in r.url):
        org.goto(url)  # … and its live stream is open
    rows = org.locator("[data-testid=observation]")
    expect(rows).to_have_count(PER_PAGE)
    expect(org.locator("nav.pager [rel=next]")).to_be_visible()

    with org.expect_response(lambda r: "/observations/feed/" in r.url,
                             timeout=LIVE_MS) as feed:
        new = services.observation_create(exercise, acting_user=observer, kind="shortcoming",
                                          text="Chưa bố trí lực lượng dự bị", holding=holding)
    assert len(feed.value.json()["observations"]) == PER_PAGE  # one page, not the list
    expect(rows.first).to_have_attribute("data-observation", str(new.pk), timeout=LIVE_MS)
    expect(rows.first).to_contain_text("Chưa bố trí lực lượng dự bị")
    expect(rows).to_have_count(PER_PAGE)

    org.goto(url + "?page=2")
    expect(org.locator("#observations")).to_have_attribute("data-static", "1")
    ctx.close()
    assert outside == []
