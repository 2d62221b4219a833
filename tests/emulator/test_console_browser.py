"""The web console in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, never a downloaded build) driven by Selenium through scripted flows,
each checked against the SDK; every test saves screenshots (``build/screenshots/``, or
``$APPROW_SCREENSHOTS``).  Skipped only when Chromium or its driver is not installed."""
import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("graphql")
selenium = pytest.importorskip("selenium")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from approw.v2.authentication import AuthenticationClient, AuthenticationClientOptions  # noqa: E402
from approw.v2.exceptions import ApprowException  # noqa: E402
from approw.v2.management import ManagementClient, ManagementClientOptions  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
SHOTS = Path(os.environ.get("APPROW_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "build" / "screenshots")

if not CHROMIUM or not DRIVER:
    pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/setup installs them)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")        # Selenium Manager must not download anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,1000", "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    except WebDriverException as exc:
        pytest.fail("chromium is installed but does not start: %s" % exc.msg)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture()
def console(browser, approw_emulator_fresh):
    emu = approw_emulator_fresh
    browser.delete_all_cookies()
    browser.get(emu.url + "/_emulator/ui/users")
    return emu, browser


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / ("%s.png" % name)
    assert driver.save_screenshot(str(path)), path
    assert path.stat().st_size > 1000
    return path


def sign_in(emu, driver):
    assert "/_emulator/ui/signin" in driver.current_url
    driver.find_element(By.NAME, "secret").send_keys(emu.secret)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # (the sign-in page's own address, ".../signin?next=/_emulator/ui/users", contains the
    # target too: wait until the browser has left it)
    WebDriverWait(driver, 30).until(
        lambda d: "/signin" not in d.current_url and "/_emulator/ui/users" in d.current_url)


def management(emu):
    return ManagementClient(ManagementClientOptions(user_pool_id=emu.user_pool_id, secret=emu.secret, host=emu.url,
                                                    enc_public_key=emu.public_key))


def test_sign_in_and_create_a_user_seen_by_the_sdk(console):
    emu, driver = console
    driver.find_element(By.NAME, "secret").send_keys("not-the-secret")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # (a form POST: the answer page is waited for, the click does not wait for it)
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=alert]"),
                                                                     "not the secret"))
    shot(driver, "console-signin-refused")
    driver.get(emu.url + "/_emulator/ui/users")
    sign_in(emu, driver)
    form = WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "create-user")))
    form.find_element(By.NAME, "username").send_keys("made-in-the-console")
    form.find_element(By.NAME, "email").send_keys("console@example.test")
    form.find_element(By.NAME, "password").send_keys("Console-pass1")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=status]"),
                                                                     "User created"))
    shot(driver, "console-user-created")
    listed = management(emu).users.list()["list"]
    assert [u["username"] for u in listed] == ["made-in-the-console"]
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=emu.app_id, app_host=emu.url,
                                                            enc_public_key=emu.public_key))
    assert auth.login_by_email("console@example.test", "Console-pass1")["username"] == "made-in-the-console"

    driver.get(emu.url + "/_emulator/ui/users?q=console")
    assert "made-in-the-console" in driver.find_element(By.ID, "users").text
    driver.find_element(By.LINK_TEXT, "made-in-the-console").click()
    WebDriverWait(driver, 30).until(ec.element_to_be_clickable((By.CSS_SELECTOR, "button[data-test=block]"))).click()
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=status]"), "Blocked"))
    with pytest.raises(ApprowException) as ei:
        auth.login_by_email("console@example.test", "Console-pass1")
    assert ei.value.code == 2005                                   # blocked, as the service says
    shot(driver, "console-user-blocked")
    driver.find_element(By.CSS_SELECTOR, "button[data-test=delete]").click()
    WebDriverWait(driver, 30).until(ec.alert_is_present()).accept()   # the console's confirm()
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=status]"),
                                                                     "User deleted"))
    assert management(emu).users.list()["totalCount"] == 0


