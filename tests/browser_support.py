"""Shared by the browser tests: a local HTTP server for a built site, Debian's chromium driven by playwright
(no browser download), and a page loader that blocks and records every request leaving the machine."""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from urllib.parse import urlparse

# Without the background-networking flags chromium tries to reach Google's hosts at start.
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def chromium(executable_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable_path, args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """One loaded page and everything it did: requests that tried to leave the machine, JavaScript errors,
    console warnings, dialogs (alert/confirm/prompt, dismissed)."""

    def __init__(self, browser, url, width=1280, height=900):
        self.external, self.errors, self.console, self.dialogs = [], [], [], []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}")
                     if m.type in ("warning", "error") else None)
        self.page.on("dialog", self._dialog)
        self.page.goto(url, wait_until="load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:", "file:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def wait_for_charts(self, timeout=20000):
        """Every chart container holds a drawn SVG (vega-embed replaced the empty div)."""
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('div.vega-chart')].every(d => d.querySelector('svg.marks'))",
            timeout=timeout)

    def close(self):
        self.page.close()
