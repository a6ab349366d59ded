/*
 * The local operator API: a unix socket (<data_dir>/lcnd.sock by default,
 * created mode 0660, with [access] socket_group) carrying one JSON request
 * and one JSON response per line (each at most API_LINE_MAX bytes). `lcn`
 * is its client.
 *
 * Each caller is identified by the kernel (SO_PEERCRED: uid, gid, pid;
 * SO_PEERGROUPS) and holds the role [access] gives it (config_access.h):
 * status, log, screen and check need read; publish needs publish;
 * import-list and reindex need admin. A request beyond the caller's role
 * is answered {"ok":false, "error":"publish needs the publish role; uid
 * 1001 (alice) has read", "code":"EACCES", "role":"publish"}.
 *
 * Every response has "ok": true, or "ok": false with "error" (text) and
 * "code" (e.g. "EBEHIND", "EINVAL", "EACCES"). Requests:
 *
 *   {"cmd":"status"}
 *     -> {"ok":true, "node":ID, "version":V, "uptime_ms":N,
 *         "peers":[{"id","address","state","direction","since_ms",
 *                   "last_error","fingerprint","frames_in","frames_out",
 *                   "rejects_in","rejects_out"}],
 *         "feeds":[{"origin","group","seq","head","verified","frozen",
 *                   "lag":{PEER_ID: N or null}}],
 *         "forks":[{"origin","group","seq","detected_ms"}],
 *         "alerts":[TEXT...]}
 *     lag is this node's head minus what that peer last announced, for
 *     each connected or configured member of the feed's group other than
 *     the origin and this node; null while it has announced nothing.
 *
 *   {"cmd":"publish", "group":G, "bodies":[BODY...]}   (1..PUBLISH_BATCH_MAX)
 *     BODY as pbjson_body_encode() takes it. All bodies are signed and
 *     appended in one transaction.
 *     -> {"ok":true, "origin":ID, "group":G, "first_seq":N, "last_seq":M}
 *
 *   {"cmd":"screen", "name":N, "country":CC, "id":ID, "limit":L,
 *    "min_score":S, "all":B}   -> {"ok":true, "hits":[...]}          (store/screen.h)
 *   {"cmd":"check", "application":TRANSACTION, "threshold":S}
 *              -> {"ok":true, "results":[...], "consultations_required":N}
 *     each result {"source", "agency", "group", "own", "ref", "regime",
 *     "consult", "consult_reason", "why", "score", "seq"}: "group" the
 *     feed it was published to; "own" true for this agency's own record
 *     (then "consult" is "none": there is no partner to ask)
 *   {"cmd":"import-list", "format":F, "files":[NAME...], "progress":B}
 *              with one open descriptor per NAME passed in the same
 *              message (SCM_RIGHTS), in that order: the list, then for
 *              ofac-sdn its alt and add files if any ("sdn.csv",
 *              "alt.csv", "add.csv"). lcnd reads the descriptors, never a
 *              path, so it reads only what the caller could open.
 *              -> {"ok":true, "parties":N, ...}; with "progress": true,
 *              lines {"progress":{"done":N, "total":M}} come first.
 *   {"cmd":"reindex"} -> {"ok":true, "indexed":N}
 *
 *   {"cmd":"log", "origin":O, "group":G, "since":N, "limit":L}
 *     origin and group are optional (all feeds, in key order); entries
 *     with seq > since (default 0), at most limit (default
 *     LOG_LIMIT_DEFAULT, at most LOG_LIMIT_MAX) in all.
 *     -> {"ok":true, "more":B, "entries":[pbjson_entry_decode() objects with
 *         "verified": bool]}; "more" is true when the answer stopped
 *     at its byte budget (API_LINE_MAX / 8 of raw entries) before the
 *     limit: ask again with "since" set past the last seq received.
 *
 *   {"cmd":"record", "kind":K, "bodies":[FIELDS...], "group":G}   (publish)
 *     K is denial, alert, control, denial-update or alert-update; FIELDS
 *     the body's fields, with or without the oneof wrapper. The group is
 *     G, else the updated record's, else the regime's, else the one
 *     non-bilateral group this node is in. Validated as publish is.
 *     -> {"ok":true, "origin", "group", "first_seq", "last_seq",
 *         "refs":[REF...]}; a refusal may carry "field".
 *   {"cmd":"denials"|"alerts", "from", "mine":B, "state", "regime",
 *    "entry", "country", "party", "since_ms", "at_ms", "limit"}
 *              -> {"ok":true, "records":[...], "more":B, "at_ms":N}
 *   {"cmd":"show", "ref":R, "origin":O, "at_ms":N}
 *              -> {"ok":true, "record":{...}, "history":[...],
 *                  "receipts":[...]}                       (store/records.h)
 *   {"cmd":"receipts", "ref":R, "origin":O} -> {"ok":true, "receipts":[...]}
 *   {"cmd":"controls", "regime", "entry", "stage"} -> {"ok":true, "cells":[...]}
 *     with "rows":true -> {"ok":true, "agencies":[A...], "rows":[[REGIME,
 *     ENTRY, null|[STAGE, DATE_MS]...]...]}: the matrix lcn prints, one
 *     element per agency (in the order they first appear in the cells),
 *     DATE_MS the effective date once implemented, else when it was said
 *   {"cmd":"consultations", "direction":"incoming"|"outgoing"|"any",
 *    "state", "overdue":B, "counterpart", "regime", "at_ms", "limit"}
 *              -> {"ok":true, "consultations":[...], "more":B, "at_ms":N}
 *     each with its request ref, asker, consulted, counterpart, state,
 *     deadline_ms, working_days_left (the consulted agency's working
 *     days; null without a deadline, once no reply is awaited, or when
 *     they cannot be counted: "working_days_left_unknown" then says
 *     why), ...
 *     (store/records_consult.h). "show" of a request's ref answers
 *     {"ok":true, "consultation":{...}, "exchange":[...]}, each entry
 *     of the exchange with its body as the ledger holds it.
 *   {"cmd":"decisions", "regime", "from_ms", "to_ms"}
 *              -> {"ok":true, "decisions":[...]}   (published to regimes)
 *   {"cmd":"report", "regime":R, "from_ms", "to_ms"}   (to_ms excluded)
 *              -> {"ok":true, "report":{...}}      (records_report())
 *     The queries need read.
 */
#ifndef LCN_API_H
#define LCN_API_H

struct daemon;

/*
 * Starts listening on the configured socket; 0 or LCN_EIO. On failure
 * d->api is NULL and its handles are closing: running the loop frees
 * them. Loop thread.
 */
int	api_start(struct daemon *);
/* Closes the listener and every client; asynchronous. */
void	api_stop(struct daemon *);
/*
 * Removes what an import-list cut short by a crash left in data_dir: each
 * directory named import.XXXXXX (the exact pattern of its private copy)
 * that no running import holds, with the files in it, logging each.
 * Called at start, before the socket takes requests.
 */
void	api_import_sweep(const char *data_dir);

#endif
