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
    """Manage policies and their assignments to users, roles, groups and organisation nodes.

    Reached as ``management_client.policies``; every call carries the management token.  A
    policy is addressed by its code within a namespace (``default`` when ``namespace`` is not
    given); a namespace that does not exist raises ``ApprowException`` (3003).
    """

    @checked
    async def list(self, page: int = 1, limit: int = 10, namespace: Optional[str] = None,
                   exclude_default: Optional[bool] = None) -> PolicyPage:
        """One page of the namespace's policies, newest first.

        Args:
            page: the page, from 1.
            limit: policies per page.
            namespace: the namespace code; ``default`` when not given.
            exclude_default: ``False`` to list the built-in policies too (left out
                otherwise).

        Returns:
            ``{totalCount, list}`` (a :class:`~approw.v2.common.shapes.users.PolicyPage`
            dict), each policy with its ``code``, ``description`` and ``statements``.

        Raises:
            ApprowArgumentTypeError: ``page`` or ``limit`` is not an int.
        """
        return await self._exec(ops.policies(
            {"page": page, "limit": limit, "namespace": namespace, "excludeDefault": exclude_default}))

    def iter(self, limit: int = 100, namespace: Optional[str] = None,
             exclude_default: Optional[bool] = None) -> "AsyncPager[Policy]":
        """Every policy, as :meth:`list` orders and filters them, fetched ``limit`` at a time.

        Args:
            limit: policies per request.
            namespace, exclude_default: as in :meth:`list`.

        Returns:
            A pager of :class:`~approw.v2.common.shapes.users.Policy` dicts (``for``, or
            ``async for`` with the asyncio client); a page is fetched only when the previous
            one has been consumed.

        Raises:
            ApprowWrongArgumentException: ``limit`` is not an int of at least 1 (at once).
            ApprowArgumentTypeError: ``namespace`` is not a str, raised by the first request, as
                in :meth:`list`.
            ApprowException: the namespace does not exist (3003), raised by the first request.
        """
        from approw.v2.common._async.paging import AsyncPager

        return AsyncPager(self.list, limit=limit, namespace=namespace, exclude_default=exclude_default)

    @checked
    async def create(self, code: str, statements: Sequence[PolicyStatementInput], description: Optional[str] = None,
                     namespace: Optional[str] = None) -> Policy:
        """Create a policy from its statements.

        Args:
            code: the policy code, unique in the namespace (no whitespace or ``/``).
            statements: ``[{"resource": "books:*", "actions": ["books:read"], "effect":
                "ALLOW" | "DENY", "condition": [...]}]``; ``effect`` is ``ALLOW`` when not
                given, ``condition`` is optional.
            description: a description.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            The policy (a :class:`~approw.v2.common.shapes.users.Policy` dict).

        Raises:
            ApprowWrongArgumentException: ``statements`` is empty, or a statement lacks a
                ``resource`` or ``actions``, has another ``effect`` or an unknown key.
            ApprowArgumentTypeError: a statement's value has the wrong type.
            AlreadyExistsError: the namespace has a policy with this code (2026).
            ApprowException: ``code`` or a ``condition`` is malformed (2231).
        """
        checks.policy_statements(statements)
        checks.input_objects("PolicyStatementInput", statements, "statements")
        return await self._exec(ops.createPolicy(
            {"code": code, "description": description, "statements": statements, "namespace": namespace}))

    @checked
    async def detail(self, code: str, namespace: Optional[str] = None) -> Optional[Policy]:
        """The policy with this code, or ``None``.

        Args:
            code: the policy code.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            The policy with its ``statements`` (a
            :class:`~approw.v2.common.shapes.users.Policy` dict), or ``None`` when the
            namespace has no policy with this code.

        Raises:
            ApprowArgumentTypeError: ``code`` is not a str.
        """
        return await self._exec(ops.policy({"code": code, "namespace": namespace}))

    @checked
    async def update(self, code: str, statements: Optional[Sequence[PolicyStatementInput]] = None,
                     description: Optional[str] = None, new_code: Optional[str] = None,
                     namespace: Optional[str] = None) -> Policy:
        """Replace a policy's statements or description, or rename it (its assignments stay).

        Args:
            code: the policy code.
            statements: new statements, replacing the old ones (as in :meth:`create`).
            description: a new description.
            new_code: a new code.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            The policy as changed (a :class:`~approw.v2.common.shapes.users.Policy` dict).

        Raises:
            ApprowWrongArgumentException: ``statements`` is malformed (as in :meth:`create`).
            NotFoundError: the namespace has no policy with this code (404).
            PermissionDeniedError: the policy is built in (1001).
            AlreadyExistsError: another policy has ``new_code`` (2026).
            ApprowException: ``new_code`` is malformed (2231).
        """
        if statements is not None:
            checks.policy_statements(statements)
            checks.input_objects("PolicyStatementInput", statements, "statements")
        return await self._exec(ops.updatePolicy({"code": code, "description": description,
                                                  "statements": statements, "newCode": new_code,
                                                  "namespace": namespace}))

    @checked
    async def delete(self, code: str, namespace: Optional[str] = None) -> CommonMessage:
        """Delete a policy with its assignments.

        Args:
            code: the policy code.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: the namespace has no policy with this code (404).
            PermissionDeniedError: the policy is built in (1001).
        """
        return await self._exec(ops.deletePolicy({"code": code, "namespace": namespace}))

    @checked
    async def delete_many(self, code_list: Sequence[str], namespace: Optional[str] = None) -> CommonMessage:
        """Delete several policies with their assignments: all of them, or none.

        Args:
            code_list: the policy codes.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            NotFoundError: one of the policies does not exist (404); nothing is deleted.
            PermissionDeniedError: one of them is built in (1001); nothing is deleted.
        """
        return await self._exec(ops.deletePolicies({"codeList": code_list, "namespace": namespace}))

    # ------------------------------------------------------------------ assignments
    @checked
    async def list_assignments(self, code: str, page: int = 1, limit: int = 10,
                               namespace: Optional[str] = None) -> PolicyAssignmentPage:
        """One page of the targets a policy is assigned to.

        Args:
            code: the policy code.
            page: the page, from 1.
            limit: assignments per page.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            ``{totalCount, list: [{code, targetType, targetIdentifier}]}`` (a
            :class:`~approw.v2.common.shapes.users.PolicyAssignmentPage` dict): a user's ID,
            a role's or group's code, a node's ID, an access key.

        Raises:
            NotFoundError: the namespace has no policy with this code (404).
        """
        return await self._exec(ops.policyAssignments(
            {"code": code, "page": page, "limit": limit, "namespace": namespace}))

    @checked
    async def add_assignments(self, policies: Sequence[str], targetType: TargetType,  # noqa: N803
                              targetIdentifiers: Sequence[str],  # noqa: N803 (reference names)
                              namespace: Optional[str] = None) -> CommonMessage:
        """Assign policies to targets of one type; assigning one again changes nothing.

        Args:
            policies: the policy codes.
            targetType: ``USER``, ``ROLE``, ``GROUP``, ``ORG`` or ``AK_SK``.
            targetIdentifiers: user IDs, role codes (of the namespace), group codes, node
                IDs or access keys of programmatic access accounts.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            ApprowArgumentTypeError: ``targetType`` is not one of the five types.
            NotFoundError: a policy, role, group, node or account does not exist (404);
                nothing changes.
            UserNotFoundError: a user does not exist (2004); nothing changes.
            ApprowException: ``targetIdentifiers`` is empty (2231).
        """
        return await self._exec(ops.addPolicyAssignments({"policies": policies, "targetType": targetType,
                                                          "targetIdentifiers": targetIdentifiers,
                                                          "namespace": namespace}))

    @checked
    async def remove_assignments(self, policies: Sequence[str], targetType: TargetType,  # noqa: N803
                                 targetIdentifiers: Sequence[str],  # noqa: N803 (reference names)
                                 namespace: Optional[str] = None) -> CommonMessage:
        """Remove assignments of policies from targets of one type.

        Targets that do not exist or do not have a policy are skipped.

        Args:
            policies, targetType, targetIdentifiers, namespace: as in
                :meth:`add_assignments`.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            ApprowArgumentTypeError: ``targetType`` is not one of the five types.
            NotFoundError: a policy does not exist (404); nothing changes.
            ApprowException: ``targetIdentifiers`` is empty (2231).
        """
        return await self._exec(ops.removePolicyAssignments({"policies": policies, "targetType": targetType,
                                                             "targetIdentifiers": targetIdentifiers,
                                                             "namespace": namespace}))

    @checked
    async def enable_assignment(self, policy: str, target_type: TargetType, target_identifier: str,
                                namespace: Optional[str] = None) -> CommonMessage:
        """Make a disabled assignment take effect again.

        Args:
            policy: the policy code.
            target_type: ``USER``, ``ROLE``, ``GROUP``, ``ORG`` or ``AK_SK``.
            target_identifier: the target's ID or code (as in :meth:`add_assignments`).
            namespace: the namespace code; ``default`` when not given.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            ApprowArgumentTypeError: ``target_type`` is not one of the five types.
            NotFoundError: the policy or the target does not exist, or the policy is not
                assigned to it (404).
            UserNotFoundError: the user does not exist (2004).
        """
        return await self._exec(ops.enablePolicyAssignment({"policy": policy, "targetType": target_type,
                                                            "targetIdentifier": target_identifier,
                                                            "namespace": namespace}))

    @checked
    async def disable_assignment(self, policy: str, target_type: TargetType, target_identifier: str,
                                 namespace: Optional[str] = None) -> CommonMessage:
        """Keep an assignment, listed, but stop it from granting or denying anything.

        Args:
            policy, target_type, target_identifier, namespace: as in
                :meth:`enable_assignment`.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            ApprowArgumentTypeError, NotFoundError, UserNotFoundError: as in
                :meth:`enable_assignment`.
        """
        return await self._exec(ops.disbalePolicyAssignment({"policy": policy, "targetType": target_type,
                                                             "targetIdentifier": target_identifier,
                                                             "namespace": namespace}))


#: The name the Approw documentation uses.
AsyncPoliciesManagementClient = AsyncPolicyManagementClient
