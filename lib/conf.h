/*
 * vpnha.conf: the guide's own statements, applied in order.
 *
 *   [set] WORD ...      set a leaf, add a value, create a node
 *   delete WORD ...     remove it (a value, a leaf or a whole subtree)
 *   commit | save       accepted, do nothing
 *   # ...               comment (at the start of a word)
 *   "a b"               one word with spaces; \" and \\ inside
 *
 * Every word is checked against one schema of every statement vpnha knows
 * (conf_schema.c); an unknown word is an error naming file:line and the
 * word.  Then the whole file against the rules that span statements
 * (conf_rules.c), the same for every program.  The result is a tree; each
 * program asks for its own part of it.
 */
#ifndef VPNHA_CONF_H
#define VPNHA_CONF_H

#include <stddef.h>
#include <stdio.h>

#define CONF_PATH_DEFAULT	"/etc/vpnha/vpnha.conf"
#define CONF_LINE_MAX		4096	/* bytes in one statement */
#define CONF_WORDS_MAX		32	/* words in one statement */
#define CONF_FILE_MAX		(16 << 20)

/* The longest lists, each what its program has room for (conf_rules.c) */
#define CONF_VIPS_MAX		32	/* virtual-address of one vrrp-group */
#define CONF_PEERS_MAX		31	/* peer: 32 nodes, self included */
#define CONF_UNICAST_PEERS_MAX	16	/* peer-address of one vrrp-group */
#define CONF_NS_MAX		32	/* name-server */
#define CONF_NS_ADDR_MAX	4	/* address of one name-server */
#define CONF_MEMBERS_MAX	32	/* dns-pool member */
#define CONF_TRACK_MAX		16	/* track ... of one vrrp-group */
#define CONF_TRACK_PATH_MAX	255	/* track file PATH */
#define CONF_SCRIPT_CMD_MAX	511	/* vrrp script NAME command */
#define CONF_SECONDARIES_MAX	32	/* ipsec-ddns secondary */
#define CONF_TSIG_KEYS_MAX	32	/* ipsec-ddns tsig-key */

/* The SOA timers without refresh, retry, expire (seconds) */
#define CONF_REFRESH_DEFAULT	3600
#define CONF_RETRY_DEFAULT	600
#define CONF_EXPIRE_DEFAULT	1209600

enum conf_kind {
	CONF_NODE,	/* keyword with children:        vrrp */
	CONF_TAG,	/* keyword, then a named child:  vrrp-group 99 */
	CONF_LEAF,	/* keyword, then one value:      priority 250 */
	CONF_MULTI,	/* keyword, then values, many:   virtual-address ... */
	CONF_UNIQUE,	/* the same, but a value added again while it is
			   there is an error:           peer 10.1.65.2 */
	CONF_FLAG,	/* keyword alone:                enable */
};

enum conf_type {
	CONF_T_NONE,
	CONF_T_UINT,	/* decimal in [min, max] */
	CONF_T_BOOL,	/* true | false */
	CONF_T_WORD,	/* printable, no spaces, length in [min, max] */
	CONF_T_STRING,	/* printable, spaces allowed, length in [min, max] */
	CONF_T_SECRET,	/* a string that is never printed */
	CONF_T_IFNAME,	/* a Linux interface name */
	CONF_T_ADDR,	/* IPv4 or IPv6 address */
	CONF_T_PREFIX,	/* address[/length]; /32 or /128 when omitted */
	CONF_T_HOST,	/* address or domain name */
	CONF_T_DOMAIN,	/* domain name */
	CONF_T_DECIMAL,	/* decimal with `scale` places, in [min, max] scaled */
	CONF_T_INT,	/* decimal, '-' allowed, in [-max, max] (min unused) */
	CONF_T_PATH,	/* an absolute path, no space, length at most max */
};

struct conf_schema {
	const char *word;
	enum conf_kind kind;
	enum conf_type type;
	unsigned long min, max;
	unsigned scale;
	const struct conf_schema *sub;	/* ends with a NULL word */
};

extern const struct conf_schema conf_schema[];

struct conf;
struct conf_node;

struct conf_error {
	char msg[512];		/* "FILE:LINE: what is wrong" */
	int rc;			/* RC_USAGE, or RC_TEMP for a system failure */
};

/*
 * err = "FILE:LINE: what" ("FILE: what" for line 0, a fact of the whole
 * file), rc RC_USAGE; returns -1.  Every configuration error has this
 * form, whatever file it is in (conf_fail.c).
 */
int conf_fail(struct conf_error *, const char *file, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

struct conf *conf_read(const char *path, struct conf_error *);
struct conf *conf_parse(const char *name, const char *buf, size_t len,
    struct conf_error *);
void conf_free(struct conf *);

/*
 * The rules between statements, every program's (conf_rules.c); applied
 * by conf_parse.  0, or -1 with err set to the first broken rule.
 */
int conf_rules(const struct conf *, struct conf_error *);

/*
 * The SOA RNAME of `contact MAILBOX` (RFC 1035 8), in presentation form
 * with the final dot, into out (room for size bytes): LOCAL@DOMAIN
 * becomes LOCAL.DOMAIN. with each dot of LOCAL escaped ("\."), a name
 * without '@' (an RNAME already) stays.  0, or -1 with *why.
 */
#define CONF_RNAME_MAX	384	/* its room: 2 * 63 + 1 + 253 + 1, NUL */
int conf_rname(char *out, size_t size, const char *mailbox, const char **why);

/*
 * What reads but is suspect, each on stderr (lib/err) as "FILE[:LINE]:
 * what": CONF_W_COMMENT a comment that would be a statement without its
 * '#' (the guide's prompt, pasted), CONF_W_MODE a file others may read
 * that holds a secret.
 */
#define CONF_W_COMMENT	0x01
#define CONF_W_MODE	0x02
void conf_warn(const struct conf *, unsigned kinds);
/* One canonical `set` statement per leaf; secrets shown only if asked. */
void conf_print(FILE *, const struct conf *, int secrets);

const char *conf_file(const struct conf *);
const struct conf_node *conf_root(const struct conf *);

/*
 * Walk by a space-separated path of words ("service ipsec-ddns"), keywords
 * and tag names alike.  NULL when absent.
 */
const struct conf_node *conf_find(const struct conf_node *, const char *path);
/* The value of the leaf at path, or NULL. */
const char *conf_value(const struct conf_node *, const char *path);
/* 1 if the flag or node at path is present. */
int conf_has(const struct conf_node *, const char *path);

/* Children in file order: tag names of a tag, values of a multi leaf. */
const struct conf_node *conf_first(const struct conf_node *);
const struct conf_node *conf_next(const struct conf_node *);
const char *conf_word(const struct conf_node *);
const struct conf_schema *conf_schema_of(const struct conf_node *);
/* 1 for a tag name or a leaf value, 0 for a keyword. */
int conf_isvalue(const struct conf_node *);
unsigned conf_line(const struct conf_node *);	/* where it was last set */

#endif
