"""The namespaces domain through REST: the default namespace, codes, 3003/3005, deleting a
namespace with everything in it."""

from __future__ import annotations

import pytest

from authz_helpers import Authz

pytest.importorskip("graphql")


@pytest.fixture
def az(approw_emulator_fresh):
    a = Authz(approw_emulator_fresh)
    yield a
    a.close()


def base(az: Authz) -> str:
    return "/api/v2/resource-namespace/" + az.emu.user_pool_id


def test_default_namespace_is_listed_with_total_and_totalcount(az):
    page = az.rest("GET", base(az))
    assert page["total"] == page["totalCount"] == 2
    default, application = page["list"]
    assert default["code"] == "default" and isinstance(default["id"], int) and default["id"] > 0
    assert default["userPoolId"] == az.emu.user_pool_id
    assert application["code"] == az.emu.app_id       # the default application's namespace


def test_create_update_list_delete(az):
    created = az.rest("POST", base(az), {"code": "books-app", "name": "Books", "description": "d"})
    assert isinstance(created["id"], int) and created["code"] == "books-app" and created["name"] == "Books"
    updated = az.rest("PUT", "%s/%d" % (base(az), created["id"]), {"name": "Library"})
    assert (updated["name"], updated["code"], updated["description"]) == ("Library", "books-app", "d")
    renamed = az.rest("PUT", base(az) + "/code/books-app", {"code": "library"})
    assert renamed["code"] == "library" and renamed["id"] == created["id"]
    page = az.rest("GET", base(az) + "?page=3&limit=1")
    assert page["total"] == 3 and [n["code"] for n in page["list"]] == ["library"]
    assert az.rest("DELETE", "%s/%d" % (base(az), created["id"])) is None
    assert az.rest("GET", base(az))["total"] == 2
    az.rest("POST", base(az), {"code": "again", "name": "Again"})
    assert az.rest("DELETE", base(az) + "/code/again") is None


def test_errors(az):
    assert az.rest_code("POST", base(az), {"code": "default", "name": "Dup"}) == 2026
    assert az.rest_code("POST", base(az), {"code": "has space", "name": "x"}) == 2231
    assert az.rest_code("POST", base(az), {"code": "x"}) == 2231              # no name
    assert az.rest_code("POST", base(az), ["x"]) == 2231                      # not an object
    assert az.rest_code("PUT", base(az) + "/999", {"name": "x"}) == 3005
    assert az.rest_code("PUT", base(az) + "/abc", {"name": "x"}) == 3005
    assert az.rest_code("PUT", base(az) + "/code/nope", {"name": "x"}) == 3005
    assert az.rest_code("DELETE", base(az) + "/0") == 3003
    assert az.rest_code("DELETE", base(az) + "/code/nope") == 3003
    assert az.rest_code("GET", base(az) + "?page=x") == 2231
    default_id = az.rest("GET", base(az))["list"][0]["id"]
    assert az.rest_code("DELETE", "%s/%d" % (base(az), default_id)) == 1001
    assert az.rest_code("PUT", "%s/%d" % (base(az), default_id), {"code": "other"}) == 1001
    assert az.rest("PUT", "%s/%d" % (base(az), default_id), {"name": "Main"})["name"] == "Main"
    az.rest("POST", base(az), {"code": "taken", "name": "t"})
    other = az.rest("POST", base(az), {"code": "other", "name": "o"})
    assert az.rest_code("PUT", "%s/%d" % (base(az), other["id"]), {"code": "taken"}) == 2026
    assert az.rest_code("GET", "/api/v2/resource-namespace/another-pool") == 2224
    user_id = az.user("plain")
    status, body = az.c.request("GET", base(az), token=az.emu.user_token(user_id))
    assert body["code"] == 1001


def test_deleting_a_namespace_removes_everything_in_it(az):
    ns = az.namespace("app")
    user_id = az.user("member")
    az.role("editor", "app")
    az.assign(["editor"], users=[user_id], namespace="app")
    az.policy("readers", [{"resource": "books:*", "actions": ["books:read"]}], "app")
    az.assign_policy("readers", "ROLE", "editor", "app")
    az.rest("POST", "/api/v2/resources", {"namespace": "app", "code": "books", "type": "DATA",
                                          "actions": [{"name": "books:read", "description": "r"}]})
    az.authorize("books:1", "USER", user_id, ["books:read"], "app")
    assert az.allowed(user_id, "books:1", "books:read", "app")
    counts = {t: az.rows(t) for t in ("roles", "role_users", "policies", "policy_assignments", "resources", "grants")}
    assert all(counts.values()), counts
    az.rest("DELETE", "%s/%d" % (base(az), ns["id"]))
    assert az.rows("roles") == az.rows("role_users") == az.rows("resources") == az.rows("grants") == 0
    assert az.rows("policies", "is_default = 0") == az.rows("policy_assignments") == 0
    assert az.code('query { isActionAllowed(userId: "%s", resource: "books:1", action: "books:read", '
                   'namespace: "app") }' % user_id) == 3003
