/*
 * The screening index's catch-up on the loop (indexer.c): after entries
 * stop arriving and no signature check or publish request is in flight,
 * an idle handle indexes SCREEN_TXN_ENTRIES entries per loop iteration
 * until the index is current, and one such transaction, busy or not,
 * whenever entries have waited INDEX_LAG_MS. It is not the index itself
 * (store/screen.c); it only decides when the loop spends time on it.
 * Loop thread only.
 */
#ifndef LCN_INDEXER_H
#define LCN_INDEXER_H

#include <stdint.h>

#include <uv.h>

struct daemon;

struct indexer {
	uv_idle_t	 idle;		/* a transaction per loop iteration */
	uv_timer_t	 quiet;		/* entries stopped coming */
	uint64_t	 since_ms;	/* mono, 0: idle */
	uint64_t	 steps;		/* since since_ms */
	uint64_t	 behind_ms;	/* mono of the oldest kick, 0: current */
	int		 urgent;	/* a query waits for it */
	int		 due;		/* behind INDEX_LAG_MS: one transaction */
};

void	indexer_init(struct daemon *);
void	indexer_kick(struct daemon *);	/* entries committed or checked */
void	indexer_urge(struct daemon *);	/* a query waits for it */
void	indexer_stop(struct daemon *);	/* closes its handles */

#endif
