#ifndef WRIFTSYNC_CGPGME_SHIM_H
#define WRIFTSYNC_CGPGME_SHIM_H

#include <stddef.h>
#include <gpgme.h>

/* gpgme_check_version is a macro (it passes a struct offset to detect ABI mismatches), which Swift cannot
   call: the same call as a function. It must run once before any context is created. */
static inline const char *wriftsync_gpgme_check_version(void) {
    return gpgme_check_version(NULL);
}

/* gpgme_err_code is an inline function over libgpg-error's; a plain wrapper keeps the import simple. */
static inline unsigned int wriftsync_gpgme_err_code(gpgme_error_t error) {
    return (unsigned int)gpgme_err_code(error);
}

#endif
