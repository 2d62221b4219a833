"""Users and what they may do: users, their tokens, login status, security, second factors
and custom data; roles, groups, policies, namespaces, resources and what they grant."""
from typing import Any, Dict, List, Optional, TypedDict

from .common import Paginated

__all__ = [
    "Identity", "User", "UserPage", "LoginStatusData", "LoginStatus", "RefreshedToken",
    "PasswordStrength", "SecurityLevel", "UdfDefinition", "UdvItem", "MfaAuthenticator",
    "MfaAssociation", "MfaStatus", "MfaRecord", "Role", "RolePage", "Group", "GroupPage",
    "PolicyStatement", "Policy", "PolicyPage", "PolicyAssignment", "PolicyAssignmentPage",
    "AuthorizedResource", "AuthorizedResources", "Namespace", "NamespacePage",
    "ResourceAction", "Resource", "ResourcePage", "ResourcePermission", "AuthorizedTarget",
    "AuthorizedTargets",
]


class Identity(TypedDict, total=False):
    """An external identity (social or enterprise login) linked to a user."""

    openid: Optional[str]
    userIdInIdp: str
    userId: str
    connectionId: Optional[str]
    isSocial: bool
    provider: str
    type: Optional[str]
    userPoolId: str


class User(TypedDict, total=False):
    """A user.  ``customData`` is ``{key: typed value}`` when a method was asked for it;
    ``token`` is set in sign-in results."""

    id: str
    arn: str
    userPoolId: str
    status: str
    username: Optional[str]
    email: Optional[str]
    emailVerified: bool
    phone: Optional[str]
    phoneVerified: bool
    unionid: Optional[str]
    openid: Optional[str]
    nickname: Optional[str]
    registerSource: List[str]
    photo: Optional[str]
    password: Optional[str]
    oauth: Optional[str]
    token: Optional[str]
    tokenExpiredAt: Optional[str]
    loginsCount: int
    lastLogin: Optional[str]
    lastIP: Optional[str]
    signedUp: Optional[str]
    blocked: bool
    isDeleted: bool
    device: Optional[str]
    browser: Optional[str]
    company: Optional[str]
    name: Optional[str]
    givenName: Optional[str]
    familyName: Optional[str]
    middleName: Optional[str]
    profile: Optional[str]
    preferredUsername: Optional[str]
    website: Optional[str]
    gender: str
    birthdate: Optional[str]
    zoneinfo: Optional[str]
    locale: Optional[str]
    address: Optional[str]
    formatted: Optional[str]
    streetAddress: Optional[str]
    locality: Optional[str]
    region: Optional[str]
    postalCode: Optional[str]
    city: Optional[str]
    province: Optional[str]
    country: Optional[str]
    createdAt: str
    updatedAt: str
    externalId: Optional[str]
    identities: List[Identity]
    customData: Any
    roles: "RolePage"
    groups: "GroupPage"
    departments: "Paginated"
    authorizedResources: "AuthorizedResources"


class UserPage(TypedDict, total=False):
    """One page of users."""

    totalCount: int
    list: List[User]


class LoginStatusData(TypedDict, total=False):
    id: str
    userPoolId: str
    arn: str


class LoginStatus(TypedDict, total=False):
    """Whether a token is valid: ``status``, its ``exp``/``iat`` and whose it is (``data``)."""

    code: int
    message: str
    status: bool
    exp: int
    iat: int
    data: Optional[LoginStatusData]


class RefreshedToken(TypedDict, total=False):
    """A new token: ``{token, iat, exp}``."""

    token: str
    iat: int
    exp: int


class PasswordStrength(TypedDict, total=False):
    """Whether a password meets the pool's policy: ``{valid, message}``."""

    valid: bool
    message: Optional[str]


class SecurityLevel(TypedDict, total=False):
    """How well an account is protected: which of e-mail, phone, password and MFA it has,
    the strength of its password (1 low, 2 medium, 3 high) and a ``score`` out of 100."""

    email: bool
    phone: bool
    password: bool
    mfa: bool
    passwordSecurityLevel: int
    score: int


class UdfDefinition(TypedDict, total=False):
    """A custom field: ``{targetType, dataType, key, label, options}``."""

    targetType: str
    dataType: str
    key: str
    label: Optional[str]
    options: Optional[str]


class UdvItem(TypedDict, total=False):
    """A custom field's value: ``{key, dataType, value, label}``."""

    key: str
    dataType: str
    value: Any
    label: Optional[str]


