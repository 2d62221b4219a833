"""Every place the emulator redirects a browser (CAS ``service``, OIDC ``redirect_uri`` and
``post_logout_redirect_uri``, CAS logout ``url``, ``/login/profile/logout?redirect_uri=``)
compares parsed URLs: no string-prefix tricks, no userinfo, and a non-ASCII address is
percent-encoded rather than dropping the connection."""
from urllib.parse import quote, urlencode, urlsplit

import pytest

from browser import Browser

REGISTERED = "http://localhost:3000/cas"


@pytest.fixture()
def emu(approw_emulator_fresh):
    approw_emulator_fresh.create_user(username="rita", email="rita@example.test", password="pw-rita")
    approw_emulator_fresh.configure_app(redirect_uris=[REGISTERED])
    return approw_emulator_fresh


def cas_login(emu, service):
    return "%s/cas-idp/%s/login?service=%s" % (emu.url, emu.app_id, quote(service, safe=""))


@pytest.mark.parametrize("service", [
    "http://localhost:3000@evil.example/cas",           # userinfo: the host is evil.example
    "http://localhost:3000/cas@evil.example/",          # ... and a path that looks like it
    "http://localhost:3000.evil.example/cas",
    "http://localhost:30000/cas",
    "https://localhost:3000/cas",
    "http://localhost:3000/cassette",
    "http://localhost:3000/ca",
    "http://localhost:3000\\@evil.example/cas",
    "http://localhost:3000/cas\\..\\x",
    "http://user:pw@localhost:3000/cas",
    "http://localhost:3000/cas#frag",
    "http://localhost:99999/cas",
    "http://localhost:3000/cas\t",
    "javascript://localhost:3000/cas",
])
def test_cas_service_outside_the_registered_uri_is_refused(emu, service):
    browser = Browser()
    page = browser.sign_in(cas_login(emu, "http://localhost:3000/cas"), "rita", "pw-rita")
    assert page.status == 302                                       # signed in: a session exists
    page = browser.get(cas_login(emu, service))
    assert page.status == 400 and page.location is None


@pytest.mark.parametrize("service", [
    "http://localhost:3000/cas", "http://LOCALHOST:3000/cas", "http://localhost:3000/cas/",
    "http://localhost:3000/cas/app?x=1",
])
def test_cas_service_at_or_below_the_registered_uri_is_allowed(emu, service):
    page = Browser().sign_in(cas_login(emu, service), "rita", "pw-rita")
    assert page.status == 302 and urlsplit(page.location).hostname == "localhost"
    assert page.location.startswith(service)


@pytest.mark.parametrize("service", ["http://localhost:3000@evil.example/cas", "http://localhost:3000.evil.example/",
                                     "http://localhost:30001/"])
def test_cas_service_registered_without_a_path_still_compares_the_host(approw_emulator_fresh, service):
    approw_emulator_fresh.configure_app(redirect_uris=["http://localhost:3000"])
    assert Browser().get(cas_login(approw_emulator_fresh, "http://localhost:3000/app")).status == 200
    page = Browser().get(cas_login(approw_emulator_fresh, service))
    assert page.status == 400 and page.location is None


def test_default_ports_are_the_same_origin(approw_emulator_fresh):
    approw_emulator_fresh.create_user(username="rita", email="rita@example.test", password="pw-rita")
    approw_emulator_fresh.configure_app(redirect_uris=["https://rp.example.test/"])
    page = Browser().sign_in(cas_login(approw_emulator_fresh, "https://rp.example.test:443/x"), "rita", "pw-rita")
    assert page.status == 302


def test_userinfo_is_refused_even_when_nothing_is_registered(approw_emulator_fresh):
    page = Browser().get(cas_login(approw_emulator_fresh, "http://rp.example.test@evil.example/"))
    assert page.status == 400


@pytest.mark.parametrize("path,param", [
    ("/cas-idp/logout", "url"), ("/login/profile/logout", "redirect_uri"),
])
def test_logout_targets_are_checked(approw_emulator_fresh, path, param):
    emu = approw_emulator_fresh
    evil = Browser().get("%s%s?%s" % (emu.url, path, urlencode({param: "http://x.test@evil.example/"})))
    assert evil.status == 400 and evil.location is None
    emu.configure_app(redirect_uris=["http://rp.example.test/bye"])
    for target in ("http://rp.example.test/bye@evil.example", "http://rp.example.test/bye/../x"):
        page = Browser().get("%s%s?%s" % (emu.url, path, urlencode({param: target})))
        assert page.status == 400 and page.location is None
    page = Browser().get("%s%s?%s" % (emu.url, path, urlencode({param: "http://rp.example.test/bye"})))
    assert page.status == 302 and page.location == "http://rp.example.test/bye"


def test_oidc_redirect_uri_with_userinfo_is_shown_not_followed(approw_emulator_fresh):
    emu = approw_emulator_fresh
    query = urlencode({"client_id": emu.app_id, "redirect_uri": "http://rp.example.test@evil.example/cb",
                       "response_type": "code", "scope": "openid"})
    page = Browser().get("%s/oidc/auth?%s" % (emu.url, query))
    assert page.status == 400 and page.location is None


def test_post_logout_redirect_with_userinfo_is_refused(approw_emulator_fresh):
    emu = approw_emulator_fresh
    query = urlencode({"client_id": emu.app_id, "post_logout_redirect_uri": "http://rp.example.test@evil.example/"})
    page = Browser().get("%s/oidc/session/end?%s" % (emu.url, query))
    assert page.status == 400 and page.location is None


@pytest.mark.parametrize("path,param", [
    ("/cas-idp/logout", "url"), ("/login/profile/logout", "redirect_uri"),
])
def test_non_latin1_redirect_target_is_percent_encoded(approw_emulator_fresh, path, param):
    emu = approw_emulator_fresh
    page = Browser().get("%s%s?%s" % (emu.url, path, urlencode({param: "http://rp.example.test/\u4e2d\u6587?q=\u20ac"})))
    assert page.status == 302
    assert page.location == "http://rp.example.test/%E4%B8%AD%E6%96%87?q=%E2%82%AC"
