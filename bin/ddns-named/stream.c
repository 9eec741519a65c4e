/*
 * The TCP stream of one connection: framing, and answers in batches.
 * The cost of a turn is bounded by its caller (max messages) and the
 * cost of a message does not grow with what is buffered behind it.
 */
#include <string.h>

#include "stream.h"
#include "stats.h"

void
stream_init(struct stream *s)
{
	s->off = s->len = s->outoff = s->outlen = 0;
	s->x = NULL;
}

void
stream_free(struct stream *s)
{
	xfr_free(s->x);
	s->x = NULL;
}

uint8_t *
stream_room(struct stream *s, size_t *size)
{
	if (s->off > 0) {
		memmove(s->in, s->in + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	*size = sizeof s->in - s->len;
	return s->in + s->len;
}

void
stream_got(struct stream *s, size_t n)
{
	s->len += n;
}

static size_t
stream_head(const struct stream *s)
{
	return (size_t)(s->in[s->off] << 8 | s->in[s->off + 1]);
}

int
stream_whole(const struct stream *s)
{
	return s->len - s->off >= 2 && s->len - s->off >= 2 + stream_head(s);
}

int
stream_pending(const struct stream *s)
{
	return s->x != NULL || stream_whole(s);
}

/* Frame the message of len bytes written at out + outlen + 2. */
static void
stream_frame(struct stream *s, size_t len)
{
	s->out[s->outlen] = (uint8_t)(len >> 8);
	s->out[s->outlen + 1] = (uint8_t)len;
	s->outlen += 2 + len;
}

int
stream_serve(struct stream *s, const struct zone *z, int max,
    stream_log *log, void *arg)
{
	struct qinfo info;
	size_t need, len;
	int n, answered = 0;

	if (s->outoff != s->outlen)
		return 0;
	s->outoff = s->outlen = 0;
	for (n = 0; n < max && sizeof s->out - s->outlen >= STREAM_MSG; n++) {
		if (s->x != NULL) {
			if ((len = xfr_next(s->x, s->out + s->outlen + 2,
			    DNS_TCP_MAX)) == 0) {
				stream_free(s);
				continue;
			}
			stream_frame(s, len);
			answered++;
			continue;
		}
		if (s->len - s->off < 2)
			break;
		if ((need = stream_head(s)) < DNS_HEADER)
			return -1;
		if (s->len - s->off < 2 + need)
			break;
		len = dns_serve(z, s->in + s->off + 2, need,
		    s->out + s->outlen + 2, DNS_TCP_MAX, 1, &s->peer, &info,
		    &s->x);
		if (log != NULL)
			log(arg, s->in + s->off + 2, &info);
		stats_query(1, &info, len > 0 || s->x != NULL);
		s->off += 2 + need;
		if (len == 0)
			continue;
		stream_frame(s, len);
		answered++;
	}
	return answered;
}

void
stream_sent(struct stream *s, size_t n)
{
	s->outoff += n;
	if (s->outoff == s->outlen)
		s->outoff = s->outlen = 0;
}
