"""``AsyncAuthenticationClient``: the end-user client, one class composed of the area modules."""
from .account import AsyncAccountMethods
from .login import AsyncLoginMethods
from .protocols import AsyncProtocolMethods

__all__ = ["AsyncAuthenticationClient"]


class AsyncAuthenticationClient(AsyncLoginMethods, AsyncAccountMethods, AsyncProtocolMethods):
    """Register, log in and act as one end user.  Create a new client per web request (clients
    are cheap: they share the process-wide HTTP session and its keep-alive connections), so
    users' login state never mixes.

    ``AsyncAuthenticationClient(options)`` takes an :class:`AuthenticationClientOptions`.  The
    methods come from one module per area: registration and login
    (:class:`AsyncLoginMethods`), account maintenance (:class:`AsyncAccountMethods`), the
    OIDC / OAuth 2.0 / SAML / CAS helpers (:class:`AsyncProtocolMethods`); the
    current user (``get_current_user``) and the session state are in
    :class:`AsyncAuthenticationBase`.  Also: ``options``, ``graphqlClient`` and ``restClient``.
    """
