/*
 * What goes on TCP between nodes: frames, the clear handshake messages,
 * and the sync messages inside encrypted frames.  Every integer is big
 * endian; every string is a length byte and that many bytes.
 *
 *   frame      LEN(2) BODY(LEN)          LEN at most FRAME_MAX
 *
 * Handshake, in the clear (one frame each):
 *   open       'H' VERSION(1) DOMAINHASH(16) INITIATOR(str) RESPONDER(str)
 *              NOISE1(48)
 *   reply      'R' NOISE2(48)
 *   refuse     'X' REASON(1)
 *
 * Sync, one per encrypted frame (ciphertext = message + 16-byte tag):
 *   hello      'h' HLC(8) N(1) { ORIGIN(str) HWM(8) GC(8) }*N [FLAGS(1)]
 *   records    'r' FLAGS(1) { STAMP(8) DEL(1) AF(1) ADDR(0|4|16)
 *              ORIGIN(str) LABEL(str) }*
 *   end        'e' FLAGS(1) HORIZON(8) N(1) { ORIGIN(str) HWM(8) }*N
 *   beat       'b' HLC(8) DIGEST(8) LIVE(4) N(1) { ORIGIN(str) HWM(8) }*N
 *              [FLAGS(1)]
 *   fullreq    'f'
 *   bye        'q'
 *
 * FLAGS, the sender's own state, ends a hello and a beat; a node of the
 * first protocol ignores it, one that sends none is taken as 0, and bytes
 * after it (a later version's) are ignored.
 */
#ifndef DDNS_WIRE_H
#define DDNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "ddns-syncd.h"

#define WIRE_VERSION	1
#define FRAME_HDR	2
#define FRAME_MAX	65535			/* bytes of a body */
#define MSG_MAX		(FRAME_MAX - 16)	/* of a sync message */
#define DOMAINHASH_LEN	16
#define FLAG_DRAINED	0x01	/* out of pool answers (ddns-ctl drain) */

/*
 * REASON of a refusal.  A node of the first protocol knows up to
 * REFUSE_BUSY and takes a later one for REFUSE_AUTH.
 */
enum refusal {
	REFUSE_VERSION = 1, REFUSE_DOMAIN, REFUSE_UNKNOWN, REFUSE_AUTH,
	REFUSE_NOTME, REFUSE_BUSY, REFUSE_SOURCE,
	REFUSE_LAST = REFUSE_SOURCE
};
extern const char *const refusal_text[];

/*
 * A whole frame at buf: its body length (*body set), 0 if more is needed,
 * -1 for a frame that cannot be (an empty one).
 */
long frame_next(const uint8_t *buf, size_t len, const uint8_t **body);

struct wopen {
	unsigned version;
	uint8_t domainhash[DOMAINHASH_LEN];
	char from[ID_MAX + 1], to[ID_MAX + 1];
	const uint8_t *noise1;
};
/* 0, or -1: not an opening, or an identity that is not one word. */
int wire_open_parse(const uint8_t *b, size_t n, struct wopen *);
size_t wire_open_build(uint8_t *out, const uint8_t *domainhash,
    const char *from, const char *to, const uint8_t *noise1);
void wire_domainhash(uint8_t out[DOMAINHASH_LEN], const char *domain);

/* Reading a sync message: a cursor that turns bad instead of overrunning. */
struct rd {
	const uint8_t *p, *e;
	int bad;
};
unsigned rd_u8(struct rd *);
uint32_t rd_u32(struct rd *);
uint64_t rd_u64(struct rd *);
/* A string into out (room for max + 1); bad if longer than max. */
size_t rd_str(struct rd *, char *out, size_t max);
/* The FLAGS that may end a hello or a beat: 0 if none. */
unsigned rd_flags(struct rd *);

struct wrec {				/* a record as sent */
	uint64_t stamp;
	int deleted;
	struct addr addr;
	char origin[ID_MAX + 1];
	char label[GWID_LABEL_MAX + 1];
};
/*
 * The next record of a records message: 1, 0 at the end, -1 if it cannot
 * be read (nor anything after it), -2 if it was read but is refused (a
 * label or origin that is not one): the next one can be read.
 */
int rd_rec(struct rd *, struct wrec *);
/* A gateway label as every node accepts it (on the wire and in journals). */
int wire_label_ok(const char *, size_t);

/* Building: a buffer that refuses to grow past MSG_MAX. */
struct wr {
	uint8_t b[MSG_MAX];
	size_t n;
};
void wr_u8(struct wr *, unsigned);
void wr_u32(struct wr *, uint32_t);
void wr_u64(struct wr *, uint64_t);
void wr_str(struct wr *, const char *);
/* The Noise prologue: version, domain, initiator, responder. */
size_t wire_prologue(struct wr *, const char *domain, const char *from,
    const char *to);
/* Bytes a record takes, and the record itself (room checked by caller). */
size_t wr_rec_size(const struct rec *);
void wr_rec(struct wr *, const struct rec *);

#endif
