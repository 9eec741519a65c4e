/*
 * ddns-ctl: one request to ddns-syncd's control socket; the reply on
 * standard output; the exit status says how it went.  Made for shell glue:
 * an IPsec updown script runs `ddns-ctl up "$CN" "$VIRTUAL_IP"`.  The
 * verbs, their arguments and the usage come from ddns-syncd's table,
 * lib/ctl_ddns.h.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_ddns.h"
#include "err.h"
#include "rc.h"
#include "run.h"
#include "rundir.h"

#define HEAD		"ddns-ctl [-r RUNDIR]"
#define TIMEOUT_MS	10000

/*
 * The usage, a line a verb with arguments, the verbs without any
 * together: "ddns-ctl [-r RUNDIR] drain | undrain | ...".
 */
static _Noreturn void
usage(void)
{
	char buf[1024];
	size_t n = 0;
	int i;

	for (i = 0; i < CTL_DDNS_COMMANDS; i++) {
		if (i > 0 && ctl_ddns[i].args[0] == '\0' &&
		    ctl_ddns[i - 1].args[0] == '\0')
			n += (size_t)snprintf(buf + n, sizeof buf - n, " | %s",
			    ctl_ddns[i].name);
		else
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    "%s" HEAD " %s%s%s", i > 0 ? "\n       " : "",
			    ctl_ddns[i].name, ctl_ddns[i].args[0] ? " " : "",
			    ctl_ddns[i].args);
	}
	err_usage(buf);
}

static void
print_line(const char *line, void *arg)
{
	(void)arg;
	puts(line);
}

/* The request line: the words, each without a line break. */
static void
request_line(char *req, size_t size, int argc, char **argv)
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
	const char *run = RUN_DEFAULT;
	char path[4200], req[CTL_LINE_MAX];
	int c, v;

	err_init(argv[0]);
	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r')
			usage();
		run = optarg;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 ||
	    (v = ctl_verb(ctl_ddns, CTL_DDNS_COMMANDS, argv[0])) < 0 ||
	    argc - 1 < ctl_ddns[v].min || argc - 1 > ctl_ddns[v].max)
		usage();
	request_line(req, sizeof req, argc, argv);
	rundir_path(path, sizeof path, run, RUN_DDNS_CONTROL);
	return ctl_command("ddns-syncd", path, req, TIMEOUT_MS, print_line,
	    NULL);
}
