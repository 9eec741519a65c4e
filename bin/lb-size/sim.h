/*
 * lb-size -s: the pool's load under ddns-named's answer policies,
 * simulated with a fixed seed (sim.c).
 */
#ifndef LB_SIZE_SIM_H
#define LB_SIZE_SIM_H

#include "size.h"

#define SIM_MAX_PEERS		10000000
#define SIM_MAX_APPLIANCES	100000

void	sim_print(const struct size *);

#endif
