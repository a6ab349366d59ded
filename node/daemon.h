/*
 * The daemon (daemon.c): its state, shared by the loop modules, and its
 * life cycle: opening the ledger, the TLS context and the sockets, the
 * periodic tick, signals, reloading the partner directory, and the
 * alerts `lcn status` shows. Each module's own structs are in its header:
 * peer.h (partners and connections), repl.h (replication), indexer.h
 * (the screening index's catch-up), api.h (the operator socket).
 * Everything here belongs to the loop thread; only verification jobs run
 * on the libuv pool, and they touch nothing but their own job struct and
 * a referenced configuration (node/README.md).
 */
#ifndef LCN_DAEMON_H
#define LCN_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "config.h"
#include "indexer.h"
#include "lcn_limits.h"

struct api;
struct conn;
struct feed_verify;
struct peer;
struct publish_pipe;
struct pull;
struct store;
struct tls_ctx;
struct trust;

/* A configuration shared with pool jobs; freed when the last ref goes. */
struct config_ref {
	struct config	cfg;
	int		refs;
};

struct daemon {
	uv_loop_t		*loop;
	struct config_ref	*conf;		/* current */
	struct tls_ctx		*tls;
	struct store		*store;
	uv_tcp_t		 listener;
	uv_signal_t		 sig_term, sig_int, sig_hup;
	uv_timer_t		 tick;
	struct peer		**peers;	/* one per partner */
	size_t			 npeers;
	struct conn		*conns;		/* every connection */
	struct pull		*pulls;		/* repl.c */
	size_t			 npulls;
	struct feed_verify	*verifies;	/* repl.c: pool verification */
	size_t			 nverifies;
	uv_check_t		 group;		/* repl_recv.c: group commit */
	struct pending_entries	*pending;	/* Entries taken, to store */
	struct pending_entries	**pending_tail;
	int			 marks_pending;	/* a feed_verify has a mark */
	int			 jobs;		/* pool jobs in flight */
	uint64_t		 verify_backlog; /* bytes the jobs hold */
	struct indexer		 index;		/* indexer.c */
	char			(*dirty)[GROUP_NAME_MAX + 1]; /* to attest */
	size_t			 ndirty;
	uint64_t		 attest_due_ms;	/* mono */
	char			**alerts;
	size_t			 nalerts;
	size_t			 splits_known;	/* repl_split.c: pushed */
	uint64_t		 split_check_ms; /* mono, its last look */
	uint64_t		 start_ms;	/* wall */
	uint64_t		 trim_ms;	/* mono, last malloc_trim */
	int			 stopping;
	struct api		*api;		/* api.c's state */
	struct publish_pipe	*pipe;		/* publish_pipe.c, or NULL */
};

/*
 * Opens everything and starts listening; the caller then runs the loop.
 * Returns 0 or an LCN_E* code with errbuf filled. Takes conf on success;
 * on failure it has closed and freed all it opened (running the loop
 * for the handles' close callbacks), and conf is still the caller's.
 */
int	daemon_init(struct daemon *, uv_loop_t *, struct config_ref *,
	    char *errbuf, size_t errbufsz);
/* Closes every handle; the loop then drains. */
void	daemon_stop(struct daemon *);
/* After the loop has drained: frees what the daemon still owns. */
void	daemon_free(struct daemon *);
/* Logs an alert at error level and keeps it for `lcn status`. */
void	daemon_alert(struct daemon *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Keeps an alert for `lcn status` without logging it: for an event the
 * code that found it has logged already (a fork, by store/ledger.c).
 */
void	daemon_alert_logged(struct daemon *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
struct config_ref *config_ref_new(void);
void	config_ref_put(struct config_ref *);
const struct trust *daemon_trust(const struct daemon *);
struct peer *daemon_peer(struct daemon *, const char *id);

#endif
