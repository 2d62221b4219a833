"""Users management: create, read, update, delete, list, find, batch, search (SERVER.md section 3)."""

from __future__ import annotations

import re
import time
from typing import Any, Dict, List, Optional

import pytest

graphql = pytest.importorskip("graphql")

from approw.emulator.schema import sdl  # noqa: E402
from clock import next_millisecond  # noqa: E402

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\Z")
CREATE = "mutation($i: CreateUserInput!, $p: String, $id: CreateUserIdentityInput) " \
         "{ createUser(userInfo: $i, params: $p, identity: $id) { id username email phone externalId } }"
UPDATE = "mutation($id: String, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) " \
         "{ id username email phone nickname externalId unionid signedUp lastLogin updatedAt } }"
LOGIN = "mutation($i: LoginByUsernameInput!) { loginByUsername(input: $i) { id token } }"
USER = "query($id: String) { user(id: $id) { id username email } }"
PAGE = "query($page: Int, $limit: Int, $sort: SortByEnum) { users(page: $page, limit: $limit, sortBy: $sort) " \
       "{ totalCount list { id username } } }"


def _selection(type_name: str, schema: Any, depth: int = 0) -> str:
    """Every field of a type (nested objects expanded, arguments left out)."""
    gql_type = schema.get_type(type_name)
    fields = []
    for name, field in gql_type.fields.items():
        inner = graphql.get_named_type(field.type)
        if isinstance(inner, graphql.GraphQLObjectType):
            if depth < 2:
                fields.append("%s { %s }" % (name, _selection(inner.name, schema, depth + 1)))
        else:
            fields.append(name)
    return " ".join(fields)


ALL_USER_FIELDS = _selection("User", graphql.build_schema(sdl()))


def unique(prefix: str) -> str:
    return "%s-%d" % (prefix, time.monotonic_ns())


def code_of(body: Dict[str, Any]) -> int:
    assert body.get("errors"), body
    return body["errors"][0]["message"]["code"]


class Admin:
    """A management-token client with the few calls these tests repeat."""

    def __init__(self, emu: Any) -> None:
        self.emu = emu
        self.c = emu.client(emu.management_token())

    def gql(self, query: str, variables: Optional[Dict[str, Any]] = None, **kw: Any) -> Dict[str, Any]:
        return self.c.graphql(query, variables, **kw)

    def create(self, password: Optional[str] = None, params: Optional[str] = None, identity: Any = None,
               **fields: Any) -> Dict[str, Any]:
        if password is not None:
            fields["password"] = self.emu.encrypt_password(password)
        return self.gql(CREATE, {"i": fields, "p": params, "id": identity})

    def created(self, **fields: Any) -> Dict[str, Any]:
        body = self.create(**fields)
        assert "errors" not in body, body
        return body["data"]["createUser"]

    def update(self, user_id: Optional[str], changes: Dict[str, Any]) -> Dict[str, Any]:
        return self.gql(UPDATE, {"id": user_id, "i": changes})

    def login(self, username: str, password: str) -> Dict[str, Any]:
        return self.c.graphql(LOGIN, {"i": {"username": username, "password": self.emu.encrypt_password(password)}},
                              token="")


@pytest.fixture(scope="module")
def admin(approw_emulator):
    a = Admin(approw_emulator)
    yield a
    a.c.close()


@pytest.fixture
def fresh_admin(approw_emulator_fresh):
    a = Admin(approw_emulator_fresh)
    yield a
    a.c.close()


# --- create -------------------------------------------------------------------------------------


