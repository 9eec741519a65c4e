/*
 * Privileges: a daemon opens what it needs as root, then keeps only the
 * capabilities it still uses (libcap-ng), optionally as another user.
 */
#ifndef VPNHA_CAPS_H
#define VPNHA_CAPS_H

#include <sys/types.h>

/*
 * Keep exactly the capabilities in caps (a -1-terminated list of CAP_*;
 * empty: none) and, if user is not NULL, become that user and its group.
 * Returns 0, or -1 with *why set.  The bounding set is kept when the user
 * stays root, so that a program it runs (a hook) is root as usual.
 */
int caps_keep(const int *caps, const char *user, const char **why);

/*
 * The group a control socket is given (-g GROUP): a name, or a number.
 * Returns 0 with *gid set, or -1 with *why set.
 */
int caps_group(const char *name, gid_t *gid, const char **why);

#endif
