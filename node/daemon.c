/*
 * Daemon life cycle: opening the ledger, the TLS context and the sockets,
 * the periodic tick (redial, liveness, lazy pulls, stalled pulls),
 * signals (SIGTERM and SIGINT stop cleanly, SIGHUP reloads the partner
 * directory) and the operator-visible alerts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__	/* defined by the headers above */
#include <malloc.h>
#endif

#include "api.h"
#include "daemon.h"
#include "hash.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "peer.h"
#include "publish.h"
#include "repl.h"
#include "repl_verify.h"
#include "screen.h"
#include "store.h"
#include "tls.h"
#include "util.h"

#define TICK_MS		250
#define ALERTS_MAX	256
#define TRIM_MS		10000	/* free heap pages given back this often */

struct config_ref *
config_ref_new(void)
{
	struct config_ref *cr;

	if ((cr = calloc(1, sizeof(*cr))) != NULL)
		cr->refs = 1;
	return cr;
}

void
config_ref_put(struct config_ref *cr)
{
	if (cr == NULL || --cr->refs > 0)
		return;
	config_free(&cr->cfg);
	free(cr);
}

const struct trust *
daemon_trust(const struct daemon *d)
{
	return &d->conf->cfg.trust;
}

struct peer *
daemon_peer(struct daemon *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->npeers; i++)
		if (strcmp(d->peers[i]->id, id) == 0)
			return d->peers[i];
	return NULL;
}

static void
alert_keep(struct daemon *d, const char *buf)
{
	char **na;

	if (d->nalerts == ALERTS_MAX) {
		free(d->alerts[0]);
		memmove(d->alerts, d->alerts + 1,
		    (ALERTS_MAX - 1) * sizeof(*d->alerts));
		d->nalerts--;
	}
	if ((na = realloc(d->alerts, (d->nalerts + 1) * sizeof(*na))) ==
	    NULL)
		return;
	d->alerts = na;
	if ((na[d->nalerts] = strdup(buf)) != NULL)
		d->nalerts++;
}

void
daemon_alert(struct daemon *d, const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_error("alert", "%s", buf);
	alert_keep(d, buf);
}

void
daemon_alert_logged(struct daemon *d, const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	alert_keep(d, buf);
}

static int
make_tls(const struct config *cfg, struct tls_ctx **out, char *errbuf,
    size_t errbufsz)
{
	struct tls_ctx	*tls;
	size_t		 i;
	int		 r;

	if ((r = tls_ctx_new_key(cfg->tls_cert, cfg->tls_key_pem,
	    cfg->tls_key_pem_len, cfg->tls_key, &tls, errbuf, errbufsz)) != 0)
		return r;
	for (i = 0; i < cfg->npartners; i++) {
		const struct config_partner *p = &cfg->partners[i];

		if ((r = tls_ctx_add_partner(tls, p->id, p->ca, p->crl, errbuf,
		    errbufsz)) != 0) {
			tls_ctx_free(tls);
			return r;
		}
	}
	*out = tls;
	return 0;
}

static void
peer_set_address(struct peer *p, const struct config_partner *cp)
{
	p->has_address = cp->host[0] != '\0';
	str_copy(p->host, sizeof(p->host), cp->host);
	p->port = cp->port;
}

static void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	free(p->heads);
	free(p);
}

/* Makes the peer slots match the configuration's partners. */
static int
sync_peers(struct daemon *d)
{
	const struct config	*cfg = &d->conf->cfg;
	struct peer		**np, *p;
	size_t			 i, k;

	if ((np = calloc(cfg->npartners + 1, sizeof(*np))) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < cfg->npartners; i++) {
		if ((p = daemon_peer(d, cfg->partners[i].id)) == NULL) {
			if ((p = calloc(1, sizeof(*p))) == NULL) {
				free(np);
				return LCN_ENOMEM;
			}
			str_copy(p->id, sizeof(p->id), cfg->partners[i].id);
			p->since_ms = now_ms();
		} else if (strcmp(p->host, cfg->partners[i].host) != 0 ||
		    p->port != cfg->partners[i].port) {
			p->next_dial_ms = 0;
			p->backoff_ms = 0;
		}
		peer_set_address(p, &cfg->partners[i]);
		np[i] = p;
	}
	for (k = 0; k < d->npeers; k++) {
		p = d->peers[k];
		for (i = 0; i < cfg->npartners; i++)
			if (np[i] == p)
				break;
		if (i < cfg->npartners)
			continue;
		log_info("daemon", "%s: no longer a partner; disconnecting",
		    p->id);
		if (p->conn != NULL)
			peer_close(p->conn, "partner removed from "
			    "configuration");
		if (p->dialling != NULL)
			peer_close(p->dialling, "partner removed");
		p->conn = p->dialling = NULL;
		peer_free(p);
	}
	free(d->peers);
	d->peers = np;
	d->npeers = cfg->npartners;
	return 0;
}

