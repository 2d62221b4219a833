"""``management.acl``: :class:`AsyncAclManagementClient`, access control.

Grants give a user, role, group or organisation node actions on a resource code: a kind
(``books``), an item (``books:1``) or a wildcard (``books:*``, ``*``); actions are names such
as ``books:read`` (``books:*`` and ``*`` stand for many).  A user holds what is granted to
them, to their roles (and the roles' parents), groups and organisation nodes, and what
their policies allow; a DENY statement of a policy wins.  Namespaces and resource
definitions are in ``acl_resources``.
"""
from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Sequence

from approw.v2.common import checks
from approw.v2.common import operations as ops
from approw.v2.common.checks import checked
from approw.v2.common.shapes import AuthorizedResources, AuthorizedTargets, CommonMessage
from approw.v2.common.helpers import authorized_resources, pick_alias
from approw.v2.exceptions import ApprowWrongArgumentException

from .acl_resources import AsyncAclResourceMethods

if TYPE_CHECKING:
    from approw.v2.common.inputs import AuthorizeResourceOpt
else:  # plain dicts at run time, checked by checks.input_object
    AuthorizeResourceOpt = Mapping

__all__ = ["AsyncAclManagementClient"]

ResourceType = Literal["DATA", "API", "MENU", "UI", "BUTTON"]


def _required(**values: Any) -> None:
    for name, value in values.items():
        if not value:
            raise ApprowWrongArgumentException(f"{name} must be provided")


