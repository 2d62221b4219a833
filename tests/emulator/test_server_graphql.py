"""The GraphQL endpoint: introspection, error envelope, headers, unsupported fields."""

from __future__ import annotations

import types

import pytest

graphql = pytest.importorskip("graphql")
from graphql import build_client_schema, get_introspection_query, print_schema  # noqa: E402

from approw.emulator.schema import get_schema, sdl, supported_root_fields  # noqa: E402


@pytest.fixture(scope="module")
def admin(approw_emulator):
    with approw_emulator.client(approw_emulator.management_token()) as c:
        yield c


def first_error(body: dict) -> dict:
    assert body.get("errors"), body
    return body["errors"][0]


def test_standard_introspection_rebuilds_the_shipped_schema(approw_emulator):
    with approw_emulator.client() as c:
        query = get_introspection_query(descriptions=True, input_value_deprecation=True)
        body = c.graphql(query)
        again = c.graphql(query)  # answered from the cache
    assert "errors" not in body and body == again
    client_schema = build_client_schema(body["data"])
    assert print_schema(client_schema) == print_schema(graphql.build_schema(sdl()))


def test_the_default_introspection_query_of_gql_clients_works(approw_emulator):
    with approw_emulator.client() as c:
        body = c.graphql(get_introspection_query())
    assert "errors" not in body
    assert build_client_schema(body["data"]).get_type("User") is not None


def test_type_introspection_with_variables(approw_emulator):
    query = "query($n: String!) { __type(name: $n) { name kind } }"
    with approw_emulator.client() as c:
        assert c.graphql(query, {"n": "User"})["data"]["__type"] == {"name": "User", "kind": "OBJECT"}
        assert c.graphql(query, {"n": "Role"})["data"]["__type"] == {"name": "Role", "kind": "OBJECT"}


def test_syntax_errors_are_code_2231_with_graphql_core_text_and_locations(approw_emulator):
    with approw_emulator.client() as c:
        body = c.graphql("{ users { totalCount }")
    error = first_error(body)
    assert body["data"] is None
    assert error["message"]["code"] == 2231
    assert error["message"]["message"].startswith("Syntax Error")
    assert error["locations"] == [{"line": 1, "column": 23}]


def test_validation_errors_are_code_2231(approw_emulator):
    with approw_emulator.client() as c:
        body = c.graphql("{ users { noSuchField } }")
    assert first_error(body)["message"] == {
        "code": 2231, "message": "Cannot query field 'noSuchField' on type 'PaginatedUsers'."}


@pytest.mark.parametrize(
    "variables, fragment",
    [
        ({}, "was not provided"),
        ({"id": 5}, "String cannot represent a non string value"),
        ({"id": None}, "must not be null"),
    ],
)
def test_variable_errors_are_code_2231(approw_emulator, variables, fragment):
    with approw_emulator.client() as c:
        body = c.graphql("mutation($id: String!) { deleteUser(id: $id) { code } }", variables)
    message = first_error(body)["message"]
    assert message["code"] == 2231 and fragment in message["message"]


def test_unknown_variables_are_ignored(admin):
    body = admin.graphql("query($page: Int) { users(page: $page) { totalCount } }", {"page": 1, "extra": "x"})
    assert "errors" not in body


def test_operation_name_selects_the_operation(approw_emulator):
    doc = "query A { __typename } query B { t: __typename }"
    with approw_emulator.client() as c:
        status, body = c.post("/graphql/v2", {"query": doc, "operationName": "B"})
        assert body == {"data": {"t": "Query"}}
        status, body = c.post("/graphql/v2", {"query": doc})
        assert first_error(body)["message"]["code"] == 2231


def test_business_errors_have_code_message_path_and_locations(approw_emulator):
    with approw_emulator.client() as c:
        body = c.graphql("{ users { totalCount } }")
    assert body == {
        "data": None,
        "errors": [{
            "message": {"code": 2020, "message": "Not logged in yet, no permission to access this request"},
            "locations": [{"line": 1, "column": 3}],
            "path": ["users"],
        }],
    }


def test_a_nullable_root_field_error_keeps_the_other_fields(admin):
    body = admin.graphql('{ a: user(id: "nope") { id } b: userBatch(ids: [], type: "bogus") { id } }')
    assert body["data"] is None or body["data"].get("a") is None
    assert first_error(body)["path"] == ["b"]


