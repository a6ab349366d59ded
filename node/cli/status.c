/*
 * lcn status: the node, its peers (and partner CRLs due or expired) and
 * feeds, how far behind each peer is, and fork alerts first and loudest (PROTOCOL.md section 5.5: an equivocation
 * freezes a feed until an operator decides).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"
#include "opts.h"
#include "table.h"

#define HEAD_SHOW	16	/* hex digits of a head hash shown */
#define BAR \
    "=========================================================================="

static void
print_forks(const json_t *forks)
{
	const json_t	*f;
	size_t		 i;
	char		 when[32], *origin, *group;

	if (json_array_size(forks) == 0)
		return;
	printf("%s\n", BAR);
	printf("FORK ALERT: %zu equivocation%s: an origin signed two different "
	    "entries\nfor one seq. Each feed below is frozen at the fork; the "
	    "evidence is kept.\nNothing more is accepted from it until an "
	    "operator decides.\n\n", json_array_size(forks),
	    json_array_size(forks) == 1 ? "" : "s");
	json_array_foreach(forks, i, f) {
		fmt_time(json_u64(f, "detected_ms"), when, sizeof(when));
		origin = term_safe(json_str(f, "origin", "?"), 0);
		group = term_safe(json_str(f, "group", "?"), 0);
		printf("  %s/%s seq %" PRIu64 ", detected %s\n",
		    origin ? origin : "?", group ? group : "?",
		    json_u64(f, "seq"), when);
		free(origin);
		free(group);
	}
	printf("%s\n\n", BAR);
}

static void
print_alerts(const json_t *alerts)
{
	const json_t	*a;
	size_t		 i;
	char		*s;

	if (json_array_size(alerts) == 0)
		return;
	printf("Alerts:\n");
	json_array_foreach(alerts, i, a) {
		s = term_safe(json_is_string(a) ? json_string_value(a) : "?",
		    0);
		printf("  ! %s\n", s ? s : "?");
		free(s);
	}
	printf("\n");
}

#define MIB(n)	((double)(n) / (1024 * 1024))

/*
 * Room for the ledger, warned about before it runs out: a full disk or
 * LMDB map stops every write, publications and replication alike.
 */
static void
print_disk(const json_t *disk)
{
	uint64_t	 size, used;
	char		*dir;
	int		 shown = 0;

	if (!json_is_object(disk))
		return;
	if (json_is_true(json_object_get(disk, "low"))) {
		dir = term_safe(json_str(disk, "data_dir", "?"), 0);
		printf("DISK LOW: %.1f MiB free of %.1f MiB on the file system "
		    "of %s\n(below disk_warn_mb, %.0f MiB). When it is full, "
		    "lcnd stores nothing: free some space.\n",
		    MIB(json_u64(disk, "free_bytes")),
		    MIB(json_u64(disk, "total_bytes")), dir ? dir : "?",
		    MIB(json_u64(disk, "warn_bytes")));
		free(dir);
		shown = 1;
	}
	/* LMDB's map grows only with a restart: warn at 90 %. */
	size = json_u64(disk, "map_size");
	used = json_u64(disk, "map_used");
	if (size > 0 && used >= size / 10 * 9) {
		printf("MAP NEARLY FULL: the ledger uses %.1f MiB of its "
		    "map_size, %.1f MiB.\nRaise map_size in [node] and restart "
		    "lcnd before it is full.\n", MIB(used), MIB(size));
		shown = 1;
	}
	if (shown)
		printf("\n");
}

static int
print_peers(const json_t *peers)
{
	static const char *const hdr[] = { "PEER", "STATE", "ADDRESS",
	    "SINCE", "LAST ERROR" };
	struct table	*t;
	const json_t	*p;
	const char	*cells[5], *addr, *lerr;
	char		 since[32];
	size_t		 i;
	int		 r = 0;

	if (json_array_size(peers) == 0) {
		printf("Peers: none configured\n\n");
		return 0;
	}
	if ((t = table_new(5, hdr)) == NULL)
		return LCN_ENOMEM;
	table_max_width(t, 4, 60);
	json_array_foreach(peers, i, p) {
		fmt_time(json_u64(p, "since_ms"), since, sizeof(since));
		addr = json_str(p, "address", "");
		lerr = json_str(p, "last_error", "");
		cells[0] = json_str(p, "id", "?");
		cells[1] = json_str(p, "state", "?");
		cells[2] = *addr ? addr : "(accept only)";
		cells[3] = since;
		cells[4] = *lerr ? lerr : "-";
		if ((r = table_add(t, cells)) != 0)
			goto out;
	}
	table_print(t, stdout);
	printf("\n");
 out:
	table_free(t);
	return r;
}

