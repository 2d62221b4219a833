"""The ``Raises:`` sections of the acl, applications, org and policies docstrings are true: each
case makes the call a docstring describes, checks the exception class and the service code
raised, and checks that the method's docstring names both (so the reference cannot drift from
what the SDK and the service do)."""
import inspect
import uuid
from typing import Any, Callable, Dict, Optional, Tuple, Type

import pytest

from approw.v2 import exceptions as E

ACTIONS = [{"name": "books:read", "description": "Read"}]
STATEMENTS = [{"resource": "books:*", "actions": ["books:read"]}]


@pytest.fixture(scope="module")
def world(management: Any) -> Dict[str, Any]:
    """What the cases refer to, made once (names unique in the shared emulator)."""
    tag = uuid.uuid4().hex[:8]
    m = management
    app = m.applications.create("Docs " + tag, "docs-" + tag, ["http://localhost/cb"])
    org = m.org.create_org("Docs " + tag)
    w = {"m": m, "tag": tag, "user": m.users.create({"username": "docs" + tag})["id"],
         "other": m.users.create({"username": "docs2" + tag})["id"],
         "role": m.roles.create("docs-" + tag)["code"], "app": app["id"], "org": org["id"],
         "root": org["rootNode"]["id"],
         "ns": m.acl.create_namespace("docs-" + tag, "Docs")["id"],
         "default_app": [a for a in m.applications.list(limit=100)["list"] if a.get("isDefault")][0]["id"],
         "default_ns": [n for n in m.acl.list_namespaces(limit=100)["list"] if n["code"] == "default"][0]["id"]}
    w["node"] = m.org.create_node("Dev", w["org"], w["root"], "dev")["id"]
    w["node2"] = m.org.create_node("Ops", w["org"], w["root"], "ops")["id"]
    w["sub"] = m.org.create_node("Sub", w["org"], w["node"])["id"]
    m.org.add_members(w["node"], [w["user"]])
    m.acl.create_resource("default", "docs-" + tag, "DATA", ACTIONS)
    m.applications.create_role(w["app"], "r1")
    m.applications.create_role(w["app"], "r2")
    w["agreement"] = m.applications.create_agreement(w["app"], "Terms")["id"]
    w["ak"] = m.applications.create_programmatic_access_account(w["app"])
    m.policies.create("p1-" + tag, STATEMENTS)
    m.policies.create("p2-" + tag, STATEMENTS)
    return w


