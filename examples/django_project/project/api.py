"""Django REST framework views: authentication and permission classes from
``approw.integrations.drf`` (the defaults are in settings.REST_FRAMEWORK)."""
from typing import Any

from rest_framework.permissions import IsAuthenticated  # type: ignore[import-untyped]
from rest_framework.response import Response  # type: ignore[import-untyped]
from rest_framework.views import APIView  # type: ignore[import-untyped]

from approw.integrations.django import get_guard
from approw.integrations.drf import HasPermission, HasRole


class AdminUsers(APIView):  # type: ignore[misc]
    """Every user of the pool (50 per request to the service), for holders of the role ``admin``."""

    permission_classes = [IsAuthenticated, HasRole("admin")]

    def get(self, request: Any) -> Response:
        return Response([{"id": u["id"], "username": u["username"]}
                         for u in get_guard().management.users.iter(limit=50)])


class Books(APIView):  # type: ignore[misc]
    """The books, for users allowed ``books:read`` on ``books:*``."""

    permission_classes = [IsAuthenticated, HasPermission("books:*", "books:read")]

    def get(self, request: Any) -> Response:
        return Response({"user": request.user.user_id, "books": ["The Left Hand of Darkness", "Solaris"]})