class AsyncAclManagementClient(AsyncAclResourceMethods):
    """Grant, revoke and check permissions; define namespaces and resources.

    Reached as ``management_client.acl``; every call carries the management token.  A call
    naming a namespace that does not exist raises ``ApprowException`` (3003).
    """

    # ------------------------------------------------------------------ grants
    @checked
    async def allow(self, resource: str, action: str, namespace: Optional[str] = None,
                    role: Optional[str] = None, user_id: Optional[str] = None,
                    *, userId: Optional[str] = None) -> CommonMessage:  # noqa: N803 (old spelling)
        """Give a user or a role ``action`` on ``resource``, merged with what it holds.

        Args:
            resource: ``<type>:<id>`` (``books:1``), ``<type>:*`` or ``*``.
            action: an action name such as ``books:read`` (``books:*`` and ``*`` stand for many).
            namespace: the namespace code; ``default`` when not given.
            role: the code of a role of ``namespace`` to grant to.
            user_id: the ID of a user to grant to (with ``role``, both get it).
            userId: the old spelling of ``user_id``.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`).

        Raises:
            ApprowWrongArgumentException: neither ``user_id`` nor ``role`` is given, or
                ``user_id`` and ``userId`` differ.
            UserNotFoundError: no user has this ID (2004).
            NotFoundError: the role does not exist in ``namespace`` (404).
            ApprowException: ``resource`` is not of one of the three forms, or ``action``
                holds a space (2231).
        """
        user_id = pick_alias(user_id, userId, "user_id", "userId")
        if not user_id and not role:
            raise ApprowWrongArgumentException("must provide user_id or role")
        return await self._exec(ops.allow({"resource": resource, "action": action, "userId": user_id,
                                           "roleCode": role, "namespace": namespace}))

    @checked
    async def authorize_resource(self, namespace: str, resource: str, opts: Sequence[AuthorizeResourceOpt],
                                 resource_type: Optional[ResourceType] = None) -> bool:
        """Grant ``resource`` to several targets at once, merged with what each holds.

        Args:
            namespace: the namespace code.
            resource: any resource code: a kind (``books``), an item (``books:1``) or a
                wildcard (``books:*``, ``*``).
            opts: ``[{"targetType": ..., "targetIdentifier": ..., "actions": [...]}]``:
                ``USER`` (user ID), ``ROLE`` (role code), ``GROUP`` (group code), ``ORG``
                (node ID) or ``AK_SK`` (access key of a programmatic access account).
            resource_type: ``DATA``, ``API``, ``MENU``, ``UI`` or ``BUTTON``; by default the
                type of the resource's definition, else ``DATA``.

        Returns:
            ``True``.

        Raises:
            ApprowWrongArgumentException: ``opts`` is not a list of dicts with
                ``targetType`` and ``targetIdentifier``, or has unknown keys.
            ApprowArgumentTypeError: ``resource_type`` is not one of the five types, or a
                value in ``opts`` has the wrong type.
            UserNotFoundError: a ``USER`` target does not exist (2004).
            NotFoundError: another target does not exist (404).
            ApprowException: ``opts`` is empty or an action name is malformed (2231).
        """
        checks.acl_opts(opts)
        checks.input_objects("AuthorizeResourceOpt", opts, "opts")
        await self._exec(ops.authorizeResource({"namespace": namespace, "resource": resource, "opts": opts,
                                                "resourceType": resource_type}))
        return True

    @checked
    async def revoke_resource(self, namespace: str, resource: str, opts: Sequence[AuthorizeResourceOpt]) -> bool:
        """Take ``resource`` from some targets; other targets keep theirs.

        Revoking a kind (``books``) takes its items (``books:1``) too; revoking an item leaves
        the kind.  Targets that do not exist are skipped.

        Args:
            namespace: the namespace code.
            resource: the resource code granted.
            opts: ``[{"targetType": ..., "targetIdentifier": ...}]``, each optionally with
                ``"actions": [...]`` to take only those actions.

        Returns:
            ``True``.

        Raises:
            ApprowWrongArgumentException: ``opts`` is not a list of dicts with
                ``targetType`` and ``targetIdentifier``, or has unknown keys.
            ApprowException: a ``targetType`` is not ``USER``, ``ROLE``, ``GROUP``, ``ORG``
                or ``AK_SK`` (2231).
        """
        checks.acl_opts(opts)
        checks.input_objects("AuthorizeResourceOpt", opts, "opts")
        await self._rest("POST", "/api/v2/acl/revoke-resource",
                         json={"namespace": namespace, "resource": resource, "opts": opts})
        return True

    # ------------------------------------------------------------------ checks
    @checked
    async def is_allowed(self, user_id: Optional[str] = None, action: Optional[str] = None,
                         resource: Optional[str] = None, namespace: Optional[str] = None,
                         *, userId: Optional[str] = None) -> bool:  # noqa: N803 (old spelling)
        """Whether a user may perform ``action`` on ``resource``.

        It may when the action is granted to the user, their roles, groups or organisation
        nodes, or allowed by one of their policies, and no DENY statement forbids it.

        Args:
            user_id: the user's ID.
            action: the action name, e.g. ``books:read``.
            resource: the resource code, e.g. ``books:1``.
            namespace: the namespace code; ``default`` when not given.
            userId: the old spelling of ``user_id``.

        Returns:
            ``True`` or ``False``.

        Raises:
            ApprowWrongArgumentException: ``user_id``, ``action`` or ``resource`` is missing.
            UserNotFoundError: no user has this ID (2004).
        """
        user_id = pick_alias(user_id, userId, "user_id", "userId")
        _required(user_id=user_id, action=action, resource=resource)
        return await self._exec(ops.isActionAllowed({"userId": str(user_id), "resource": str(resource),
                                                     "action": str(action), "namespace": namespace}))

    @checked
    async def is_action_denied(self, user_id: str, action: str, resource: str,
                               namespace: Optional[str] = None) -> bool:
        """Whether a DENY statement of a policy reaching the user forbids ``action``.

        An action that is merely not granted is not denied.

        Args:
            user_id: the user's ID.
            action: the action name, e.g. ``books:delete``.
            resource: the resource code, e.g. ``books:1``.
            namespace: the namespace code; ``default`` when not given.

        Returns:
            ``True`` or ``False``.

        Raises:
            UserNotFoundError: no user has this ID (2004).
        """
        return await self._exec(ops.isActionDenied({"userId": user_id, "resource": resource, "action": action,
                                                    "namespace": namespace}))

    # ------------------------------------------------------------------ listings
    @checked
    async def list_authorized_resources(self, namespace: str, target_type: str, target_identifier: str,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """The resources a user, role, group or organisation node may act on.

        A user's list includes what reaches them through their roles, groups, nodes and
        policies; a role's what its parents hold.

        Args:
            namespace: the namespace code.
            target_type: ``USER``, ``ROLE``, ``GROUP`` or ``ORG``.
            target_identifier: a user ID, a role or group code, or a node ID.
            resource_type: only resources of this type (``DATA``, ``API``, ``MENU``, ``UI``
                or ``BUTTON``).

        Returns:
            ``{totalCount, list: [{code, type, actions}]}`` (an
            :class:`~approw.v2.common.shapes.users.AuthorizedResources` dict).

        Raises:
            ApprowWrongArgumentException: ``target_type`` or ``resource_type`` is not one of
                the values above.
            UserNotFoundError: the user does not exist (2004).
            NotFoundError: the role, group or node does not exist (404).
        """
        checks.target_type(target_type)
        if resource_type is not None:
            checks.resource_type(resource_type)
        found = await self._exec(ops.authorizedResources({
            "targetType": target_type, "targetIdentifier": target_identifier, "namespace": namespace,
            "resourceType": resource_type}))
        result: AuthorizedResources = authorized_resources(found)
        return result

    @checked
    async def get_authorized_targets(self, namespace: str, resource_type: str, resource: str,
                                     actions: Optional[Mapping[str, Any]] = None,
                                     target_type: Optional[str] = None) -> Optional[AuthorizedTargets]:
        """The users, roles, groups and nodes granted exactly ``resource``.

        A grant on another code that covers it (``books:*`` for ``books:1``) is not listed.

        Args:
            namespace: the namespace code.
            resource_type: the type the grants were made with (``DATA``, ``API``, ``MENU``,
                ``UI`` or ``BUTTON``).
            resource: the resource code.
            actions: ``{"op": "AND" | "OR", "list": [...]}``: keep the targets holding all /
                any of these actions.
            target_type: keep the targets of this type (``USER``, ``ROLE``, ``GROUP`` or
                ``ORG``).

        Returns:
            ``{totalCount, list: [{targetType, targetIdentifier, actions}]}`` (an
            :class:`~approw.v2.common.shapes.users.AuthorizedTargets` dict); ``None`` only
            when the service answers without one.

        Raises:
            ApprowWrongArgumentException: ``actions`` is not of that form, or
                ``target_type`` is not one of the four types.
        """
        if actions is not None:
            checks.targets_actions(actions)
        if target_type is not None:
            checks.target_type(target_type)
        return await self._exec(ops.authorizedTargets({
            "namespace": namespace, "resourceType": resource_type, "resource": resource,
            "targetType": target_type, "actions": actions}))