@pytest.mark.parametrize("kind", ["Query", "Mutation"])
def test_every_unsupported_root_field_is_a_clear_error(admin, kind):
    schema = get_schema()
    supported = set(supported_root_fields(schema)[kind])
    root = schema.query_type if kind == "Query" else schema.mutation_type
    unsupported = sorted(set(root.fields) - supported)
    assert unsupported, "every root field is implemented: this test has nothing left to check"
    for name in unsupported:
        field = root.fields[name]
        args = ", ".join("%s: $%s" % (a, a) for a in field.args)
        params = ", ".join("$%s: %s" % (a, t.type) for a, t in field.args.items())
        selection = ""
        inner = graphql.get_named_type(field.type)
        if isinstance(inner, graphql.GraphQLObjectType):
            selection = " { __typename }"
        doc = "%s%s { %s%s%s }" % (
            kind.lower(), "(%s)" % params if params else "", name, "(%s)" % args if args else "", selection)
        variables = {a: _sample(t.type) for a, t in field.args.items()}
        body = admin.graphql(doc, variables)
        message = first_error(body)["message"]
        assert message == {"code": 500, "message": "%s.%s is not supported by the Approw emulator" % (kind, name)}, (
            name, body)


def _sample(gql_type):
    """Some valid value for an argument type."""
    gql_type = gql_type.of_type if isinstance(gql_type, graphql.GraphQLNonNull) else gql_type
    if isinstance(gql_type, graphql.GraphQLList):
        return [_sample(gql_type.of_type)]
    if isinstance(gql_type, graphql.GraphQLEnumType):
        return next(iter(gql_type.values))
    if isinstance(gql_type, graphql.GraphQLInputObjectType):
        return {n: _sample(f.type) for n, f in gql_type.fields.items() if isinstance(f.type, graphql.GraphQLNonNull)}
    return {"Int": 1, "Boolean": True, "Float": 1.0}.get(gql_type.name, "x")


def test_the_supported_user_domain_is_present():
    supported = supported_root_fields(get_schema())
    assert {"user", "users", "archivedUsers", "searchUser", "userBatch", "isUserExists", "findUser",
            "checkLoginStatus", "accessToken", "userpool", "udv", "udf"} <= set(supported["Query"])
    assert {"createUser", "updateUser", "deleteUser", "deleteUsers", "registerByUsername", "registerByEmail",
            "loginByUsername", "loginByEmail", "loginByPhonePassword", "refreshToken", "updatePassword",
            "setUdf", "setUdv", "removeUdv"} <= set(supported["Mutation"])


def test_two_domains_resolving_one_field_stop_the_schema(monkeypatch):
    from approw.emulator import schema
    from approw.emulator.domains import DOMAINS

    twin = types.SimpleNamespace(RESOLVERS={"Query": {"user": lambda ctx, args: None}}, DDL="", ROUTES=[])
    monkeypatch.setattr(schema, "DOMAINS", DOMAINS + (twin,))
    with pytest.raises(RuntimeError, match=r"Query\.user resolved by two domains"):
        schema._attach(graphql.build_schema(sdl()))


class TestRequestHeaders:
    QUERY = "{ checkPasswordStrength(password: \"x\") { valid } }"

    @pytest.mark.parametrize("prefix", ["x-approw-", "x-authing-"])
    def test_matching_pool_and_app_headers_in_both_spellings(self, approw_emulator, prefix):
        headers = {prefix + "userpool-id": approw_emulator.user_pool_id, prefix + "app-id": approw_emulator.app_id,
                   prefix + "sdk-version": "python:4.5.15", prefix + "request-from": "sdk", prefix + "lang": "en-US"}
        with approw_emulator.client() as c:
            assert c.graphql(self.QUERY, headers=headers) == {"data": {"checkPasswordStrength": {"valid": True}}}

    @pytest.mark.parametrize(
        "header, code", [("x-approw-userpool-id", 2224), ("x-authing-userpool-id", 2224), ("x-approw-app-id", 2011)]
    )
    def test_another_pool_or_app_is_refused(self, approw_emulator, header, code):
        with approw_emulator.client() as c:
            body = c.graphql(self.QUERY, headers={header: "5f0000000000000000000000"})
        assert body["data"] is None and first_error(body)["message"]["code"] == code

    def test_rest_checks_the_pool_header_too(self, approw_emulator):
        with approw_emulator.client() as c:
            status, body = c.request("GET", "/api/v2/.well-known", headers={"x-approw-userpool-id": "other"})
        assert status == 200 and body == {"code": 2224, "message": "User pool does not exist"}

    def test_empty_headers_count_as_absent(self, approw_emulator):
        with approw_emulator.client() as c:
            body = c.graphql(self.QUERY, headers={"x-approw-userpool-id": "", "x-approw-lang": ""})
        assert "errors" not in body