def test_created_user_has_every_field_with_the_service_defaults(admin, approw_emulator):
    created = admin.created(username=unique("full"), password="pw-full-1")
    body = admin.gql("query($id: String) { user(id: $id) { %s } }" % ALL_USER_FIELDS, {"id": created["id"]})
    assert "errors" not in body, body
    user = body["data"]["user"]
    pool = approw_emulator.user_pool_id
    assert re.fullmatch(r"[0-9a-f]{24}", user["id"])
    assert user["arn"] == "arn:cn:approw:%s:user:%s" % (pool, user["id"])
    assert user["userPoolId"] == pool
    assert user["status"] == "Activated"
    assert user["lastIP"] == "127.0.0.1"
    assert user["identities"] == [] and user["customData"] == []
    assert user["registerSource"] == ["import:manual"]
    assert user["photo"] == "https://usercontents.approw.cn/approw-avatar.png"
    assert user["gender"] == "U"
    assert (user["emailVerified"], user["phoneVerified"], user["blocked"], user["isDeleted"]) == (False,) * 4
    assert user["loginsCount"] == 0
    assert (user["password"], user["token"], user["lastLogin"], user["tokenExpiredAt"]) == (None,) * 4
    assert ISO.match(user["createdAt"]) and user["createdAt"] == user["updatedAt"] == user["signedUp"]
    for relation in ("roles", "groups", "departments", "authorizedResources"):
        assert user[relation] == {"totalCount": 0, "list": []}


def test_email_is_stored_lower_case_and_not_format_checked_for_admins(admin):
    raw = "NoAtSign" + unique("X")
    created = admin.created(email=raw)
    assert created["email"] == raw.lower()


@pytest.mark.parametrize(
    "first, second",
    [
        ({"username": "dup-name"}, {"username": "dup-name"}),
        ({"email": "dup@example.com"}, {"email": "DUP@Example.COM"}),
        ({"phone": "+8613800000000"}, {"phone": "+8613800000000"}),
        ({"username": "dup-any"}, {"username": "dup-any", "email": "other-unique@example.com"}),
    ],
)
def test_duplicate_identifiers_are_2026(fresh_admin, first, second):
    fresh_admin.created(**first)
    body = fresh_admin.create(**second)
    assert body["data"] is None and code_of(body) == 2026
    assert body["errors"][0]["message"]["message"] == "The user already exists, please do not register again"


def test_usernames_are_case_sensitive(fresh_admin):
    fresh_admin.created(username="CaseName")
    assert fresh_admin.created(username="casename")["username"] == "casename"


@pytest.mark.parametrize("fields", [{}, {"nickname": "nobody"}, {"username": ""}])
def test_a_user_needs_an_identifier(admin, fields):
    body = admin.create(password="pw-only-1", **fields)
    assert code_of(body) == 2231 and "identifier" in body["errors"][0]["message"]["message"]


@pytest.mark.parametrize("fields", [{"email": "only-email-%d@example.com"}, {"phone": "+1555%d"}, {"externalId": "ext-%d"}])
def test_one_identifier_without_password_is_enough(admin, fields):
    key, value = next(iter(fields.items()))
    assert admin.created(**{key: value % time.monotonic_ns()})["id"]


@pytest.mark.parametrize("value", ["1602756997950", "2021-13-45T00:00:00Z", "yesterday", "2021/01/01", ""])
def test_dates_must_be_iso_8601(admin, value):
    body = admin.create(username=unique("date"), signedUp=value)
    assert code_of(body) == 2231 and "signedUp" in body["errors"][0]["message"]["message"]
    body = admin.create(username=unique("date"), lastLogin=value)
    assert code_of(body) == 2231


def test_signed_up_round_trips_to_the_same_instant(admin):
    created = admin.created(username=unique("signed"), signedUp="2017-06-07T14:34:08+04:00",
                            lastLogin="2020-01-02T03:04:05.678Z")
    user = admin.gql("query($id: String) { user(id: $id) { signedUp lastLogin } }", {"id": created["id"]})
    assert user["data"]["user"] == {"signedUp": "2017-06-07T10:34:08.000Z", "lastLogin": "2020-01-02T03:04:05.678Z"}


def test_passwords_must_arrive_encrypted(admin):
    body = admin.gql(CREATE, {"i": {"username": unique("plain"), "password": "plain-text"}})
    error = body["errors"][0]["message"]
    assert error["code"] == 2016 and "Client password decryption error" in error["message"]


