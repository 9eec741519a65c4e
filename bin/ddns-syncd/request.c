/*
 * A control request line, parsed: the verb, a gateway ID made a DNS label
 * by the guide's rules (lib/gwid.c, the code of gwid-sanitize), an IPv4 or
 * IPv6 address.  Nothing here trusts the line: tests/fuzz/ctlline.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "ddns-syncd.h"

static const char *const verbs[] = {
	[REQ_UP] = "up", [REQ_DOWN] = "down", [REQ_MEMBERS] = "members",
	[REQ_RECORDS] = "records", [REQ_STATUS] = "status",
	[REQ_SUBSCRIBE] = "subscribe", [REQ_DRAIN] = "drain",
	[REQ_UNDRAIN] = "undrain",
};

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

int
control_parse(char *line, struct request *rq, const char **why)
{
	char *verb, *rest, *a;
	size_t i;

	memset(rq, 0, sizeof *rq);
	while (*line == ' ' || *line == '\t')
		line++;
	verb = line;
	rest = line + strcspn(line, " \t");
	if (*rest != '\0')
		*rest++ = '\0';
	while (*rest == ' ' || *rest == '\t')
		rest++;
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(verb, verbs[i]) == 0)
			break;
	if (i == sizeof verbs / sizeof verbs[0]) {
		*why = "unknown request (up, down, drain, undrain, members, "
		    "records, status, subscribe)";
		return -1;
	}
	rq->kind = (enum req)i;
	if (rq->kind != REQ_UP && rq->kind != REQ_DOWN) {
		if (*rest != '\0') {
			*why = "this request takes no arguments";
			return -1;
		}
		return 0;
	}
	a = last_word(rest);
	if (rq->kind == REQ_UP) {
		if (a == NULL) {
			*why = "usage: up GWID ADDRESS";
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
		*why = rq->kind == REQ_UP ? "usage: up GWID ADDRESS" :
		    "usage: down GWID [ADDRESS]";
		return -1;
	}
	return parse_id(rest, rq, why);
}

const char *
addr_fmt(const struct addr *a, char *buf, size_t size)
{
	if (inet_ntop(a->af == 6 ? AF_INET6 : AF_INET, a->a, buf,
	    (socklen_t)size) == NULL)
		snprintf(buf, size, "-");
	return buf;
}

int
addr_parse(const char *s, struct addr *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->af = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->af = 6;
		return 0;
	}
	return -1;
}
