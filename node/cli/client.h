/*
 * The transport of `lcn` to lcnd's local API (api.h): a unix socket, one
 * JSON request line out, one JSON response line back, then close. It knows
 * nothing of commands; lcn.c decides which socket and reads "ok".
 */
#ifndef LCN_CLI_CLIENT_H
#define LCN_CLI_CLIENT_H

#include <stddef.h>

#include <jansson.h>

/* How long to wait for lcnd's answer; a publish of 1000 bodies is ~0.1 s. */
#define CLIENT_TIMEOUT_MS	(5 * 60 * 1000)

/*
 * Connects to the socket at path, writes req (len bytes, no newline; a
 * newline is added) and reads one response line of at most API_LINE_MAX
 * bytes, which must be a JSON object. Returns 0 with *resp (a new
 * reference), or LCN_EIO (cannot connect, write or read, no answer in
 * CLIENT_TIMEOUT_MS), LCN_EPROTO (answer too long or not a JSON object),
 * LCN_EINVAL (request too long) or LCN_ENOMEM, with the reason in errbuf
 * and *resp NULL. *sent says whether the whole request went out: after a
 * failure with *sent set, lcnd may or may not have acted on it.
 */
int	client_call(const char *path, const char *req, size_t len,
	    json_t **resp, int *sent, char *errbuf, size_t errbufsz);

/*
 * Called for each progress line lcnd sends before its answer (requests
 * that ask for "progress"), with the counts it reports. One process-wide
 * callback; NULL turns it off.
 */
typedef void client_progress_fn(long long done, long long total, void *arg);
void	client_set_progress(client_progress_fn *fn, void *arg);

/* Descriptors one request may pass (lcnd's API_FDS_MAX). */
#define CLIENT_FDS_MAX	3

/*
 * Open files to pass to lcnd with the next requests (SCM_RIGHTS), for
 * import-list: lcnd reads what the caller could open, never a path. The
 * array is borrowed until it is reset with NULL, 0. One process-wide
 * setting, like the progress callback.
 */
void	client_set_fds(const int *fds, size_t n);

#endif