def test_created_password_works_for_login_and_is_never_returned(admin):
    name = unique("pw")
    created = admin.created(username=name, password="Secret-123")
    login = admin.login(name, "Secret-123")
    assert login["data"]["loginByUsername"]["id"] == created["id"]
    body = admin.gql("query($id: String) { user(id: $id) { password } }", {"id": created["id"]})
    assert body["data"]["user"]["password"] is None


def test_create_with_an_identity(admin):
    provider, idp_id = "github", unique("gh")
    created = admin.created(username=unique("social"), identity={"provider": provider, "userIdInIdp": idp_id,
                                                                 "isSocial": True, "openid": "oid-1"})
    user = admin.gql("query($id: String) { user(id: $id) { identities { provider userIdInIdp userId openid isSocial "
                     "userPoolId } } }", {"id": created["id"]})["data"]["user"]
    assert user["identities"] == [{"provider": provider, "userIdInIdp": idp_id, "userId": created["id"],
                                   "openid": "oid-1", "isSocial": True, "userPoolId": admin.emu.user_pool_id}]
    found = admin.gql("query($x: FindUserByIdentityInput) { findUser(identity: $x) { id } }",
                      {"x": {"provider": provider, "userIdInIdp": idp_id}})
    assert found["data"]["findUser"]["id"] == created["id"]
    again = admin.create(username=unique("social2"), identity={"provider": provider, "userIdInIdp": idp_id})
    assert code_of(again) == 2026


def test_register_source_can_be_given(admin):
    created = admin.created(username=unique("src"), registerSource=["import:csv"])
    body = admin.gql("query($id: String) { user(id: $id) { registerSource } }", {"id": created["id"]})
    assert body["data"]["user"]["registerSource"] == ["import:csv"]


# --- read ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("user_id", ["000000000000000000000000", "xxx", ""])
def test_unknown_or_malformed_ids_read_as_null(admin, user_id):
    assert admin.gql(USER, {"id": user_id}) == {"data": {"user": None}}


def test_user_without_id_and_management_token_is_null(admin):
    assert admin.gql(USER) == {"data": {"user": None}}


def test_a_user_token_reads_itself_but_not_others(admin, approw_emulator):
    mine = admin.created(username=unique("self"), password="pw-self-1")
    other = admin.created(username=unique("other"))
    token = admin.login(mine["username"], "pw-self-1")["data"]["loginByUsername"]["token"]
    with approw_emulator.client(token) as c:
        assert c.graphql(USER)["data"]["user"]["id"] == mine["id"]
        assert c.graphql(USER, {"id": mine["id"]})["data"]["user"]["id"] == mine["id"]
        assert code_of(c.graphql(USER, {"id": other["id"]})) == 1001
    with approw_emulator.client() as c:
        assert code_of(c.graphql(USER, {"id": mine["id"]})) == 2020


def test_rest_user_detail(admin, approw_emulator):
    created = admin.created(username=unique("rest"), email=unique("rest") + "@example.com")
    status, body = admin.c.get("/api/v2/users/" + created["id"])
    assert status == 200 and body["code"] == 200
    user = body["data"]
    assert user["id"] == created["id"] and user["password"] is None and user["identities"] == []
    assert user["arn"].endswith(":user:" + created["id"]) and "customData" not in user
    assert admin.c.get("/api/v2/users/%s?with_custom_data=true" % created["id"])[1]["data"]["customData"] == []
    for missing in ("000000000000000000000000", "xxx"):
        assert admin.c.get("/api/v2/users/" + missing)[1] == {"code": 200, "message": "", "data": None}
    with approw_emulator.client() as c:
        assert c.get("/api/v2/users/" + created["id"])[1]["code"] == 2020


def test_rest_user_batch(admin):
    a = admin.created(username=unique("rb"))
    b = admin.created(username=unique("rb"))
    status, body = admin.c.post("/api/v2/users/batch", {"ids": [b["id"], "nope", a["id"]], "type": "id"})
    assert [u["id"] for u in body["data"]] == [b["id"], a["id"]]
    body = admin.c.post("/api/v2/users/batch", {"ids": [a["username"]], "type": "username", "withCustomData": True})[1]
    assert body["data"][0]["customData"] == []
    assert admin.c.post("/api/v2/users/batch", {"ids": ["x"] * 81})[1]["code"] == 2030
    assert admin.c.post("/api/v2/users/batch", {"ids": "x"})[1]["code"] == 2231
    assert admin.c.post("/api/v2/users/batch", {"ids": ["x"], "type": "nickname"})[1]["code"] == 2231


