"""The documentation site, built as ``scripts/docs`` builds it (warnings are errors, every
internal link checked) and then used in a real browser: headless Chromium (Debian's
``chromium`` and ``chromium-driver``) opens the home page, searches for ``login_by_email`` and
``users.list`` with the site's search box, follows the result to the reference entry, and
saves screenshots in build/docs-screenshots/."""
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest

pytest.importorskip("sphinx", reason="the docs extra needs Python >= 3.11")
webdriver = pytest.importorskip("selenium.webdriver", reason="the docs extra needs Python >= 3.11")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "docs-screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = os.environ.get("APW_DOCS_SITE")
    if built:                   # scripts/test has just built it with scripts/docs
        return Path(built).resolve()
    out = tmp_path_factory.mktemp("docs") / "site"
    run = subprocess.run(["bash", str(ROOT / "scripts" / "docs"), str(out)], cwd=ROOT,
                         env={**os.environ, "DOCS_PYTHON": sys.executable},
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("headless Chromium is needed: apt-get install chromium chromium-driver "
                    "(scripts/setup installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def test_the_site_builds_with_its_parts(site: Path) -> None:
    for page in ("index.html", "search.html", "searchindex.js", "guides/quickstart.html",
                 "guides/migrating.html", "reference/api/management-users.html",
                 "reference/api/authentication-client.html", "reference/exceptions.html",
                 "reference/paging.html", "reference/api/integrations.html"):
        assert (site / page).is_file(), page
    paging = (site / "reference" / "paging.html").read_text()
    assert 'id="approw.v2.common.paging.Pager"' in paging
    assert 'id="approw.v2.common._async.paging.AsyncPager"' in paging
    shapes = (site / "reference" / "shapes.html").read_text()
    for name in ("ProtocolSettings", "AccessKeyAccount", "AccessKeyAccountPage"):
        assert f'id="approw.v2.common.shapes.org.{name}"' in shapes, name
    users = (site / "reference" / "api" / "management-users.html").read_text()
    assert 'href="../paging.html#approw.v2.common.paging.Pager"' in users      # iter() -> Pager
    chart = (site / "guides" / "performance.html").read_text()
    assert '<svg class="bench-chart"' in chart and "users.list" in chart
    errors = (site / "guides" / "errors.html").read_text()
    assert "AlreadyExistsError" in errors and "UserExistsError" in errors and ">timeout<" in errors


def _search(browser: Any, server: str, query: str) -> Any:
    """Type ``query`` into the site's search box and wait for the results."""
    browser.get(server + "/index.html")
    box = WebDriverWait(browser, 30).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "input[name='q']")))
    browser.execute_script("arguments[0].focus()", box)
    box.send_keys(query)
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 30).until(EC.url_contains("search.html"))
    WebDriverWait(browser, 60).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "#search-results ul.search li a")))
    return browser.find_elements(By.CSS_SELECTOR, "#search-results ul.search li a")


def _follow(browser: Any, links: Any, anchor_end: str, shot: str) -> Tuple[str, Any]:
    """Click the first result (it must be the method's reference entry) and wait for it."""
    hrefs = [link.get_attribute("href") for link in links]
    wanted = [h for h in hrefs[:1] if h and h.endswith(anchor_end)]
    assert wanted, f"the first result is not {anchor_end}: {hrefs[:5]}"
    links[0].click()
    WebDriverWait(browser, 30).until(EC.url_contains(anchor_end))
    anchor = browser.current_url.split("#", 1)[1]
    entry = WebDriverWait(browser, 30).until(EC.visibility_of_element_located((By.ID, anchor)))
    # the page scrolls to the entry (smoothly, and the layout may still move while fonts load):
    # bring it to the top of the window until it stays there
    scroll = ("arguments[0].scrollIntoView({behavior: 'instant', block: 'start'});"
              "return arguments[0].getBoundingClientRect().top")
    WebDriverWait(browser, 60, poll_frequency=0.5).until(
        lambda b: 0 <= b.execute_script(scroll, entry) < 120)
    browser.save_screenshot(str(SHOTS / shot))
    return anchor, entry


def test_home_page(browser: Any, server: str) -> None:
    browser.get(server + "/index.html")
    assert "approw-py-sdk" in browser.title
    assert browser.find_element(By.LINK_TEXT, "Quickstart with the emulator")
    browser.save_screenshot(str(SHOTS / "home.png"))
    assert (SHOTS / "home.png").stat().st_size > 10_000


def test_search_finds_login_by_email(browser: Any, server: str) -> None:
    links = _search(browser, server, "login_by_email")
    browser.save_screenshot(str(SHOTS / "search-login_by_email.png"))
    anchor, entry = _follow(browser, links, ".AuthenticationClient.login_by_email",
                            "reference-login_by_email.png")
    assert anchor == "approw.v2.authentication.client.AuthenticationClient.login_by_email"
    assert "/reference/api/authentication-client.html" in browser.current_url
    assert "login_by_email" in entry.text and "password" in entry.text


def test_search_finds_users_list(browser: Any, server: str) -> None:
    links = _search(browser, server, "users.list")
    browser.save_screenshot(str(SHOTS / "search-users.list.png"))
    anchor, entry = _follow(browser, links, ".UsersManagementClient.list", "reference-users.list.png")
    assert anchor == "approw.v2.management.users.UsersManagementClient.list"
    assert "/reference/api/management-users.html" in browser.current_url
    assert "list" in entry.text and "page" in entry.text
