/*
 * Domain rules as pure functions: control-list entries and their overlap,
 * record refs and control stages, and whether a regime consults. The
 * denial and alert state rules are in domain_state.c, essential identity
 * in domain_identity.c. See domain.h for the contract of each function;
 * the comments here say why.
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

