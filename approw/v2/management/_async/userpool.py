"""``management.userpool``: :class:`AsyncUserpoolManagementClient`, the settings of the user
pool, its environment variables and its secret.

    management.userpool.update({"registerDisabled": True})          # no more self sign-up
    management.userpool.update({"tokenExpiresAfter": 3600})          # user tokens last an hour
    management.userpool.update({"loginFailCheck": {"enabled": True, "limit": 5, "timeInterval": 300}})
    management.userpool.add_env("stage", "production")              # read by pipeline functions
"""
from typing import TYPE_CHECKING, Any, List, Mapping, cast
from urllib.parse import quote

from approw.v2.common import operations as ops
from approw.v2.common import checks
from approw.v2.common.checks import checked
from approw.v2.common.shapes import CommonMessage, Env, UserPool
from approw.v2.exceptions import ApprowWrongArgumentException

from .base import AsyncManagementSubClient

if TYPE_CHECKING:
    from approw.v2.common.inputs import UpdateUserpoolInput
else:  # plain dicts at run time, checked by checks.input_object
    UpdateUserpoolInput = Mapping

__all__ = ["AsyncUserpoolManagementClient"]


def _env_key(key: str) -> str:
    if not key.strip():
        raise ApprowWrongArgumentException("key must not be empty")
    return key


class AsyncUserpoolManagementClient(AsyncManagementSubClient):
    """The user pool itself, ``management_client.userpool``: its settings, environment variables
    and secret (every call carries the management token)."""

    @checked
    async def detail(self) -> UserPool:
        """The pool's settings.

        Returns:
            The settings, a dict with ``id``, ``name``, ``domain``, ``secret``,
            ``registerDisabled``, ``tokenExpiresAfter`` (seconds), ``whitelist``
            (``{phoneEnabled, emailEnabled, usernameEnabled}``), ``loginFailCheck``, ...

        Raises:
            PermissionDeniedError: the pool secret is wrong, so no management token (1001).

        Example::

            pool = management_client.userpool.detail()
            print(pool["name"], pool["tokenExpiresAfter"])
        """
        return await self._exec(ops.userpool({}))

    @checked
    async def update(self, updates: UpdateUserpoolInput) -> UserPool:
        """Change the pool's settings; a nested setting keeps the parts not given.

        Args:
            updates: any of ``name``, ``logo``, ``domain``, ``description``,
                ``emailVerifiedDefault``, ``sendWelcomeEmail``, ``registerDisabled``,
                ``allowedOrigins`` (one origin per line), ``tokenExpiresAfter`` (seconds),
                ``whitelist`` (``{phoneEnabled, emailEnabled, usernameEnabled}``),
                ``loginFailCheck`` and ``frequentRegisterCheck`` (``{enabled, timeInterval, limit}``,
                the interval in seconds), ... (the fields of ``UpdateUserpoolInput``).

        Returns:
            All the settings afterwards, as :meth:`detail` returns them.

        Raises:
            ApprowException: a value is refused, e.g. an empty ``domain`` or a
                ``tokenExpiresAfter`` out of range (2231).
            ApprowWrongArgumentException: ``updates`` is empty or has an unknown field.
            ApprowArgumentTypeError: ``updates`` is not a dict.
        """
        if not updates:
            raise ApprowWrongArgumentException("updates must not be empty")
        checks.input_object("UpdateUserpoolInput", updates, "updates")
        return await self._exec(ops.updateUserpool({"input": updates}))

    @checked
    async def list_env(self) -> List[Env]:
        """The pool's environment variables (read by pipeline functions).

        Returns:
            A list of ``{id, userPoolId, key, value, createdAt, updatedAt}``
            (:class:`~approw.v2.common.shapes.pool.Env` dicts); ``None`` when an ``on_error``
            option returned instead of raising.

        Raises:
            PermissionDeniedError: the pool secret is wrong, so no management token (1001).
        """
        envs: List[Env] = await self._rest("GET", "/api/v2/env")
        return envs

    @checked
    async def add_env(self, key: str, value: Any) -> Env:
        """Set an environment variable, replacing a previous value.

        Args:
            key: the variable's name, not blank.
            value: any JSON value.

        Returns:
            The variable (a :class:`~approw.v2.common.shapes.pool.Env` dict).

        Raises:
            ApprowWrongArgumentException: ``key`` is blank, or ``value`` cannot be sent as JSON.
            ApprowArgumentTypeError: ``key`` is not a str.
        """
        env: Env = await self._rest("POST", "/api/v2/env", json={"key": _env_key(key), "value": value})
        return env

    @checked
    async def remove_env(self, key: str) -> CommonMessage:
        """Remove an environment variable.

        Args:
            key: the variable's name.

        Returns:
            ``{code: 200, message}`` (a :class:`~approw.v2.common.shapes.common.CommonMessage`
            dict); the service's error ``{code, message}`` when an ``on_error`` option returned
            instead of raising.

        Raises:
            ApprowException: there is no variable with this name (2231).
            ApprowWrongArgumentException: ``key`` is blank.
            ApprowArgumentTypeError: ``key`` is not a str.
        """
        answer = await self._rest("DELETE", f"/api/v2/env/{quote(_env_key(key), safe='')}", result="raw")
        if not isinstance(answer, dict):
            answer = {"code": 500, "message": "the server answered without a result code"}
        if answer.get("code") != 200:
            self._executor.report(answer.get("code"), answer.get("message"))
        return cast(CommonMessage, {"code": answer.get("code"), "message": answer.get("message")})

    @checked
    async def refresh_secret(self) -> str:
        """Give the pool a new secret and return it.

        The old secret no longer gets management tokens (tokens already issued stay valid until
        they expire).  This client's options take the new secret, so it keeps working; give it to
        your other deployments.

        Returns:
            The new secret.

        Raises:
            PermissionDeniedError: the pool secret is wrong, so no management token (1001).
        """
        secret = await self._exec(ops.refreshUserpoolSecret({}))
        self.options.secret = secret
        return secret
