"""Mistakes in the caller's input dicts that ``mypy --strict`` must reject (checked by
tests/unit/test_inputs.py; never run).  Each line ending in ``# E: <codes>`` must get exactly
those errors; the other lines none."""
from approw.v2.authentication import AuthenticationClient
from approw.v2.common.inputs import CreateUserInput, RegisterProfile
from approw.v2.common.paging import Pager
from approw.v2.common.shapes import User
from approw.v2.management import ManagementClient


def mistakes(management: ManagementClient, auth: AuthenticationClient) -> None:
    management.users.create({"usename": "bob", "password": "pw"})  # E: typeddict-unknown-key
    management.users.create({"username": "bob", "loginsCount": "3"})  # E: typeddict-item
    management.users.create({"username": "bob", "blocked": True, "loginsCount": 3})
    management.users.update("id", {"nickname": 7})  # E: typeddict-item
    management.userpool.update({"tokenExpiresAfter": 3600, "registerDisabled": "no"})  # E: typeddict-item
    auth.register_by_email("a@example.com", "pw", profile={"nickname": "Al", "udf": [{"key": "k"}]})  # E: arg-type
    auth.update_profile({"nicknam": "Al"})  # E: typeddict-unknown-key
    user: CreateUserInput = {"username": "bob", "email": "bob@example.com"}
    management.users.create(user)
    profile: RegisterProfile = {"givenName": "Al", "familyname": "B"}  # E: typeddict-unknown-key
    auth.register_by_username("al", "pw", profile)
    management.policies.create("p", [{"resource": "books:*", "actions": ["read"], "efect": "ALLOW"}])  # E: typeddict-unknown-key
    management.acl.authorize_resource("ns", "books:1", [{"targetType": "USER", "targetIdentifier": 3}])  # E: typeddict-item
    management.users.find(identity={"provider": "github", "userIdInIdp": "1"})
    management.users.search("bob", role_opts=[{"namespace": "default"}])  # E: typeddict-item


def pagers(management: ManagementClient) -> None:
    for user in management.users.iter(limit=50):
        print(user["username"], user["usename"])  # E: typeddict-item
    for holder in Pager(management.roles.list_users, "admin", limit=50):   # items: Any
        print(holder["id"])
    for member in Pager[User](management.org.list_members, "node-id"):
        print(member["id"])
