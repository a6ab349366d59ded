/*
 * What publish_pipe.c (admission and commit, loop thread) and
 * publish_sign.c (the signer thread) share. Internal to those two files.
 *
 * A job is one publish request. It waits in `waiting` until admitted,
 * then sits in `flight` (FIFO, the order its seqs follow) from admission
 * to commit. The loop thread links and unlinks jobs under mu; the signer
 * thread owns a job's signing fields while it is JOB_SIGNING and hands it
 * back by setting JOB_SIGNED under mu.
 */
#ifndef LCN_PUBLISH_PIPE_INT_H
#define LCN_PUBLISH_PIPE_INT_H

#include <pthread.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "api_int.h"
#include "lcn_limits.h"
#include "store.h"
#include "validate_ledger.h"

struct daemon;
struct config_ref;

enum job_state {
	JOB_WAITING,		/* not admitted yet */
	JOB_QUEUED,		/* admitted: decoded, validated, for the signer */
	JOB_SIGNING,		/* the signer thread has it */
	JOB_SIGNED,		/* back to the loop, to commit */
};

struct publish_job {
	struct publish_job	*next;
	enum job_state		 state;
	int			 later;		/* waits for the flight to land */
	struct api_client	*cl;		/* NULL once it went away */
	char			 who[API_WHO_MAX];
	char			 group[GROUP_NAME_MAX + 1];
	json_t			*req;		/* until decoded */
	struct config_ref	*conf;		/* admitted under; a reference */
	struct bytes		*bodies;	/* encoded, validated; n */
	size_t			 n;
	uint64_t		 created_ms;
	struct validate_footprint fp;		/* what validation asked */
	struct store_chain	*base;		/* from the ledger, or NULL:
						   after the feed's job before */
	/* Written by the signer thread while JOB_SIGNING. */
	struct store_chain	*from, *to;	/* signed from, to */
	struct bytes		*signed_entries; /* n, on r == 0 */
	int			 r;
	struct append_result	 res;
};

/* The signer's view of a feed: where the last job signed for it ended. */
struct sign_head {
	struct feed_id		 feed;
	struct store_chain	*end;
};

struct publish_pipe {
	struct daemon		*d;
	uv_async_t		 async;		/* a job was signed */
	pthread_t		 tid;
	int			 started;	/* tid is a thread to join */
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* signer: a job, or stop */
	pthread_cond_t		 signed_cv;	/* drain: a job was signed */
	int			 stop;		/* under mu */
	/* Loop thread; flight's links also under mu. */
	struct publish_job	*waiting, *waiting_tail;
	struct publish_job	*flight, *flight_tail;
	size_t			 nflight;
	/* Signer thread only. */
	struct sign_head	*heads;
	size_t			 nheads;
};

/* publish_sign.c: the signer thread's body; arg is the pipe. */
void	*publish_sign_main(void *arg);
/* Frees what the signer thread kept; after it was joined. */
void	 publish_sign_free(struct publish_pipe *);

#endif
