/* crypto.c - OpenSSL helpers. Skeleton (filled in by the crypto work). */
#include "apw.h"

PyMethodDef apw_crypto_methods[] = {{NULL, NULL, 0, NULL}};
int apw_crypto_exec(PyObject *module, apw_state *st) { (void)module; (void)st; return 0; }
