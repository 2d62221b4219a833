"""The applications domain through HTTP: the application header, permissions, settings and
their checks, access-policy requests, what deleting an application or a target removes, the
user's side, and the default application across a restart."""
from urllib.parse import urlencode

import pytest

from approw.emulator.app import Emulator
from approw.emulator.config import EmulatorConfig
from authz_helpers import Authz
from browser import Browser
from token_helpers import LOGIN


@pytest.fixture
def az(approw_emulator_fresh):
    a = Authz(approw_emulator_fresh)
    yield a
    a.close()


def new_app(az, name="Books", identifier="books", **extra):
    return az.rest("POST", "/api/v2/applications", dict({"name": name, "identifier": identifier,
                                                          "redirectUris": []}, **extra))


def login(emu, name, app_id, password="passw0rd"):
    with emu.client() as c:
        return c.graphql(LOGIN, {"i": {"username": name, "password": emu.encrypt_password(password)}},
                         headers={"x-approw-app-id": app_id})


def test_a_pool_starts_with_its_default_application(az):
    page = az.rest("GET", "/api/v2/applications")
    (app,) = page["list"]
    assert page["totalCount"] == 1 and app["id"] == az.emu.app_id and app["secret"] == az.emu.app_secret
    assert app["isDefault"] is True and app["permissionStrategy"] == {"enabled": True, "defaultStrategy": "ALLOW_ALL"}
    assert az.rest("GET", "/api/v2/applications/000000000000000000000000") is None


def test_management_token_required(az):
    az.emu.create_user(username="plain", password="passw0rd")
    token = login(az.emu, "plain", az.emu.app_id)["data"]["loginByUsername"]["token"]
    with az.emu.client(token) as c:
        assert c.get("/api/v2/applications")[1]["code"] == 1001
    with az.emu.client() as c:
        assert c.get("/api/v2/applications")[1]["code"] == 2020
        assert c.post("/api/v2/applications", {"name": "x"})[1]["code"] == 2020


def test_requests_may_name_any_application_of_the_pool(az):
    app = new_app(az)
    with az.emu.client(az.emu.management_token()) as c:
        assert c.get("/api/v2/applications", **{"x-approw-app-id": app["id"]})[1]["code"] == 200
        assert c.get("/api/v2/applications", **{"x-approw-app-id": "000000000000000000000000"})[1]["code"] == 2011
    az.rest("DELETE", "/api/v2/applications/" + app["id"])
    with az.emu.client(az.emu.management_token()) as c:
        assert c.get("/api/v2/applications", **{"x-approw-app-id": app["id"]})[1]["code"] == 2011


@pytest.mark.parametrize("body, code", [
    ({"identifier": "x1", "redirectUris": []}, 2007),
    ({"name": "", "identifier": "x1", "redirectUris": []}, 2007),
    ({"name": "X", "identifier": "-x", "redirectUris": []}, 2231),
    ({"name": "X", "identifier": "x" * 64, "redirectUris": []}, 2231),
    ({"name": "X", "identifier": "x1"}, 2231),
    ({"name": "X", "identifier": "x1", "redirectUris": ["https://ok.example/cb#frag"]}, 2231),
    ({"name": "X", "identifier": "x1", "redirectUris": [], "description": "d" * 141}, 2013),
    ({"name": "X", "identifier": "x1", "redirectUris": [], "logo": 5}, 2231),
    ({"name": "X", "identifier": "x1", "redirectUris": [], "defaultStrategy": "SOME"}, 2231),
    ({"name": "X", "identifier": "emulator", "redirectUris": []}, 2039),
    (["not", "an", "object"], 2231),
])
def test_create_checks_its_input(az, body, code):
    assert az.rest_code("POST", "/api/v2/applications", body) == code


