/* lib/num.c: decimal parsing with range checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "num.h"

static void
test_u64(void)
{
	uint64_t v = 7;

	CHECK(num_u64("0", 0, 10, &v) == NUM_OK && v == 0);
	CHECK(num_u64("18446744073709551615", 0, UINT64_MAX, &v) == NUM_OK &&
	    v == UINT64_MAX);
	CHECK(num_u64("18446744073709551616", 0, UINT64_MAX, &v) == NUM_RANGE);
	CHECK(num_u64("99999999999999999999999", 0, UINT64_MAX, &v) == NUM_RANGE);
	v = 7;
	CHECK(num_u64("", 0, 10, &v) == NUM_SYNTAX && v == 7);
	CHECK(num_u64("-1", 0, 10, &v) == NUM_SYNTAX);
	CHECK(num_u64("+1", 0, 10, &v) == NUM_SYNTAX);
	CHECK(num_u64(" 1", 0, 10, &v) == NUM_SYNTAX);
	CHECK(num_u64("1 ", 0, 10, &v) == NUM_SYNTAX);
	CHECK(num_u64("0x10", 0, 100, &v) == NUM_SYNTAX);
	CHECK(num_u64("1e3", 0, 10000, &v) == NUM_SYNTAX);
	CHECK(num_u64(NULL, 0, 10, &v) == NUM_SYNTAX);
	CHECK(num_u64("11", 0, 10, &v) == NUM_RANGE);
	CHECK(num_u64("0", 1, 10, &v) == NUM_RANGE);
	CHECK(num_u64("007", 0, 10, &v) == NUM_OK && v == 7);
}

static void
test_u32(void)
{
	uint32_t v;

	CHECK(num_u32("4294967295", 0, UINT32_MAX, &v) == NUM_OK &&
	    v == UINT32_MAX);
	CHECK(num_u32("4294967296", 0, UINT32_MAX, &v) == NUM_RANGE);
	CHECK(num_u32("255", 1, 255, &v) == NUM_OK && v == 255);
	CHECK(num_u32("256", 1, 255, &v) == NUM_RANGE);
}

static void
test_fixed(void)
{
	uint64_t v;
	char buf[32];

	CHECK(num_fixed("1", 2, 0, 100000, &v) == NUM_OK && v == 100);
	CHECK(num_fixed("0.05", 2, 0, 100000, &v) == NUM_OK && v == 5);
	CHECK(num_fixed(".5", 2, 0, 100000, &v) == NUM_OK && v == 50);
	CHECK(num_fixed("2.", 2, 0, 100000, &v) == NUM_SYNTAX);
	CHECK(num_fixed(".", 2, 0, 100000, &v) == NUM_SYNTAX);
	CHECK(num_fixed("0.050", 2, 0, 100000, &v) == NUM_OK && v == 5);
	CHECK(num_fixed("0.001", 2, 0, 100000, &v) == NUM_DIGITS);
	CHECK(num_fixed("1.2.3", 2, 0, 100000, &v) == NUM_SYNTAX);
	CHECK(num_fixed("-0.5", 2, 0, 100000, &v) == NUM_SYNTAX);
	CHECK(num_fixed("0.00", 2, 1, 100000, &v) == NUM_RANGE);
	CHECK(num_fixed("184467440737095516.16", 2, 0, UINT64_MAX, &v) ==
	    NUM_RANGE);
	CHECK(num_fixed("898", 6, 1, UINT64_MAX, &v) == NUM_OK &&
	    v == 898000000);
	CHECK(strcmp(num_fixed_fmt(buf, sizeof buf, 5, 2), "0.05") == 0);
	CHECK(strcmp(num_fixed_fmt(buf, sizeof buf, 12300, 3), "12.3") == 0);
	CHECK(strcmp(num_fixed_fmt(buf, sizeof buf, 12000, 3), "12") == 0);
	CHECK(strcmp(num_fixed_fmt(buf, sizeof buf, 7, 0), "7") == 0);
	CHECK(strcmp(num_strerror(NUM_RANGE), "out of range") == 0);
}

static void
test_i64(void)
{
	int64_t v = 7;

	CHECK(num_i64("-50", -254, 254, &v) == NUM_OK && v == -50);
	CHECK(num_i64("254", -254, 254, &v) == NUM_OK && v == 254);
	CHECK(num_i64("-0", -254, 254, &v) == NUM_OK && v == 0);
	CHECK(num_i64("-255", -254, 254, &v) == NUM_RANGE);
	CHECK(num_i64("255", -254, 254, &v) == NUM_RANGE);
	CHECK(num_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v) ==
	    NUM_RANGE);	/* one past INT64_MAX before the sign: refused */
	CHECK(num_i64("-9223372036854775807", INT64_MIN, INT64_MAX, &v) ==
	    NUM_OK && v == -INT64_MAX);
	CHECK(num_i64("99999999999999999999", INT64_MIN, INT64_MAX, &v) ==
	    NUM_RANGE);
	v = 7;
	CHECK(num_i64("+5", -10, 10, &v) == NUM_SYNTAX && v == 7);
	CHECK(num_i64("-", -10, 10, &v) == NUM_SYNTAX);
	CHECK(num_i64("--5", -10, 10, &v) == NUM_SYNTAX);
	CHECK(num_i64(" 5", -10, 10, &v) == NUM_SYNTAX);
	CHECK(num_i64("5 ", -10, 10, &v) == NUM_SYNTAX);
	CHECK(num_i64("", -10, 10, &v) == NUM_SYNTAX);
	CHECK(num_i64(NULL, -10, 10, &v) == NUM_SYNTAX && v == 7);
}

int
main(void)
{
	test_u64();
	test_u32();
	test_fixed();
	test_i64();
	if (failures > 0)
		fprintf(stderr, "num: %d failures\n", failures);
	return failures > 0;
}
