/*
 * Gateway identity -> DNS host label, by the guide's rules (chapter 4,
 * "DDNS Description", step ii): every byte other than a letter, digit or
 * hyphen becomes a hyphen; runs of hyphens become one; leading and trailing
 * hyphens go.  Case is kept.  Bytes of a multi-byte UTF-8 character are
 * each "other".
 *
 * And the one rule of what a gateway's label may be, wherever one enters
 * vpnha (gwid_label_ok): exactly what those rules leave as it is.
 */
#ifndef VPNHA_GWID_H
#define VPNHA_GWID_H

#include <stddef.h>

#define GWID_LABEL_MAX	63	/* RFC 1035 2.3.4 */
#define GWID_NAME_MAX	253	/* presentation form, no trailing dot */

#define GWID_CN		0x01	/* the ID is a certificate subject: use its CN */
#define GWID_TRUNCATE	0x02	/* cut a long label to 63 bytes instead of failing */

/* Sanitize len bytes of in into out (room for len bytes); returns the length. */
size_t gwid_sanitize(char *out, const char *in, size_t len);

/*
 * The value of the last CN attribute of a certificate subject, in any of
 * the forms "C=US, O=Acme, CN=gw 17", "/C=US/O=Acme/CN=gw 17" or RFC 4514
 * ("CN=a\,b,O=Acme"), unescaped into out (room for len bytes).
 * Returns its length, or -1 with *why set.
 */
long gwid_cn(char *out, const char *subject, size_t len, const char **why);

/*
 * The whole job: ID (or subject, with GWID_CN) -> label in out, which has
 * room for len + 1 bytes.  Returns the label's length, or -1 with *why set
 * (-2 when the only fault is a label over 63 bytes).
 */
long gwid_label(char *out, const char *id, size_t len, int flags,
    const char **why);

/*
 * 1 if s is a gateway's label: 1 to 63 letters and digits, with single
 * hyphens between them (the host names of RFC 1123 2.1, without the runs
 * of hyphens the guide collapses).  ddns-named's records file and feed,
 * ddns-syncd's wire and journal refuse any other; gwid_label() never makes
 * one.  The words of the rule, for messages: GWID_LABEL_RULE.
 */
int gwid_label_ok(const char *s, size_t len);

/* len bytes of s into lc, ASCII letters in lower case (RFC 4343). */
void gwid_lower(void *lc, const char *s, size_t len);
#define GWID_LABEL_RULE \
	"1 to 63 letters, digits and single inner hyphens"

/*
 * 1 if name is a valid domain (letters, digits, '-', '_'; labels 1..63):
 * the configuration's names (the domain, a node), which are not
 * gateways' labels.
 */
int gwid_domain_ok(const char *name, size_t len);

#endif
