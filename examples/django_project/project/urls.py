"""The example's routes: plain Django views (views.py) and Django REST framework views
(api.py)."""
from django.urls import path  # type: ignore[import-untyped]

from . import api, views

urlpatterns = [
    path("signup", views.signup),
    path("signin", views.signin),
    path("me", views.me),
    path("books", views.books),
    path("signout", views.signout),
    path("admin/users", api.AdminUsers.as_view()),
    path("api/books", api.Books.as_view()),
]
