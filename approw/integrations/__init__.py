"""Web-framework integrations of the Approw SDK: protect routes with a bearer token (verified
locally, the provider's keys cached), check permissions and roles (cached, or from the token's
claims), and turn the SDK's errors into HTTP answers (RFC 6750).

* ``approw.integrations.fastapi`` (and ``approw.integrations.starlette``): dependencies and an
  exception handler; the async clients bound to the application's lifespan.
* ``approw.integrations.flask``: the ``Approw(app)`` extension, ``@login_required``,
  ``@permission_required``, ``g.approw_user``.
* ``approw.integrations.django``: settings, a middleware (``request.approw_user``),
  decorators, and Django REST framework authentication and permission classes.

Each module imports its framework, which is an optional extra (``pip install
'approw-py-sdk[fastapi]'``, ``[flask]``, ``[django]``, ``[drf]``); the SDK itself never imports
this package.  The framework-neutral parts are :mod:`.config` (the settings),
:mod:`.core` (the principal, the guards, the error mapping) and :mod:`.cache` (the
permission cache).
"""
__all__ = ["core", "cache"]
