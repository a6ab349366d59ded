/*
 * What the files of the local operator API share (api.h is its outside):
 * api.c owns the socket, the clients, line framing and the command table;
 * api_status.c, api_records.c, api_screen.c and api_import.c hold the
 * command handlers. Internal to node/api*.c: nothing else includes it.
 *
 * Every handler runs on the loop thread, takes the client and its parsed
 * request (borrowed), and returns the response to send (a new reference),
 * or NULL when it answers later with api_reply() (import-list, publish).
 */
#ifndef LCN_API_INT_H
#define LCN_API_INT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "api_who.h"

struct daemon;
struct import_job;

/* Descriptors one request may pass: a list and its two OFAC companions. */
#define API_FDS_MAX	3

/* "uid 1001 (alice)": room for a uid and an escaped user name. */
#define API_WHO_MAX	96

struct api_client {
	uv_pipe_t		 pipe;		/* ipc: may carry descriptors */
	struct daemon		*d;
	char			*buf;
	size_t			 len, cap;
	uint64_t		 line_ms;	/* mono: an unfinished
						   request's first byte */
	int			 closing;
	uid_t			 uid;		/* SO_PEERCRED, at accept */
	gid_t			 gid;
	pid_t			 pid;
	char			 who[API_WHO_MAX]; /* for messages and logs */
	struct api_client	*next;
};

struct api {
	uv_pipe_t		 listener;
	struct api_client	*clients;
	uv_timer_t		*deadline;	/* API_REQUEST_MS */
	struct import_job	*import;	/* lcn import-list running */
	struct api_who_cache	 who;		/* callers' user names */
};

/* {"ok":false, "error":text, "code":"E..."} for an LCN_E* code. */
json_t	*api_error(int r, const char *text);
/*
 * Sends resp as one line to cl and drops the reference; nothing if resp
 * is NULL or cl is closing.
 */
void	 api_reply(struct api_client *cl, json_t *resp);

/*
 * Takes the n descriptors cl sent with its request (SCM_RIGHTS) into
 * fds[], in the order sent; the caller closes them. Returns 0, or
 * LCN_EINVAL (a count other than n: those sent are closed) or LCN_EIO.
 */
int	 api_take_fds(struct api_client *cl, int *fds, size_t n);

/* api_status.c */
json_t	*api_cmd_status(struct api_client *, json_t *req);
/* api_records.c */
json_t	*api_cmd_publish(struct api_client *, json_t *req);
json_t	*api_cmd_log(struct api_client *, json_t *req);
/* api_records_publish.c: deny, alert, control-status and the updates */
json_t	*api_cmd_record(struct api_client *, json_t *req);
/* api_records_query.c */
/*
 * What every query shares: EBEHIND (a response) when the records' index
 * is too far behind the ledger to catch up within one query, else NULL;
 * an error response naming the request field that is wrong (NULL: none);
 * the request's "at_ms" into *at (now when it has none) and its "limit"
 * into *limit (left as it is when it has none), NULL or the error
 * response for a bad one.
 */
json_t	*api_query_behind(struct daemon *, const char *what);
json_t	*api_query_error(int r, const char *text, const char *field);
json_t	*api_query_at(const json_t *req, uint64_t *at);
json_t	*api_query_limit(const json_t *req, size_t *limit);
json_t	*api_cmd_denials(struct api_client *, json_t *req);
json_t	*api_cmd_alerts(struct api_client *, json_t *req);
json_t	*api_cmd_show(struct api_client *, json_t *req);
json_t	*api_cmd_receipts(struct api_client *, json_t *req);
json_t	*api_cmd_controls(struct api_client *, json_t *req);
/* api_consult_query.c: consultations, decisions, report; show of a
 * consultation request (0 with *resp, LCN_ENOTFOUND, or a store error) */
struct consult_info;
struct decision_notice;
json_t	*api_cmd_consultations(struct api_client *, json_t *req);
json_t	*api_cmd_decisions(struct api_client *, json_t *req);
json_t	*api_cmd_report(struct api_client *, json_t *req);
int	 api_consult_show(struct daemon *, const char *origin,
	    const char *ref, uint64_t at_ms, json_t **resp);
/* One consultation or published decision as the queries list it. */
json_t	*api_consult_json(struct daemon *, const struct consult_info *,
	    uint64_t at_ms);
json_t	*api_decision_json(const struct decision_notice *);
/* api_status_attention.c: status's "attention" object */
json_t	*api_status_attention(struct daemon *);
/* api_export.c */
json_t	*api_cmd_export(struct api_client *, json_t *req);
/* api_screen.c */
json_t	*api_cmd_screen(struct api_client *, json_t *req);
json_t	*api_cmd_check(struct api_client *, json_t *req);
json_t	*api_cmd_reindex(struct api_client *, json_t *req);
/* api_consult.c, api_consult_reply.c, api_consult_decide.c */
json_t	*api_cmd_consult(struct api_client *, json_t *req);
json_t	*api_cmd_reply(struct api_client *, json_t *req);
json_t	*api_cmd_consult_info(struct api_client *, json_t *req);
json_t	*api_cmd_decide(struct api_client *, json_t *req);
/* api_import.c */
json_t	*api_cmd_import(struct api_client *, json_t *req);
/* A client that goes away before its import ends gets no answer. */
void	 api_import_detach(struct api *, struct api_client *);
/* lcnd is stopping: the import ends where it is (its rows stay hidden). */
void	 api_import_stop(struct daemon *);

#endif
