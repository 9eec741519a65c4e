/*
 * The recent history of the zone, for IXFR (RFC 1995): each version as
 * the records it removed and added, from the serial before it to its
 * own.  The served table reports every change (table's log hook); the
 * feed closes a version when the serial moves (xlog_commit).  What it
 * cannot say as records (a snapshot served in place of the table, a new
 * NS set, a reload) starts the history again from that serial.  Bounded:
 * the oldest versions go first, and a secondary older than the history
 * gets the whole zone.
 */
#ifndef DDNS_NAMED_XLOG_H
#define DDNS_NAMED_XLOG_H

#include <stddef.h>
#include <stdint.h>

#include "zone.h"

#define XLOG_CHANGES	65536	/* records changed, in all versions kept */
#define XLOG_VERSIONS	8192

/* A record removed (af set in o) and/or added (in n), in one version. */
struct xchange {
	uint32_t seq;			/* made in this order, in a version */
	uint8_t len;
	uint8_t oaf, naf;		/* 0: none */
	uint8_t oa[16], na[16];
	uint8_t label[LABEL_MAX];
};

/* The table's hook: a record changed (one of old or new may be absent). */
void xlog_change(const uint8_t *label, size_t len, int oaf,
    const uint8_t *oa, int naf, const uint8_t *na);
/* The changes since the last commit make the version from -> to. */
void xlog_commit(uint32_t from, uint32_t to);
/* The history starts again at serial. */
void xlog_reset(uint32_t serial);

/*
 * The versions from serial on, flattened for a transfer: for each, the
 * SOA of its start (an entry with len 0 and the serial in *serials),
 * the records removed, the SOA of its end, the records added, in out
 * (entries: xchange with oaf set for a removal, naf for an addition).
 * Returns the number of entries (malloc'd in *out, serials in *serials,
 * one per entry, meaningful for SOA entries), 0 when the history does
 * not reach from serial to now (the whole zone is due), -1 on no memory.
 */
long xlog_since(uint32_t serial, uint32_t now, struct xchange **out,
    uint32_t **serials);

#endif
