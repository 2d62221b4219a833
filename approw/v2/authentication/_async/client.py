"""``AsyncAuthenticationClient``: the end-user client, one class composed of the area modules."""
from approw.v2.authentication.types import AuthenticationClientOptions
from approw.v2.common._async.lifetime import AsyncClientLifetime
from approw.v2.common.options import TakesOptions

from .account import AsyncAccountMethods
from .contact import AsyncContactMethods
from .custom_data import AsyncCustomDataMethods
from .info import AsyncInfoMethods
from .login import AsyncLoginMethods
from .mfa import AsyncMfaAuthenticationClient
from .protocols import AsyncProtocolMethods

__all__ = ["AsyncAuthenticationClient"]


class AsyncAuthenticationClient(TakesOptions, AsyncClientLifetime, AsyncLoginMethods,
                                AsyncAccountMethods, AsyncContactMethods, AsyncCustomDataMethods,
                                AsyncInfoMethods, AsyncProtocolMethods):
    """Register, log in and act as one end user.  Create a new client per web request (clients
    are cheap: they share the process-wide HTTP session and its keep-alive connections), so
    users' login state never mixes.

    ``AsyncAuthenticationClient(options)`` takes an :class:`AuthenticationClientOptions`.  The
    methods come from one module per area: registration and login
    (:class:`AsyncLoginMethods`), account maintenance (:class:`AsyncAccountMethods`), phone
    and e-mail (:class:`AsyncContactMethods`), custom data (:class:`AsyncCustomDataMethods`),
    roles, permissions, organisations, applications and security
    (:class:`AsyncInfoMethods`), the OIDC / OAuth 2.0 / SAML / CAS helpers and local token
    verification (:class:`AsyncProtocolMethods`); the current user (``get_current_user``) and
    the session state are in :class:`AsyncAuthenticationBase`.

    Attributes: ``mfa`` (:class:`AsyncMfaAuthenticationClient`, second factors), ``options``,
    ``graphqlClient`` and ``restClient``.  ``async with AsyncAuthenticationClient(options) as
    client:`` or ``await client.aclose()`` closes it.
    """

    mfa: AsyncMfaAuthenticationClient

    def __init__(self, options: AuthenticationClientOptions) -> None:
        super().__init__(options)
        self.mfa = AsyncMfaAuthenticationClient(self)