def test_absurdly_deep_or_long_documents_are_refused_cleanly(approw_emulator):
    with approw_emulator.client() as c:
        deep = c.graphql("{ " + "__typename " * 60000 + "}")
        assert deep["errors"][0]["message"]["code"] == 2231
        assert "tokens" in deep["errors"][0]["message"]["message"]
        nested = c.graphql("query { " + "a { " * 3000 + "b" + " }" * 3000 + " }")
        assert nested["errors"][0]["message"]["code"] == 2231
        assert c.graphql("{ __typename }") == {"data": {"__typename": "Query"}}


def test_the_leaf_fast_path_gives_exactly_the_standard_results(approw_emulator_fresh):
    """Same documents through graphql-core's stock executor and the emulator's one."""
    from graphql import ExecutionContext, execute_sync, parse

    from approw.emulator.context import RequestContext
    from approw.emulator.endpoint import LeafFastExecutionContext

    emu = approw_emulator_fresh
    for i in range(5):
        emu.create_user(username="fast%d" % i, email="Fast%d@example.com" % i, nickname=None if i % 2 else "n%d" % i,
                        loginsCount=i, blocked=bool(i % 2))
    token = emu.management_token()
    documents = [
        "{ users(limit: 10) { totalCount list { %s } } }" % ALL_FIELDS_SELECTION,
        "query($s: Boolean!) { users { list { a: id b: id __typename email @skip(if: $s) username @include(if: $s) "
        "...F } } } fragment F on User { nickname loginsCount status }",
        "{ users { list { id identities { provider } customData { key } roles { totalCount } } } }",
        "{ user(id: \"nope\") { id } userpool { id whitelist { emailEnabled } } }",
    ]
    for doc in documents:
        results = []
        for context_class in (ExecutionContext, LeafFastExecutionContext):
            ctx = RequestContext(emu.pool, {"authorization": "Bearer " + token}.get, "127.0.0.1")
            result = execute_sync(emu.graphql.schema, parse(doc), context_value=ctx, variable_values={"s": True},
                                  execution_context_class=context_class)
            results.append((result.data, [e.formatted for e in result.errors or []]))
        assert results[0] == results[1], doc
        assert not results[0][1], results[0][1]


ALL_FIELDS_SELECTION = " ".join(
    name for name, field in graphql.build_schema(sdl()).get_type("User").fields.items()
    if not isinstance(graphql.get_named_type(field.type), graphql.GraphQLObjectType)
)


def test_the_leaf_fast_path_falls_back_to_standard_errors():
    from graphql import ExecutionContext, execute_sync, parse

    from approw.emulator.endpoint import LeafFastExecutionContext

    schema = graphql.build_schema("type Query { items: [Item] } type Item { a: String! b: Int c: String e: Color }"
                                  " enum Color { RED }")
    rows = [{"a": "ok", "b": 1, "c": 5, "e": "RED"}, {"a": None, "b": 2}, {"a": "x", "b": "not-int"},
            {"a": "y", "e": "BLUE"}]
    schema.query_type.fields["items"].resolve = lambda *_: rows
    doc = parse("{ items { a b c e } }")
    results = [execute_sync(schema, doc, execution_context_class=cls) for cls in (ExecutionContext, LeafFastExecutionContext)]
    assert results[0].data == results[1].data == {
        "items": [{"a": "ok", "b": 1, "c": "5", "e": "RED"}, None, {"a": "x", "b": None, "c": None, "e": None},
                  {"a": "y", "b": None, "c": None, "e": None}]}
    assert [e.formatted for e in results[0].errors] == [e.formatted for e in results[1].errors]
    assert len(results[1].errors) == 3
