/*
 * A control request line, parsed: a verb of lib/ctl_ddns.h, a gateway ID
 * made a DNS label by the guide's rules (lib/gwid.c, the code of
 * gwid-sanitize), an IPv4 or IPv6 address.  Nothing here trusts the line:
 * tests/fuzz/ctlline.c.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "ctl_ddns.h"
#include "ddns-syncd.h"

/* The daemon's replies name the gateway GWID, as ddns-syncd(8) does. */
static const char *const usage_reply[] = {
	[CTL_DDNS_UP] = "usage: up GWID ADDRESS",
	[CTL_DDNS_DOWN] = "usage: down GWID [ADDRESS]",
};

/* "unknown request (up, down, ...)": every verb of the table. */
static const char *
unknown(void)
{
	static char text[200];
	size_t n;
	int i;

	if (text[0] != '\0')
		return text;
	n = (size_t)snprintf(text, sizeof text, "unknown request (");
	for (i = 0; i < CTL_DDNS_VERBS; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%s%s",
		    i > 0 ? ", " : "", ctl_ddns[i].name);
	snprintf(text + n, sizeof text - n, ")");
	return text;
}

/* A gateway ID: a certificate subject (it has '=') or a CN or serial. */
static int
parse_id(const char *id, struct request *rq, const char **why)
{
	char out[CTL_LINE_MAX + 1];
	long n;

	n = gwid_label(out, id, strlen(id), strchr(id, '=') ? GWID_CN : 0, why);
	if (n < 0)
		return -1;
	memcpy(rq->label, out, (size_t)n + 1);
	return 0;
}

/* Split off the last word of s (trailing blanks removed); NULL if one word. */
static char *
last_word(char *s)
{
	char *e = s + strlen(s), *w;

	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	for (w = e; w > s && w[-1] != ' ' && w[-1] != '\t'; w--)
		;
	if (w == s)
		return NULL;
	w[-1] = '\0';
	return w;
}

/*
 * A verb of lib/ctl_ddns.h; with arguments, ID [ADDRESS]: the address is
 * the last word (required when the verb takes two at least), the ID
 * everything between, spaces included.
 */
int
request_parse(char *line, struct request *rq, const char **why)
{
	char *verb, *rest, *a;
	int v;

	memset(rq, 0, sizeof *rq);
	while (*line == ' ' || *line == '\t')
		line++;
	verb = line;
	rest = line + strcspn(line, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if ((v = ctl_verb(ctl_ddns, CTL_DDNS_VERBS, verb)) < 0) {
		*why = unknown();
		return -1;
	}
	rq->verb = (enum ctl_ddns)v;
	if (ctl_ddns[v].max == 0) {
		if (*rest != '\0') {
			*why = "this request takes no arguments";
			return -1;
		}
		return 0;
	}
	a = last_word(rest);
	if (ctl_ddns[v].min >= 2) {
		if (a == NULL) {
			*why = usage_reply[v];
			return -1;
		}
		if (addr_parse(a, &rq->addr) < 0) {
			*why = "the address is not an IPv4 or IPv6 address";
			return -1;
		}
	} else if (a != NULL && addr_parse(a, &rq->addr) < 0) {
		a[-1] = ' ';	/* not an address: part of the ID */
		memset(&rq->addr, 0, sizeof rq->addr);
	}
	if (*rest == '\0') {
		*why = usage_reply[v];
		return -1;
	}
	return parse_id(rest, rq, why);
}
