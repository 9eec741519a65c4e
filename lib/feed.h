/*
 * The subscribe feed: the lines ddns-syncd sends a subscriber of its
 * control socket, and ddns-named reads (ddns-syncd(8), CONTROL, subscribe;
 * ddns-named(8)).  One pack and one unpack for every kind of line:
 *
 *   + GWID ADDRESS STAMP ORIGIN   a gateway published, or moved
 *   - GWID STAMP                  withdrawn
 *   @ NODE STATE                  a node's state: up, down, drained, removed
 *   . STAMP                       the end of the snapshot; later, the
 *                                 table's high-water moved
 *
 * STAMP is ddns-syncd's hybrid logical clock, 48 bits of milliseconds and
 * 16 of counter, written SECONDS.MMM.COUNTER.  A reader also takes a line
 * without its STAMP, and a + line without its ORIGIN, as an older
 * publisher wrote them; and "error: REASON", the control socket's refusal.
 */
#ifndef VPNHA_FEED_H
#define VPNHA_FEED_H

#include <stddef.h>
#include <stdint.h>

#define FEED_LINE_MAX		1024	/* a line, its newline included */
#define FEED_STAMP_MS_MAX	((int64_t)1 << 48)	/* 48 bits of ms */
#define FEED_STAMP_MS(s)	((int64_t)((s) >> 16))

enum feed_kind { FEED_SET, FEED_DEL, FEED_END, FEED_NODE, FEED_ERROR, FEED_BAD };
enum feed_state { FEED_UP = 1, FEED_DOWN, FEED_DRAINED, FEED_REMOVED };
extern const char *const feed_state_word[];	/* "up", ... by feed_state */

struct feed {
	enum feed_kind kind;
	const char *name;	/* SET, DEL: the gateway label; NODE: the node */
	const char *addr;	/* SET: its address, as text */
	const char *origin;	/* SET: the node that published it; NULL: none */
	uint64_t stamp;		/* SET, DEL, END */
	int stamped;		/* unpacked: the line had its STAMP */
	enum feed_state state;	/* NODE */
};

/*
 * The line of f, without its newline, into buf (FEED_LINE_MAX bytes; a
 * longer one is cut); its length.  A SET, DEL and END line is stamped,
 * a SET line has its origin.
 */
size_t feed_pack(char *buf, const struct feed *f);

/*
 * One line (no newline) into f, split in place: its kind, FEED_BAD for a
 * line that is none (f's fields then unset, f->stamped 0).  The words of
 * f point into line.
 */
enum feed_kind feed_unpack(char *line, struct feed *f);

/* STAMP as text, for other replies (`records`): buf, 32 bytes at least. */
const char *feed_stamp_fmt(uint64_t stamp, char *buf, size_t size);

#endif
