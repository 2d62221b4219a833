"""Fixture data for the benchmarks: GraphQL documents, users, tokens, keys, and
the canned answers served by cannedsrv.

Everything here is generated deterministically (seeded) except the RSA keys,
which are generated once and cached with the rest under bench/.work/data/.
The field lists follow shared/spec/API.md (Appendix A operations, Appendix B
USER field set + externalId + identities).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import time
from pathlib import Path
from typing import Any

# ----------------------------------------------------------------- constants

USER_POOL_ID = "5f9d0cbe1b2a4c0d8e7f6a5b"
USER_POOL_SECRET = "7d3c1b9e0f2a4d6c8b5e3a1f9c7d5b3a"
APP_ID = "60a1b2c3d4e5f6a7b8c9d0e1"
SDK_VERSION_HEADER = "python:4.5.15"
LOGIN_USERNAME = "bench_user_0000"
LOGIN_PASSWORD = "correct horse battery staple"
PAGE_TOTAL = 1000

# API.md §1.3: the SDK's default encryption key (1024-bit, SubjectPublicKeyInfo PEM).
DEFAULT_ENCRYPT_PUBLICKEY = """
-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC4xKeUgQ+Aoz7TLfAfs9+paePb
5KIofVthEopwrXFkp8OCeocaTHt9ICjTT2QeJh6cZaDaArfZ873GPUn00eOIZ7Ae
+TiA2BKHbCvloW3w5Lnqm70iSsUi5Fmu9/2+68GZRH9L7Mlh8cFksCicW2Y2W2uM
GKl64GDcIq3au+aqJQIDAQAB
-----END PUBLIC KEY-----
"""

# Appendix B: USER (49 fields) + externalId; identities sub-selection.
USER_FIELDS = (
    "id arn userPoolId status username email emailVerified phone phoneVerified unionid openid "
    "nickname registerSource photo password oauth token tokenExpiredAt loginsCount lastLogin "
    "lastIP signedUp blocked isDeleted device browser company name givenName familyName "
    "middleName profile preferredUsername website gender birthdate zoneinfo locale address "
    "formatted streetAddress locality region postalCode city province country createdAt "
    "updatedAt externalId"
).split()
IDENTITY_FIELDS = "openid userIdInIdp userId connectionId isSocial provider type userPoolId".split()


def _user_selection(identities: bool) -> str:
    out = " ".join(USER_FIELDS)
    if identities:
        out += " identities { " + " ".join(IDENTITY_FIELDS) + " }"
    return out


# GraphQL documents on one line, as the SDK sends them (operation name =
# root field; variables as declared in Appendix A).
DOC_ACCESS_TOKEN = (
    "query accessToken($userPoolId: String!, $secret: String!) "
    "{ accessToken(userPoolId: $userPoolId, secret: $secret) { accessToken exp iat } }"
)
DOC_USERS = (
    "query users($page: Int, $limit: Int, $sortBy: SortByEnum, $excludeUsersInOrg: Boolean) "
    "{ users(page: $page, limit: $limit, sortBy: $sortBy, excludeUsersInOrg: $excludeUsersInOrg) "
    "{ totalCount list { " + _user_selection(True) + " } } }"
)
DOC_USER = "query user($id: String) { user(id: $id) { " + _user_selection(True) + " } }"
DOC_LOGIN = (
    "mutation loginByUsername($input: LoginByUsernameInput!) "
    "{ loginByUsername(input: $input) { " + _user_selection(False) + " } }"
)

# ----------------------------------------------------------------- users

_FAMILY = ["王", "李", "张", "刘", "陈", "杨", "Smith", "Garcia", "Müller", "Kowalski", "Tanaka", "Nguyen"]
_GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "Olivia", "Liam", "Sofía", "Jürgen", "Yuki", "Anh"]
_CITIES = [
    ("北京", "北京市", "CN", "100000", "Asia/Shanghai", "zh-CN"),
    ("上海", "上海市", "CN", "200000", "Asia/Shanghai", "zh-CN"),
    ("深圳", "广东省", "CN", "518000", "Asia/Shanghai", "zh-CN"),
    ("Berlin", "Berlin", "DE", "10115", "Europe/Berlin", "de-DE"),
    ("Austin", "Texas", "US", "73301", "America/Chicago", "en-US"),
    ("Osaka", "Osaka", "JP", "530-0001", "Asia/Tokyo", "ja-JP"),
]
_BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.45 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 15_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.16",
]
_SOURCES = [["import:manual"], ["basic:username-password"], ["social:wechat"], ["basic:email"], ["basic:phone-code"]]


def _oid(rng: random.Random) -> str:
    return "%024x" % rng.getrandbits(96)


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % int((ts % 1) * 1000)


def make_user(rng: random.Random, index: int) -> dict[str, Any]:
    """One user with every USER field, externalId and 1–2 identities."""
    uid = _oid(rng)
    family, given = rng.choice(_FAMILY), rng.choice(_GIVEN)
    city, province, country, postal, zone, locale = rng.choice(_CITIES)
    username = "bench_user_%04d" % index
    created = 1577836800 + rng.random() * 5e7
    updated = created + rng.random() * 2e7
    last_login = updated - rng.random() * 1e6
    ascii_name = username.replace("_", ".")
    social = rng.random() < 0.3
    identities = [
        {
            "openid": None,
            "userIdInIdp": uid,
            "userId": uid,
            "connectionId": _oid(rng),
            "isSocial": False,
            "provider": "approw",
            "type": "password",
            "userPoolId": USER_POOL_ID,
        }
    ]
    if social:
        identities.append(
            {
                "openid": "o" + base64.urlsafe_b64encode(rng.randbytes(21)).decode(),
                "userIdInIdp": "o" + base64.urlsafe_b64encode(rng.randbytes(21)).decode(),
                "userId": uid,
                "connectionId": _oid(rng),
                "isSocial": True,
                "provider": "wechat",
                "type": "social",
                "userPoolId": USER_POOL_ID,
            }
        )
    user = {
        "id": uid,
        "arn": f"arn:cn:approw:{USER_POOL_ID}:user:{uid}",
        "userPoolId": USER_POOL_ID,
        "status": "Activated",
        "username": username,
        "email": f"{ascii_name}@example.com",
        "emailVerified": rng.random() < 0.7,
        "phone": "+86 13%09d" % rng.randrange(10**9),
        "phoneVerified": rng.random() < 0.5,
        "unionid": ("u" + _oid(rng)) if social else None,
        "openid": ("o" + _oid(rng)) if social else None,
        "nickname": given + family if not given.isascii() else f"{given} {family}",
        "registerSource": rng.choice(_SOURCES),
        "photo": "https://files.approw.co/approw-console/default-user-avatar.png",
        "password": None,
        "oauth": json.dumps({"nickname": given, "headimgurl": "https://example.com/h/%d.png" % index}) if social else None,
        "token": None,
        "tokenExpiredAt": _iso(last_login + 1209600),
        "loginsCount": rng.randrange(0, 5000),
        "lastLogin": _iso(last_login),
        "lastIP": "%d.%d.%d.%d" % (rng.randrange(1, 224), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)),
        "signedUp": _iso(created),
        "blocked": False,
        "isDeleted": False,
        "device": None,
        "browser": rng.choice(_BROWSERS),
        "company": rng.choice([None, "Example Corp", "示例科技有限公司"]),
        "name": f"{family}{given}" if not family.isascii() else f"{given} {family}",
        "givenName": given,
        "familyName": family,
        "middleName": None,
        "profile": None,
        "preferredUsername": username,
        "website": rng.choice([None, "https://example.com/~%s" % ascii_name]),
        "gender": rng.choice("MFU"),
        "birthdate": "%04d-%02d-%02d" % (rng.randrange(1960, 2005), rng.randrange(1, 13), rng.randrange(1, 29)),
        "zoneinfo": zone,
        "locale": locale,
        "address": None,
        "formatted": f"{rng.randrange(1, 999)} Example Road, {city}",
        "streetAddress": f"{rng.randrange(1, 999)} Example Road",
        "locality": city,
        "region": province,
        "postalCode": postal,
        "city": city,
        "province": province,
        "country": country,
        "createdAt": _iso(created),
        "updatedAt": _iso(updated),
        "externalId": rng.choice([None, "ext-%06d" % index]),
        "identities": identities,
    }
    return user


def make_users(count: int, seed: int = 20211125) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [make_user(rng, i) for i in range(count)]


def users_page_body(users: list[dict[str, Any]], total: int) -> bytes:
    """The whole GraphQL answer body for a `users` query."""
    return _dumps({"data": {"users": {"totalCount": total, "list": users}}})


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ----------------------------------------------------------------- keys, JWT


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_or_make_key(path: Path) -> tuple[str, str]:
    """(private PEM, public PEM) of a cached 2048-bit RSA key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise RuntimeError("%s is not an RSA private key; delete it to regenerate" % path)
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        os.replace(tmp, path)
    private_pem = path.read_text()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