def test_update_settings(az):
    app = new_app(az, defaultStrategy="DENY_ALL", description="first")
    assert app["permissionStrategy"]["defaultStrategy"] == "DENY_ALL"
    path = "/api/v2/applications/" + app["id"]
    updated = az.rest("POST", path, {"permissionStrategy": {"defaultStrategy": "ALLOW_ALL"}, "name": "Library",
                                     "redirectUris": ["https://lib.example/cb"]})
    assert updated["permissionStrategy"]["defaultStrategy"] == "ALLOW_ALL" and updated["name"] == "Library"
    assert updated["redirectUris"] == ["https://lib.example/cb"] and updated["description"] == "first"
    assert updated["updatedAt"] >= app["updatedAt"]
    namespaces = az.rest("GET", "/api/v2/resource-namespace/%s?limit=100" % az.emu.user_pool_id)["list"]
    assert {n["code"]: n["name"] for n in namespaces}[app["id"]] == "Library"        # the namespace follows
    assert az.rest_code("POST", path, {"identifier": "emulator"}) == 2039
    assert az.rest_code("POST", path, {"permissionStrategy": "ALLOW_ALL"}) == 2231
    assert az.rest_code("POST", "/api/v2/applications/000000000000000000000000", {"name": "x"}) == 2011


def test_access_policy_requests_are_checked(az):
    app = new_app(az)
    user = az.user("someone")
    base = "/api/v2/applications/%s/authorization/" % app["id"]
    assert az.rest_code("POST", base + "grant", {"targetType": "USER", "targetIdentifiers": [user]}) == 404
    assert az.rest_code("POST", base + "allow", {"targetType": "AK_SK", "targetIdentifiers": ["k"]}) == 2231
    assert az.rest_code("POST", base + "allow", {"targetType": "USER", "targetIdentifiers": []}) == 2231
    assert az.rest_code("POST", base + "allow", {"targetType": "USER", "targetIdentifiers": [user],
                                                 "namespace": "default"}) == 2231
    assert az.rest_code("POST", base + "allow", {"targetType": "USER", "targetIdentifiers": ["nobody"]}) == 2004
    assert az.rest_code("POST", base + "allow", {"targetType": "GROUP", "targetIdentifiers": ["nogroup"]}) == 404
    # revoking what does not exist is not an error
    assert az.rest("POST", base + "revoke", {"targetType": "USER", "targetIdentifiers": ["nobody"]}) is None


def test_a_policy_goes_with_its_target(az):
    app = new_app(az)
    user, role = az.user("leaving"), az.role("temp", namespace=app["id"])
    base = "/api/v2/applications/%s/authorization/" % app["id"]
    az.rest("POST", base + "allow", {"targetType": "USER", "targetIdentifiers": [user]})
    az.rest("POST", base + "deny", {"targetType": "ROLE", "targetIdentifiers": ["temp"], "namespace": app["id"]})
    assert az.rows("app_access_policies", "app_id = ?", app["id"]) == 2
    az.ok("mutation($id: String!) { deleteUser(id: $id) { code } }", {"id": user})
    az.ok("mutation($c: String!, $n: String) { deleteRole(code: $c, namespace: $n) { code } }",
          {"c": role["code"], "n": app["id"]})
    assert az.rows("app_access_policies", "app_id = ?", app["id"]) == 0


def test_deleting_an_application_removes_its_things_and_sessions(az):
    app = new_app(az)
    az.emu.create_user(username="reader", password="passw0rd")
    token = login(az.emu, "reader", app["id"])["data"]["loginByUsername"]["token"]
    az.role("editor", namespace=app["id"])
    az.rest("POST", "/api/v2/applications/%s/agreements" % app["id"], {"title": "Terms"})
    az.rest("POST", "/api/v2/applications/%s/authorization/allow" % app["id"],
            {"targetType": "ROLE", "targetIdentifiers": ["editor"]})
    with az.emu.client(token) as c:
        assert c.get("/api/v2/users/me")[1]["code"] == 200
    az.rest("DELETE", "/api/v2/applications/" + app["id"])
    with az.emu.client(token) as c:
        assert c.get("/api/v2/users/me")[1]["code"] == 2020       # its sessions ended
    for table in ("app_access_policies", "app_agreements"):
        assert az.rows(table, "app_id = ?", app["id"]) == 0
    assert az.rows("roles r JOIN namespaces n ON n.id = r.namespace_id", "n.code = ?", app["id"]) == 0


