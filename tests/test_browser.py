"""The web view in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by Selenium against ``claimtrack serve`` on 127.0.0.1.

Each test also saves a screenshot of its page type; with CLAIMTRACK_SCREENSHOTS=DIR (the
README's are made with ``CLAIMTRACK_SCREENSHOTS=docs``) they go to DIR, else to a
temporary directory.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.model

CHROMIUM = os.environ.get("CLAIMTRACK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CLAIMTRACK_CHROMEDRIVER", "/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not shutil.which(path):
            pytest.fail(
                f"{path} not found: the browser tests need Debian's chromium and chromium-driver "
                "(apt-get install chromium chromium-driver; see the README's test command)"
            )
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--window-size=1400,1000",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = os.environ.get("CLAIMTRACK_SCREENSHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def api(base: str, path: str, **params: Any) -> Any:
    r = httpx.get(base + path, params=params, headers={"Accept": "application/json"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def open_page(driver: WebDriver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def screenshot(driver: WebDriver, shots: Path, name: str) -> None:
    path = shots / f"web-{name}.png"
    assert driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000


def no_console_errors(driver: WebDriver) -> None:
    """Nothing blocked by the Content-Security-Policy, no script error."""
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []


# JavaScript: the text of the highlights of one statement role, in page order
ROLE_TEXT = """
const [id, role] = arguments;
return [...document.querySelectorAll('#article-text .seg[data-marks]')]
  .filter((s) => s.dataset.marks.split(' ').includes(id + ':' + role))
  .map((s) => s.textContent).join('');