/*
 * Every TRIM_MS, the heap's free pages are given back to the kernel.
 * glibc's free() returns memory only from the top of the heap, and
 * large blocks come from the heap rather than from mappings of their
 * own: LMDB's nested transactions (one per Entries batch and one per
 * verified mark in a group commit, repl_recv.c) each malloc and free
 * 3 MiB of page lists, and the first such mapped block freed raises
 * glibc's mmap threshold to its size (mallopt(3), dynamic threshold), so
 * every buffer up to 2 MiB after it (the batches, their copies for the
 * signature checks, those lists) is carved from the heap. When the node
 * falls behind, many are live at once, the heap grows, and after they
 * are freed the pages they touched stay resident below whatever small
 * block outlives them. In a 24-node ops/bench/mesh at load 40, one
 * node's heap held 1.2 MiB resident but free 130 s in and 1.7 MiB at
 * 290 s, while what was allocated grew by 0.13 MiB. malloc_trim()
 * hands every free page back (MADV_DONTNEED), at the cost of a walk over
 * the free lists; its next use faults it in again.
 */
static void
trim_heap(struct daemon *d)
{
#ifdef __GLIBC__
	uint64_t now = mono_ms();

	if (now - d->trim_ms < TRIM_MS)
		return;
	d->trim_ms = now;
	(void)malloc_trim(0);
#else
	(void)d;
#endif
}

static void
on_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;

	peer_tick(d);
	repl_tick(d);
	publish_tick(d);
	trim_heap(d);
}

static void
reload(struct daemon *d)
{
	struct config_ref	*nc;
	struct tls_ctx		*tls = NULL;
	char			 err[512];
	struct conn		*c;

	if ((nc = config_ref_new()) == NULL)
		return;
	if (config_load(d->conf->cfg.path, &nc->cfg, err, sizeof(err)) != 0 ||
	    config_open_keys(&nc->cfg, err, sizeof(err)) != 0) {
		log_error("daemon", "reload refused, keeping the running "
		    "configuration: %s", err);
		config_ref_put(nc);
		return;
	}
	if (strcmp(nc->cfg.id, d->conf->cfg.id) != 0 ||
	    strcmp(nc->cfg.data_dir, d->conf->cfg.data_dir) != 0) {
		log_error("daemon", "reload refused: id and data_dir can "
		    "only change with a restart");
		config_ref_put(nc);
		return;
	}
	if (make_tls(&nc->cfg, &tls, err, sizeof(err)) != 0) {
		log_error("daemon", "reload refused: %s", err);
		config_ref_put(nc);
		return;
	}
	repl_config_changing(d, &nc->cfg);
	tls_ctx_free(d->tls);
	d->tls = tls;
	config_ref_put(d->conf);
	d->conf = nc;
	sync_peers(d);
	/*
	 * Established sessions were authenticated under the old directory;
	 * drop those whose partner lost its entitlement entirely.
	 */
	for (c = d->conns; c != NULL; c = c->next)
		c->reader.max = nc->cfg.max_frame;
	peer_recheck(d);	/* sessions under the new CAs and CRLs */
	log_info("daemon", "configuration reloaded: partners=%zu groups=%zu",
	    nc->cfg.npartners, nc->cfg.trust.ngroups);
}

static void
on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;

	if (signum == SIGHUP) {
		log_info("daemon", "SIGHUP: reloading %s", d->conf->cfg.path);
		reload(d);
		return;
	}
	log_info("daemon", "signal %d: shutting down", signum);
	daemon_stop(d);
}

/* Closes h if it was initialised and is not closing already. */
static void
close_if_open(uv_handle_t *h)
{
	if (h->loop != NULL && !uv_is_closing(h))
		uv_close(h, NULL);
}

/*
 * Undoes a daemon_init() that failed part-way (a key, the ledger, a port
 * or the socket): closes the handles it initialised, runs the loop until
 * their close callbacks have run (it has not been started, and nothing
 * else is on it yet), then frees what it opened. The configuration stays
 * the caller's. Without it each refused start left all of that behind,
 * which leak checkers reported on every such exit.
 */
