"""A real browser (Debian's headless Chromium) on the built site: pages load with no request leaving the
machine, every chart draws its marks, and the Chinese search finds the economy chapter."""
import functools
import http.server
import threading
from urllib.parse import urlparse

import pytest

from yinzhou_eval import build

pytestmark = pytest.mark.slow

CHAPTER_PAGES = [f"book/{p['file']}.html" for p in build.pages(build.load_config())]
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.RequestHandlerClass.log_message = lambda *a: None
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=BROWSER_ARGS)
        yield b
        b.close()


def open_page(browser, url):
    """Load a page, recording every request that would leave the machine (and blocking it)."""
    page = browser.new_page()
    external, errors = [], []

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return page, external, errors


@pytest.mark.parametrize("path", CHAPTER_PAGES)
def test_page_is_offline_and_charts_draw(browser, server, path):
    page, external, errors = open_page(browser, f"{server}/{path}")
    charts = page.locator("div.vega-chart")
    n = charts.count()
    if n:
        page.wait_for_function(
            "n => document.querySelectorAll('div.vega-chart svg g.mark-line, div.vega-chart svg g.mark-rect,"
            " div.vega-chart svg g.mark-symbol').length > 0 && "
            "[...document.querySelectorAll('div.vega-chart')].every(d => d.querySelector('svg.marks'))", arg=n,
            timeout=15000)
    assert external == [], f"{path} tried to load from the internet: {external}"
    assert errors == [], f"{path} raised JavaScript errors: {errors}"
    assert page.locator("h1").count() >= 1
    page.close()


def test_chapter_pages_have_charts(browser, server):
    page, _, _ = open_page(browser, f"{server}/book/economy.html")
    assert page.locator("div.vega-chart").count() >= 1
    page.wait_for_selector("div.vega-chart svg.marks", timeout=15000)
    page.close()


def test_tooltip_shows_source(browser, server):
    page, _, _ = open_page(browser, f"{server}/book/economy.html")
    page.wait_for_selector("div.vega-chart svg.marks", timeout=15000)
    point = page.locator("div.vega-chart svg g.mark-symbol path").first
    point.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5000)
    assert "来源" in tooltip.inner_text()
    page.close()


def test_chinese_search_finds_economy_chapter(browser, server):
    page, external, _ = open_page(browser, f"{server}/search.html?q=地区生产总值")
    page.wait_for_selector("#search-results ul.search li", timeout=15000)
    hrefs = page.locator("#search-results ul.search li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("economy" in h for h in hrefs), hrefs
    assert external == []
    page.close()


def test_built_pages_reference_no_cdn(built_site):
    import re

    pattern = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis|requirejs|mathjax@")
    offenders = [str(p.relative_to(built_site)) for p in built_site.rglob("*.html")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_downloads_are_published(built_site):
    import pandas as pd

    table = pd.read_csv(built_site / "data" / "assessment.csv")
    assert {"id", "eval_year", "status", "latest_year", "latest_value", "progress_share", "pace_ratio",
            "outlook"} <= set(table.columns)
    assert (built_site / "data" / "assessment.xlsx").exists()
