/*
 * Domain rules as pure functions. See domain.h
 * for the contract of each function; the comments here say why.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "domain.h"
#include "util.h"

#define MS_PER_DAY	86400000ULL
/* 10000-01-01T00:00:00Z: beyond it a review date saturates. */
#define TIME_MAX_MS	253402300800000ULL

/* ---------------------------------------------------------- ASCII helpers */

/* Locale-free on purpose: entries and country codes are ASCII by syntax. */
static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    ch == '\v' || ch == '\f';
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int
to_upper(int ch)
{
	return ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch;
}

static int
to_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/*
 * Compares s, without surrounding white space, with the lower-case word w,
 * ignoring ASCII case. 1 if equal.
 */
static int
word_equal(const char *s, const char *w)
{
	size_t	 n, wl;

	while (is_space((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	wl = strlen(w);
	if (n != wl)
		return 0;
	while (n-- > 0)
		if (to_lower((unsigned char)*s++) != *w++)
			return 0;
	return 1;
}

/* ---------------------------------------------------------- control entries */

/*
 * Parses the dot-separated sub-items that follow an entry's head, starting
 * at in (white space already removed), appending their lower-case form to
 * out at *len. 0 or LCN_EINVAL (an empty sub-item, a character other than
 * a letter or digit, or too long).
 */
static int
parse_subitems(const char *in, char *out, size_t *len)
{
	size_t	 n = *len;
	int	 dot;

	while (*in != '\0') {
		if (*in != '.')
			return LCN_EINVAL;
		in++;
		if (n >= DOMAIN_CONTROL_MAX)
			return LCN_EINVAL;
		out[n++] = '.';
		for (dot = 1; *in != '\0' && *in != '.'; in++, dot = 0) {
			if (!is_alpha((unsigned char)*in) &&
			    !is_digit((unsigned char)*in))
				return LCN_EINVAL;
			if (n >= DOMAIN_CONTROL_MAX)
				return LCN_EINVAL;
			out[n++] = to_lower((unsigned char)*in);
		}
		if (dot)
			return LCN_EINVAL;	/* "3A001..b" or "3A001.b." */
	}
	*len = n;
	return 0;
}

int
domain_control_parse(const char *s, struct domain_control *c)
{
	char	 buf[DOMAIN_CONTROL_MAX + 1], ca[DOMAIN_CONTROL_MAX + 1];
	size_t	 n = 0, m = 0, len;
	int	 r = LCN_EINVAL;

	if (c != NULL)
		memset(c, 0, sizeof(*c));
	if (s == NULL || c == NULL)
		return LCN_EINVAL;

	/*
	 * Entries are compared without white space ("3A001. b" is written by
	 * hand); "catch-all" is also compared without '-' and '_'. Input
	 * longer than an entry can be is rejected, never truncated.
	 */
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (is_space(ch))
			continue;
		if (ch >= 0x80 || ch < 0x20)
			return LCN_EINVAL;
		if (n >= DOMAIN_CONTROL_MAX)
			return LCN_EINVAL;
		buf[n++] = ch;
		if (ch != '-' && ch != '_')
			ca[m++] = to_lower(ch);
	}
	buf[n] = '\0';
	ca[m] = '\0';
	if (n == 0)
		return LCN_EINVAL;

	if (strcmp(ca, "catchall") == 0 && m + 1 >= n) {
		/* At most one separator: "catch-all", "catch all". */
		c->kind = DOMAIN_CONTROL_CATCH_ALL;
		memcpy(c->text, "catch-all", sizeof("catch-all"));
		return 0;
	}
	if (strcmp(ca, "ear99") == 0 && m == n) {
		c->kind = DOMAIN_CONTROL_EAR99;
		memcpy(c->text, "EAR99", sizeof("EAR99"));
		return 0;
	}

	if (n >= 5 && is_digit((unsigned char)buf[0]) &&
	    to_upper((unsigned char)buf[1]) >= 'A' &&
	    to_upper((unsigned char)buf[1]) <= 'E' &&
	    is_digit((unsigned char)buf[2]) &&
	    is_digit((unsigned char)buf[3]) &&
	    is_digit((unsigned char)buf[4])) {
		/* Category, group, regime digit, two-digit sequence. */
		c->text[0] = buf[0];
		c->text[1] = to_upper((unsigned char)buf[1]);
		memcpy(c->text + 2, buf + 2, 3);
		len = 5;
		if ((r = parse_subitems(buf + 5, c->text, &len)) != 0)
			goto out;
		c->text[len] = '\0';
		c->kind = DOMAIN_CONTROL_LISTED;
		return 0;
	}

	if (n >= 3 && to_upper((unsigned char)buf[0]) == 'M' &&
	    to_upper((unsigned char)buf[1]) == 'L' &&
	    is_digit((unsigned char)buf[2]) && buf[2] != '0') {
		/* Wassenaar Munitions List: ML1 to ML22. */
		int	 num = buf[2] - '0';

		len = 3;
		if (is_digit((unsigned char)buf[3])) {
			num = num * 10 + (buf[3] - '0');
			len = 4;
		}
		if (num > 22)
			goto out;
		memcpy(c->text, "ML", 2);
		memcpy(c->text + 2, buf + 2, len - 2);
		if ((r = parse_subitems(buf + len, c->text, &len)) != 0)
			goto out;
		c->text[len] = '\0';
		c->kind = DOMAIN_CONTROL_MUNITIONS;
		return 0;
	}
	r = LCN_EINVAL;
 out:
	memset(c, 0, sizeof(*c));
	return r;
}

static int
is_non_listed(enum domain_control_kind k)
{
	return k == DOMAIN_CONTROL_CATCH_ALL || k == DOMAIN_CONTROL_EAR99;
}

int
domain_control_overlap(const struct domain_control *a,
    const struct domain_control *b)
{
	size_t	 la, lb;

	if (a == NULL || b == NULL || a->kind == DOMAIN_CONTROL_NONE ||
	    b->kind == DOMAIN_CONTROL_NONE)
		return 0;
	/*
	 * EAR99 is the US mark of a non-listed item, caught by catch-all
	 * controls: for the no-undercut check it is a catch-all entry.
	 */
	if (is_non_listed(a->kind) || is_non_listed(b->kind))
		return is_non_listed(a->kind) && is_non_listed(b->kind);
	if (a->kind != b->kind)
		return 0;
	la = strlen(a->text);
	lb = strlen(b->text);
	if (la > lb) {
		const struct domain_control *t = a;

		a = b;
		b = t;
		la = lb;
	}
	/* a is the shorter: a prefix of b ending at a sub-item boundary. */
	return strncmp(a->text, b->text, la) == 0 &&
	    (b->text[la] == '\0' || b->text[la] == '.');
}

int
domain_controls_overlap(const char *a, const char *b)
{
	struct domain_control ca, cb;

	if (domain_control_parse(a, &ca) != 0 ||
	    domain_control_parse(b, &cb) != 0)
		return 0;
	return domain_control_overlap(&ca, &cb);
}

/* ---------------------------------------------------------- calendar */

/* The inverse of days_from_civil() (util.h), same algorithm family. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t	 era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

uint64_t
domain_review_default(uint64_t decision_ms)
{
	int64_t	 y;
	unsigned m, d;
	uint64_t tod;

	if (decision_ms >= TIME_MAX_MS)
		return UINT64_MAX;
	tod = decision_ms % MS_PER_DAY;
	civil_from_days((int64_t)(decision_ms / MS_PER_DAY), &y, &m, &d);
	y += DOMAIN_REVIEW_YEARS;
	/* Three years after a leap year is never one. */
	if (m == 2 && d == 29)
		d = 28;
	return (uint64_t)days_from_civil(y, m, d) * MS_PER_DAY + tod;
}

/* ---------------------------------------------------------- denial state */

/* A notice's review date: explicit, or its decision + 3 years; 0: none. */
static uint64_t
notice_review(const struct domain_denial *n)
{
	if (n->review_ms != 0)
		return n->review_ms;
	if (n->decision_ms != 0)
		return domain_review_default(n->decision_ms);
	return 0;
}

void
domain_denial_track_init(const struct domain_denial *notice,
    struct domain_denial_track *t)
{
	memset(t, 0, sizeof(*t));
	t->review_ms = notice_review(notice);
}

enum domain_step
domain_denial_track_step(struct domain_denial_track *t,
    const struct domain_denial_update *u)
{
	uint64_t r;

	if (t->revoked)
		return DOMAIN_STEP_TERMINAL;	/* REVOKE is terminal */
	switch (u->action) {
	case DOMAIN_DENIAL_AMEND:
		if (u->amended == NULL)
			return DOMAIN_STEP_INVALID;
		/* Only later: a copy must not undo a renewal. */
		if ((r = notice_review(u->amended)) > t->review_ms)
			t->review_ms = r;
		break;
	case DOMAIN_DENIAL_RENEW:
		if (u->new_review_ms == 0)
			return DOMAIN_STEP_INVALID;
		t->review_ms = u->new_review_ms;
		/* A renewal reaffirms the denial as it stands. */
		t->suspended = 0;
		break;
	case DOMAIN_DENIAL_SUSPEND:
		t->suspended = 1;
		break;
	case DOMAIN_DENIAL_REVOKE:
		t->revoked = 1;
		break;
	default:
		return DOMAIN_STEP_INVALID;
	}
	return DOMAIN_STEP_APPLIED;
}

enum domain_denial_state
domain_denial_track_state(const struct domain_denial_track *t,
    uint64_t now_ms)
{
	if (t->revoked)
		return DOMAIN_DENIAL_REVOKED;
	if (t->suspended)
		return DOMAIN_DENIAL_SUSPENDED;
	if (t->review_ms != 0 && now_ms >= t->review_ms)
		return DOMAIN_DENIAL_REVIEW_DUE;
	return DOMAIN_DENIAL_ACTIVE;
}

int
domain_denial_state(const struct domain_denial *notice,
    const struct domain_denial_update *updates, size_t nupdates,
    uint64_t now_ms, struct domain_denial_status *st)
{
	struct domain_denial_track t;
	size_t	 i;

	if (st != NULL)
		memset(st, 0, sizeof(*st));
	if (notice == NULL || st == NULL || (updates == NULL && nupdates > 0))
		return LCN_EINVAL;
	domain_denial_track_init(notice, &t);
	if (t.review_ms == 0)
		return LCN_EINVAL;
	st->content = notice;

	for (i = 0; i < nupdates; i++) {
		switch (domain_denial_track_step(&t, &updates[i])) {
		case DOMAIN_STEP_TERMINAL:
			st->nignored++;
			break;
		case DOMAIN_STEP_INVALID:
			memset(st, 0, sizeof(*st));
			return LCN_EINVAL;
		case DOMAIN_STEP_APPLIED:
			if (updates[i].action == DOMAIN_DENIAL_AMEND) {
				st->content = updates[i].amended;
				st->amended_by = i + 1;
			} else if (updates[i].action == DOMAIN_DENIAL_REVOKE)
				st->revoked_by = i + 1;
			break;
		}
	}
	st->review_ms = t.review_ms;
	st->state = domain_denial_track_state(&t, now_ms);
	return 0;
}

int
domain_denial_active(enum domain_denial_state s)
{
	return s == DOMAIN_DENIAL_ACTIVE;
}

const char *
domain_denial_state_name(enum domain_denial_state s)
{
	switch (s) {
	case DOMAIN_DENIAL_ACTIVE:
		return "active";
	case DOMAIN_DENIAL_REVIEW_DUE:
		return "review-due";
	case DOMAIN_DENIAL_SUSPENDED:
		return "suspended";
	case DOMAIN_DENIAL_REVOKED:
		return "revoked";
	default:
		return "none";
	}
}

/* ---------------------------------------------------------- alert state */

/* The later of two valid_until values, where 0 (open-ended) is latest. */
static uint64_t
later_until(uint64_t a, uint64_t b)
{
	if (a == 0 || b == 0)
		return 0;
	return a > b ? a : b;
}

void
domain_alert_track_init(const struct domain_alert *alert,
    struct domain_alert_track *t)
{
	memset(t, 0, sizeof(*t));
	t->valid_from_ms = alert->valid_from_ms;
	t->valid_until_ms = alert->valid_until_ms;
}

enum domain_step
domain_alert_track_step(struct domain_alert_track *t,
    const struct domain_alert_update *u)
{
	if (t->withdrawn)
		return DOMAIN_STEP_TERMINAL;	/* WITHDRAW is terminal */
	switch (u->action) {
	case DOMAIN_ALERT_AMEND:
		if (u->amended == NULL)
			return DOMAIN_STEP_INVALID;
		t->valid_from_ms = u->amended->valid_from_ms;
		t->valid_until_ms = later_until(t->valid_until_ms,
		    u->amended->valid_until_ms);
		break;
	case DOMAIN_ALERT_EXTEND:
		t->valid_until_ms = u->valid_until_ms;
		break;
	case DOMAIN_ALERT_WITHDRAW:
		t->withdrawn = 1;
		break;
	default:
		return DOMAIN_STEP_INVALID;
	}
	return DOMAIN_STEP_APPLIED;
}

enum domain_alert_state
domain_alert_track_state(const struct domain_alert_track *t,
    uint64_t now_ms)
{
	if (t->withdrawn)
		return DOMAIN_ALERT_WITHDRAWN;
	if (now_ms < t->valid_from_ms)
		return DOMAIN_ALERT_NOT_YET_VALID;
	if (t->valid_until_ms != 0 && now_ms >= t->valid_until_ms)
		return DOMAIN_ALERT_EXPIRED;
	return DOMAIN_ALERT_ACTIVE;
}

int
domain_alert_state(const struct domain_alert *alert,
    const struct domain_alert_update *updates, size_t nupdates,
    uint64_t now_ms, struct domain_alert_status *st)
{
	struct domain_alert_track t;
	size_t	 i;

	if (st != NULL)
		memset(st, 0, sizeof(*st));
	if (alert == NULL || st == NULL || (updates == NULL && nupdates > 0))
		return LCN_EINVAL;
	domain_alert_track_init(alert, &t);
	st->content = alert;

	for (i = 0; i < nupdates; i++) {
		switch (domain_alert_track_step(&t, &updates[i])) {
		case DOMAIN_STEP_TERMINAL:
			st->nignored++;
			break;
		case DOMAIN_STEP_INVALID:
			memset(st, 0, sizeof(*st));
			return LCN_EINVAL;
		case DOMAIN_STEP_APPLIED:
			if (updates[i].action == DOMAIN_ALERT_AMEND) {
				st->content = updates[i].amended;
				st->amended_by = i + 1;
			} else if (updates[i].action == DOMAIN_ALERT_WITHDRAW)
				st->withdrawn_by = i + 1;
			break;
		}
	}
	st->valid_from_ms = t.valid_from_ms;
	st->valid_until_ms = t.valid_until_ms;
	st->state = domain_alert_track_state(&t, now_ms);
	return 0;
}

const char *
domain_alert_state_name(enum domain_alert_state s)
{
	switch (s) {
	case DOMAIN_ALERT_ACTIVE:
		return "active";
	case DOMAIN_ALERT_NOT_YET_VALID:
		return "not-yet-valid";
	case DOMAIN_ALERT_EXPIRED:
		return "expired";
	case DOMAIN_ALERT_WITHDRAWN:
		return "withdrawn";
	default:
		return "none";
	}
}

/* ---------------------------------------------------------- refs, stages */

int
domain_ref_origin(const char *ref, char *out, size_t outsz)
{
	const char	*slash;
	size_t		 n;

	if (outsz > 0)
		out[0] = '\0';
	if (ref == NULL || (slash = strchr(ref, '/')) == NULL)
		return LCN_EINVAL;
	n = (size_t)(slash - ref);
	if (n == 0 || n >= outsz || n > 32)
		return LCN_EINVAL;
	memcpy(out, ref, n);
	out[n] = '\0';
	if (!agency_id_valid(out)) {
		out[0] = '\0';
		return LCN_EINVAL;
	}
	return 0;
}

int
domain_ref_parse(const char *ref, struct domain_ref *out)
{
	const char	*p;
	size_t		 n;

	memset(out, 0, sizeof(*out));
	if (domain_ref_origin(ref, out->origin, sizeof(out->origin)) != 0)
		goto bad;
	p = ref + strlen(out->origin) + 1;
	for (n = 0; p[n] >= 'A' && p[n] <= 'Z'; n++)
		;
	if (n == 0 || n >= sizeof(out->kind) || p[n] != '/')
		goto bad;
	memcpy(out->kind, p, n);
	p += n + 1;
	for (n = 0; n < 4; n++) {
		if (!is_digit((unsigned char)p[n]))
			goto bad;
		out->year = out->year * 10 + (unsigned)(p[n] - '0');
	}
	if (p[4] != '/')
		goto bad;
	p += 5;
	for (n = 0; is_digit((unsigned char)p[n]); n++)
		out->number = out->number * 10 + (uint64_t)(p[n] - '0');
	if (n == 0 || n > 9 || p[n] != '\0')
		goto bad;
	return 0;
 bad:
	memset(out, 0, sizeof(*out));
	return LCN_EINVAL;
}

int
domain_control_within(const char *prefix, const char *entry)
{
	struct domain_control	p, e;
	size_t			n;

	if (domain_control_parse(prefix, &p) != 0 ||
	    domain_control_parse(entry, &e) != 0 || p.kind != e.kind)
		return 0;
	n = strlen(p.text);
	return strncmp(p.text, e.text, n) == 0 &&
	    (e.text[n] == '\0' || e.text[n] == '.');
}

static const char *const stage_names[] = {
	"unspecified", "proposed", "technically-matured", "agreed",
	"implemented", "withdrawn",
};

const char *
domain_stage_name(int stage)
{
	if (stage < 0 || stage > DOMAIN_STAGE_WITHDRAWN)
		return stage_names[0];
	return stage_names[stage];
}

enum domain_stage
domain_stage_parse(const char *name)
{
	int	i;

	for (i = 1; name != NULL && i <= DOMAIN_STAGE_WITHDRAWN; i++)
		if (word_equal(name, stage_names[i]))
			return (enum domain_stage)i;
	return DOMAIN_STAGE_UNSPECIFIED;
}

/* ---------------------------------------------------------- consultation */

enum domain_regime
domain_regime_parse(const char *name)
{
	static const struct {
		const char		*name;	/* lower case */
		enum domain_regime	 regime;
	} names[] = {
		{ "wa",					DOMAIN_REGIME_WA },
		{ "wassenaar",				DOMAIN_REGIME_WA },
		{ "wassenaar arrangement",		DOMAIN_REGIME_WA },
		{ "nsg",				DOMAIN_REGIME_NSG },
		{ "nuclear suppliers group",		DOMAIN_REGIME_NSG },
		{ "ag",					DOMAIN_REGIME_AG },
		{ "australia group",			DOMAIN_REGIME_AG },
		{ "mtcr",				DOMAIN_REGIME_MTCR },
		{ "missile technology control regime",	DOMAIN_REGIME_MTCR },
		{ "eu",					DOMAIN_REGIME_EU },
		{ "european union",			DOMAIN_REGIME_EU },
	};
	size_t	 i;

	if (name == NULL)
		return DOMAIN_REGIME_UNKNOWN;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (word_equal(name, names[i].name))
			return names[i].regime;
	return DOMAIN_REGIME_UNKNOWN;
}

static int
is_catch_all_basis(enum domain_basis b)
{
	return b == DOMAIN_BASIS_CATCH_ALL_WMD ||
	    b == DOMAIN_BASIS_CATCH_ALL_MILITARY_END_USE ||
	    b == DOMAIN_BASIS_CATCH_ALL_EMBARGO;
}

enum domain_consult
domain_consultation(const char *regime, enum domain_basis basis,
    const char **reason)
{
	enum domain_consult c;
	const char	*why;

	/* The regimes' published practice and EU Regulation 2021/821. */
	switch (domain_regime_parse(regime)) {
	case DOMAIN_REGIME_NSG:
		c = DOMAIN_CONSULT_REQUIRED;
		why = "NSG no-undercut: consult the denying member before "
		    "approving an essentially identical transfer";
		break;
	case DOMAIN_REGIME_AG:
		c = DOMAIN_CONSULT_REQUIRED;
		why = "Australia Group no-undercut: consult the denying member "
		    "before approving an essentially identical transfer";
		break;
	case DOMAIN_REGIME_MTCR:
		if (is_catch_all_basis(basis)) {
			c = DOMAIN_CONSULT_NONE;
			why = "MTCR: catch-all denials are outside its "
			    "no-undercut practice; no consultation required";
		} else {
			/* An unspecified basis counts as listed: fail safe. */
			c = DOMAIN_CONSULT_REQUIRED;
			why = "MTCR no-undercut (listed item): consult the "
			    "denying member before approving an essentially "
			    "identical transfer";
		}
		break;
	case DOMAIN_REGIME_EU:
		c = DOMAIN_CONSULT_REQUIRED;
		why = "EU Regulation 2021/821: consult the member state that "
		    "denied an essentially identical transaction; a grant "
		    "must be justified";
		break;
	case DOMAIN_REGIME_WA:
		c = DOMAIN_CONSULT_NOTIFY_AFTER;
		why = "Wassenaar: no prior consultation; approving a "
		    "transaction another member denied is notified afterwards";
		break;
	default:
		/*
		 * An unknown regime (a plurilateral group, a bilateral pair
		 * or a typo) fails safe: LCN does not know the group's rules,
		 * and one unneeded consultation costs less than an undercut
		 * nobody was told about (fail
		 * closed, say so loudly).
		 */
		c = DOMAIN_CONSULT_REQUIRED;
		why = "regime not recognised by LCN: consultation required "
		    "(fail safe until the group's rules are known)";
		break;
	}
	if (reason != NULL)
		*reason = why;
	return c;
}

const char *
domain_consult_name(enum domain_consult c)
{
	switch (c) {
	case DOMAIN_CONSULT_REQUIRED:
		return "consult-required";
	case DOMAIN_CONSULT_NOTIFY_AFTER:
		return "notify-after";
	default:
		return "none";
	}
}

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
