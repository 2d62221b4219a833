"""The cas domain over HTTP: login (form, session, renew, gateway), service tickets, and
validation in the CAS 1.0 text, 2.0/3.0 XML and JSON forms."""
import http.client
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from browser import Browser

SERVICE = "http://rp.example.test/cas"
NS = {"cas": "http://www.yale.edu/tp/cas"}


@pytest.fixture()
def emu(approw_emulator_fresh):
    approw_emulator_fresh.create_user(username="carl", email="carl@example.test", password="pw-carl")
    return approw_emulator_fresh


def login_url(emu, **extra):
    query = "&".join("%s=%s" % (k, quote(v, safe="")) for k, v in dict(service=SERVICE, **extra).items())
    return "%s/cas-idp/%s/login?%s" % (emu.url, emu.app_id, query)


def ticket_of(page):
    assert page.status == 302, page.text[:200]
    return parse_qs(urlsplit(page.location).query)["ticket"][0]


def fetch(emu, path):
    conn = http.client.HTTPConnection(urlsplit(emu.url).netloc)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.getheader("Content-Type"), response.read().decode()


def validate(emu, endpoint, ticket, service=SERVICE, extra=""):
    return fetch(emu, "/cas-idp/%s/%s?service=%s&ticket=%s%s" % (emu.app_id, endpoint, quote(service, safe=""),
                                                                   ticket, extra))


def test_v1(emu):
    ticket = ticket_of(Browser().sign_in(login_url(emu), "carl", "pw-carl"))
    assert validate(emu, "validate", ticket)[2] == "yes\ncarl\n"
    assert validate(emu, "validate", ticket)[2] == "no\n\n"


@pytest.mark.parametrize("endpoint", ["serviceValidate", "p3/serviceValidate"])
def test_v2_v3_xml_and_json(emu, endpoint):
    browser = Browser()
    ticket = ticket_of(browser.sign_in(login_url(emu), "carl", "pw-carl"))
    status, ctype, text = validate(emu, endpoint, ticket)
    assert status == 200 and ctype.startswith("application/xml")
    root = ET.fromstring(text)
    assert root.find("cas:authenticationSuccess/cas:user", NS).text == "carl"
    assert root.find("cas:authenticationSuccess/cas:attributes/cas:email", NS).text == "carl@example.test"
    root = ET.fromstring(validate(emu, endpoint, ticket)[2])
    assert root.find("cas:authenticationFailure", NS).get("code") == "INVALID_TICKET"
    ticket = ticket_of(browser.get(login_url(emu)))                  # the session: no form
    import json
    body = json.loads(validate(emu, endpoint, ticket, extra="&format=JSON")[2])
    assert body["serviceResponse"]["authenticationSuccess"]["attributes"]["sub"]
    ticket = ticket_of(browser.get(login_url(emu)))
    root = ET.fromstring(validate(emu, endpoint, ticket, service=SERVICE + "/other")[2])
    assert root.find("cas:authenticationFailure", NS).get("code") == "INVALID_SERVICE"
    root = ET.fromstring(fetch(emu, "/cas-idp/%s/%s?service=x" % (emu.app_id, endpoint))[2])
    assert root.find("cas:authenticationFailure", NS).get("code") == "INVALID_REQUEST"


def test_renew_and_gateway(emu):
    browser = Browser()
    assert browser.get(login_url(emu, gateway="true")).location == SERVICE     # no session: back, no ticket
    ticket_of(browser.sign_in(login_url(emu), "carl", "pw-carl"))
    ticket = ticket_of(browser.get(login_url(emu)))                          # from the session
    assert validate(emu, "validate", ticket, extra="&renew=true")[2] == "no\n\n"
    page = browser.get(login_url(emu, renew="true"))
    assert page.status == 200                                                # renew: the form again
    ticket = ticket_of(browser.submit(page, username="carl", password="pw-carl"))
    assert validate(emu, "validate", ticket, extra="&renew=true")[2] == "yes\ncarl\n"


def test_unknown_app_and_services(emu):
    assert Browser().get("%s/cas-idp/nope/login?service=%s" % (emu.url, SERVICE)).status == 404
    emu.configure_app(redirect_uris=["http://rp.example.test/"])
    assert Browser().get(login_url(emu)).status == 200
    page = Browser().get("%s/cas-idp/%s?service=%s" % (emu.url, emu.app_id, quote("http://evil.test/", safe="")))
    assert page.status == 400