#: (method as ``area.name``, the exception class, the service code or None (raised by the SDK
#: before any request), the call).
Case = Tuple[str, Type[E.ApprowException], Optional[int], Callable[[Dict[str, Any]], Any]]
CASES: Dict[str, Case] = {
    # acl
    "allow-no-target": ("acl.allow", E.ApprowWrongArgumentException, None,
                        lambda w: w["m"].acl.allow("books:*", "books:read")),
    "allow-unknown-user": ("acl.allow", E.UserNotFoundError, 2004,
                           lambda w: w["m"].acl.allow("books:*", "books:read", user_id="nope")),
    "allow-unknown-role": ("acl.allow", E.NotFoundError, 404,
                           lambda w: w["m"].acl.allow("books:*", "books:read", role="nope")),
    "allow-bad-resource": ("acl.allow", E.ApprowException, 2231,
                           lambda w: w["m"].acl.allow("books", "books:read", role=w["role"])),
    "authorize-bad-opts": ("acl.authorize_resource", E.ApprowWrongArgumentException, None,
                           lambda w: w["m"].acl.authorize_resource("default", "books", [{"x": 1}])),
    "authorize-bad-type": ("acl.authorize_resource", E.ApprowArgumentTypeError, None,
                           lambda w: w["m"].acl.authorize_resource("default", "books", [], "FOO")),
    "authorize-group": ("acl.authorize_resource", E.NotFoundError, 404, lambda w: w["m"].acl.authorize_resource(
        "default", "books", [{"targetType": "GROUP", "targetIdentifier": "nope", "actions": ["a"]}])),
    "revoke-bad-type": ("acl.revoke_resource", E.ApprowException, 2231, lambda w: w["m"].acl.revoke_resource(
        "default", "books", [{"targetType": "FOO", "targetIdentifier": "x"}])),
    "is-allowed-missing": ("acl.is_allowed", E.ApprowWrongArgumentException, None,
                           lambda w: w["m"].acl.is_allowed(w["user"], "books:read")),
    "is-denied-user": ("acl.is_action_denied", E.UserNotFoundError, 2004,
                       lambda w: w["m"].acl.is_action_denied("nope", "r", "books:1")),
    "resources-of-role": ("acl.list_authorized_resources", E.NotFoundError, 404,
                          lambda w: w["m"].acl.list_authorized_resources("default", "ROLE", "nope")),
    "targets-bad-actions": ("acl.get_authorized_targets", E.ApprowWrongArgumentException, None,
                            lambda w: w["m"].acl.get_authorized_targets("default", "DATA", "b:*", {"op": "X"})),
    # acl_resources
    "namespace-taken": ("acl.create_namespace", E.AlreadyExistsError, 2026,
                        lambda w: w["m"].acl.create_namespace("default", "again")),
    "namespace-update-unknown": ("acl.update_namespace", E.ApprowException, 3005,
                                 lambda w: w["m"].acl.update_namespace(10**9, name="x")),
    "namespace-rename-default": ("acl.update_namespace", E.PermissionDeniedError, 1001,
                                 lambda w: w["m"].acl.update_namespace(w["default_ns"], code="x" + w["tag"])),
    "namespace-delete-unknown": ("acl.delete_namespace", E.ApprowException, 3003,
                                 lambda w: w["m"].acl.delete_namespace(10**9)),
    "namespace-delete-default": ("acl.delete_namespace", E.PermissionDeniedError, 1001,
                                 lambda w: w["m"].acl.delete_namespace(w["default_ns"])),
    "resource-taken": ("acl.create_resource", E.AlreadyExistsError, 2026,
                       lambda w: w["m"].acl.create_resource("default", "docs-" + w["tag"], "DATA", ACTIONS)),
    "resource-bad-actions": ("acl.create_resource", E.ApprowWrongArgumentException, None,
                             lambda w: w["m"].acl.create_resource("default", "x", "DATA", [{"name": "x"}])),
    "resource-update-unknown": ("acl.update_resource", E.NotFoundError, 404,
                                lambda w: w["m"].acl.update_resource("default", "nope", description="d")),
    "resource-list-page": ("acl.list_resources", E.ApprowWrongArgumentException, None,
                           lambda w: w["m"].acl.list_resources("default", page=-1)),
    "resource-delete-unknown": ("acl.delete_resource", E.NotFoundError, 404,
                                lambda w: w["m"].acl.delete_resource("default", "nope")),
    # applications
    "app-empty-name": ("applications.create", E.ApprowWrongArgumentException, None,
                       lambda w: w["m"].applications.create(" ", "x", [])),
    "app-long-name": ("applications.create", E.ApprowException, 2007,
                      lambda w: w["m"].applications.create("n" * 129, "x" + w["tag"], [])),
    "app-identifier-taken": ("applications.create", E.AlreadyExistsError, 2039,
                             lambda w: w["m"].applications.create("n", "DOCS-" + w["tag"], [])),
    "app-update-unknown": ("applications.update", E.NotFoundError, 2011,
                           lambda w: w["m"].applications.update("nope", name="x")),
    "app-update-description": ("applications.update", E.ApprowException, 2013,
                               lambda w: w["m"].applications.update(w["app"], description="d" * 141)),
    "app-delete-default": ("applications.delete", E.PermissionDeniedError, 1001,
                           lambda w: w["m"].applications.delete(w["default_app"])),
    "app-active-unknown": ("applications.active_users", E.NotFoundError, 2011,
                           lambda w: w["m"].applications.active_users("nope")),
    "app-resources-unknown": ("applications.list_resources", E.ApprowException, 3003,
                              lambda w: w["m"].applications.list_resources("nope")),
    # applications_access
    "access-unknown-user": ("applications.allow_access", E.UserNotFoundError, 2004,
                            lambda w: w["m"].applications.allow_access(w["app"], "USER", ["nope"])),
    "access-empty": ("applications.allow_access", E.ApprowException, 2231,
                     lambda w: w["m"].applications.allow_access(w["app"], "USER", [])),
    "access-enable-none": ("applications.enable_access_policy", E.NotFoundError, 404,
                           lambda w: w["m"].applications.enable_access_policy(w["app"], "USER", [w["other"]])),
    "access-strategy": ("applications.update_default_access_policy", E.ApprowWrongArgumentException, None,
                        lambda w: w["m"].applications.update_default_access_policy(w["app"], "X")),
    # applications_agreements
    "agreement-unknown-app": ("applications.create_agreement", E.NotFoundError, 2011,
                              lambda w: w["m"].applications.create_agreement("nope", "t")),
    "agreement-bad-key": ("applications.modify_agreement", E.ApprowWrongArgumentException, None,
                          lambda w: w["m"].applications.modify_agreement(w["app"], w["agreement"], {"x": 1})),
    "agreement-unknown": ("applications.delete_agreement", E.NotFoundError, 404,
                          lambda w: w["m"].applications.delete_agreement(w["app"], 10**9)),
    "agreement-sort": ("applications.sort_agreement", E.ApprowException, 2231,
                       lambda w: w["m"].applications.sort_agreement(w["app"], [])),
    # applications_keys
    "ak-lifetime": ("applications.create_programmatic_access_account", E.ApprowException, 2231,
                    lambda w: w["m"].applications.create_programmatic_access_account(w["app"], 10**10)),
    "ak-unknown": ("applications.disable_programmatic_access_account", E.NotFoundError, 404,
                   lambda w: w["m"].applications.disable_programmatic_access_account("nope")),
    "ak-same-secret": ("applications.refresh_programmatic_access_account_secret", E.ApprowException, 2231,
                       lambda w: w["m"].applications.refresh_programmatic_access_account_secret(
                           w["ak"]["id"], w["ak"]["secret"])),
    # applications_roles
    "app-role-taken": ("applications.create_role", E.AlreadyExistsError, 2026,
                       lambda w: w["m"].applications.create_role(w["app"], "r1")),
    "app-role-unknown-app": ("applications.create_role", E.ApprowException, 3003,
                             lambda w: w["m"].applications.create_role("nope", "r")),
    "app-roles-one-unknown": ("applications.delete_roles", E.NotFoundError, 404,
                              lambda w: w["m"].applications.delete_roles(w["app"], ["r2", "nope"])),
    "app-role-users": ("applications.get_users_by_role_code", E.ApprowException, 500,
                       lambda w: w["m"].applications.get_users_by_role_code(w["app"], "nope")),
    "app-role-add-user": ("applications.add_users_to_role", E.UserNotFoundError, 2004,
                          lambda w: w["m"].applications.add_users_to_role(w["app"], "r1", ["nope"])),
    # org
    "org-bad-name": ("org.create_org", E.ApprowException, 2231, lambda w: w["m"].org.create_org(" ")),
    "org-bad-sort": ("org.list", E.ApprowException, 2231, lambda w: w["m"].org.list(sort_by="X")),
    "org-unknown": ("org.find_by_id", E.NotFoundError, 404, lambda w: w["m"].org.find_by_id("nope")),
    "node-code-taken": ("org.create_node", E.AlreadyExistsError, 2026,
                        lambda w: w["m"].org.create_node("X", w["org"], w["root"], "dev")),
    "node-no-name": ("org.add_node", E.ApprowWrongArgumentException, None,
                     lambda w: w["m"].org.add_node(w["org"], None, {"code": "x"})),
    "node-update-taken": ("org.update_node", E.AlreadyExistsError, 2026,
                          lambda w: w["m"].org.update_node(w["node"], {"code": "ops"})),
    "node-move-cycle": ("org.move_node", E.ApprowException, 2231,
                        lambda w: w["m"].org.move_node(w["org"], w["node"], w["sub"])),
    "node-search-blank": ("org.search_nodes", E.ApprowWrongArgumentException, None,
                          lambda w: w["m"].org.search_nodes(" ")),
    "import-member": ("org.import_by_json", E.UserNotFoundError, 2004,
                      lambda w: w["m"].org.import_by_json({"name": "I", "members": ["nope"]})),
    # org_members
    "members-unknown-node": ("org.list_members", E.ApprowException, 500,
                             lambda w: w["m"].org.list_members("nope")),
    "members-not-member": ("org.move_members", E.ApprowException, 2231,
                           lambda w: w["m"].org.move_members([w["other"]], w["node"], w["node2"])),
    "main-not-member": ("org.set_main_department", E.ApprowException, 2231,
                        lambda w: w["m"].org.set_main_department(w["user"], w["node2"])),
    # org_roles
    "node-role-unknown": ("org.add_roles", E.NotFoundError, 404,
                          lambda w: w["m"].org.add_roles(w["node"], ["nope"])),
    "node-roles-unknown-node": ("org.list_roles", E.ApprowException, 500, lambda w: w["m"].org.list_roles("nope")),
    "node-roles-unknown-namespace": ("org.list_roles", E.ApprowException, 3003,
                                     lambda w: w["m"].org.list_roles(w["node"], "nope")),
    "app-role-find-unknown-app": ("applications.find_role", E.ApprowException, 3003,
                                  lambda w: w["m"].applications.find_role("nope", "r1")),
    "node-resources-type": ("org.list_authorized_resources", E.ApprowWrongArgumentException, None,
                            lambda w: w["m"].org.list_authorized_resources(w["node"], resource_type="X")),
    # policies
    "policy-empty": ("policies.create", E.ApprowWrongArgumentException, None,
                     lambda w: w["m"].policies.create("p", [])),
    "policy-taken": ("policies.create", E.AlreadyExistsError, 2026,
                     lambda w: w["m"].policies.create("p1-" + w["tag"], STATEMENTS)),
    "policy-builtin": ("policies.update", E.PermissionDeniedError, 1001,
                       lambda w: w["m"].policies.update("AdministratorAccess", description="d")),
    "policy-rename-taken": ("policies.update", E.AlreadyExistsError, 2026,
                            lambda w: w["m"].policies.update("p1-" + w["tag"], new_code="p2-" + w["tag"])),
    "policies-one-unknown": ("policies.delete_many", E.NotFoundError, 404,
                             lambda w: w["m"].policies.delete_many(["p2-" + w["tag"], "nope"])),
    "assign-bad-type": ("policies.add_assignments", E.ApprowArgumentTypeError, None,
                        lambda w: w["m"].policies.add_assignments(["p1-" + w["tag"]], "FOO", ["x"])),
    "assign-unknown-user": ("policies.add_assignments", E.UserNotFoundError, 2004,
                            lambda w: w["m"].policies.add_assignments(["p1-" + w["tag"]], "USER", ["nope"])),
    "enable-unassigned": ("policies.enable_assignment", E.NotFoundError, 404,
                          lambda w: w["m"].policies.enable_assignment("p2-" + w["tag"], "USER", w["user"])),
}


def _raises_section(method: Callable[..., Any]) -> str:
    doc = inspect.getdoc(method) or ""
    return doc.split("Raises:", 1)[1].split("\n\n", 1)[0] if "Raises:" in doc else ""


@pytest.mark.parametrize("case", sorted(CASES))
def test_documented_error_is_raised(world: Dict[str, Any], case: str) -> None:
    method, cls, code, call = CASES[case]
    area, name = method.split(".")
    raises = _raises_section(getattr(getattr(world["m"], area), name))
    assert cls.__name__ in raises, f"{method}'s Raises does not name {cls.__name__}"
    if code is not None:
        assert f"({code}" in raises or f", {code})" in raises or f" {code})" in raises, \
            f"{method}'s Raises does not give code {code}"
    with pytest.raises(E.ApprowException) as caught:
        call(world)
    assert type(caught.value) is cls, (case, caught.value)
    if code is not None:
        assert caught.value.code == code, (case, caught.value)
