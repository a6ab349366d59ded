/*
 * The domain rule of essential identity, as a pure function: whether a
 * transaction is essentially identical to a denial (overlapping control
 * entries, the same destination country, a pair of matching parties),
 * with the matches recorded and an explanation built as it goes. See
 * domain.h for the contract.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "domain.h"
#include "domain_int.h"
#include "util.h"

/* ---------------------------------------------------------- identity */

/* An explanation under construction: appends, marking truncation once. */
struct why_buf {
	char	*buf;
	size_t	 len;		/* < DOMAIN_WHY_MAX */
	int	 full;
};

static void
why_printf(struct why_buf *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
why_printf(struct why_buf *w, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room = DOMAIN_WHY_MAX - w->len;
	int	 n;

	if (w->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < room) {
		w->len += (size_t)n;
		return;
	}
	/* Truncated: end with "..." (the buffer is NUL-terminated). */
	w->full = 1;
	w->len = DOMAIN_WHY_MAX - 1;
	memcpy(w->buf + DOMAIN_WHY_MAX - 4, "...", 4);
}

/*
 * Appends a party name (untrusted text from a peer) quoted, with control
 * characters, quotes and backslashes escaped, cut to DOMAIN_NAME_QUOTE_MAX
 * bytes at a UTF-8 character boundary.
 */
static void
why_quote(struct why_buf *w, const char *s)
{
	char	 q[DOMAIN_NAME_QUOTE_MAX * 4 + 8];
	size_t	 i, n = 0, cut;

	if (s == NULL)
		s = "";
	cut = strlen(s);
	if (cut > DOMAIN_NAME_QUOTE_MAX) {
		cut = DOMAIN_NAME_QUOTE_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	for (i = 0; i < cut; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f)
			n += (size_t)snprintf(q + n, sizeof(q) - n, "\\x%02x",
			    ch);
		else if (ch == '"' || ch == '\\') {
			q[n++] = '\\';
			q[n++] = (char)ch;
		} else
			q[n++] = (char)ch;
	}
	q[n] = '\0';
	why_printf(w, "\"%s%s\"", q, cut < strlen(s) ? "..." : "");
}

static const char *
role_name(enum domain_role r)
{
	switch (r) {
	case DOMAIN_ROLE_END_USER:
		return "end-user";
	case DOMAIN_ROLE_CONSIGNEE:
		return "consignee";
	case DOMAIN_ROLE_INTERMEDIATE_CONSIGNEE:
		return "intermediate consignee";
	case DOMAIN_ROLE_PURCHASER:
		return "purchaser";
	case DOMAIN_ROLE_AGENT:
		return "agent";
	default:
		return "party";
	}
}

/* A two-letter country code, case-insensitive; missing never matches. */
static int
same_country(const char *a, const char *b)
{
	size_t	 la, lb;

	if (a == NULL || b == NULL)
		return 0;
	while (is_space((unsigned char)*a))
		a++;
	while (is_space((unsigned char)*b))
		b++;
	la = strlen(a);
	while (la > 0 && is_space((unsigned char)a[la - 1]))
		la--;
	lb = strlen(b);
	while (lb > 0 && is_space((unsigned char)b[lb - 1]))
		lb--;
	if (la == 0 || la != lb)
		return 0;
	while (la-- > 0)
		if (to_upper((unsigned char)*a++) !=
		    to_upper((unsigned char)*b++))
			return 0;
	return 1;
}

/*
 * Parses every entry of a side into cs. 0, or LCN_EINVAL with the bad entry
 * named in the explanation.
 */
static int
parse_side(const char *side, const char *const *entries, size_t n,
    struct domain_control *cs, struct why_buf *w)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (domain_control_parse(entries[i], &cs[i]) != 0) {
			why_printf(w, "%s control entry %zu ", side, i + 1);
			why_quote(w, entries[i] != NULL ? entries[i] :
			    "(null)");
			why_printf(w, " is not a control-list entry");
			return LCN_EINVAL;
		}
	}
	return 0;
}

/* Records and explains every overlapping pair of control entries. */
static void
match_controls(const struct domain_control *dc, size_t nd,
    const struct domain_control *ac, size_t na, struct domain_identity *id,
    struct why_buf *w)
{
	size_t	 i, j, k;

	for (i = 0; i < nd; i++) {
		for (j = 0; j < na; j++) {
			if (!domain_control_overlap(&dc[i], &ac[j]))
				continue;
			k = id->ncontrol_matches++;
			if (k >= DOMAIN_MATCHES_MAX)
				continue;
			id->controls[k].denial = i;
			id->controls[k].app = j;
			why_printf(w, "%sentry %s overlaps %s",
			    k == 0 ? "" : "; ", dc[i].text, ac[j].text);
		}
	}
	if (id->ncontrol_matches > DOMAIN_MATCHES_MAX)
		why_printf(w, "; %zu entry pairs in all",
		    id->ncontrol_matches);
	if (id->ncontrol_matches == 0)
		why_printf(w, "no overlapping control entry%s",
		    nd == 0 || na == 0 ? " (one side lists none)" : "");
}