def sign_rs256(private_pem: str, claims: dict[str, Any], kid: str = "bench") -> str:
    """A compact RS256 JWS over `claims` (built with `cryptography`)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, RSAPrivateKey)
    header = {"alg": "RS256", "typ": "JWT", "kid": kid}
    signing_input = (
        _b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64url(json.dumps(claims, separators=(",", ":")).encode())
    )
    sig = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64url(sig)


# ----------------------------------------------------------------- work dir

# Bump when the generated data changes shape.
DATA_VERSION = "3"


def _fingerprint(schema_path: Path) -> str:
    h = hashlib.sha256()
    h.update(DATA_VERSION.encode())
    h.update(Path(__file__).read_bytes())
    h.update(schema_path.read_bytes())
    return h.hexdigest()


def introspection_body(schema_path: Path) -> bytes:
    """Execute the standard introspection query against the schema (graphql-core 3)."""
    from graphql import build_schema, get_introspection_query, graphql_sync

    schema = build_schema(schema_path.read_text(encoding="utf-8"))
    result = graphql_sync(schema, get_introspection_query(descriptions=True))
    if result.errors:
        raise RuntimeError("introspection of %s failed: %s" % (schema_path, result.errors))
    return _dumps({"data": result.data})


def check_documents(schema_path: Path) -> None:
    """The bench's own documents must be valid against the served schema."""
    from graphql import build_schema, parse, validate

    schema = build_schema(schema_path.read_text(encoding="utf-8"))
    for doc in (DOC_ACCESS_TOKEN, DOC_USERS, DOC_USER, DOC_LOGIN):
        errors = validate(schema, parse(doc))
        if errors:
            raise RuntimeError("document invalid against %s: %s" % (schema_path.name, errors[0]))