def test_an_sms_code_from_the_sdk_appears_on_the_outbox_page(console):
    emu, driver = console
    sign_in(emu, driver)
    driver.get(emu.url + "/_emulator/ui/outbox")
    assert driver.find_element(By.ID, "outbox-count").text == "0"
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=emu.app_id, app_host=emu.url,
                                                            enc_public_key=emu.public_key))
    auth.send_sms_code("+8613800000123")
    code = emu.last_code("+8613800000123")
    # no reload: the page's script polls the outbox
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.ID, "outbox"), "+8613800000123"))
    cells = driver.find_elements(By.CSS_SELECTOR, "#outbox tr td.code")
    assert [c.text for c in cells] == [code]
    shot(driver, "console-outbox-live-code")
    assert auth.register_by_phone_code("+8613800000123", cells[0].text)["phone"] == "+8613800000123"


def test_application_settings_and_access_keys(console):
    emu, driver = console
    sign_in(emu, driver)
    mgmt = management(emu)
    app = mgmt.applications.create("Console app", "console-app", ["https://app.example.test/cb"])
    driver.get(emu.url + "/_emulator/ui/apps")
    section = driver.find_element(By.ID, "app-" + app["id"])
    form = section.find_element(By.CSS_SELECTOR, "form[data-app='%s']" % app["id"])
    form.find_element(By.CSS_SELECTOR, "select[name=token_endpoint_auth_method]").send_keys("client_secret_basic")
    form.find_element(By.NAME, "grant_implicit").click()           # untick implicit
    lifetime = form.find_element(By.NAME, "access_token_lifetime")
    lifetime.clear()
    lifetime.send_keys("900")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=status]"), "saved"))
    config = mgmt.applications.find_by_id(app["id"])["oidcConfig"]
    assert config["token_endpoint_auth_method"] == "client_secret_basic"
    assert config["access_token_expire"] == 900 and config["grant_types"] == ["authorization_code", "refresh_token"]

    section = driver.find_element(By.ID, "app-" + app["id"])
    section.find_element(By.NAME, "remarks").send_keys("nightly export")
    section.find_element(By.XPATH, ".//button[text()='Create an access key']").click()
    WebDriverWait(driver, 30).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[role=status]"),
                                                                     "Access key created"))
    keys = mgmt.applications.list_programmatic_access_accounts(app["id"])["list"]
    assert len(keys) == 1 and keys[0]["remarks"] == "nightly export"
    assert keys[0]["secret"] in driver.find_element(By.ID, "app-" + app["id"]).text
    shot(driver, "console-applications")


def test_token_decoder_access_and_orgs(console):
    emu, driver = console
    sign_in(emu, driver)
    user = emu.create_user(username="decoded", password="Decode-me1")
    auth = AuthenticationClient(AuthenticationClientOptions(app_id=emu.app_id, app_host=emu.url,
                                                            enc_public_key=emu.public_key))
    token = auth.login_by_username("decoded", "Decode-me1")["token"]
    driver.get(emu.url + "/_emulator/ui/tokens")
    driver.find_element(By.NAME, "token").send_keys(token)
    driver.find_element(By.XPATH, "//button[text()='Decode']").click()
    verdict = WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "verdict")))
    assert "Valid: signed by this emulator" in verdict.text
    assert '"sub": "%s"' % user["id"] in driver.find_element(By.ID, "claims").text
    shot(driver, "console-token-decoder")

    mgmt = management(emu)
    mgmt.roles.create("editor")
    mgmt.roles.add_users("editor", [user["id"]])
    org = mgmt.org.create("Acme", code="acme")
    mgmt.org.add_members(org["rootNode"]["id"], [user["id"]])
    driver.get(emu.url + "/_emulator/ui/access")
    assert "editor" in driver.page_source and "decoded" in driver.page_source
    driver.get(emu.url + "/_emulator/ui/orgs")
    assert "Acme" in driver.find_element(By.CSS_SELECTOR, "ul.tree").text
    driver.get(emu.url + "/_emulator/ui/activity")
    assert "login" in driver.page_source
    shot(driver, "console-activity")