/*
 * Screens every denied party against every applied one, recording and
 * explaining the pairs at or above threshold. 0, or LCN_EINVAL when match
 * returns a score outside [0, 1].
 */
static int
match_parties(const struct domain_denial *denial,
    const struct domain_transaction *app, domain_party_match_fn *match,
    void *arg, double threshold, struct domain_identity *id,
    struct why_buf *w)
{
	size_t	 i, j, k;
	double	 s;

	id->parties_screened = 1;
	for (i = 0; i < denial->nparties; i++) {
		for (j = 0; j < app->nparties; j++) {
			s = match(&denial->parties[i], &app->parties[j], arg);
			if (!(s >= 0.0 && s <= 1.0)) {
				why_printf(w, "; party score %g out of [0,1]",
				    s);
				return LCN_EINVAL;
			}
			if (s < threshold)
				continue;
			k = id->nparty_matches++;
			if (k >= DOMAIN_MATCHES_MAX)
				continue;
			id->parties[k].denial = i;
			id->parties[k].app = j;
			id->parties[k].score = s;
			why_printf(w, "; denied %s ",
			    role_name(denial->parties[i].role));
			why_quote(w, denial->parties[i].name);
			why_printf(w, " matches applied %s ",
			    role_name(app->parties[j].role));
			why_quote(w, app->parties[j].name);
			why_printf(w, " (score %.2f >= %.2f)", s, threshold);
		}
	}
	if (id->nparty_matches > DOMAIN_MATCHES_MAX)
		why_printf(w, "; %zu party pairs in all", id->nparty_matches);
	if (denial->nparties == 0 || app->nparties == 0)
		why_printf(w, "; %s names no party", denial->nparties == 0 ?
		    "the denial" : "the application");
	else if (id->nparty_matches == 0)
		why_printf(w, "; no party scores >= %.2f", threshold);
	return 0;
}

int
domain_essentially_identical(const struct domain_denial *denial,
    const struct domain_transaction *app, domain_party_match_fn *match,
    void *arg, double threshold, struct domain_identity *id)
{
	/* 2 * 256 * 53 bytes: small enough for any thread's stack. */
	struct domain_control dc[REPEATED_MAX], ac[REPEATED_MAX];
	struct why_buf w;
	int	 r = LCN_EINVAL;

	if (id != NULL)
		memset(id, 0, sizeof(*id));
	if (denial == NULL || app == NULL || match == NULL || id == NULL ||
	    !(threshold >= 0.0 && threshold <= 1.0) ||
	    (denial->controls == NULL && denial->ncontrols > 0) ||
	    (app->controls == NULL && app->ncontrols > 0) ||
	    (denial->parties == NULL && denial->nparties > 0) ||
	    (app->parties == NULL && app->nparties > 0) ||
	    denial->ncontrols > REPEATED_MAX || app->ncontrols > REPEATED_MAX)
		return LCN_EINVAL;
	w.buf = id->why;
	w.len = 0;
	w.full = 0;

	/* Both sides are parsed first, so that a bad entry is always loud. */
	if ((r = parse_side("denial", denial->controls, denial->ncontrols, dc,
	    &w)) != 0 ||
	    (r = parse_side("application", app->controls, app->ncontrols, ac,
	    &w)) != 0)
		goto out;

	match_controls(dc, denial->ncontrols, ac, app->ncontrols, id, &w);

	id->same_destination = same_country(denial->destination,
	    app->destination);
	why_printf(&w, "; destination ");
	why_quote(&w, denial->destination);
	why_printf(&w, " %s ", id->same_destination ? "=" : "!=");
	why_quote(&w, app->destination);

	if (id->ncontrol_matches == 0 || !id->same_destination) {
		why_printf(&w, "; parties not screened");
		r = 0;
		goto out;
	}

	if ((r = match_parties(denial, app, match, arg, threshold, id,
	    &w)) != 0)
		goto out;
	id->identical = id->nparty_matches > 0;
	r = 0;
 out:
	if (r != 0) {
		/* Keep the explanation, zero the rest. */
		char	 why[DOMAIN_WHY_MAX];

		memcpy(why, id->why, sizeof(why));
		memset(id, 0, sizeof(*id));
		memcpy(id->why, why, sizeof(why));
	}
	return r;
}
