/*
 * Metrics in the Prometheus text exposition format (0.0.4), the format
 * node_exporter's textfile collector reads: one file a daemon, replaced
 * whole, in its own directory, RUN/NAME/NAME.prom, and seen in the one
 * directory the collector is pointed at, RUN/metrics, through a link
 * RUN/metrics/NAME.prom -> ../NAME/NAME.prom made at start.  So every
 * daemon writes only where it owns (it may run as a user of its own),
 * and RUN/metrics is root's.
 */
#ifndef VPNHA_PROM_H
#define VPNHA_PROM_H

#include <stddef.h>
#include <stdint.h>

#define PROM_DIR	"metrics"	/* under the run directory */

struct prom {
	char *b;
	size_t len, cap;
	int over;			/* something did not fit */
};

void prom_start(struct prom *, char *buf, size_t cap);

/* A metric family's # HELP and # TYPE lines (type: counter, gauge). */
void prom_family(struct prom *, const char *name, const char *type,
    const char *help);

/*
 * A sample: name, its labels as prom_labels made them ("" for none),
 * the value.  prom_time: seconds of lib/clock.h's wall clock, in full.
 */
void prom_u64(struct prom *, const char *name, const char *labels,
    uint64_t v);
void prom_i64(struct prom *, const char *name, const char *labels,
    int64_t v);
void prom_time(struct prom *, const char *name, const char *labels,
    int64_t wall);

/*
 * {k1="v1",k2="v2"} from NULL-ended pairs of key and value (give the
 * keys in order, as Prometheus sorts them when it serves), each value
 * escaped (backslash, double quote, newline); into buf of size bytes,
 * cut to "" if it does not fit.  Returns buf.
 */
char *prom_labels(char *buf, size_t size, ...) __attribute__((sentinel));

/*
 * At start, as root: RUN/metrics made (0755, checked like every run
 * directory) and the link RUN/metrics/NAME.prom -> ../DIR/NAME.prom put
 * in place of whatever was there.  0, or with err set RC_USAGE for a
 * directory refused (file_rundir) and RC_TEMP for a system error.
 */
int prom_link(const char *run, const char *dir, const char *name, char *err,
    size_t size);

/* prom_link, or exit with its code and why: for a daemon that must have it. */
void prom_link_or_exit(const char *run, const char *dir, const char *name);

/*
 * Write p as DIR/NAME.prom (replaced whole).  A failure is logged once
 * while it lasts: *failing says whether the last write failed.
 */
void prom_write(const char *dir, const char *name, const struct prom *,
    int *failing);

#endif
