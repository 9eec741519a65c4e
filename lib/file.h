/* Whole-file state: written as NAME.new, then renamed into place. */
#ifndef VPNHA_FILE_H
#define VPNHA_FILE_H

#include <stddef.h>

/* Replace path with data atomically; -1 with errno on failure. */
int file_replace(const char *path, const void *data, size_t len, int mode);
/* mkdir -p of one level under an existing parent; 0 if it exists. */
int file_mkdir(const char *path, int mode);

#endif
