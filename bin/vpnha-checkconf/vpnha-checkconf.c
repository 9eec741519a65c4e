/*
 * vpnha-checkconf: read vpnha.conf as every vpnha program does (its
 * statements, then the rules between them, lib/conf_rules.c), report the
 * first error with file:line, or print the resulting configuration as one
 * canonical `set` statement per leaf.  Warnings (a comment that would be a
 * statement, a secret others may read) go to stderr and change nothing.
 */
#include <stdio.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "rc.h"

#define USAGE	"vpnha-checkconf [-q] [-f CONF]"

int
main(int argc, char **argv)
{
	const char *file = CONF_PATH_DEFAULT;
	struct conf_error e;
	struct conf *c;
	int ch, quiet = 0;

	err_init(argv[0]);
	while ((ch = getopt(argc, argv, "qf:")) != -1) {
		switch (ch) {
		case 'q':
			quiet = 1;
			break;
		case 'f':
			file = optarg;
			break;
		default:
			err_usage(USAGE);
		}
	}
	if (optind != argc)
		err_usage(USAGE);
	if ((c = conf_read(file, &e)) == NULL)
		err_fatal(e.rc, "%s", e.msg);
	conf_warn(c, CONF_W_COMMENT | CONF_W_MODE);
	if (!quiet) {
		conf_print(stdout, c, 0);
		if (fflush(stdout) != 0 || ferror(stdout))
			err_fatalsys(RC_TEMP, "unable to write to standard output");
	}
	conf_free(c);
	return RC_OK;
}
