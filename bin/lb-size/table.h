/*
 * The guide's Table 3-1: the most one appliance (ACM 2.0.1 on a Dell
 * R230) can encrypt, per cipher suite, in Mbps.
 */
#ifndef LB_SIZE_TABLE_H
#define LB_SIZE_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct cipher {
	const char	*name;
	int		 fips;
	uint32_t	 mbps;
};

const struct cipher *table_find(const char *name, int fips);
char	*table_names(char *buf, size_t size, int fips);
void	 table_print(void);

#endif
