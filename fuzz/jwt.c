/*
 * jwt.c - libFuzzer harness: approw._core.jwt_verify.  The first input byte
 * picks the shape: the rest as a raw token, or split at 0xff into a header
 * and a payload (JSON text, base64url-encoded here) and a signature that is
 * either the correct HS256 one (so the claim checks run) or the fuzzer's; the
 * key is the HS256 secret, an RSA PEM or an RSA JWK; leeway, audience and
 * issuer vary.  Anything but a JWTError (or a CryptoError for a key that
 * cannot be used) is a failure.
 */
#include "fuzz_python.h"

static PyObject *one;

static const char glue[] =
    "import hmac, hashlib\n"
    "SECRET = 'fuzz-secret-0123456789abcdef0123'\n"
    "PEM = (\n"
    "    '-----BEGIN PUBLIC KEY-----\\n'\n"
    "    'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuyYWzET8OYKz+DsxLCCs\\n'\n"
    "    'UaMuksSblvV1DVzX0X7ho7+iNJwyFyTv/J9/hSSWggKK1OFy0+GPDCN7OkKFEkeE\\n'\n"
    "    '/p230KG2pQBup8A5Z03C2ZZCHHpq+Y2E8cNQBOeHv+UVIG2pXRwOncqqcZO98u6r\\n'\n"
    "    'TkweT3IWg+3OCYiSVrTGNsRMH5H/tjf84AGdDhAY31kV8rTdAk5ZV6hdIm5PjEGb\\n'\n"
    "    'FXbB6WbtvteMiq2PwvInD0kFksOu7Lt3a6uZHMx8m4rPHODwdL8pi56NRcLIYTqH\\n'\n"
    "    'IHi0RCgMl5r055AAOTNckDnFRDTHB68G6OUsHMpg6O/q1GCxHhaCdM24I3xW/rNx\\n'\n"
    "    '8wIDAQAB\\n'\n"
    "    '-----END PUBLIC KEY-----\\n'\n"
    ")\n"
    "JWK = {'kty': 'RSA', 'kid': 'k1', 'alg': 'RS256', 'e': 'AQAB', 'n': core.b64url_encode(b'\\xc3' + b'\\x17' * 255)}\n"
    "def one(data):\n"
    "    mode = data[0] if data else 0\n"
    "    body = data[1:]\n"
    "    if mode % 4 == 0:\n"
    "        token = body\n"
    "    else:\n"
    "        h, p, s = (body.split(b'\\xff', 2) + [b'', b''])[:3]\n"
    "        signing = core.b64url_encode(h) + '.' + core.b64url_encode(p)\n"
    "        mac = hmac.new(SECRET.encode(), signing.encode(), hashlib.sha256).digest()\n"
    "        token = signing + '.' + core.b64url_encode(mac if mode % 4 != 3 else s)\n"
    "    key, algs = [(SECRET, ('HS256',)), (PEM, ('RS256',)), (JWK, ('RS256',)), (SECRET, ('HS256', 'RS256'))][(mode >> 2) % 4]\n"
    "    options = {'leeway': mode >> 6}\n"
    "    if mode & 32:\n"
    "        options.update(audience=['app', 'other'], issuer='https://idp.example/oidc')\n"
    "    try:\n"
    "        core.jwt_verify(token, key, algs, **options)\n"
    "    except core.JWTError:\n"
    "        pass\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    PyObject *main, *globals;

    (void)argc;
    (void)argv;
    apw_fz_start();
    main = PyImport_AddModule("__main__");
    globals = PyModule_GetDict(main);
    if (PyRun_String(glue, Py_file_input, globals, globals) == NULL) {
        apw_fz_fail("glue");
    }
    one = PyDict_GetItemString(globals, "one");
    if (one == NULL) {
        apw_fz_fail("one");
    }
    Py_INCREF(one);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PyObject *in = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
    PyObject *out;

    if (in == NULL) {
        apw_fz_fail("bytes");
    }
    out = PyObject_CallOneArg(one, in);
    Py_DECREF(in);
    if (out == NULL) {
        apw_fz_fail("jwt_verify raised something other than JWTError");
    }
    Py_DECREF(out);
    return 0;
}
