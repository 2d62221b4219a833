"""A Django project protected by Approw (plain views and Django REST framework views)."""
