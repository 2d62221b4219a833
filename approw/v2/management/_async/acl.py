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
from approw.v2.common.utils import authorized_resources, pick_alias
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
    """Grant, revoke and check permissions; namespaces and resources (every call carries the
    management token)."""

    # ------------------------------------------------------------------ grants
    @checked
    async def allow(self, resource: str, action: str, namespace: Optional[str] = None,
                    role: Optional[str] = None, user_id: Optional[str] = None,
                    *, userId: Optional[str] = None) -> CommonMessage:  # noqa: N803 (old spelling)
        """Give a user (``user_id``) or a role (code) ``action`` on ``resource``
        (``<type>:<id>``, ``<type>:*`` or ``*``), in ``namespace`` (``default`` when not
        given)."""
        user_id = pick_alias(user_id, userId, "user_id", "userId")
        if not user_id and not role:
            raise ApprowWrongArgumentException("must provide user_id or role")
        return await self._exec(ops.allow({"resource": resource, "action": action, "userId": user_id,
                                           "roleCode": role, "namespace": namespace}))

    @checked
    async def authorize_resource(self, namespace: str, resource: str, opts: Sequence[AuthorizeResourceOpt],
                                 resource_type: Optional[ResourceType] = None) -> bool:
        """Grant ``resource`` (any code, a kind included) to several targets at once:
        ``opts`` = ``[{"targetType": "USER" | "ROLE" | "GROUP" | "ORG", "targetIdentifier":
        ..., "actions": [...]}]``; merged with what each target holds.  ``True``."""
        checks.acl_opts(opts)
        checks.input_objects("AuthorizeResourceOpt", opts, "opts")
        await self._exec(ops.authorizeResource({"namespace": namespace, "resource": resource, "opts": opts,
                                                "resourceType": resource_type}))
        return True

    @checked
    async def revoke_resource(self, namespace: str, resource: str, opts: Sequence[AuthorizeResourceOpt]) -> bool:
        """Take ``resource`` from the targets of ``opts`` (``[{targetType,
        targetIdentifier}]``, optionally ``actions`` to take only those): revoking a kind
        takes its items too.  Other targets keep theirs.  ``True``."""
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
        """Whether a user may perform ``action`` on ``resource`` (in ``namespace``, else
        ``default``): granted on some path and not denied by a policy."""
        user_id = pick_alias(user_id, userId, "user_id", "userId")
        _required(user_id=user_id, action=action, resource=resource)
        return await self._exec(ops.isActionAllowed({"userId": str(user_id), "resource": str(resource),
                                                     "action": str(action), "namespace": namespace}))

    @checked
    async def is_action_denied(self, user_id: str, action: str, resource: str,
                               namespace: Optional[str] = None) -> bool:
        """Whether a DENY statement of a policy reaching the user forbids ``action`` on
        ``resource`` (an action that is merely not granted is not denied)."""
        return await self._exec(ops.isActionDenied({"userId": user_id, "resource": resource, "action": action,
                                                    "namespace": namespace}))

    # ------------------------------------------------------------------ listings
    @checked
    async def list_authorized_resources(self, namespace: str, target_type: str, target_identifier: str,
                                        resource_type: Optional[str] = None) -> AuthorizedResources:
        """What a target holds in ``namespace``: ``{totalCount, list: [{code, type,
        actions}]}``.  ``target_type``: ``USER`` (user ID), ``ROLE`` / ``GROUP`` (code) or
        ``ORG`` (node ID); a user's list includes what reaches them through roles, groups,
        nodes and policies."""
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
        """The targets granted ``resource``: ``{totalCount, list: [{targetType,
        targetIdentifier, actions}]}``; ``actions`` = ``{"op": "AND" | "OR", "list": [...]}``
        keeps those holding all / any of the listed actions."""
        if actions is not None:
            checks.targets_actions(actions)
        if target_type is not None:
            checks.target_type(target_type)
        return await self._exec(ops.authorizedTargets({
            "namespace": namespace, "resourceType": resource_type, "resource": resource,
            "targetType": target_type, "actions": actions}))
