/*
 * The publishing pipeline (publish_pipe.c, publish_sign.c): `lcn publish`
 * requests go through three stages so that signing, which must go one
 * entry after another, overlaps with everything else. The loop thread
 * decodes and validates a request's bodies (admission); the signer
 * thread only chains and signs them (store_chain_sign); the loop thread
 * commits each signed batch in one LMDB transaction and only then
 * answers the caller and announces the head. At most PIPE_DEPTH requests
 * are admitted and not yet committed; later ones wait, decoded on
 * admission. It is not the typed records' path (api_records_publish.c)
 * nor the heads attestations' (publish.c): those publish at once, after
 * publish_pipe_drain(). Loop thread, except where it says otherwise.
 */
#ifndef LCN_PUBLISH_PIPE_H
#define LCN_PUBLISH_PIPE_H

#include <stddef.h>

#include <jansson.h>

#include "entry.h"

struct daemon;
struct api_client;

/* Requests admitted and not yet committed: one signing, one committing,
 * one decoded and waiting for the signer. */
#define PIPE_DEPTH	3

/*
 * Queues a publish request ({"group": G, "bodies": [...]}, already
 * checked for shape) from cl; the answer goes to cl with api_reply() once
 * its entries are committed, or with the reason nothing was published.
 * Takes a reference to req. 0, or LCN_ENOMEM (nothing queued: the caller
 * answers).
 */
int	publish_pipe_submit(struct daemon *, struct api_client *cl,
	    json_t *req);
/*
 * As publish_pipe_submit(), with the bodies already decoded to protobuf
 * (n of them, 1..PUBLISH_BATCH_MAX, each malloc'd): the pipeline takes
 * them and the array on 0. 0, or LCN_ENOMEM (nothing queued, the bodies
 * still the caller's).
 */
int	publish_pipe_submit_bodies(struct daemon *, struct api_client *cl,
	    const char *group, struct bytes *bodies, size_t n);
/*
 * Reads line (len bytes, no newline) when it is exactly lcn publish's
 * {"cmd":"publish","group":G,"encoded":[B64,...]}: G into group (a valid
 * group name), each body decoded into *bodies (malloc'd array of n
 * malloc'd buffers, the caller's). 0; LCN_EINVAL for any other line or
 * text that is not canonical base64 (the JSON path then answers it);
 * LCN_ENOMEM. Nothing is returned on error. Pure; any thread.
 */
int	publish_line_parse(const char *line, size_t len, char *group,
	    size_t groupsz, struct bytes **bodies, size_t *n);
/*
 * Blocks until every admitted request is signed and committed (answered),
 * so that the caller may sign on the loop thread: the signing key's
 * context and the feeds' heads are then the caller's alone.
 */
void	publish_pipe_drain(struct daemon *);
/* Whether a request is admitted or waiting: the indexer waits too. */
int	publish_pipe_busy(const struct daemon *);
/* cl is going away: its requests go on, unanswered. */
void	publish_pipe_detach(struct daemon *, struct api_client *cl);
/*
 * lcnd is stopping: admitted requests are finished (committed and
 * answered), waiting ones are answered that nothing was published, the
 * signer thread is joined and the pipeline freed once its handle closes.
 */
void	publish_pipe_stop(struct daemon *);

#endif
