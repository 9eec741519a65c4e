#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "caps.h"
#include "num.h"

int
caps_keep(const int *caps, const char *user, const char **why)
{
	struct passwd *pw = NULL;
	int i;

	if (user != NULL) {
		errno = 0;
		if ((pw = getpwnam(user)) == NULL) {
			*why = errno != 0 ? strerror(errno) : "no such user";
			return -1;
		}
	}
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; caps[i] >= 0; i++)
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    (unsigned)caps[i]) < 0) {
			*why = "capng_update failed";
			return -1;
		}
	if (pw != NULL) {
		/* also clears the bounding set and supplementary groups */
		if (capng_change_id((int)pw->pw_uid, (int)pw->pw_gid,
		    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) < 0) {
			*why = "unable to change user and group";
			return -1;
		}
	} else if (capng_apply(CAPNG_SELECT_BOTH) < 0) {
		*why = "unable to apply capabilities";
		return -1;
	}
	return 0;
}

int
caps_group(const char *name, gid_t *gid, const char **why)
{
	struct group *gr;
	uint32_t n;

	errno = 0;
	if ((gr = getgrnam(name)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (errno == 0 && num_u32(name, 0, 0x7fffffff, &n) == NUM_OK) {
		*gid = (gid_t)n;
		return 0;
	}
	*why = errno != 0 ? strerror(errno) : "no such group";
	return -1;
}
