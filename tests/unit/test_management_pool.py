"""The pool-level management areas (udf, userpool, whitelist, statistics, mfa): arguments
refused before any request, the log query strings, and the secret after a refresh."""
import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest

from approw.v2.exceptions import ApprowArgumentTypeError, ApprowException, ApprowWrongArgumentException

PAGE = {"code": 200, "message": "", "data": {"totalCount": 0, "list": []}}


def test_bad_arguments_raise_before_any_request(mgmt, fake):
    calls = [
        lambda: mgmt.udf.list("GROUP"),
        lambda: mgmt.udf.set("USER", "k", "TEXT", "K"),
        lambda: mgmt.udf.set("USER", " ", "STRING", "K"),
        lambda: mgmt.udf.remove("user", "k"),
        lambda: mgmt.udf.list_udf_value("TEAM", "t1"),
        lambda: mgmt.udf.set_udf_value_batch("USER", "u1", ["age"]),
        lambda: mgmt.udf.set_udf_value_batch("USER", "u1", [{"value": "1"}]),
        lambda: mgmt.userpool.update({}),
        lambda: mgmt.userpool.add_env(" ", 1),
        lambda: mgmt.userpool.remove_env(""),
        lambda: mgmt.whitelist.list("NAME"),
        lambda: mgmt.whitelist.add("EMAIL", []),
        lambda: mgmt.whitelist.remove("EMAIL", ["a@x.test", ""]),
        lambda: mgmt.whitelist.enable("SMS"),
        lambda: mgmt.statistics.list_user_actions(page=-1),
        lambda: mgmt.mfa.get_status(""),
        lambda: mgmt.mfa.unassociate_mfa("u1", "SMS"),
        lambda: mgmt.mfa.import_totp("u1", "not base32!"),
        lambda: mgmt.mfa.import_totp("", "JBSWY3DPEHPK3PXP"),
        lambda: mgmt.mfa.query_mfa(),
        lambda: mgmt.mfa.change_mfa(True),
    ]
    for call in calls:
        with pytest.raises(ApprowWrongArgumentException):
            call()
    for call in (lambda: mgmt.udf.set("USER", "k", "STRING", 5), lambda: mgmt.userpool.update("x"),
                 lambda: mgmt.whitelist.add("EMAIL", "a@x.test"),
                 lambda: mgmt.statistics.list_user_actions(operation_names="login"),
                 lambda: mgmt.statistics.list_audit_logs(page="2"), lambda: mgmt.statistics.list_audit_logs(limit=0.5),
                 lambda: mgmt.mfa.get_status(7)):
        with pytest.raises(ApprowArgumentTypeError):
            call()
    assert fake.calls == []


def _query(call):
    return parse_qs(urlsplit(call.url).query)


def test_log_filters_go_in_the_query_string(mgmt, fake):
    fake.answer_rest("GET", "/api/v2/analysis/user-action", PAGE)
    fake.answer_rest("GET", "/api/v2/analysis/audit", PAGE)
    mgmt.statistics.list_user_actions()
    assert urlsplit(fake.calls[-1].url).query == ""
    mgmt.statistics.list_user_actions("1.2.3.4", ["login", "register"], ["u1", "u2"], 2, 5)
    assert _query(fake.calls[-1]) == {
        "clientip": ["1.2.3.4"], "page": ["2"], "limit": ["5"], "operation_name": ["login", "register"],
        "operator_arn": ["arn:cn:approw:pool1:user:u1", "arn:cn:approw:pool1:user:u2"]}
    mgmt.statistics.list_audit_logs(operation_names=("createUser",), operator_arns=["arn:a", "arn:b"], page=3)
    assert _query(fake.calls[-1]) == {"operation_name": ["createUser"], "operator_arn": ["arn:a", "arn:b"],
                                      "page": ["3"]}


def test_unassociate_sends_the_type_and_refusals_raise(mgmt, fake):
    fake.answer_rest("DELETE", "/api/v2/users/u%2F1/mfa-bound", {"code": 2004, "message": "User does not exist"})
    with pytest.raises(ApprowException) as ei:
        mgmt.mfa.unassociate_mfa("u/1", "FACE")
    assert ei.value.code == 2004 and _query(fake.calls[-1]) == {"type": ["FACE"]}


def test_remove_env_refusal_goes_to_on_error(mgmt, fake):
    fake.answer_rest("DELETE", "/api/v2/env/nope", {"code": 2231, "message": "no variable 'nope'"})
    with pytest.raises(ApprowException) as ei:
        mgmt.userpool.remove_env("nope")
    assert (ei.value.code, ei.value.message) == (2231, "no variable 'nope'")


def test_refresh_secret_switches_the_client_to_the_new_secret(mgmt, amgmt, fake):
    fake.answer("refreshUserpoolSecret", "n3w")
    assert mgmt.userpool.refresh_secret() == "n3w"
    assert mgmt.options.secret == "n3w" and mgmt.userpool.options.secret == "n3w"
    assert mgmt.tokenProvider.options.secret == "n3w"
    fake.answer("refreshUserpoolSecret", "n3w2")
    assert asyncio.run(amgmt.userpool.refresh_secret()) == "n3w2"
    assert amgmt.tokenProvider.options.secret == "n3w2"
