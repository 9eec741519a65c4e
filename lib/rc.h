/* Exit codes, the same in every program (daemontools / s6 / runit). */
#ifndef VPNHA_RC_H
#define VPNHA_RC_H

#define RC_OK     0	/* success */
#define RC_NO     1	/* the operation failed, or the answer is no */
#define RC_USAGE  100	/* usage, bad input or configuration error */
#define RC_TEMP   111	/* temporary or system failure */

#endif
