/*
 * The TCP stream of one connection: framing, and answers in batches.
 * The cost of a turn is bounded by its caller (max messages) and the
 * cost of a message does not grow with what is buffered behind it.
 */
#include <string.h>

#include "stream.h"

void
stream_init(struct stream *s)
{
	s->off = s->len = s->outoff = s->outlen = 0;
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
stream_serve(struct stream *s, const struct zone *z, int max,
    stream_log *log, void *arg)
{
	struct qinfo info;
	size_t need, len;
	int n, answered = 0;

	if (s->outoff != s->outlen)
		return 0;
	s->outoff = s->outlen = 0;
	for (n = 0; n < max && s->len - s->off >= 2 &&
	    sizeof s->out - s->outlen >= STREAM_MSG; n++) {
		if ((need = stream_head(s)) < DNS_HEADER)
			return -1;
		if (s->len - s->off < 2 + need)
			break;
		len = dns_answer(z, s->in + s->off + 2, need,
		    s->out + s->outlen + 2, DNS_TCP_MAX, 1, &info);
		if (log != NULL)
			log(arg, s->in + s->off + 2, &info);
		s->off += 2 + need;
		if (len == 0)
			continue;
		s->out[s->outlen] = (uint8_t)(len >> 8);
		s->out[s->outlen + 1] = (uint8_t)len;
		s->outlen += 2 + len;
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