# --- update -------------------------------------------------------------------------------------


def test_admin_updates_any_field(admin):
    user = admin.created(username=unique("upd"), password="old-pw-1")
    next_millisecond()      # updatedAt must come out later than signedUp (ms stamps)
    email = unique("New.Mail") + "@Example.com"
    body = admin.update(user["id"], {"nickname": "Nick", "email": email, "phone": "+1999%d" % time.monotonic_ns(),
                                     "externalId": "ext-upd", "unionid": "u-1", "lastLogin": "2020-02-02T02:02:02Z"})
    assert "errors" not in body, body
    updated = body["data"]["updateUser"]
    assert updated["nickname"] == "Nick" and updated["email"] == email.lower()
    assert updated["externalId"] == "ext-upd" and updated["unionid"] == "u-1"
    assert updated["lastLogin"] == "2020-02-02T02:02:02.000Z" and updated["updatedAt"] > updated["signedUp"]


def test_admin_password_change_takes_effect(admin):
    name = unique("repw")
    user = admin.created(username=name, password="old-pw-1")
    assert "errors" not in admin.update(user["id"], {"password": admin.emu.encrypt_password("new-pw-2")})
    assert code_of(admin.login(name, "old-pw-1")) == 2006
    assert admin.login(name, "new-pw-2")["data"]["loginByUsername"]["id"] == user["id"]
    assert code_of(admin.update(user["id"], {"password": "not-encrypted"})) == 2016


def test_admin_update_errors(admin):
    a = admin.created(username=unique("ua"), email=unique("ua") + "@example.com")
    b = admin.created(username=unique("ub"))
    assert code_of(admin.update(b["id"], {"email": a["email"].upper()})) == 2026
    assert code_of(admin.update(b["id"], {"username": a["username"]})) == 2026
    assert code_of(admin.update("000000000000000000000000", {"nickname": "x"})) == 2004
    assert code_of(admin.update(None, {"nickname": "x"})) == 2231
    assert code_of(admin.update(b["id"], {"lastLogin": "1602756997950"})) == 2231


def test_self_service_update_is_limited_to_profile_fields(admin, approw_emulator):
    name = unique("prof")
    me = admin.created(username=name, password="pw-prof-1", email=unique("prof") + "@example.com")
    other = admin.created(username=unique("prof-other"))
    token = admin.login(name, "pw-prof-1")["data"]["loginByUsername"]["token"]
    with approw_emulator.client(token) as c:
        ok = c.graphql(UPDATE, {"id": me["id"], "i": {"nickname": "Me", "email": me["email"].upper()}})
        assert ok["data"]["updateUser"]["nickname"] == "Me"  # an unchanged email is not a change
        assert c.graphql(UPDATE, {"i": {"nickname": "No id"}})["data"]["updateUser"]["nickname"] == "No id"
        for changes, code in [({"email": "new@example.com"}, 2225), ({"phone": "+100"}, 2226),
                              ({"unionid": "u"}, 2018), ({"openid": "o"}, 2018), ({"blocked": True}, 2018),
                              ({"loginsCount": 99}, 2018), ({"password": "x"}, 2019)]:
            assert code_of(c.graphql(UPDATE, {"id": me["id"], "i": changes})) == code, changes
        assert code_of(c.graphql(UPDATE, {"id": other["id"], "i": {"nickname": "hijack"}})) == 2202
    with approw_emulator.client() as c:
        assert code_of(c.graphql(UPDATE, {"id": me["id"], "i": {"nickname": "anon"}})) == 2020


# --- delete -------------------------------------------------------------------------------------