/*
 * Partners whose CRL is due or has expired, under the peers: an expired
 * CRL refuses every certificate of that partner, which its state and last
 * error alone would not explain.
 */
static void
print_crls(const json_t *peers)
{
	const json_t	*p;
	const char	*st;
	size_t		 i;
	char		*id, *note;
	int		 shown = 0;

	json_array_foreach(peers, i, p) {
		st = json_str(p, "crl", "none");
		if (strcmp(st, "due") != 0 && strcmp(st, "expired") != 0)
			continue;
		if (!shown++)
			printf("CRLs:\n");
		id = term_safe(json_str(p, "id", "?"), 0);
		note = term_safe(json_str(p, "crl_note", ""), 0);
		printf("  %s %s: %s\n", strcmp(st, "expired") == 0 ? "!!" :
		    "! ", id ? id : "?", note ? note : "?");
		free(id);
		free(note);
	}
	if (shown)
		printf("\n");
}

/* A partner's request awaiting this agency's reply. */
static void
print_awaiting(const json_t *c)
{
	const json_t	*d;
	const char	*silence = json_str(c, "silence", "");
	char		 when[32], left[48], den[256], state[96];
	size_t		 k;

	den[0] = '\0';
	json_array_foreach(json_object_get(c, "denials"), k, d)
		snprintf(den + strlen(den), sizeof(den) - strlen(den), "%s%s",
		    k ? "," : "", json_string_value(d));
	cli_consult_left(c, left, sizeof(left));
	fmt_date(json_u64(c, "deadline_ms"), when, sizeof(when));
	/* Past the deadline: what the silence so far means to the asker. */
	if (!json_is_true(json_object_get(c, "overdue")))
		snprintf(state, sizeof(state), "%s left", left);
	else if (strcmp(silence, "no-objection") == 0)
		snprintf(state, sizeof(state), "overdue: silence now counts "
		    "as no objection");
	else if (strcmp(silence, "objection") == 0)
		snprintf(state, sizeof(state), "overdue: silence now counts "
		    "as an objection");
	else
		snprintf(state, sizeof(state), "overdue; silence has no "
		    "effect: the asker still needs your reply");
	if (json_u64(c, "deadline_ms") == 0)
		printf("  ! %s asks your reply to %s on %s (no deadline): lcn "
		    "show %s, lcn reply\n", json_str(c, "asker", "?"),
		    json_str(c, "ref", "?"), den, json_str(c, "ref", "?"));
	else
		printf("  ! %s asks your reply to %s on %s by %s (%s): lcn "
		    "show %s, lcn reply\n", json_str(c, "asker", "?"),
		    json_str(c, "ref", "?"), den, when, state,
		    json_str(c, "ref", "?"));
}

/* An undercut or a notification after a grant, in a regime group. */
static void
print_regime_decision(const json_t *v)
{
	char	when[32];
	int	undercut = json_is_true(json_object_get(v, "undercut"));

	fmt_date(json_u64(v, "date_ms"), when, sizeof(when));
	printf("  %s %s: %s %s a licence on %s %s %s's denial %s (%s; its "
	    "justification: lcn log --ref %s)\n", undercut ? "!!" : "! ",
	    undercut ? "UNDERCUT" : "notification", json_str(v, "origin", "?"),
	    strcmp(json_str(v, "decision", ""), "grant") == 0 ? "granted" :
	    "decided", when, undercut ? "despite" : "after",
	    json_str(v, "denial_origin", "?"), json_str(v, "denial_ref", "?"),
	    json_str(v, "regime", "?"), json_str(v, "ref", "?"));
}

/*
 * What needs someone to act (api_status_attention.c): split views,
 * partners refusing a feed, own denials due for review, alerts about to
 * expire, partners' consultation requests awaiting this agency's reply
 * (nearest deadline first), and undercuts and notifications after a
 * grant in this node's regime groups. Printed only when there is
 * something.
 */
