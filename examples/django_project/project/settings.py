"""Settings of the Django example.  Approw is configured by ``APPROW`` (here from the
``APPROW_*`` environment variables: ``APPROW_HOST``, ``APPROW_APP_ID``,
``APPROW_USER_POOL_ID``, ``APPROW_SECRET``, ...); the project needs no database (users live
in the identity service)."""
import os
from typing import Any, Dict, List

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "only-for-the-example")
DEBUG = False
ALLOWED_HOSTS: List[str] = ["localhost", "127.0.0.1", "testserver"]
ROOT_URLCONF = "project.urls"
INSTALLED_APPS: List[str] = ["rest_framework"]
MIDDLEWARE: List[str] = ["approw.integrations.django.ApprowMiddleware"]
DATABASES: Dict[str, Any] = {}
USE_TZ = True

APPROW = {name[len("APPROW_"):]: value for name, value in os.environ.items() if name.startswith("APPROW_")}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["approw.integrations.drf.ApprowAuthentication"],
    "EXCEPTION_HANDLER": "approw.integrations.drf.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,       # no django.contrib.auth: anonymous requests have no user
}
