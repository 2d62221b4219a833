/* http_cb.c - libcurl callbacks. Skeleton. */
#include "apw.h"
