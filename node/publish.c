/*
 * Publishing this node's own entries (PROTOCOL.md section 3): signing
 * and appending a batch behind the self-fork guard, announcing the new
 * head (lcn publish's requests take the pipeline of publish_pipe.c,
 * behind the same guard), and the heads attestations a node publishes in its own feed of a
 * group when its partners' feeds of that group moved. Loop thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "peer.h"
#include "publish.h"
#include "publish_pipe.h"
#include "repl.h"
#include "store.h"
#include "trust.h"
#include "util.h"

/* A partner's feed of this group moved: attest the group's heads soon. */
static void
mark_dirty(struct daemon *d, const struct feed_id *f)
{
	char	(*nd)[GROUP_NAME_MAX + 1];
	size_t	  i;

	if (strcmp(f->origin, daemon_trust(d)->self) == 0)
		return;
	for (i = 0; i < d->ndirty; i++)
		if (strcmp(d->dirty[i], f->group) == 0)
			return;
	if ((nd = realloc(d->dirty, (d->ndirty + 1) * sizeof(*nd))) == NULL)
		return;
	d->dirty = nd;
	str_copy(nd[d->ndirty++], sizeof(*nd), f->group);
}

/*
 * Whether new entries are worth attesting: anything but attestations,
 * which would otherwise set partners attesting each other's attestations
 * forever.
 */
static int
moves_group(const struct bytes *items, size_t n)
{
	struct entry_view	v;
	size_t			i;

	for (i = 0; i < n; i++)
		if (entry_parse(items[i].ptr, items[i].len, &v, NULL,
		    0) == 0 && v.body_type != ENTRY_BODY_HEADS_ATTESTATION)
			return 1;
	return 0;
}

/*
 * The self-fork guard (PROTOCOL.md section 3): before signing seq n of its
 * own feed, a node must know that no partner holds a later entry of it.
 * Every member partner with an address must have answered with a Hello
 * or failed a dial since start, and none may announce a higher seq. A
 * partner without an address only dials in: it is waited for until it
 * has sent its Hello or until dial_in_wait after start (by default the
 * longest its redial backoff can last), so that a node restored from a
 * backup does not sign again a seq that only such a partner holds.
 */
static int
guard(struct daemon *d, const char *group, const struct feed_state *mine,
    char *errbuf, size_t errbufsz)
{
	const struct trust	*t = daemon_trust(d);
	const struct trust_group *g = trust_group(t, group);
	struct peer		*p;
	uint64_t		 seq;
	int			 known;
	size_t			 i;

	for (i = 0; i < d->npeers; i++) {
		p = d->peers[i];
		if (!trust_is_member(g, p->id))
			continue;
		if (p->has_address && !p->hello_seen && !p->tried) {
			snprintf(errbuf, errbufsz, "waiting to learn this "
			    "node's head of %s/%s from %s (connecting); try "
			    "again shortly", t->self, group, p->id);
			return LCN_EBEHIND;
		}
		if (!p->has_address && !p->hello_seen &&
		    now_ms() - d->start_ms < d->conf->cfg.dial_in_wait_ms) {
			snprintf(errbuf, errbufsz, "waiting to learn this "
			    "node's head of %s/%s from %s (it dials this "
			    "node; at most %llu s after start); try again "
			    "shortly", t->self, group, p->id,
			    (unsigned long long)
			    (d->conf->cfg.dial_in_wait_ms / 1000));
			return LCN_EBEHIND;
		}
		seq = repl_peer_seq(p, &mine->feed, &known);
		if (known && seq > mine->seq) {
			snprintf(errbuf, errbufsz, "%s holds seq %llu of "
			    "%s/%s but this node has %llu (restored from a "
			    "backup?); fetching them first, try again "
			    "shortly", p->id, (unsigned long long)seq,
			    t->self, group, (unsigned long long)mine->seq);
			repl_consider(d, &mine->feed);
			return LCN_EBEHIND;
		}
	}
	return 0;
}

int
publish_ready(struct daemon *d, const char *group, char *errbuf,
    size_t errbufsz)
{
	const struct trust	*t = daemon_trust(d);
	struct feed_state	 mine;
	int			 r;

	if ((r = trust_check_feed(t, t->self, group)) != 0) {
		snprintf(errbuf, errbufsz, "group %s: %s", group,
		    r == LCN_EGROUP ? "no such group in the configuration" :
		    "this node is not a member");
		return r;
	}
	if ((r = store_feed(d->store, t->self, group, &mine)) != 0) {
		snprintf(errbuf, errbufsz, "cannot read feed: %s",
		    lcn_strerror(r));
		return r;
	}
	return guard(d, group, &mine, errbuf, errbufsz);
}

