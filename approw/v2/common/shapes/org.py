"""Organisations and their nodes; applications, their access policies and agreements."""
from typing import Any, Dict, List, Optional, TypedDict

from .users import AuthorizedResources, RolePage, User, UserPage

__all__ = [
    "OrgNode", "Org", "OrgPage", "OrgTreeNode", "Application", "ApplicationPage", "ProtocolSettings",
    "AccessKeyAccount", "AccessKeyAccountPage", "AccessPolicy", "AccessPolicyPage", "Agreement",
    "AgreementPage",
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


class ProtocolSettings(TypedDict, total=False):
    """An application's settings as an OpenID Connect / OAuth 2.0 / CAS client (its
    ``oidcConfig``): the grants it may use (``authorization_code``, ``implicit``,
    ``refresh_token``), how it authenticates at the token, introspection and revocation
    endpoints (``client_secret_post``, ``client_secret_basic`` or ``none``), the ID-token
    signature (``RS256`` or ``HS256``) and lifetimes in seconds."""

    grant_types: List[str]
    token_endpoint_auth_method: str
    introspection_endpoint_auth_method: str
    revocation_endpoint_auth_method: str
    id_token_signed_response_alg: str
    authorization_code_expire: int
    access_token_expire: int
    id_token_expire: int
    refresh_token_expire: int
    cas_expire: int
    session_expire: int


class Application(TypedDict, total=False):
    """An application of the user pool (its ``secret`` and ``oidcConfig`` only in management
    answers); ``permissionStrategy`` is ``{enabled, defaultStrategy: "ALLOW_ALL" |
    "DENY_ALL"}``."""

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
    oidcConfig: ProtocolSettings
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


class AccessKeyAccount(TypedDict, total=False):
    """A programmatic access account (AK/SK) of an application: ``id`` (= ``accessKey``, the
    ``client_id`` of the ``client_credentials`` grant), ``secret`` (= ``secretKey``),
    ``enabled``, ``tokenLifetime`` (seconds) and ``remarks``."""

    id: str
    appId: str
    userPoolId: str
    accessKey: str
    secret: str
    secretKey: str
    enabled: bool
    tokenLifetime: int
    remarks: Optional[str]
    createdAt: str
    updatedAt: str


class AccessKeyAccountPage(TypedDict, total=False):
    totalCount: int
    list: List[AccessKeyAccount]