def test_delete_user(admin):
    user = admin.created(username=unique("del"))
    doc = "mutation($id: String!) { deleteUser(id: $id) { code message } }"
    assert admin.gql(doc, {"id": user["id"]})["data"]["deleteUser"]["code"] == 200
    assert admin.gql(USER, {"id": user["id"]}) == {"data": {"user": None}}
    again = admin.gql(doc, {"id": user["id"]})["data"]["deleteUser"]
    assert again["code"] == 2210 and "did not exist" in again["message"]
    assert admin.created(username=user["username"])  # the identifier is free again


def test_delete_users(admin):
    ids = [admin.created(username=unique("dm"))["id"] for _ in range(3)]
    doc = "mutation($ids: [String!]!) { deleteUsers(ids: $ids) { code message } }"
    assert admin.gql(doc, {"ids": ids[:2]})["data"]["deleteUsers"] == {"code": 200, "message": "Deleted 2 users"}
    partial = admin.gql(doc, {"ids": [ids[2], "000000000000000000000000"]})["data"]["deleteUsers"]
    assert partial["code"] == 2210 and "1 of 2" in partial["message"]
    assert all(admin.gql(USER, {"id": i})["data"]["user"] is None for i in ids)


# --- listing ------------------------------------------------------------------------------------


def test_users_are_listed_newest_first_with_pagination(fresh_admin):
    names = ["p%02d" % i for i in range(25)]
    for name in names:
        fresh_admin.created(username=name)
    newest_first = list(reversed(names))

    def page(**variables: Any) -> Dict[str, Any]:
        body = fresh_admin.gql(PAGE, variables)
        assert "errors" not in body, body
        return body["data"]["users"]

    first = page(page=1, limit=10)
    assert first["totalCount"] == 25 and [u["username"] for u in first["list"]] == newest_first[:10]
    assert [u["username"] for u in page(page=3, limit=10)["list"]] == newest_first[20:]
    assert page(page=4, limit=10) == {"totalCount": 25, "list": []}
    assert page(page=0, limit=10) == first and page(limit=10) == first and page() == first  # defaults: page 1, 10
    assert [u["username"] for u in page(limit=3, sort="CREATEDAT_ASC")["list"]] == names[:3]
    assert page(limit=1000)["totalCount"] == 25 and len(page(limit=1000)["list"]) == 25
    assert code_of(fresh_admin.gql(PAGE, {"limit": 0})) == 2231
    user_id = first["list"][5]["id"]
    next_millisecond()      # else the update can tie with the last creation (ms stamps)
    fresh_admin.update(user_id, {"nickname": "touched"})
    assert page(limit=1, sort="UPDATEDAT_DESC")["list"][0]["id"] == user_id
    assert page(limit=1, sort="UPDATEDAT_ASC")["list"][0]["id"] != user_id


def test_users_list_selects_every_field(fresh_admin):
    fresh_admin.created(username="listed", password="pw-list-1")
    body = fresh_admin.gql("{ users { totalCount list { %s } } }" % ALL_USER_FIELDS)
    assert "errors" not in body and body["data"]["users"]["list"][0]["identities"] == []


def test_archived_users(fresh_admin, approw_emulator_fresh):
    fresh_admin.created(username="active-one")
    archived = approw_emulator_fresh.create_user(username="archived-one", status="Archived")
    body = fresh_admin.gql("{ archivedUsers(page: 1, limit: 10) { totalCount list { id status } } }")
    assert body["data"]["archivedUsers"] == {"totalCount": 1, "list": [{"id": archived["id"], "status": "Archived"}]}


# --- find, exists, batch, search ----------------------------------------------------------------


FIND = "query($u: String, $e: String, $p: String, $x: String) " \
       "{ findUser(username: $u, email: $e, phone: $p, externalId: $x) { id } }"
EXISTS = "query($u: String, $e: String, $p: String, $x: String) " \
         "{ isUserExists(username: $u, email: $e, phone: $p, externalId: $x) }"


