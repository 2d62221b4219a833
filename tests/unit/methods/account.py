"""``AuthenticationClient``: account maintenance (profile, logout, ...)."""
from . import Case, user

CASES = [
    Case("auth", "update_profile", ({"nickname": "Nick", "password": "plain"},),
         op="updateUser", calls=["GET /api/v2/users/me", "updateUser"],
         variables={"id": "u1", "input": {"nickname": "Nick", "password": "plain"}},
         answer=user(nickname="Nick"), returns=user(nickname="Nick"), token="stored",
         state_token="stored"),
    Case("auth", "logout", op="GET /api/v2/logout",
         calls=["GET /api/v2/users/me", "GET /api/v2/logout"], variables=None,
         answer={"code": 200, "message": "ok"}, returns=True, token="stored",
         state_token="stored"),
]
