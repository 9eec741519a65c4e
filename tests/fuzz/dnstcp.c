/*
 * Fuzz ddns-named's TCP stream (bin/ddns-named/stream.c, as the server
 * runs it): the input is a byte stream of length-prefixed messages,
 * delivered in reads of sizes drawn from its first two bytes, answered in
 * turns of 1 to 32 messages, and the answers taken away in writes of
 * drawn sizes.  Checks that the stream is framed as sent, against a
 * framing of the input made here: every message is taken whole, in
 * order, once; every answer parses (ldns), carries the ID of the query
 * it answers, in order, one per message that got one; the connection
 * ends exactly at a message shorter than a header, and only there;
 * nothing whole is left unanswered at the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "answer.h"
#include "conf.h"
#include "stream.h"
#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char config[] =
    "set service ipsec-ddns self 198.51.100.2\n"
    "set service ipsec-ddns peer 198.51.100.1\n"
    "set service ipsec-ddns domain vpn.example.org\n"
    "set service dns-pool name pool.vpn.example.org\n"
    "set service dns-pool member 203.0.113.1\n"
    "set service dns-pool member 2001:db8::1\n";

static struct zone Z;
static struct stream S;

/* The input's own framing: where each message starts, its length. */
static struct {
	const uint8_t *data;
	size_t pos, end;	/* the next message's length at data + pos */
	int runt;		/* the stream ends at a runt at pos */
} M;

/* The IDs of the queries answered, in order, not yet seen in out. */
static struct {
	uint16_t id[1 << 16];
	size_t head, tail;
} Q;

static void
init(void)
{
	struct conf_error ce;
	struct conf *c;
	const char *why;
	uint8_t a[4] = { 192, 0, 2, 10 };

	if ((c = conf_parse("fuzz.conf", config, sizeof config - 1, &ce)) == NULL ||
	    zone_config(&Z, c, &ce) < 0 ||
	    (Z.t = table_new(4)) == NULL ||
	    table_set(Z.t, &Z, "gw1", 3, AF_INET, a, &why) != 1)
		abort();
	conf_free(c);
}

static void
frame_next(void)
{
	size_t len;

	if (M.end - M.pos < 2)
		return;
	len = (size_t)(M.data[M.pos] << 8 | M.data[M.pos + 1]);
	M.runt = len < DNS_HEADER;
}

static void
logged(void *arg, const uint8_t *q, const struct qinfo *info)
{
	size_t len;

	(void)arg;
	if (M.runt || M.end - M.pos < 2)
		abort();
	len = (size_t)(M.data[M.pos] << 8 | M.data[M.pos + 1]);
	if (M.end - M.pos < 2 + len || memcmp(q, M.data + M.pos + 2, len) != 0)
		abort();
	M.pos += 2 + len;
	frame_next();
	if (info->rcode >= 0)
		Q.id[Q.tail++ & 0xffff] = (uint16_t)(q[0] << 8 | q[1]);
}

/* A small generator for the sizes of reads and writes. */
static uint32_t rnd;

static size_t
draw(size_t max)
{
	rnd = rnd * 1103515245u + 12345u;
	switch (rnd >> 29) {
	case 0:
		return max;
	case 1:
		return 1;
	default:
		return 1 + (rnd >> 8) % (max < 700 ? max : 700);
	}
}

/* Take some of out away, as a write would, checking each answer whole. */
static void
drain(size_t *frame)
{
	ldns_pkt *p;
	size_t n, len;
	const uint8_t *r;

	while (S.outoff < S.outlen) {
		/* at a frame's start: check the whole frame before it goes */
		if (S.outoff == *frame) {
			r = S.out + S.outoff;
			len = (size_t)(r[0] << 8 | r[1]);
			if (len < DNS_HEADER || *frame + 2 + len > S.outlen ||
			    Q.head == Q.tail ||
			    (r[2] << 8 | r[3]) != Q.id[Q.head++ & 0xffff] ||
			    !(r[4] & 0x80))
				abort();
			p = NULL;
			if (ldns_wire2pkt(&p, r + 2, len) != LDNS_STATUS_OK)
				abort();
			ldns_pkt_free(p);
			*frame += 2 + len;
		}
		n = draw(*frame - S.outoff);
		stream_sent(&S, n);
		if (S.outlen == 0)
			*frame = 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 2, room, n, frame = 0;
	uint8_t *p;
	int max, k;

	if (Z.t == NULL)
		init();
	if (size < 2)
		return 0;
	rnd = (uint32_t)data[0] << 8 | data[1];
	max = 1 + data[0] % 32;
	stream_init(&S);
	Q.head = Q.tail = 0;
	M.data = data;
	M.pos = 2;
	M.end = size;
	frame_next();
	for (;;) {
		if (!stream_whole(&S)) {
			if (pos == size)
				break;
			p = stream_room(&S, &room);
			if (room == 0)
				abort();	/* a whole message always fits */
			n = draw(room < size - pos ? room : size - pos);
			memcpy(p, data + pos, n);
			stream_got(&S, n);
			pos += n;
		}
		if ((k = stream_serve(&S, &Z, max, logged, NULL)) < 0) {
			if (!M.runt)
				abort();
			return 0;
		}
		if (S.off > S.len)
			abort();
		drain(&frame);
		if (Q.head != Q.tail)
			abort();	/* an answer logged but not in out */
	}
	/* all read: only a runt, or a message cut short, may be left */
	if (stream_whole(&S) || S.outlen != 0 || (!M.runt &&
	    M.end - M.pos >= 2 && M.end - M.pos >= 2 +
	    (size_t)(M.data[M.pos] << 8 | M.data[M.pos + 1])))
		abort();
	return 0;
}