static void
init_undo(struct daemon *d)
{
	size_t i;

	close_if_open((uv_handle_t *)&d->sig_term);
	close_if_open((uv_handle_t *)&d->sig_int);
	close_if_open((uv_handle_t *)&d->sig_hup);
	close_if_open((uv_handle_t *)&d->listener);
	peer_close_all(d);	/* the accept timer; no connection yet */
	uv_run(d->loop, UV_RUN_DEFAULT);
	for (i = 0; i < d->npeers; i++)
		peer_free(d->peers[i]);
	free(d->peers);
	tls_ctx_free(d->tls);
	if (d->store != NULL) {
		store_screen_disable(d->store);
		store_close(d->store);
	}
	memset(d, 0, sizeof(*d));
}

int
daemon_init(struct daemon *d, uv_loop_t *loop, struct config_ref *conf,
    char *errbuf, size_t errbufsz)
{
	struct store_opts	 so;
	int			 r;

	memset(d, 0, sizeof(*d));
	d->loop = loop;
	d->conf = conf;
	d->start_ms = now_ms();
	srandom((unsigned)(now_ms() ^ (uint64_t)getpid()));
	if ((r = hash_init()) != 0) {
		snprintf(errbuf, errbufsz, "cannot fetch SHA-256");
		goto out;
	}
	memset(&so, 0, sizeof(so));
	so.dir = conf->cfg.data_dir;
	so.map_size = conf->cfg.map_size;
	if ((r = store_open(&so, &d->store, errbuf, errbufsz)) != 0)
		goto out;
	if ((r = store_screen_enable(d->store, NULL, errbuf, errbufsz)) != 0)
		goto out;
	if ((r = make_tls(&conf->cfg, &d->tls, errbuf, errbufsz)) != 0)
		goto out;
	if ((r = sync_peers(d)) != 0) {
		snprintf(errbuf, errbufsz, "out of memory");
		goto out;
	}
	/*
	 * Signals are caught before the sockets exist: a supervisor that
	 * sees the socket may stop the node at once, and SIGTERM must then
	 * stop it cleanly (the loop runs on_signal once it starts).
	 */
	uv_signal_init(loop, &d->sig_term);
	uv_signal_init(loop, &d->sig_int);
	uv_signal_init(loop, &d->sig_hup);
	d->sig_term.data = d->sig_int.data = d->sig_hup.data = d;
	uv_signal_start(&d->sig_term, on_signal, SIGTERM);
	uv_signal_start(&d->sig_int, on_signal, SIGINT);
	uv_signal_start(&d->sig_hup, on_signal, SIGHUP);
	if ((r = peer_listen(d, errbuf, errbufsz)) != 0)
		goto out;
	api_import_sweep(conf->cfg.data_dir);
	if ((r = api_start(d)) != 0) {
		snprintf(errbuf, errbufsz, "cannot listen on %s",
		    conf->cfg.socket);
		goto out;
	}
	uv_timer_init(loop, &d->tick);
	d->tick.data = d;
	uv_timer_start(&d->tick, on_tick, TICK_MS, TICK_MS);
	indexer_init(d);
	repl_group_start(d);
	repl_resume_verification(d);
	indexer_kick(d);
	/*
	 * The loop's clock was read when the loop was made, before the
	 * ledger and the keys were opened. Dials started on that stale
	 * clock time out as soon as the loop runs after a slow start (60 s
	 * under valgrind), and a dial that fails lets the self-fork guard
	 * sign before the partner has told us our own head.
	 */
	uv_update_time(loop);
	peer_tick(d);
	log_info("daemon", "started id=%s data_dir=%s partners=%zu "
	    "groups=%zu", conf->cfg.id, conf->cfg.data_dir, d->npeers,
	    conf->cfg.trust.ngroups);
	return 0;
 out:
	init_undo(d);
	return r;
}

void
daemon_stop(struct daemon *d)
{
	if (d->stopping)
		return;
	d->stopping = 1;
	uv_close((uv_handle_t *)&d->sig_term, NULL);
	uv_close((uv_handle_t *)&d->sig_int, NULL);
	uv_close((uv_handle_t *)&d->sig_hup, NULL);
	uv_close((uv_handle_t *)&d->tick, NULL);
	repl_group_stop(d);
	indexer_stop(d);
	uv_close((uv_handle_t *)&d->listener, NULL);
	api_stop(d);
	peer_close_all(d);
}

/* After the loop has drained: everything the daemon still owns. */
void
daemon_free(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->npeers; i++)
		peer_free(d->peers[i]);
	free(d->peers);
	repl_free(d);
	repl_verify_free(d);
	publish_free(d);
	for (i = 0; i < d->nalerts; i++)
		free(d->alerts[i]);
	free(d->alerts);
	tls_ctx_free(d->tls);
	store_screen_disable(d->store);
	store_close(d->store);
	config_ref_put(d->conf);
	memset(d, 0, sizeof(*d));
}
