"""The exercise overview's header on a 1280-pixel screen: the sections on one line of tabs (the
current one marked), every action (reuse, Excel, Print) in one action bar of one line, and the
rounds summarised with a link to the calendar."""

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser


def one_line(locator) -> bool:
    """Every child starts on the same line (a wrapped bar has a second row)."""
    tops = locator.evaluate("e => [...e.querySelectorAll('a, button')]"
                            ".filter(x => x.offsetParent).map(x => x.getBoundingClientRect().top)")
    return max(tops) - min(tops) < 8


def test_overview_has_one_line_of_tabs_and_one_action_bar(page, demo):
    login(page, "bantochuc", "KeHoach@1909")
    page.goto(demo.get_absolute_url())
    tabs = page.locator("[data-testid=exercise-tabs]")
    bar = page.locator("[data-testid=action-bar]")
    expect(tabs).to_be_visible()
    expect(tabs.locator("[aria-current=page]")).to_have_count(1)
    expect(tabs.locator("[aria-current=page]")).to_have_attribute("href",
                                                                 demo.get_absolute_url())
    for testid in ("duplicate", "export-committees", "export-conferences", "print"):
        expect(bar.locator(f"[data-testid={testid}]")).to_be_visible()
    assert one_line(tabs) and one_line(bar)
    # Nothing else of the kind above the cards: one bar, no loose rows of buttons.
    assert page.locator("main > .reuse-actions, main > .export-links").count() == 0
    expect(page.locator("[data-testid=round-calendar]").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-header.png"))

    page.emulate_media(media="print")
    expect(tabs).to_be_hidden()
    expect(bar).to_be_hidden()
