"""The emulator fuzzed from its own schema (hypothesis-graphql): valid and invalid queries and
mutations on /graphql/v2 as the management client, and generated bad input on the REST and
OIDC endpoints.  Never a 500 or a dropped connection; every refusal carries a code of the
documented table (approw/emulator/error-codes.tsv) or, on the OAuth endpoints, an RFC 6749
error.  Bounded: a fixed number of examples per test, its own emulator (mutations such as
refreshUserpoolSecret must not disturb the other tests)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

pytest.importorskip("graphql")
hypothesis_graphql = pytest.importorskip("hypothesis_graphql")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis_graphql import nodes  # noqa: E402

import approw.emulator  # noqa: E402
from approw.emulator.app import Emulator  # noqa: E402
from approw.emulator.config import EmulatorConfig  # noqa: E402
from approw.emulator.errors import code_table, message_for  # noqa: E402

PACKAGE = Path(approw.emulator.__file__).parent
SCHEMA = (PACKAGE / "schema.graphql").read_text(encoding="utf-8")
# the service's published table (error-codes.tsv) and the codes it uses beyond it
DOCUMENTED = set(code_table())
INTERNAL = message_for(500)     # what the server answers for an unhandled exception
BOUNDED = settings(max_examples=80, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.filter_too_much, HealthCheck.data_too_large])
SCALARS = {"Object": st.dictionaries(st.text(max_size=6), st.integers() | st.text(max_size=6), max_size=3)
           .map(lambda d: nodes.String(json.dumps(d)))}
OAUTH_ERRORS = {"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                "unsupported_grant_type", "invalid_scope", "invalid_token", "unsupported_token_type",
                "access_denied", "unsupported_response_type", "server_error", "login_required"}


@pytest.fixture(scope="module")
def emu():
    with Emulator(EmulatorConfig(hash_iterations=1000)) as emulator:
        emulator.create_user(username="fuzz-user", email="fuzz@example.test", password="pw-fuzz")
        yield emulator


@pytest.fixture(scope="module")
def admin(emu):
    with emu.client(emu.management_token()) as c:
        yield c


def check_graphql(status: int, body: Any) -> None:
    assert status == 200, (status, body)
    assert isinstance(body, dict) and set(body) <= {"data", "errors"}, body
    for error in body.get("errors") or []:
        message = error["message"]
        assert isinstance(message, dict) and isinstance(message.get("message"), str), error
        assert message["code"] in DOCUMENTED and message["message"] != INTERNAL, error


def post_graphql(admin, document: str) -> None:
    status, body = admin.post("/graphql/v2", {"query": document})
    check_graphql(status, body)


@BOUNDED
@given(document=hypothesis_graphql.queries(SCHEMA, custom_scalars=SCALARS))
def test_generated_queries(admin, document):
    post_graphql(admin, document)


@BOUNDED
@given(document=hypothesis_graphql.mutations(SCHEMA, custom_scalars=SCALARS))
def test_generated_mutations(admin, document):
    post_graphql(admin, document)


@BOUNDED
@given(document=hypothesis_graphql.queries(SCHEMA, custom_scalars=SCALARS, mode=hypothesis_graphql.Mode.NEGATIVE)
       | hypothesis_graphql.mutations(SCHEMA, custom_scalars=SCALARS, mode=hypothesis_graphql.Mode.NEGATIVE))
def test_invalid_documents_are_refused_with_a_documented_code(admin, document):
    post_graphql(admin, document)


REST = [
    ("GET", "/api/v2/users/me"), ("GET", "/api/v2/users/login-status"), ("POST", "/api/v2/users/kick"),
    ("GET", "/api/v2/analysis/user-action"), ("POST", "/api/v2/env"), ("POST", "/api/v2/sms/send"),
    ("POST", "/api/v2/mfa/totp/verify"), ("POST", "/api/v2/ldap/verify-user"), ("GET", "/api/v2/logout"),
    ("GET", "/api/v2/users/search"), ("POST", "/api/v2/users/unlink"),
]
OAUTH = [("POST", "/oidc/token"), ("POST", "/oidc/token/introspection"), ("POST", "/oidc/token/revocation"),
         ("GET", "/oidc/me"), ("POST", "/oauth/token")]
PAGES = [("GET", "/oidc/auth"), ("GET", "/oidc/session/end"), ("GET", "/login/profile/logout"),
         ("GET", "/cas-idp/logout")]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10)
params = st.dictionaries(st.sampled_from(["userId", "appId", "page", "limit", "query", "redirect_uri", "url",
                                          "client_id", "response_type", "scope", "state", "token", "code",
                                          "post_logout_redirect_uri", "id_token_hint", "service", "x"]),
                         st.text(max_size=60), max_size=5)


def _query(values: Dict[str, str]) -> str:
    from urllib.parse import urlencode

    return ("?" + urlencode(values)) if values else ""


@BOUNDED
@given(route=st.sampled_from(REST), query=params, body=json_values, auth=st.booleans())
def test_generated_rest_input(emu, admin, route, query, body, auth):
    method, path = route
    status, answer = admin.request(method, path + _query(query), body if method == "POST" else None,
                                   token=None if auth else "")
    assert status != 500 and status < 500, (status, answer)
    if isinstance(answer, dict) and "code" in answer and answer["code"] != 200:
        assert answer["code"] in DOCUMENTED and answer.get("message") != INTERNAL, answer


@BOUNDED
@given(route=st.sampled_from(OAUTH), form=params, basic=st.text(max_size=30))
def test_generated_oauth_input(emu, route, form, basic):
    from urllib.parse import urlencode

    method, path = route
    with emu.client() as c:
        status, answer = c.request(method, path, urlencode(form).encode() if method == "POST" else None,
                                   headers={"Content-Type": "application/x-www-form-urlencoded",
                                            "Authorization": "Basic " + basic.encode("utf-8").hex()})
    assert status < 500, (status, answer)
    if status >= 400:
        assert isinstance(answer, dict) and answer.get("error") in OAUTH_ERRORS | {None}, answer
        if answer.get("error") is None:
            assert answer.get("code") in DOCUMENTED, answer


@BOUNDED
@given(route=st.sampled_from(PAGES), query=params)
def test_generated_page_input(emu, route, query):
    import http.client
    from urllib.parse import urlsplit

    method, path = route
    parts = urlsplit(emu.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path + _query(query))
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.status < 500
