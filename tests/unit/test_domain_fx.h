/*
 * Fixtures shared by the domain rule tests (test_domain*.c): fixed UTC
 * instants, so that nothing reads the clock, and a denial notice to start
 * from.
 */
#ifndef LCN_TEST_DOMAIN_FX_H
#define LCN_TEST_DOMAIN_FX_H

#include <stdint.h>
#include <string.h>

#include "domain.h"

#define DAY		86400000ULL
#define T_2020_01_01	1577836800000ULL
#define T_2023_01_01	1672531200000ULL
#define T_2024_02_29	1709164800000ULL
#define T_2027_02_28	1803772800000ULL
#define T_2023_03_10_TOD 1678451696000ULL	/* 12:34:56 */
#define T_2026_03_10_TOD 1773146096000ULL
#define T_2025_06_01	1748736000000ULL
#define T_2028_06_01	1843430400000ULL

/* An NSG denial decided at decision, with review date review (0: none). */
static inline struct domain_denial
notice_at(uint64_t decision, uint64_t review)
{
	struct domain_denial n;

	memset(&n, 0, sizeof(n));
	n.ref = "JP-METI/DN/2026/0042";
	n.regime = "NSG";
	n.decision_ms = decision;
	n.review_ms = review;
	return n;
}

#endif
