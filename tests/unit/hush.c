/* lib/err.c's err_hush: a line a second, what was held back said after. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "clock.h"
#include "err.h"

int
main(void)
{
	struct err_hush h = { 0, 0 };
	int64_t t = 5 * CLOCK_SEC;

	CHECK(err_hush_due(&h) == -1);
	CHECK(err_hush_say(&h, t) == 0);		/* the first: said */
	CHECK(err_hush_due(&h) == -1);
	CHECK(err_hush_say(&h, t + 1) == -1);		/* within its second */
	CHECK(err_hush_say(&h, t + CLOCK_SEC - 1) == -1);
	CHECK(err_hush_due(&h) == t + CLOCK_SEC);	/* two to say then */
	CHECK(err_hush_say(&h, t + CLOCK_SEC) == 2);
	CHECK(err_hush_due(&h) == -1);
	/* long after: said at once, nothing held */
	CHECK(err_hush_say(&h, t + 10 * CLOCK_SEC) == 0);
	CHECK(err_hush_say(&h, t + 10 * CLOCK_SEC) == -1);
	CHECK(err_hush_due(&h) == t + 11 * CLOCK_SEC);
	{
		char buf[48];

		CHECK(strcmp(err_hush_more(0, buf, sizeof buf), "") == 0);
		CHECK(strcmp(err_hush_more(1, buf, sizeof buf),
		    " (1 change not logged)") == 0);
		CHECK(strcmp(err_hush_more(3, buf, sizeof buf),
		    " (3 changes not logged)") == 0);
	}
	return failures != 0;
}
