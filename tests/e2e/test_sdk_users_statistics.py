"""``management.users.list_user_actions`` end to end: the pool's log of user actions.  Runs once
the emulator has its statistics domain."""

import pytest

pytest.importorskip("approw.emulator.domains.statistics")


def test_list_user_actions(management, authentication, unique):
    name = unique("actor")
    user = management.users.create({"username": name, "password": "pw123456"})
    authentication.login_by_username(name, "pw123456")
    page = management.users.list_user_actions(page=1, limit=50)
    assert page["totalCount"] >= 1 and page["list"]
    arn = user["arn"]
    mine = management.users.list_user_actions(operator_arn=arn)
    assert mine["totalCount"] >= 1
    assert management.users.list_user_actions(1, 10, None, None, arn) == mine       # the reference's spelling
    assert management.users.list_user_actions(client_ip="203.0.113.254")["totalCount"] == 0