def test_the_users_list_of_applications(az):
    open_app, closed_app = new_app(az, "Open", "open"), new_app(az, "Closed", "closed", defaultStrategy="DENY_ALL")
    az.emu.create_user(username="viewer", password="passw0rd")
    token = login(az.emu, "viewer", az.emu.app_id)["data"]["loginByUsername"]["token"]
    with az.emu.client(token) as c:
        page = c.get("/api/v2/users/me/applications/allowed?page=1&limit=10")[1]["data"]
        assert [a["id"] for a in page["list"]] == [az.emu.app_id, open_app["id"]]
        assert closed_app["id"] not in [a["id"] for a in page["list"]]
        assert "secret" not in page["list"][1] and page["list"][1]["name"] == "Open"
        assert c.get("/api/v2/users/me/applications/allowed?page=2&limit=1")[1]["data"]["list"][0]["id"] == \
            open_app["id"]
        assert c.get("/api/v2/users/me/applications/allowed?limit=x")[1]["code"] == 2231
    with az.emu.client() as c:
        assert c.get("/api/v2/users/me/applications/allowed")[1]["code"] == 2020


def test_login_status_names_the_application(az):
    app = new_app(az, "Status", "status")
    user = az.emu.create_user(username="watcher", password="passw0rd")
    login(az.emu, "watcher", app["id"])
    status = az.rest("GET", "/api/v2/users/login-status?userId=" + user["id"])
    assert [(a["id"], a["name"]) for a in status["application"]] == [(app["id"], "Status")]


def test_the_default_applications_refreshed_secret_survives_a_restart(tmp_path):
    db = str(tmp_path / "state.db")
    config = EmulatorConfig(db=db, hash_iterations=1000, app_secret="first-secret")
    with Emulator(config) as emu:
        with emu.client(emu.management_token()) as c:
            status, body = c.request("PATCH", "/api/v2/application/%s/refresh-secret" % emu.app_id)
        new_secret = body["data"]["secret"]
        assert emu.app_secret == new_secret != "first-secret"
    with Emulator(EmulatorConfig(db=db, hash_iterations=1000)) as emu:
        assert emu.app_secret == new_secret and emu.info()["app_secret"] == new_secret
    with pytest.raises(ValueError, match="appSecret"):
        Emulator(EmulatorConfig(db=db, hash_iterations=1000, app_secret="first-secret"))


def test_the_providers_login_form_applies_the_access_policy(az):
    az.emu.create_user(username="formuser", password="passw0rd")
    az.rest("POST", "/api/v2/applications/" + az.emu.app_id, {"defaultStrategy": "DENY_ALL"})
    url = "%s/oidc/auth?%s" % (az.emu.url, urlencode({"client_id": az.emu.app_id, "response_type": "code",
                                                      "redirect_uri": "http://rp.example.test/cb",
                                                      "scope": "openid", "state": "s"}))
    browser = Browser()
    page = browser.submit(browser.get(url), username="formuser", password="passw0rd")
    assert page.status == 200 and "may not use this application" in page.text
    assert login(az.emu, "formuser", az.emu.app_id)["errors"][0]["message"]["code"] == 1001
    az.rest("POST", "/api/v2/applications/" + az.emu.app_id, {"defaultStrategy": "ALLOW_ALL"})
    assert browser.submit(page, username="formuser", password="passw0rd").status == 302


def test_an_applications_namespace_follows_the_application(az):
    app = new_app(az)
    base = "/api/v2/resource-namespace/%s/code/%s" % (az.emu.user_pool_id, app["id"])
    assert az.rest_code("PUT", base, {"name": "Mine"}) == 1001
    assert az.rest_code("DELETE", base) == 1001
    assert az.rest_code("POST", "/api/v2/resource-namespace/" + az.emu.user_pool_id,
                        {"code": app["id"], "name": "Copy"}) == 2026