def test_find_user(fresh_admin):
    user = fresh_admin.created(username="finder", email="finder@example.com", phone="+10001", externalId="ext-f")

    def find(**v: Any) -> Optional[str]:
        body = fresh_admin.gql(FIND, v)
        assert "errors" not in body, body
        return (body["data"]["findUser"] or {}).get("id")

    assert find(u="finder") == find(e="FINDER@example.com") == find(p="+10001") == find(x="ext-f") == user["id"]
    assert find(u="finder", e="finder@example.com") == user["id"]
    assert find(u="finder", e="other@example.com") is None  # every given criterion must match
    assert find(u="Finder") is None
    assert code_of(fresh_admin.gql(FIND, {})) == 2231


def test_is_user_exists(fresh_admin):
    fresh_admin.created(username="exists", email="exists@example.com", phone="+10002", externalId="ext-e")

    def exists(**v: Any) -> bool:
        return fresh_admin.gql(EXISTS, v)["data"]["isUserExists"]

    assert exists(u="exists") and exists(e="EXISTS@example.com") and exists(p="+10002") and exists(x="ext-e")
    assert exists(u="nobody", e="exists@example.com")  # any criterion matching is enough
    assert not exists(u="EXISTS") and not exists(u="nobody") and not exists()


def test_user_batch(fresh_admin):
    users = [fresh_admin.created(username="b%d" % i, email="b%d@example.com" % i, phone="+2000%d" % i,
                                 externalId="xb%d" % i) for i in range(3)]
    doc = "query($ids: [String!]!, $t: String) { userBatch(ids: $ids, type: $t) { id } }"

    def batch(ids: List[str], kind: Optional[str] = None) -> List[str]:
        body = fresh_admin.gql(doc, {"ids": ids, "t": kind})
        assert "errors" not in body, body
        return [u["id"] for u in body["data"]["userBatch"]]

    expected = [users[2]["id"], users[0]["id"]]
    assert batch([users[2]["id"], "000000000000000000000000", users[0]["id"]]) == expected
    assert batch(["b2", "b0"], "username") == expected
    assert batch(["B2@example.com", "b0@example.com"], "email") == expected
    assert batch(["+20002", "+20000"], "phone") == expected
    assert batch(["xb2", "xb0"], "externalId") == expected
    assert batch(["x"] * 80) == []
    assert code_of(fresh_admin.gql(doc, {"ids": ["x"] * 81})) == 2030
    assert code_of(fresh_admin.gql(doc, {"ids": ["x"], "t": "nickname"})) == 2231


def test_search_user(fresh_admin):
    for name, nick in [("alpha", "Big Cat"), ("beta", "small cat"), ("gamma", "dog"), ("de_lta", "100% real")]:
        fresh_admin.created(username=name, nickname=nick)
    doc = "query($q: String!, $f: [String], $page: Int, $limit: Int, $r: [SearchUserRoleOpt]) " \
          "{ searchUser(query: $q, fields: $f, page: $page, limit: $limit, roleOpts: $r) { totalCount list { username } } }"

    def search(**v: Any) -> Dict[str, Any]:
        body = fresh_admin.gql(doc, v)
        assert "errors" not in body, body
        result = body["data"]["searchUser"]
        return {"total": result["totalCount"], "names": [u["username"] for u in result["list"]]}

    assert search(q="CAT") == {"total": 2, "names": ["beta", "alpha"]}
    assert search(q="cat", f=["username"]) == {"total": 0, "names": []}
    assert search(q="a", f=["username"], limit=2, page=2) == {"total": 4, "names": ["beta", "alpha"]}
    assert search(q="_")["names"] == ["de_lta"] and search(q="%")["names"] == ["de_lta"]
    assert code_of(fresh_admin.gql(doc, {"q": "cat", "r": [{"namespace": "default", "code": "admin"}]})) == 404
    assert "errors" not in fresh_admin.gql('mutation { createRole(code: "admin") { id } }')
    assert search(q="cat", r=[{"namespace": "default", "code": "admin"}])["total"] == 0   # no holder yet
    body = fresh_admin.gql(doc, {"q": "x", "f": ["password"]})
    assert code_of(body) == 2015