"""


def test_article_page_highlights_every_statement_exactly(
    browser: WebDriver, web_server: str, shots: Path
) -> None:
    art = next(
        a for a in api(web_server, "/articles")["items"] if a["title"] == "Reference article"
    )
    data = api(web_server, f"/articles/{art['article_id']}")
    open_page(browser, f"{web_server}/articles/{art['article_id']}")
    checked = 0
    for st in data["statements"]:
        roles = {
            "cue": [st["cue"]],
            "content": st["content"],
            "source": [st["source"]] if st["source"] else [],
        }
        for role, spans in roles.items():
            shown = browser.execute_script(ROLE_TEXT, st["statement_id"], role)
            assert shown == "".join(s["text"] for s in spans), (st["statement_id"], role)
            checked += 1
    assert checked >= 3 * 15
    # the whole text is there, in order, highlights included
    text = browser.find_element(By.ID, "article-text").get_attribute("textContent")
    assert text == "".join(s["text"] for s in data["segments"])
    # boilerplate is greyed out with its reason
    excluded = browser.find_elements(By.CSS_SELECTOR, "#article-text .seg.excluded")
    assert excluded and all(e.get_attribute("data-excluded") for e in excluded)
    assert excluded[0].get_attribute("title").startswith("excluded: ")
    # clicking a cue shows its statement: actor, side, channel, time with precision, stance
    maliar = next(
        st
        for st in data["statements"]
        if st["actor"] == "Hanna Maliar" and st["cue"]["text"] == "wrote on"
    )
    cue = browser.find_element(By.CSS_SELECTOR, f'.seg[data-marks~="{maliar["statement_id"]}:cue"]')
    assert "Hanna Maliar (Ukraine), social_media_post, 2023-06-03 [day]" in cue.get_attribute(
        "title"
    )
    cue.click()
    card = browser.find_element(By.ID, f"card-{maliar['statement_id']}")
    WebDriverWait(browser, 5).until(lambda d: "active" in card.get_attribute("class").split())
    assert card.is_displayed()
    shown = card.get_attribute("textContent")
    for words in (
        "Hanna Maliar",
        "Ukraine",
        "social_media_post (Telegram)",
        "2023-06-03 (day)",
        "asserts",
    ):
        assert words in shown
    screenshot(browser, shots, "article")
    no_console_errors(browser)


def test_injected_markup_does_not_run(browser: WebDriver, web_server: str, shots: Path) -> None:
    art = next(a for a in api(web_server, "/articles")["items"] if a["publisher"] == "Test")
    open_page(browser, f"{web_server}/articles/{art['article_id']}")
    assert browser.execute_script("return window.claimtrackPwned === undefined")
    text = browser.find_element(By.ID, "article-text").text
    assert "<script>window.claimtrackPwned = 1</script>" in text
    assert '<img src=x onerror="window.claimtrackPwned = 2">' in text
    assert browser.find_elements(By.CSS_SELECTOR, "#article-text script, #article-text img") == []
    assert browser.title.startswith("Injected <b>title</b>")
    # a search for markup is shown as typed, not run
    open_page(
        browser, f"{web_server}/articles?q=%3Cscript%3Ewindow.claimtrackPwned%3D3%3C%2Fscript%3E"
    )
    assert browser.execute_script("return window.claimtrackPwned === undefined")
    assert (
        browser.find_element(By.NAME, "q").get_attribute("value")
        == "<script>window.claimtrackPwned=3</script>"
    )


def test_proposition_timeline_has_one_mark_per_dated_statement(
    browser: WebDriver, web_server: str, shots: Path
) -> None:
    (dispute,) = [
        d for d in api(web_server, "/disputes")["items"] if d["predicate_class"] == "control"
    ]
    data = api(web_server, f"/propositions/{dispute['proposition_key']}")
    open_page(browser, f"{web_server}/propositions/{dispute['proposition_key']}")
    holder = browser.find_element(By.ID, "timeline")
    WebDriverWait(browser, 20).until(
        lambda d: holder.get_attribute("data-rendered") in ("true", "error")
    )
    assert holder.get_attribute("data-rendered") == "true", holder.text
    points = browser.find_elements(By.CSS_SELECTOR, "#timeline svg g.mark-symbol path")
    ranges = browser.find_elements(By.CSS_SELECTOR, "#timeline svg g.mark-rect path")
    dated = [st for st in data["statements_list"] if st["date"]]
    assert len(points) + len(ranges) == len(dated) == len(data["timeline"])
    assert len(ranges) == sum(1 for m in data["timeline"] if m["range"])
    # the statements by stance and side are on the page too
    assert {h.text.lower() for h in browser.find_elements(By.CSS_SELECTOR, ".stance-group h3")} >= {
        "asserts",
        "denies",
    }
    screenshot(browser, shots, "proposition")
    no_console_errors(browser)
    # a mark is a link to its statement in its article
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: arguments[1], clientY: arguments[2]}))",
        points[0],
        points[0].rect["x"] + points[0].rect["width"] / 2,
        points[0].rect["y"] + points[0].rect["height"] / 2,
    )
    WebDriverWait(browser, 10).until(lambda d: "/articles/" in d.current_url)
    assert "#st-" in browser.current_url


def test_interval_is_drawn_as_a_range(browser: WebDriver, web_server: str) -> None:
    props = api(web_server, "/propositions", per_page=500)["items"]
    key = next(
        p["proposition_key"] for p in props if p["first_date"] == "2023-03-21"
    )  # "In late March"
    open_page(browser, f"{web_server}/propositions/{key}")
    holder = browser.find_element(By.ID, "timeline")
    WebDriverWait(browser, 20).until(lambda d: holder.get_attribute("data-rendered") == "true")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline svg g.mark-rect path")) == 1
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline svg g.mark-symbol path") == []


def test_actor_and_list_pages(browser: WebDriver, web_server: str, shots: Path) -> None:
    (reznikov,) = api(web_server, "/actors", q="reznikov")["items"]
    open_page(browser, f"{web_server}/actors/{reznikov['ledger_actor_id']}")
    rows = browser.find_elements(By.CSS_SELECTOR, "#actor-statements tbody tr")
    assert len(rows) == reznikov["statements"]
    link = rows[0].find_element(By.CSS_SELECTOR, "a[href*='#st-']")
    screenshot(browser, shots, "actor")
    link.click()
    WebDriverWait(browser, 10).until(lambda d: "/articles/" in d.current_url)
    active = browser.find_elements(By.CSS_SELECTOR, ".card.active")
    assert len(active) == 1  # the statement the link points at is selected
    for path, table, name in (
        ("/disputes", "groups", "disputes"),
        ("/corroborations", "groups", None),
        ("/articles", "articles", None),
        ("/actors?side=ukraine", "actors", None),
        ("/propositions?actor=wagner", "propositions", None),
    ):
        open_page(browser, web_server + path)
        rows = browser.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr td a")
        assert rows, path
        if name:
            screenshot(browser, shots, name)
        no_console_errors(browser)
