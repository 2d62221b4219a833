/*
 * jwt_claims.c - the registered claims of a verified token (jwt.c calls it
 * last): exp/nbf/iat must be numbers (not bool, finite); now > exp + leeway ->
 * JWTExpiredError, now < nbf - leeway -> JWTNotYetValidError; the audience
 * (str or list) must meet the token's aud (str or list), and, as RFC 7519
 * 4.1.3 and PyJWT, a token carrying aud is refused when no audience is given;
 * the issuer must equal iss -> JWTClaimsError.
 */
#include "crypto.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* A JSON number claim as a double.  1 found, 0 absent, -1 error
 * (JWTClaimsError when not a finite number). */
static int
apw_claim_number(apw_core_state *st, PyObject *claims, const char *name, double *out)
{
    PyObject *v = PyDict_GetItemString(claims, name);   /* borrowed */

    if (v == NULL) {
        return 0;
    }
    if (PyFloat_Check(v)) {
        *out = PyFloat_AS_DOUBLE(v);
        if (!isfinite(*out)) {
            PyErr_Format(st->JWTClaimsError, "'%s' claim must be a finite number", name);
            return -1;
        }
        return 1;
    }
    if (PyLong_Check(v) && !PyBool_Check(v)) {
        int overflow = 0;
        long long ll = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (ll == -1 && PyErr_Occurred()) {
            return -1;
        }
        /* Beyond 64 bits only the sign matters for a time comparison. */
        *out = overflow > 0 ? HUGE_VAL : overflow < 0 ? -HUGE_VAL : (double)ll;
        return 1;
    }
    PyErr_Format(st->JWTClaimsError, "'%s' claim must be a number, got %.50s", name,
                 Py_TYPE(v)->tp_name);
    return -1;
}

/* Does the token's aud claim (str or list of str) name one of `wanted`
 * (a tuple of str)?  1 yes, 0 no, -1 JWTClaimsError on a malformed claim. */
static int
apw_aud_matches(apw_core_state *st, PyObject *aud, PyObject *wanted)
{
    Py_ssize_t nw = PyTuple_GET_SIZE(wanted);

    if (PyUnicode_Check(aud)) {
        for (Py_ssize_t j = 0; j < nw; j++) {
            int eq = PyUnicode_Compare(aud, PyTuple_GET_ITEM(wanted, j));
            if (eq == -1 && PyErr_Occurred()) {
                return -1;
            }
            if (eq == 0) {
                return 1;
            }
        }
        return 0;
    }
    if (PyList_Check(aud)) {
        Py_ssize_t na = PyList_GET_SIZE(aud);
        for (Py_ssize_t i = 0; i < na; i++) {
            if (!PyUnicode_Check(PyList_GET_ITEM(aud, i))) {
                PyErr_SetString(st->JWTClaimsError,
                                "'aud' claim must be a str or a list of str");
                return -1;
            }
        }
        for (Py_ssize_t i = 0; i < na; i++) {
            for (Py_ssize_t j = 0; j < nw; j++) {
                int eq = PyUnicode_Compare(PyList_GET_ITEM(aud, i),
                                           PyTuple_GET_ITEM(wanted, j));
                if (eq == -1 && PyErr_Occurred()) {
                    return -1;
                }
                if (eq == 0) {
                    return 1;
                }
            }
        }
        return 0;
    }
    PyErr_SetString(st->JWTClaimsError, "'aud' claim must be a str or a list of str");
    return -1;
}

/* Check exp / nbf / iat / aud / iss.  0 or -1. */
int
apw_jwt_claims(apw_core_state *st, PyObject *claims, double now, double leeway,
               PyObject *audiences, PyObject *issuer)
{
    double v = 0;
    int has;
    PyObject *aud;
    PyObject *iss;

    has = apw_claim_number(st, claims, "exp", &v);
    if (has < 0) {
        return -1;
    }
    if (has && now > v + leeway) {
        PyErr_SetString(st->JWTExpiredError, "token has expired (exp)");
        return -1;
    }
    has = apw_claim_number(st, claims, "nbf", &v);
    if (has < 0) {
        return -1;
    }
    if (has && now < v - leeway) {
        PyErr_SetString(st->JWTNotYetValidError, "token is not valid yet (nbf)");
        return -1;
    }
    if (apw_claim_number(st, claims, "iat", &v) < 0) {
        return -1;
    }

    aud = PyDict_GetItemString(claims, "aud");    /* borrowed */
    if (audiences != NULL) {
        int m;
        if (aud == NULL) {
            PyErr_SetString(st->JWTClaimsError, "token has no 'aud' claim");
            return -1;
        }
        m = apw_aud_matches(st, aud, audiences);
        if (m < 0) {
            return -1;
        }
        if (m == 0) {
            PyErr_SetString(st->JWTClaimsError, "token audience ('aud') does not match");
            return -1;
        }
    }
    else if (aud != NULL) {
        /* RFC 7519 4.1.3: a recipient that does not identify itself with a
         * value of a present aud claim must reject the token. */
        PyErr_SetString(st->JWTClaimsError,
                        "token has an 'aud' claim but no audience was given to check it");
        return -1;
    }

    if (issuer != NULL) {
        int eq;
        iss = PyDict_GetItemString(claims, "iss");     /* borrowed */
        if (iss == NULL) {
            PyErr_SetString(st->JWTClaimsError, "token has no 'iss' claim");
            return -1;
        }
        if (!PyUnicode_Check(iss)) {
            PyErr_SetString(st->JWTClaimsError, "'iss' claim must be a str");
            return -1;
        }
        eq = PyUnicode_Compare(iss, issuer);
        if (eq == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (eq != 0) {
            PyErr_SetString(st->JWTClaimsError, "token issuer ('iss') does not match");
            return -1;
        }
    }
    return 0;
}

/* audience argument -> tuple of str (new reference), or NULL with error. */
PyObject *
apw_audience_tuple(PyObject *audience)
{
    PyObject *tup;

    if (PyUnicode_Check(audience)) {
        return PyTuple_Pack(1, audience);
    }
    if (PyBytes_Check(audience)) {
        PyErr_SetString(PyExc_TypeError, "audience must be a str or a sequence of str");
        return NULL;
    }
    tup = PySequence_Tuple(audience);
    if (tup == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError, "audience must be a str or a sequence of str");
        }
        return NULL;
    }
    if (PyTuple_GET_SIZE(tup) == 0) {
        Py_DECREF(tup);
        PyErr_SetString(PyExc_ValueError, "audience must not be empty");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tup); i++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(tup, i))) {
            Py_DECREF(tup);
            PyErr_SetString(PyExc_TypeError, "audience must be a str or a sequence of str");
            return NULL;
        }
    }
    return tup;
}

/* Seconds since the epoch, the default `now`. */
double
apw_jwt_now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return (double)time(NULL);
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
