/*
 * ca.c - which CA bundle a verifying Session trusts when it is given none.
 */
#include "transport.h"

#include <string.h>
#include <unistd.h>

/* Where distributions keep their bundle of trusted CA certificates.  A libcurl
 * carried in a wheel keeps the default of the system it was built on (Debian's
 * first path); on another distribution that file does not exist and every TLS
 * connection would fail, so a verifying Session looks here for one that does. */
static const char *const apw_ca_candidates[] = {
    "/etc/ssl/certs/ca-certificates.crt",                   /* Debian, Ubuntu, Arch, Gentoo */
    "/etc/pki/tls/certs/ca-bundle.crt",                     /* Fedora, RHEL */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",    /* CentOS, RHEL 7+ */
    "/etc/ssl/ca-bundle.pem",                               /* openSUSE */
    "/etc/pki/tls/cacert.pem",                              /* OpenELEC */
    "/etc/ssl/cert.pem",                                    /* Alpine */
    NULL,
};

/* A PyMem_RawMalloc'd copy of `path`, or NULL with MemoryError set. */
char *
apw_strdup_raw(const char *path)
{
    size_t n = strlen(path) + 1;
    char *copy = PyMem_RawMalloc(n);

    if (copy == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(copy, path, n);
    return copy;
}

/*
 * The CA file of a verifying Session given none (curl_global_init done):
 * $SSL_CERT_FILE when it names a readable file (OpenSSL's convention), else
 * libcurl's built-in default when it is readable, else the first readable
 * distribution bundle.  0 with *out a PyMem_RawMalloc'd path, or NULL when
 * nothing was found (libcurl's defaults then stay, and verification fails with
 * a TLSError naming the missing file); -1 with an exception set.
 */
int
apw_default_ca_file(char **out)
{
    const char *env = getenv("SSL_CERT_FILE");
    const char *found = NULL;
    CURL *probe = NULL;
    int rc = 0;

    *out = NULL;
    if (env != NULL && env[0] != '\0' && access(env, R_OK) == 0) {
        found = env;
    }
#if LIBCURL_VERSION_NUM >= 0x075400
    if (found == NULL && (probe = curl_easy_init()) != NULL) {
        char *builtin = NULL;           /* libcurl's: copied below, before the cleanup */
        if (curl_easy_getinfo(probe, CURLINFO_CAINFO, &builtin) == CURLE_OK &&
            builtin != NULL && access(builtin, R_OK) == 0) {
            found = builtin;
        }
    }
#endif
    for (int i = 0; found == NULL && apw_ca_candidates[i] != NULL; i++) {
        if (access(apw_ca_candidates[i], R_OK) == 0) {
            found = apw_ca_candidates[i];
        }
    }
    if (found != NULL && (*out = apw_strdup_raw(found)) == NULL) {
        rc = -1;
    }
    if (probe != NULL) {
        curl_easy_cleanup(probe);
    }
    return rc;
}

