/* The one assertion of the unit drivers: report and count, go on. */
#ifndef VPNHA_UNIT_CHECK_H
#define VPNHA_UNIT_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
		failures++;						\
	}								\
} while (0)

#endif
