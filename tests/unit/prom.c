/* lib/prom.c: labels escaped as the text format wants, or none if cut. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "prom.h"

int
main(void)
{
	char l[64], b[256];
	struct prom p;

	CHECK(strcmp(prom_labels(l, sizeof l, "a", "x", (const char *)NULL),
	    "{a=\"x\"}") == 0);
	CHECK(strcmp(prom_labels(l, sizeof l, "a", "1", "b", "",
	    (const char *)NULL), "{a=\"1\",b=\"\"}") == 0);
	CHECK(strcmp(prom_labels(l, sizeof l, "k", "q\"b\\n\nx",
	    (const char *)NULL), "{k=\"q\\\"b\\\\n\\nx\"}") == 0);
	CHECK(strcmp(prom_labels(l, sizeof l, (const char *)NULL), "{}") == 0);
	/* too long for the buffer: no labels rather than half of them */
	CHECK(strcmp(prom_labels(l, 12, "key", "a long value",
	    (const char *)NULL), "") == 0);
	CHECK(strcmp(prom_labels(l, 11, "k", "123456", (const char *)NULL),
	    "{k=\"123456\"}") != 0);
	CHECK(strcmp(prom_labels(l, 13, "k", "123456", (const char *)NULL),
	    "{k=\"123456\"}") == 0);
	/* samples; a buffer too small says so */
	prom_start(&p, b, sizeof b);
	prom_family(&p, "x_total", "counter", "X.");
	prom_u64(&p, "x_total", "{a=\"b\"}", 18446744073709551615ULL);
	prom_time(&p, "t_seconds", "", 1796680000123456789LL);
	CHECK(!p.over);
	CHECK(strcmp(b, "# HELP x_total X.\n# TYPE x_total counter\n"
	    "x_total{a=\"b\"} 18446744073709551615\n"
	    "t_seconds 1796680000.123456\n") == 0);
	prom_start(&p, b, 10);
	prom_u64(&p, "a_long_name", "", 1);
	CHECK(p.over);
	if (failures > 0)
		fprintf(stderr, "prom: %d failures\n", failures);
	return failures > 0;
}