static void
print_attention(const json_t *a)
{
	const json_t	*v, *p0, *p1;
	size_t		 i, shown = 0;
	char		 when[32], *s;

	if (!json_is_object(a))
		return;
#define ATTENTION_HEAD() do {					\
	if (shown++ == 0)						\
		printf("Needs attention:\n");				\
} while (0)
	json_array_foreach(json_object_get(a, "split_views"), i, v) {
		ATTENTION_HEAD();
		p0 = json_array_get(json_object_get(v, "proofs"), 0);
		p1 = json_array_get(json_object_get(v, "proofs"), 1);
		printf("  !! SPLIT VIEW of %s/%s seq %" PRIu64 ": %s attested "
		    "head %.16s, %s attested %.16s (both signed attestations "
		    "kept: lcn status --json)\n", json_str(v, "origin", "?"),
		    json_str(v, "group", "?"), json_u64(v, "seq"),
		    json_str(p0, "agency", "?"), json_str(p0, "leaf_hash", ""),
		    json_str(p1, "agency", "?"), json_str(p1, "leaf_hash", ""));
	}
	json_array_foreach(json_object_get(a, "rejected"), i, v) {
		ATTENTION_HEAD();
		s = term_safe(json_str(v, "text", ""), 0);
		printf("  ! %s rejected %s/%s at seq %" PRIu64 " (%s, %" PRIu64
		    " time%s): %s\n", json_str(v, "peer", "?"), json_str(v,
		    "origin", "?"), json_str(v, "group", "?"), json_u64(v,
		    "seq"), json_str(v, "reason", "?"), json_u64(v, "count"),
		    json_u64(v, "count") == 1 ? "" : "s", s ? s : "?");
		free(s);
	}
	json_array_foreach(json_object_get(a, "review_due"), i, v) {
		ATTENTION_HEAD();
		fmt_date(json_u64(v, "until_ms"), when, sizeof(when));
		printf("  ! denial %s is past its review date %s: renew or "
		    "revoke it (lcn deny-update)\n", json_str(v, "ref", "?"),
		    when);
	}
	json_array_foreach(json_object_get(a, "expiring"), i, v) {
		ATTENTION_HEAD();
		fmt_date(json_u64(v, "until_ms"), when, sizeof(when));
		printf("  ! alert %s expires %s (within %" PRIu64 " days)\n",
		    json_str(v, "ref", "?"), when, json_u64(a,
		    "expiring_days"));
	}
	json_array_foreach(json_object_get(a, "consult_awaiting"), i, v) {
		ATTENTION_HEAD();
		print_awaiting(v);
	}
	if (json_is_true(json_object_get(a, "consult_awaiting_more"))) {
		ATTENTION_HEAD();
		printf("  ... and more requests: lcn consultations "
		    "--incoming\n");
	}
	json_array_foreach(json_object_get(a, "regime_decisions"), i, v) {
		ATTENTION_HEAD();
		print_regime_decision(v);
	}
	if (json_is_true(json_object_get(a, "more"))) {
		ATTENTION_HEAD();
		printf("  ... and more: lcn denials --mine --state review-due, "
		    "lcn alerts --state active\n");
	}
	if (json_is_true(json_object_get(a, "records_behind"))) {
		ATTENTION_HEAD();
		printf("  (records not checked: the index is catching up)\n");
	}
#undef ATTENTION_HEAD
	if (shown)
		printf("\n");
}

/*
 * "US-BIS:0 DE-BAFA:3", with "?" for a peer that announced nothing and
 * the reason of one that refuses the feed ("US-BIS:rejected(not_member)").
 */
static void
fmt_lag(const json_t *lag, const json_t *rejected, char *buf, size_t bufsz)
{
	const char	*peer;
	const json_t	*v;
	size_t		 off = 0;
	int		 n;

	buf[0] = '\0';
	json_object_foreach((json_t *)(uintptr_t)lag, peer, v) {
		if (json_is_integer(v))
			n = snprintf(buf + off, bufsz - off, "%s%s:%" PRId64,
			    off ? " " : "", peer,
			    (int64_t)json_integer_value(v));
		else if (json_is_string(json_object_get(rejected, peer)))
			n = snprintf(buf + off, bufsz - off, "%s%s:rejected(%s)",
			    off ? " " : "", peer, json_string_value(
			    json_object_get(rejected, peer)));
		else
			n = snprintf(buf + off, bufsz - off, "%s%s:?",
			    off ? " " : "", peer);
		if (n < 0 || (size_t)n >= bufsz - off)
			break;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, bufsz, "-");
}