def prepare_data(data_dir: Path, schema_path: Path) -> dict[str, Any]:
    """Write cannedsrv's answers and the fixture files; reuse them when current.

    Returns the fixture description (tokens, ids, paths) as a dict.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    meta_path = data_dir / "fixture.json"
    fp = _fingerprint(schema_path)
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("fingerprint") == fp and all((data_dir / f).exists() for f in meta["files"]):
            return meta

    check_documents(schema_path)
    private_pem, public_pem = load_or_make_key(data_dir / "rsa2048.pem")
    now = int(time.time())
    # GraphQL Int is 32-bit: stay below 2**31 while being years away.
    exp = min(now + 10 * 365 * 86400, 2**31 - 1)
    mgmt_token = sign_rs256(
        private_pem,
        {"data": {"type": "userPool", "id": USER_POOL_ID}, "iat": now, "exp": exp, "iss": "https://core.approw.com"},
    )
    users = make_users(PAGE_TOTAL)
    login_user = dict(users[0])
    login_user.pop("identities")
    login_user["username"] = LOGIN_USERNAME
    login_user["token"] = sign_rs256(
        private_pem,
        {
            "sub": login_user["id"],
            "aud": APP_ID,
            "iat": now,
            "exp": exp,
            "iss": "https://core.approw.com/oidc",
            "data": {"type": "user", "userPoolId": USER_POOL_ID, "appId": APP_ID, "id": login_user["id"]},
        },
    )
    # The JWT benchmark token: plain claims, no audience, exp far away.
    jwt_claims = {"sub": users[1]["id"], "iat": now, "exp": exp, "iss": "https://core.approw.com", "name": "bench"}
    jwt_token = sign_rs256(private_pem, jwt_claims)

    files = {
        "introspection.json": introspection_body(schema_path),
        "accessToken.json": _dumps({"data": {"accessToken": {"accessToken": mgmt_token, "exp": exp, "iat": now}}}),
        "users.json": users_page_body(users[:10], PAGE_TOTAL),
        "user.json": _dumps({"data": {"user": users[0]}}),
        "loginByUsername.json": _dumps({"data": {"loginByUsername": login_user}}),
        "users1000.json": users_page_body(users, PAGE_TOTAL),
        "rsa2048.pub.pem": public_pem.encode(),
        "default_key.pem": DEFAULT_ENCRYPT_PUBLICKEY.encode(),
    }
    for name, content in files.items():
        tmp = data_dir / (name + ".tmp")
        tmp.write_bytes(content)
        os.replace(tmp, data_dir / name)
    meta = {
        "fingerprint": fp,
        "files": sorted(files) + ["rsa2048.pem"],
        "mgmt_token": mgmt_token,
        "mgmt_exp": exp,
        "detail_user_id": users[0]["id"],
        "page_first_id": users[0]["id"],
        "login_user_id": login_user["id"],
        "jwt_token": jwt_token,
        "jwt_claims": jwt_claims,
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


# ----------------------------------------------------------------- requests


def base_headers(token: str | None = None, app_id: str | None = None) -> dict[str, str]:
    """Headers the SDK sends on a GraphQL call (API.md §2.1, Approw names)."""
    headers = {
        "content-type": "application/json",
        "x-approw-sdk-version": SDK_VERSION_HEADER,
        "x-approw-userpool-id": USER_POOL_ID,
        "x-approw-request-from": "sdk",
    }
    if app_id is not None:
        headers["x-approw-app-id"] = app_id
    if token:
        headers["authorization"] = "Bearer " + token
    return headers


def login_input(encrypted_password: str) -> dict[str, Any]:
    """`input` of loginByUsername as the SDK builds it for (username, password)."""
    return {
        "username": LOGIN_USERNAME,
        "password": encrypted_password,
        "autoRegister": False,
        "captchaCode": None,
        "clientIp": None,
        "params": None,
        "context": None,
    }
