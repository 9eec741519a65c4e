/*
 * Number parsing with range checks: decimal digits only (no sign but
 * num_i64's minus, no spaces, no hex, no atoi), so that "1e3", " 5" and
 * "+1" are errors.
 */
#ifndef VPNHA_NUM_H
#define VPNHA_NUM_H

#include <stdint.h>

#define NUM_OK        0
#define NUM_SYNTAX   -1	/* not a decimal number */
#define NUM_RANGE    -2	/* a number, outside [min, max] */
#define NUM_DIGITS   -3	/* more decimal places than the scale allows */

int num_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int num_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* The same with one leading '-' allowed: "-50"; "-0" is 0. */
int num_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* "12.345" with scale 3 -> 12345; "7" -> 7000.  Range applies to the result. */
int num_fixed(const char *s, unsigned scale, uint64_t min, uint64_t max,
    uint64_t *out);
/* Print a scaled value back, without trailing zeros: 12300 scale 3 -> "12.3". */
char *num_fixed_fmt(char *buf, unsigned long size, uint64_t v, unsigned scale);
const char *num_strerror(int rc);

#endif
