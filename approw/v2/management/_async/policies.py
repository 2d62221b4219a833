"""``management.policies``: :class:`AsyncPolicyManagementClient` (also importable as
``AsyncPoliciesManagementClient``, the name the Approw docs use), the pool's policies.

A policy is a list of statements ``{"resource": "books:*", "actions": ["books:read"],
"effect": "ALLOW" | "DENY"}`` assigned to users, roles, groups or organisation nodes; a
DENY statement wins over every grant.  Policies live in a namespace (``default`` unless
``namespace`` is given).
"""
from typing import TYPE_CHECKING, Literal, Mapping, Optional, Sequence

from approw.v2.common import checks
from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import CommonMessage, Policy, PolicyAssignmentPage, PolicyPage

from .base import AsyncManagementSubClient

if TYPE_CHECKING:
    from approw.v2.common._async.paging import AsyncPager
    from approw.v2.common.inputs import PolicyStatementInput
else:  # plain dicts at run time, checked by checks.input_object
    PolicyStatementInput = Mapping

__all__ = ["AsyncPolicyManagementClient", "AsyncPoliciesManagementClient"]

TargetType = Literal["USER", "ROLE", "GROUP", "ORG", "AK_SK"]


class AsyncPolicyManagementClient(AsyncManagementSubClient):
    """Manage policies and their assignments (every call carries the management token)."""

    @checked
    async def list(self, page: int = 1, limit: int = 10, namespace: Optional[str] = None,
                   exclude_default: Optional[bool] = None) -> PolicyPage:
        """One page of policies, ``{totalCount, list}``, newest first; the built-in ones are
        left out unless ``exclude_default=False``."""
        return await self._exec(ops.policies(
            {"page": page, "limit": limit, "namespace": namespace, "excludeDefault": exclude_default}))

    def iter(self, limit: int = 100, namespace: Optional[str] = None,
             exclude_default: Optional[bool] = None) -> "AsyncPager[Policy]":
        """Every policy, ``limit`` per request, as :meth:`list` filters them, lazily
        (``async for`` with the asyncio client)."""
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit, namespace=namespace, exclude_default=exclude_default)

    @checked
    async def create(self, code: str, statements: Sequence[PolicyStatementInput], description: Optional[str] = None,
                     namespace: Optional[str] = None) -> Policy:
        """Create a policy from its statements."""
        checks.policy_statements(statements)
        checks.input_objects("PolicyStatementInput", statements, "statements")
        return await self._exec(ops.createPolicy(
            {"code": code, "description": description, "statements": statements, "namespace": namespace}))

    @checked
    async def detail(self, code: str, namespace: Optional[str] = None) -> Optional[Policy]:
        """The policy, or ``None``."""
        return await self._exec(ops.policy({"code": code, "namespace": namespace}))

    @checked
    async def update(self, code: str, statements: Optional[Sequence[PolicyStatementInput]] = None,
                     description: Optional[str] = None, new_code: Optional[str] = None,
                     namespace: Optional[str] = None) -> Policy:
        """Replace a policy's statements and/or description, or rename it with ``new_code``
        (its assignments stay).  Built-in policies cannot be changed."""
        if statements is not None:
            checks.policy_statements(statements)
            checks.input_objects("PolicyStatementInput", statements, "statements")
        return await self._exec(ops.updatePolicy({"code": code, "description": description,
                                                  "statements": statements, "newCode": new_code,
                                                  "namespace": namespace}))

    @checked
    async def delete(self, code: str, namespace: Optional[str] = None) -> CommonMessage:
        """Delete a policy with its assignments."""
        return await self._exec(ops.deletePolicy({"code": code, "namespace": namespace}))

    @checked
    async def delete_many(self, code_list: Sequence[str], namespace: Optional[str] = None) -> CommonMessage:
        """Delete several policies (all of them, or none if one does not exist)."""
        return await self._exec(ops.deletePolicies({"codeList": code_list, "namespace": namespace}))

    # ------------------------------------------------------------------ assignments
    @checked
    async def list_assignments(self, code: str, page: int = 1, limit: int = 10,
                               namespace: Optional[str] = None) -> PolicyAssignmentPage:
        """Who the policy is assigned to: ``{totalCount, list: [{code, targetType,
        targetIdentifier}]}`` (a user's ID, a role's or group's code, a node's ID)."""
        return await self._exec(ops.policyAssignments(
            {"code": code, "page": page, "limit": limit, "namespace": namespace}))

    @checked
    async def add_assignments(self, policies: Sequence[str], targetType: TargetType,  # noqa: N803
                              targetIdentifiers: Sequence[str],  # noqa: N803 (reference names)
                              namespace: Optional[str] = None) -> CommonMessage:
        """Assign policies to targets of one type: ``USER`` (user IDs), ``ROLE`` (role codes),
        ``GROUP`` (group codes) or ``ORG`` (node IDs)."""
        return await self._exec(ops.addPolicyAssignments({"policies": policies, "targetType": targetType,
                                                          "targetIdentifiers": targetIdentifiers,
                                                          "namespace": namespace}))

    @checked
    async def remove_assignments(self, policies: Sequence[str], targetType: TargetType,  # noqa: N803
                                 targetIdentifiers: Sequence[str],  # noqa: N803 (reference names)
                                 namespace: Optional[str] = None) -> CommonMessage:
        """Remove assignments of policies from targets of one type."""
        return await self._exec(ops.removePolicyAssignments({"policies": policies, "targetType": targetType,
                                                             "targetIdentifiers": targetIdentifiers,
                                                             "namespace": namespace}))

    @checked
    async def enable_assignment(self, policy: str, target_type: TargetType, target_identifier: str,
                                namespace: Optional[str] = None) -> CommonMessage:
        """Make a disabled assignment take effect again."""
        return await self._exec(ops.enablePolicyAssignment({"policy": policy, "targetType": target_type,
                                                            "targetIdentifier": target_identifier,
                                                            "namespace": namespace}))

    @checked
    async def disable_assignment(self, policy: str, target_type: TargetType, target_identifier: str,
                                 namespace: Optional[str] = None) -> CommonMessage:
        """Keep an assignment but stop it from granting or denying anything."""
        return await self._exec(ops.disbalePolicyAssignment({"policy": policy, "targetType": target_type,
                                                             "targetIdentifier": target_identifier,
                                                             "namespace": namespace}))


#: The name the Approw documentation uses.
AsyncPoliciesManagementClient = AsyncPolicyManagementClient
