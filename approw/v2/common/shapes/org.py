"""Organisations and their nodes; applications, their access policies and agreements."""
from typing import Any, Dict, List, Optional, TypedDict

from .users import AuthorizedResources, RolePage, User, UserPage

__all__ = [
    "OrgNode", "Org", "OrgPage", "OrgTreeNode", "Application", "ApplicationPage",
    "AccessPolicy", "AccessPolicyPage", "Agreement", "AgreementPage",
]


class OrgNode(TypedDict, total=False):
    """A node (department) of an organisation tree; ``children`` are node IDs."""

    id: str
    orgId: str
    name: str
    nameI18n: Optional[str]
    description: Optional[str]
    descriptionI18n: Optional[str]
    order: Optional[int]
    code: Optional[str]
    root: bool
    depth: int
    path: List[str]
    codePath: List[Optional[str]]
    namePath: List[str]
    createdAt: str
    updatedAt: str
    children: List[str]
    users: UserPage
    roles: RolePage
    authorizedResources: AuthorizedResources


class Org(TypedDict, total=False):
    """An organisation: its root node and every node."""

    id: str
    rootNode: OrgNode
    nodes: List[OrgNode]


class OrgPage(TypedDict, total=False):
    totalCount: int
    list: List[Org]


class OrgTreeNode(TypedDict, total=False):
    """A node of an exported organisation: its fields, its ``members`` and its ``children``
    (nested nodes)."""

    id: str
    orgId: str
    userPoolId: str
    name: str
    nameI18n: Optional[str]
    description: Optional[str]
    descriptionI18n: Optional[str]
    order: Optional[int]
    code: Optional[str]
    root: bool
    depth: int
    createdAt: str
    updatedAt: str
    members: List[User]
    children: List["OrgTreeNode"]


class Application(TypedDict, total=False):
    """An application of the user pool (its ``secret`` only in management answers);
    ``permissionStrategy`` is ``{enabled, defaultStrategy: "ALLOW_ALL" | "DENY_ALL"}``."""

    id: str
    name: str
    identifier: str
    description: Optional[str]
    secret: str
    redirectUris: List[str]
    logo: Optional[str]
    protocol: str
    domain: str
    isDefault: bool
    permissionStrategy: Dict[str, Any]
    userPoolId: str
    createdAt: str
    updatedAt: str


class ApplicationPage(TypedDict, total=False):
    totalCount: int
    list: List[Application]


class AccessPolicy(TypedDict, total=False):
    """Whether a user, role, group or organisation node may use an application: ``effect``
    ``ALLOW`` or ``DENY``, ``enabled``, and for a node whether its descendants inherit it."""

    appId: str
    namespace: str
    targetType: str
    targetIdentifier: str
    effect: str
    enabled: bool
    inheritByChildren: bool
    assignedAt: str
    policyId: str
    code: str
    policy: Dict[str, Any]


class AccessPolicyPage(TypedDict, total=False):
    totalCount: int
    list: List[AccessPolicy]


class Agreement(TypedDict, total=False):
    """A terms-of-service agreement an application shows at sign-up; ``id`` is a number."""

    id: int
    title: str
    required: bool
    lang: str
    order: int
    appId: str
    userPoolId: str
    createdAt: str
    updatedAt: str


class AgreementPage(TypedDict, total=False):
    totalCount: int
    list: List[Agreement]
