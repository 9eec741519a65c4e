/*
 * ddns-ctl: one request to ddns-syncd's control socket; the reply on
 * standard output; the exit status says how it went.  Made for shell glue:
 * an IPsec updown script runs `ddns-ctl up "$CN" "$VIRTUAL_IP"`.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "err.h"
#include "rc.h"

#define USAGE	"ddns-ctl [-r RUNDIR] up ID ADDRESS\n" \
		"       ddns-ctl [-r RUNDIR] down ID [ADDRESS]\n" \
		"       ddns-ctl [-r RUNDIR] drain | undrain\n" \
		"       ddns-ctl [-r RUNDIR] members | records | status"
#define RUN_DEFAULT	"/run/vpnha"
#define TIMEOUT_MS	10000

static void
print(const char *line, void *arg)
{
	(void)arg;
	puts(line);
}

/* The request line: the words, each without a line break. */
static void
build(char *req, size_t size, int argc, char **argv)
{
	size_t len = 0;
	int i;

	for (i = 0; i < argc; i++) {
		if (strpbrk(argv[i], "\n\r") != NULL)
			err_fatal(RC_USAGE, "argument %d has a line break", i + 1);
		if (argv[i][0] == '\0')
			err_fatal(RC_USAGE, "argument %d is empty", i + 1);
		if (len + strlen(argv[i]) + 2 > size)
			err_fatal(RC_USAGE, "request longer than %zu bytes",
			    size - 2);
		len += (size_t)snprintf(req + len, size - len, "%s%s",
		    i ? " " : "", argv[i]);
	}
}

int
main(int argc, char **argv)
{
	const char *run = RUN_DEFAULT, *why;
	char path[4200], req[CTL_LINE_MAX];
	int c, n, rc;

	err_init(argv[0]);
	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r')
			err_usage(USAGE);
		run = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		err_usage(USAGE);
	n = strcmp(argv[0], "up") == 0 ? argc == 3 :
	    strcmp(argv[0], "down") == 0 ? argc == 2 || argc == 3 :
	    strcmp(argv[0], "members") == 0 || strcmp(argv[0], "records") == 0 ||
	    strcmp(argv[0], "status") == 0 || strcmp(argv[0], "drain") == 0 ||
	    strcmp(argv[0], "undrain") == 0 ? argc == 1 : 0;
	if (!n)
		err_usage(USAGE);
	build(req, sizeof req, argc, argv);
	if ((size_t)snprintf(path, sizeof path, "%s/ddns/control", run) >=
	    sizeof path)
		err_fatal(RC_USAGE, "-r %s: path too long", run);
	rc = ctl_call(path, req, TIMEOUT_MS, print, NULL, &why);
	if (fflush(stdout) != 0)
		err_fatalsys(RC_TEMP, "unable to write to standard output");
	if (rc == RC_NO)
		dprintf(2, "%s: error: %s\n", err_prog, why);
	else if (rc == RC_TEMP)
		err_fatal(RC_TEMP, "unable to reach ddns-syncd at %s: %s",
		    path, why);
	return rc;
}