int
publish_bodies(struct daemon *d, const char *group,
    const struct bytes *bodies, size_t n, uint64_t *first, uint64_t *last,
    char *errbuf, size_t errbufsz)
{
	const struct trust	*t = daemon_trust(d);
	struct append_result	 res;
	int			 r;

	*first = *last = 0;
	/*
	 * Requests in the pipeline go first: their seqs were promised by
	 * admission, and the signing key's context is then ours alone.
	 */
	publish_pipe_drain(d);
	if ((r = publish_ready(d, group, errbuf, errbufsz)) != 0)
		return r;
	memset(&res, 0, sizeof(res));
	r = store_publish(d->store, t, d->conf->cfg.signing_key, group, bodies,
	    n, now_ms(), &res);
	if (r != 0) {
		/* A full disk or map says it all, and what to do, once. */
		if (r == LCN_EFULL)
			snprintf(errbuf, errbufsz, "%s", lcn_strerror(r));
		else
			snprintf(errbuf, errbufsz, "%s%s%s", lcn_strerror(r),
			    res.reason[0] ? ": " : "", res.reason);
		append_result_free(&res);
		return r;
	}
	*first = res.head.seq - n + 1;
	*last = res.head.seq;
	repl_announce(d, &res.head, NULL);
	indexer_kick(d);
	append_result_free(&res);
	return 0;
}

/*
 * Heads attestations (PROTOCOL.md section 3): for each group whose partner
 * feeds moved since the last round, publish in this node's own feed of
 * the group the heads it holds of the group's feeds, so partners can
 * prove who held what from when and spot an origin that showed them
 * different histories. An attestation is an entry of this node's feed
 * of the group, so it reaches a partner only as repl.c sends entries and
 * heads, each send checked against the running configuration.
 */
static void
attest(struct daemon *d)
{
	const struct trust	*t = daemon_trust(d);
	struct feed_state	*fs = NULL, mine;
	struct head		*heads = NULL;
	struct bytes		 body;
	uint8_t			*buf;
	size_t			 n = 0, i, g, k, len;
	uint64_t		 as_of = now_ms();
	char			 ref[128], err[256];
	uint64_t		 first, last;

	if (d->ndirty == 0)
		return;
	/* Each ref names the seq it gets: nothing may land in between. */
	publish_pipe_drain(d);
	if (store_feeds(d->store, &fs, &n) != 0)
		return;
	if ((heads = calloc(n ? n : 1, sizeof(*heads))) == NULL) {
		free(fs);
		return;
	}
	for (g = 0; g < d->ndirty; g++) {
		for (i = 0, k = 0; i < n && k < REPEATED_MAX; i++) {
			if (strcmp(fs[i].feed.group, d->dirty[g]) != 0 ||
			    fs[i].seq == 0)
				continue;
			heads[k].feed = fs[i].feed;
			heads[k].seq = fs[i].seq;
			memcpy(heads[k].hash, fs[i].hash, HASH_LEN);
			k++;
		}
		if (trust_check_feed(t, t->self, d->dirty[g]) != 0 ||
		    store_feed(d->store, t->self, d->dirty[g], &mine) != 0)
			continue;
		snprintf(ref, sizeof(ref), "%s/HA/%s/%llu", t->self,
		    d->dirty[g], (unsigned long long)mine.seq + 1);
		if (entry_encode_attestation(ref, heads, k, as_of, &buf, &len) !=
		    0)
			continue;
		body.ptr = buf;
		body.len = len;
		if (publish_bodies(d, d->dirty[g], &body, 1, &first, &last, err,
		    sizeof(err)) != 0)
			log_info("repl", "heads attestation for %s postponed: "
			    "%s", d->dirty[g], err);
		else
			log_debug("repl", "attested %zu heads of %s as %s/%s "
			    "seq %llu", k, d->dirty[g], t->self, d->dirty[g],
			    (unsigned long long)last);
		free(buf);
	}
	free(heads);
	free(fs);
	free(d->dirty);
	d->dirty = NULL;
	d->ndirty = 0;
}

void
publish_feed_moved(struct daemon *d, const struct feed_id *f,
    const struct bytes *items, size_t n)
{
	if (moves_group(items, n))
		mark_dirty(d, f);
}

void
publish_tick(struct daemon *d)
{
	uint64_t now = mono_ms();

	if (d->conf->cfg.attest_interval_ms == 0) {
		publish_free(d);
	} else if (now >= d->attest_due_ms) {
		attest(d);
		d->attest_due_ms = now + d->conf->cfg.attest_interval_ms;
	}
}

void
publish_free(struct daemon *d)
{
	free(d->dirty);
	d->dirty = NULL;
	d->ndirty = 0;
}
