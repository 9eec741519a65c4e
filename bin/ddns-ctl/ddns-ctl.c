/*
 * ddns-ctl: one request to ddns-syncd's control socket; the reply on
 * standard output; the exit status says how it went.  Made for shell glue:
 * an IPsec updown script runs `ddns-ctl up "$CN" "$VIRTUAL_IP"`.  The
 * verbs, their arguments and the usage come from ddns-syncd's table,
 * lib/ctl_ddns.h.  With -j, members, records and status are one JSON
 * document instead of their lines (the schema is in ddns-ctl(8)).
 */
#include <stdio.h>
#include <stdlib.h>
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

/* Does the verb take -j: members, records, status? */
static int
json_verb(int v)
{
	return v == CTL_DDNS_MEMBERS || v == CTL_DDNS_RECORDS ||
	    v == CTL_DDNS_STATUS;
}

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
		    ctl_ddns[i - 1].args[0] == '\0' &&
		    json_verb(i) == json_verb(i - 1))
			n += (size_t)snprintf(buf + n, sizeof buf - n, " | %s",
			    ctl_ddns[i].name);
		else
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    "%s" HEAD "%s %s%s%s", i > 0 ? "\n       " : "",
			    json_verb(i) ? " [-j]" : "", ctl_ddns[i].name,
			    ctl_ddns[i].args[0] ? " " : "", ctl_ddns[i].args);
	}
	err_usage(buf);
}

static void
print_line(const char *line, void *arg)
{
	(void)arg;
	puts(line);
}

/* -j: the document so far, printed whole once the reply has ended well. */
static struct {
	int verb;
	char *b;
	size_t len, cap;
	int n;				/* lines so far */
} js;

static void
js_put(const char *p, size_t n)
{
	if (js.len + n + 1 > js.cap) {
		js.cap = (js.len + n + 1) * 2;
		if ((js.b = realloc(js.b, js.cap)) == NULL)
			err_fatal(RC_TEMP, "out of memory");
	}
	memcpy(js.b + js.len, p, n);
	js.len += n;
	js.b[js.len] = '\0';
}

static void
js_str(const char *p, size_t n)
{
	char e[8];

	js_put("\"", 1);
	for (; n > 0; p++, n--) {
		if (*p == '"' || *p == '\\') {
			js_put("\\", 1);
			js_put(p, 1);
		} else if ((unsigned char)*p < 0x20) {
			snprintf(e, sizeof e, "\\u%04x", (unsigned char)*p);
			js_put(e, 6);
		} else
			js_put(p, 1);
	}
	js_put("\"", 1);
}

/* "key": the next word of *line as a string, or as it is (a number). */
static void
js_field(const char *key, const char **line, int number)
{
	size_t n = strcspn(*line, " ");

	if (js.b[js.len - 1] == '{')
		js_put("\"", 1);
	else
		js_put(",\"", 2);
	js_put(key, strlen(key));
	js_put("\":", 2);
	if (number && n > 0)
		js_put(*line, n);
	else
		js_str(*line, n);
	*line += n + ((*line)[n] == ' ');
}

/* The words of a members line and of a records line: keys, and numbers. */
static const struct {
	const char *key;
	int number;
} columns[2][5] = {
	{ { "node", 0 }, { "state", 0 }, { "since", 1 }, { "records", 1 },
	    { "pool", 0 } },
	{ { "name", 0 }, { "address", 0 }, { "origin", 0 }, { "stamp", 0 } },
};

static void
json_line(const char *line, void *arg)
{
	static const char *const numeric[] = { "port", "nodes", "up",
	    "drained", "records", "tombstones", NULL };
	const char *eq;
	int i, num = 0;

	(void)arg;
	js_put(js.n++ == 0 ? (js.verb == CTL_DDNS_STATUS ? "{" : "[") : ",",
	    1);
	switch (js.verb) {
	case CTL_DDNS_MEMBERS:	/* NODE STATE SINCE RECORDS POOL */
	case CTL_DDNS_RECORDS:	/* NAME ADDRESS ORIGIN STAMP */
		js_put("{", 1);
		for (i = 0; i < 5 && columns[js.verb == CTL_DDNS_RECORDS][i].key
		    != NULL; i++)
			js_field(columns[js.verb == CTL_DDNS_RECORDS][i].key,
			    &line, columns[js.verb == CTL_DDNS_RECORDS][i].number);
		js_put("}", 1);
		break;
	default:		/* NAME=VALUE */
		if ((eq = strchr(line, '=')) == NULL)
			eq = line + strlen(line);
		for (i = 0; numeric[i] != NULL; i++)
			num |= strlen(numeric[i]) == (size_t)(eq - line) &&
			    memcmp(numeric[i], line, (size_t)(eq - line)) == 0;
		js_str(line, (size_t)(eq - line));
		js_put(":", 1);
		if (*eq != '\0')
			eq++;
		if (num && *eq != '\0' && strspn(eq, "0123456789") == strlen(eq))
			js_put(eq, strlen(eq));
		else
			js_str(eq, strlen(eq));
	}
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
	int c, v, json = 0, rc;

	err_init(argv[0]);
	while ((c = getopt(argc, argv, "jr:")) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'r')
			run = optarg;
		else
			usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 ||
	    (v = ctl_verb(ctl_ddns, CTL_DDNS_COMMANDS, argv[0])) < 0 ||
	    argc - 1 < ctl_ddns[v].min || argc - 1 > ctl_ddns[v].max ||
	    (json && !json_verb(v)))
		usage();
	request_line(req, sizeof req, argc, argv);
	rundir_path(path, sizeof path, run, RUN_DDNS_CONTROL);
	if (!json)
		return ctl_command("ddns-syncd", path, req, TIMEOUT_MS,
		    print_line, NULL);
	js.verb = v;
	if ((rc = ctl_command("ddns-syncd", path, req, TIMEOUT_MS, json_line,
	    NULL)) != RC_OK)
		return rc;
	if (js.n == 0)
		js_put(v == CTL_DDNS_STATUS ? "{" : "[", 1);
	js_put(v == CTL_DDNS_STATUS ? "}" : "]", 1);
	if (printf("%s\n", js.b) < 0 || fflush(stdout) != 0)
		err_fatalsys(RC_TEMP, "unable to write to standard output");
	return RC_OK;
}
