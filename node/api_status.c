/*
 * lcn status (api.h): this node, each partner's connection and counters,
 * each feed with every member's lag (or its refusal), fork records,
 * alerts, how far the screening index is behind, and what needs
 * attention (api_status_attention.c).
 */
#include <sys/statvfs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "daemon.h"
#include "hash.h"
#include "peer.h"
#include "repl.h"
#include "screen.h"
#include "store.h"
#include "tls.h"
#include "util.h"

static json_t *
hexstr(const uint8_t *p, size_t len)
{
	char buf[2 * HASH_LEN + 1];

	if (len > HASH_LEN)
		len = HASH_LEN;
	hex_encode(p, len, buf);
	return json_string(buf);
}

/*
 * Each partner: its connection, counters, refusal and CRL (lcn status).
 */
static json_t *
status_peers(struct daemon *d)
{
	static const char *const crl_states[] = {	/* enum peer_crl */
		"none", "fresh", "due", "expired",
	};
	json_t	*peers, *o;
	char	 note[512];
	size_t	 i;
	int	 crl;

	peers = json_array();
	for (i = 0; i < d->npeers; i++) {
		struct peer	*p = d->peers[i];
		char		 addr[CONFIG_ADDR_MAX + 8] = "";

		if (p->has_address)
			snprintf(addr, sizeof(addr), "%s:%u", p->host,
			    p->port);
		o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, "
		    "s:I}", "id", p->id, "address", addr, "state",
		    peer_state_name(p), "since_ms", (json_int_t)p->since_ms,
		    "last_error", p->last_error, "fingerprint",
		    p->fingerprint, "frames_in", (json_int_t)p->frames_in,
		    "frames_out", (json_int_t)p->frames_out, "rejects_in",
		    (json_int_t)p->rejects_in, "rejects_out",
		    (json_int_t)p->rejects_out);
		if (p->conn != NULL)
			json_object_set_new(o, "direction", json_string(
			    p->conn->is_client ? "dial" : "accept"));
		json_object_set_new(o, "refused_for_ms", json_integer(
		    (json_int_t)peer_refused_for_ms(p)));
		/* Its CRL: "none", "fresh", "due" (warn) or "expired". */
		crl = peer_crl_status(d, p, note, sizeof(note));
		json_object_set_new(o, "crl", json_string(crl_states[crl]));
		json_object_set_new(o, "crl_next_update_ms", json_integer(
		    (json_int_t)tls_ctx_crl_next_update(d->tls, p->id)));
		json_object_set_new(o, "crl_note", json_string(note));
		json_array_append_new(peers, o);
	}
	return peers;
}

/*
 * Each feed this node holds, with each other member's lag: this node's
 * head minus what that member last announced, null before it announced.
 */
static json_t *
status_feeds(struct daemon *d)
{
	const struct trust	*t = daemon_trust(d);
	struct feed_state	*fs = NULL;
	struct repl_reject	 rj;
	json_t			*feeds, *o, *lag, *rejected;
	size_t			 n = 0, i, k;
	int			 known;
	uint64_t		 seq, dups;

	feeds = json_array();
	if (store_feeds(d->store, &fs, &n) != 0)
		return feeds;
	for (i = 0; i < n; i++) {
		const struct trust_group *g = trust_group(t,
		    fs[i].feed.group);

		lag = json_object();
		rejected = json_object();
		for (k = 0; k < d->npeers; k++) {
			struct peer *p = d->peers[k];

			/* A member that refuses the feed: its reason. */
			if (repl_peer_rejects(p, &fs[i].feed, &rj) > 0)
				json_object_set_new(rejected, p->id,
				    json_string(repl_reject_name(rj.reason)));
			if (!trust_is_member(g, p->id) ||
			    strcmp(p->id, fs[i].feed.origin) == 0)
				continue;
			seq = repl_peer_seq(p, &fs[i].feed, &known);
			json_object_set_new(lag, p->id, known ?
			    json_integer((json_int_t)(fs[i].seq > seq ?
			    fs[i].seq - seq : 0)) : json_null());
		}
		o = json_pack("{s:s, s:s, s:I, s:o, s:I, s:b, s:o}", "origin",
		    fs[i].feed.origin, "group", fs[i].feed.group, "seq",
		    (json_int_t)fs[i].seq, "head", hexstr(fs[i].hash,
		    HASH_LEN), "verified", (json_int_t)fs[i].verified,
		    "frozen", fs[i].frozen, "lag", lag);
		json_object_set_new(o, "rejected", rejected);
		/* Copies taken in from peers, and those already held. */
		seq = repl_feed_received(d, &fs[i].feed, &dups);
		json_object_set_new(o, "received", json_integer(
		    (json_int_t)seq));
		json_object_set_new(o, "duplicates", json_integer(
		    (json_int_t)dups));
		json_array_append_new(feeds, o);
	}
	free(fs);
	return feeds;
}

/*
 * Room left for the ledger: free space on data_dir's file system, "low"
 * under [node] disk_warn_mb, and the LMDB map's use. Either running out
 * stops every write (store/README.md, the environment), so lcn status
 * warns before it happens.
 */
static json_t *
status_disk(struct daemon *d)
{
	const struct config	*cfg = &d->conf->cfg;
	struct statvfs		 sv;
	struct store_stats	 st;
	json_t			*o;
	uint64_t		 avail = 0, total = 0;
	uint64_t		 warn = cfg->disk_warn_mb * 1024 * 1024;

	if (statvfs(cfg->data_dir, &sv) == 0) {
		avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		total = (uint64_t)sv.f_blocks * sv.f_frsize;
	}
	if (store_stats(d->store, &st) != 0)
		memset(&st, 0, sizeof(st));
	o = json_pack("{s:s, s:I, s:I, s:I, s:b, s:I, s:I}", "data_dir",
	    cfg->data_dir, "free_bytes", (json_int_t)avail, "total_bytes",
	    (json_int_t)total, "warn_bytes", (json_int_t)warn, "low",
	    total > 0 && avail < warn, "map_size", (json_int_t)st.map_size,
	    "map_used", (json_int_t)st.map_used);
	return o;
}

json_t *
api_cmd_status(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	const struct trust	*t = daemon_trust(d);
	struct fork_record	*forks = NULL;
	json_t			*peers, *feeds, *jforks, *alerts, *resp;
	size_t			 nf = 0, i;
	uint64_t		 pending;

	(void)req;
	peers = status_peers(d);
	feeds = status_feeds(d);
	jforks = json_array();
	if (store_forks(d->store, &forks, &nf) == 0) {
		for (i = 0; i < nf; i++)
			json_array_append_new(jforks, json_pack("{s:s, s:s, "
			    "s:I, s:I}", "origin", forks[i].feed.origin,
			    "group", forks[i].feed.group, "seq",
			    (json_int_t)forks[i].seq, "detected_ms",
			    (json_int_t)forks[i].detected_ms));
		store_forks_free(forks, nf);
	}
	alerts = json_array();
	for (i = 0; i < d->nalerts; i++)
		json_array_append_new(alerts, json_string(d->alerts[i]));
	if (store_screen_pending(d->store, &pending) != 0)
		pending = 0;
	resp = json_pack("{s:b, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:I}",
	    "ok", 1, "node", t->self, "version", LCN_VERSION, "uptime_ms",
	    (json_int_t)(now_ms() - d->start_ms), "peers", peers, "feeds",
	    feeds, "forks", jforks, "alerts", alerts, "index_pending",
	    (json_int_t)pending);
	json_object_set_new(resp, "disk", status_disk(d));
	json_object_set_new(resp, "attention", api_status_attention(d));
	return resp;
}