class MfaAuthenticator(TypedDict, total=False):
    """A second factor bound to a user (a TOTP authenticator app)."""

    id: str
    userId: str
    enable: bool
    secret: str
    authenticatorType: str
    recoveryCode: Optional[str]


class MfaAssociation(TypedDict, total=False):
    """A TOTP authenticator being set up: the ``secret`` (base32) and ``qrcode_uri``
    (``otpauth://...``) to enter in an authenticator app, a QR code of it
    (``qrcode_data_url``) and the single-use ``recovery_code``."""

    authenticator_type: str
    secret: str
    qrcode_uri: str
    qrcode_data_url: str
    recovery_code: str


#: The second factors a user has bound, as ``{"OTP": bool, "FACE": bool}``.
MfaStatus = Dict[str, bool]


class MfaRecord(TypedDict, total=False):
    """A user's TOTP second factor as the administration API shows it; ``secret`` is the
    base32 secret of the user's authenticator app."""

    id: str
    userId: str
    userPoolId: str
    enable: bool
    secret: Optional[str]



class Role(TypedDict, total=False):
    """A role, unique by ``code`` within its ``namespace``."""

    id: str
    namespace: str
    code: str
    arn: str
    description: Optional[str]
    isSystem: bool
    createdAt: str
    updatedAt: str
    parent: Optional[Dict[str, Any]]
    users: UserPage
    authorizedResources: "AuthorizedResources"


class RolePage(TypedDict, total=False):
    totalCount: int
    list: List[Role]


class Group(TypedDict, total=False):
    """A user group."""

    code: str
    name: str
    description: Optional[str]
    createdAt: str
    updatedAt: str
    users: UserPage
    authorizedResources: "AuthorizedResources"


class GroupPage(TypedDict, total=False):
    totalCount: int
    list: List[Group]


class PolicyStatement(TypedDict, total=False):
    """``{resource, actions, effect: "ALLOW" | "DENY", condition}``."""

    resource: str
    actions: List[str]
    effect: str
    condition: List[Dict[str, Any]]


class Policy(TypedDict, total=False):
    """A policy: statements granting or denying actions on resources."""

    namespace: str
    code: str
    isDefault: bool
    description: Optional[str]
    statements: List[PolicyStatement]
    createdAt: str
    updatedAt: str
    assignmentsCount: int


class PolicyPage(TypedDict, total=False):
    totalCount: int
    list: List[Policy]


class PolicyAssignment(TypedDict, total=False):
    """A policy assigned to a user, role, group or organisation node."""

    code: str
    targetType: str
    targetIdentifier: str


class PolicyAssignmentPage(TypedDict, total=False):
    totalCount: int
    list: List[PolicyAssignment]


class AuthorizedResource(TypedDict, total=False):
    """A resource someone may act on: ``{code, type, actions}`` (empty keys removed)."""

    code: str
    type: str
    actions: List[str]


class AuthorizedResources(TypedDict, total=False):
    totalCount: int
    list: List[AuthorizedResource]


class Namespace(TypedDict, total=False):
    """A namespace (permission group) holding roles, policies, resources and grants; its
    ``id`` is a number."""

    id: int
    code: str
    name: str
    description: Optional[str]
    userPoolId: str
    createdAt: str
    updatedAt: str


class NamespacePage(TypedDict, total=False):
    """One page of namespaces: the count is ``total`` (``totalCount`` too, from the emulator)."""

    total: int
    totalCount: int
    list: List[Namespace]


class ResourceAction(TypedDict, total=False):
    """An action defined on a resource: ``{name, description}``."""

    name: str
    description: Optional[str]


class Resource(TypedDict, total=False):
    """A resource definition: its code, type (``DATA``, ``API``, ``MENU``, ``UI``, ``BUTTON``)
    and actions."""

    id: str
    code: str
    type: str
    description: Optional[str]
    actions: List[ResourceAction]
    apiIdentifier: Optional[str]
    namespaceId: int
    userPoolId: str
    createdAt: str
    updatedAt: str


class ResourcePage(TypedDict, total=False):
    totalCount: int
    list: List[Resource]


class ResourcePermission(TypedDict, total=False):
    """What a user may do on one resource: ``{code, actions}``."""

    code: str
    actions: List[str]


class AuthorizedTarget(TypedDict, total=False):
    """A user, role, group or organisation node granted actions on a resource."""

    targetType: str
    targetIdentifier: str
    actions: List[str]


class AuthorizedTargets(TypedDict, total=False):
    totalCount: int
    list: List[AuthorizedTarget]
