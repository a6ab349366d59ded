/*
 * Publishing this node's own entries (publish.c): signing and appending
 * a batch of bodies to its feed of a group behind the self-fork guard,
 * then announcing the new head; and the heads attestations it publishes
 * when partners' feeds of a group moved. It does not fetch entries
 * (repl.c). Loop thread only.
 */
#ifndef LCN_PUBLISH_H
#define LCN_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct daemon;

/*
 * Whether this node may sign in its feed of group now: the group is one
 * it belongs to and the self-fork guard (PROTOCOL.md section 5.6) lets
 * it. 0; LCN_EGROUP or LCN_ENOTMEMBER; LCN_EBEHIND while the guard waits
 * for partners; LCN_ESTORE. errbuf says why.
 */
int	publish_ready(struct daemon *, const char *group, char *errbuf,
	    size_t errbufsz);
/*
 * Signs bodies (encoded Entry bodies) as seqs *first..*last of this
 * node's feed of group, in one transaction, and announces the new head.
 * The publishing pipeline is drained first (publish_pipe_drain()).
 * Returns 0; LCN_EGROUP or LCN_ENOTMEMBER for a group this node cannot
 * publish to; LCN_EBEHIND while the self-fork guard waits for partners;
 * or the store's error. errbuf says why.
 */
int	publish_bodies(struct daemon *, const char *group,
	    const struct bytes *bodies, size_t n, uint64_t *first,
	    uint64_t *last, char *errbuf, size_t errbufsz);
/* Entries of a partner's feed f were stored: attest its group soon. */
void	publish_feed_moved(struct daemon *, const struct feed_id *f,
	    const struct bytes *items, size_t n);
/* Periodic: publishes the due heads attestations. */
void	publish_tick(struct daemon *);
void	publish_free(struct daemon *);

#endif