static int
print_feeds(const json_t *feeds)
{
	static const char *const hdr[] = { "FEED", "SEQ", "HEAD",
	    "VERIFIED", "FROZEN", "LAG" };
	struct table	*t;
	const json_t	*f, *ver;
	const char	*cells[6];
	char		 feed[128], seq[24], head[HEAD_SHOW + 1], verified[48];
	char		 lag[1024];
	size_t		 i;
	uint64_t	 s;
	int		 r = 0;

	if (json_array_size(feeds) == 0) {
		printf("Feeds: none yet\n");
		return 0;
	}
	if ((t = table_new(6, hdr)) == NULL)
		return LCN_ENOMEM;
	table_align_right(t, 1);
	json_array_foreach(feeds, i, f) {
		s = json_u64(f, "seq");
		snprintf(feed, sizeof(feed), "%s/%s",
		    json_str(f, "origin", "?"), json_str(f, "group", "?"));
		snprintf(seq, sizeof(seq), "%" PRIu64, s);
		snprintf(head, sizeof(head), "%s", s ? json_str(f, "head",
		    "") : "-");
		/* A number (every signature up to it checked) or a bool. */
		ver = json_object_get(f, "verified");
		if (s == 0)
			snprintf(verified, sizeof(verified), "-");
		else if (json_is_boolean(ver))
			snprintf(verified, sizeof(verified), "%s",
			    json_is_true(ver) ? "yes" : "NO");
		else if (json_u64(f, "verified") >= s)
			snprintf(verified, sizeof(verified), "yes");
		else
			snprintf(verified, sizeof(verified), "to %" PRIu64,
			    json_u64(f, "verified"));
		fmt_lag(json_object_get(f, "lag"), json_object_get(f,
		    "rejected"), lag, sizeof(lag));
		cells[0] = feed;
		cells[1] = seq;
		cells[2] = head;
		cells[3] = verified;
		cells[4] = json_is_true(json_object_get(f, "frozen")) ?
		    "FROZEN" : "-";
		cells[5] = lag;
		if ((r = table_add(t, cells)) != 0)
			goto out;
	}
	table_print(t, stdout);
 out:
	table_free(t);
	return r;
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL,		0,		NULL, 0 },
	};
	json_t	*req = NULL, *resp = NULL;
	char	 err[1024], uptime[32], *node = NULL, *version = NULL;
	int	 ch, r, rc;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		if (cli_opt_common(cli, "status", ch, argv, &rc))
			return rc;
	if ((rc = cli_opt_none_left("status", argc, argv)) != EXIT_OK)
		return rc;
	/* From here, any way out that does not say otherwise failed. */
	rc = EXIT_FAIL;

	if ((req = json_pack("{s:s}", "cmd", "status")) == NULL) {
		rc = cli_fail(cli, "nomem", NULL, "out of memory");
		goto out;
	}
	if ((r = cli_call_json(cli, req, &resp, err, sizeof(err))) != 0) {
		rc = cli_fail_answer(cli, resp, err);
		goto out;
	}
	if (cli->json) {
		if (cli_print_json(resp) == 0)
			rc = EXIT_OK;
		goto out;
	}
	node = term_safe(json_str(resp, "node", "?"), 0);
	version = term_safe(json_str(resp, "version", "?"), 0);
	fmt_duration(json_u64(resp, "uptime_ms"), uptime, sizeof(uptime));
	printf("node %s  (lcnd %s, up %s)\n\n", node ? node : "?",
	    version ? version : "?", uptime);
	print_forks(json_object_get(resp, "forks"));
	print_alerts(json_object_get(resp, "alerts"));
	print_disk(json_object_get(resp, "disk"));
	if (print_peers(json_object_get(resp, "peers")) != 0) {
		cli_warnx("out of memory");
		goto out;
	}
	print_crls(json_object_get(resp, "peers"));
	print_attention(json_object_get(resp, "attention"));
	if (print_feeds(json_object_get(resp, "feeds")) != 0) {
		cli_warnx("out of memory");
		goto out;
	}
	if (json_u64(resp, "index_pending") > 0)
		printf("\nscreening index: %llu entries still to index "
		    "(queries index them first)\n",
		    (unsigned long long)json_u64(resp, "index_pending"));
	rc = EXIT_OK;
 out:
	free(node);
	free(version);
	json_decref(req);
	json_decref(resp);
	return rc;
}
