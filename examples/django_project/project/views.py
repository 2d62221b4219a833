"""Plain Django views: sign-up, sign-in, the protected profile, a permission, sign-out.  The
SDK errors they raise (an existing user, a wrong password) are answered by the middleware."""
import json
from typing import Any, Callable, Dict, Tuple, TypeVar, cast

from django.http import HttpRequest, JsonResponse  # type: ignore[import-untyped]
from django.views.decorators import http  # type: ignore[import-untyped]

from approw.integrations.django import get_guard, login_required, permission_required

F = TypeVar("F", bound=Callable[..., Any])
require_GET = cast(Callable[[F], F], http.require_GET)  # django ships no type hints
require_POST = cast(Callable[[F], F], http.require_POST)


def _credentials(request: HttpRequest) -> Tuple[str, str]:
    try:
        body: Dict[str, Any] = json.loads(request.body or b"{}")
    except ValueError:
        body = {}
    return str(body.get("username") or ""), str(body.get("password") or "")


@require_POST
def signup(request: HttpRequest) -> JsonResponse:
    user = get_guard().authentication().register_by_username(*_credentials(request))
    return JsonResponse({"id": user["id"], "username": user["username"]}, status=201)


@require_POST
def signin(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"token": get_guard().authentication().login_by_username(*_credentials(request))["token"]})


@require_GET
@login_required
def me(request: HttpRequest) -> JsonResponse:
    user = request.approw_user
    profile = get_guard().authentication(user.token).get_current_user()
    return JsonResponse({"id": user.user_id, "username": profile["username"] if profile else None,
                         "pool": user.user_pool_id, "app": user.app_id})


@require_GET
@permission_required("books:*", "books:read")
def books(request: HttpRequest) -> JsonResponse:
    return JsonResponse(["The Left Hand of Darkness", "Solaris"], safe=False)


@require_POST
@login_required
def signout(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"signed_out": get_guard().authentication(request.approw_user.token).logout()})
