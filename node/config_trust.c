/*
 * The [partner ID] and [group NAME] sections of the configuration file
 * (config_parse.h), and the trust directory they build: every agency with
 * its signing keys and their validity windows, every group with its
 * members, and a bilateral group for this node and each partner; and the
 * checks of the partners' CA certificates against each other and this
 * node's own certificate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config_parse.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "sig.h"
#include "tls.h"
#include "trust.h"
#include "util.h"

#define MS_PER_DAY	(86400ull * 1000)

enum partner_key {
	PK_ADDRESS,
	PK_CA,
	PK_SIGNING_PUB,		/* may repeat */
	PK_CRL,
	PK_HOLIDAYS,
	PK_COUNT,
};

static const char *const partner_keys[PK_COUNT] = {
	"address", "ca", "signing_pub", "crl", "holidays",
};

/* What the parse keeps beside struct config while the file is read. */
struct partner_state {
	int	 key_line[PK_COUNT];	/* 0: not seen */
};

struct group_state {
	struct trust_group	 g;
	int			 line;	/* of the [group] header */
	int			 members_line;	/* 0: not seen */
};

/*
 * One "valid_from=" or "valid_until=" option: the date in *ms, 0 or
 * LCN_ECONFIG with a message.
 */
static int
parse_window_date(struct parse *p, const char *tok, uint64_t *ms)
{
	const char	*date = strchr(tok, '=') + 1;
	char		 q[QUOTE_MAX];

	if (date_parse_day(date, ms) != 0)
		return config_err(p, p->lineno, "signing_pub: expected a date "
		    "YYYY-MM-DD, got '%s'", config_quote(q, date));
	return 0;
}

/*
 * "PATH [valid_from=YYYY-MM-DD] [valid_until=YYYY-MM-DD]": valid_from is
 * 00:00 UTC that day, valid_until the last millisecond of that day (UTC),
 * so both dates are inside the window.
 */
static int
add_signing_pub(struct parse *p, struct trust_agency *a, const char *v)
{
	struct trust_key	 k;
	char			 copy[INI_MAX_LINE], path[PATH_MAX];
	char			 q[QUOTE_MAX], *tok, *save = NULL;
	uint64_t		 from = 0, until = 0;
	int			 have_from = 0, have_until = 0, r;

	if (a->nkeys >= KEYS_PER_AGENCY_MAX)
		return config_err(p, p->lineno, "signing_pub: expected at most "
		    "%d keys for %s, got more", KEYS_PER_AGENCY_MAX, a->id);
	snprintf(copy, sizeof(copy), "%s", v);
	if ((tok = strtok_r(copy, " \t", &save)) == NULL)
		return config_err(p, p->lineno, "signing_pub: expected a path, "
		    "got ''");
	if ((r = config_file(p, "signing_pub", tok, path)) != 0)
		return r;
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		if (strncmp(tok, "valid_from=", 11) == 0 && !have_from) {
			if ((r = parse_window_date(p, tok, &from)) != 0)
				return r;
			have_from = 1;
		} else if (strncmp(tok, "valid_until=", 12) == 0 &&
		    !have_until) {
			if ((r = parse_window_date(p, tok, &until)) != 0)
				return r;
			until += MS_PER_DAY - 1;
			have_until = 1;
		} else
			return config_err(p, p->lineno, "signing_pub: expected "
			    "valid_from=YYYY-MM-DD or valid_until=YYYY-MM-DD "
			    "(each at most once) after the path, got '%s'",
			    config_quote(q, tok));
	}
	if (have_from && have_until && from > until)
		return config_err(p, p->lineno, "signing_pub: expected "
		    "valid_from on or before valid_until, got a window that "
		    "ends before it starts");
	memset(&k, 0, sizeof(k));
	/* A client's load leaves k.pub NULL: lcn checks no signature. */
	if (!p->client && (r = sig_pubkey_load(path, &k.pub)) != 0)
		return config_err(p, p->lineno, "signing_pub: expected a PEM "
		    "Ed25519 public key, got '%s' (%s)", config_quote(q, path),
		    lcn_strerror(r));
	k.valid_from_ms = from;
	k.valid_until_ms = until;
	a->keys[a->nkeys++] = k;
	return 0;
}

int
config_partner_key(struct parse *p, const char *name, const char *v)
{
	struct config_partner	*cp = &p->c->partners[p->idx];
	struct partner_state	*ps = &p->ps[p->idx];
	struct trust_agency	*a = &p->c->trust.agencies[p->idx + 1];
	char			 q[QUOTE_MAX];
	int			 k;

	for (k = 0; k < PK_COUNT; k++)
		if (strcmp(name, partner_keys[k]) == 0)
			break;
	if (k == PK_COUNT)
		return config_err(p, p->lineno, "expected a key of [partner "
		    "%s] (address, ca, signing_pub, crl, holidays), got '%s'",
		    cp->id,
		    config_quote(q, name));
	if (k != PK_SIGNING_PUB && ps->key_line[k] != 0)
		return config_err(p, p->lineno, "expected %s once in [partner "
		    "%s], got it again (first at line %d)", name, cp->id,
		    ps->key_line[k]);
	if (ps->key_line[k] == 0)
		ps->key_line[k] = p->lineno;

	switch (k) {
	case PK_ADDRESS:
		return config_hostport(p, name, v, cp->host, &cp->port);
	case PK_CA:
		return config_file(p, name, v, cp->ca);
	case PK_SIGNING_PUB:
		return add_signing_pub(p, a, v);
	case PK_CRL:
		return config_file(p, name, v, cp->crl);
	case PK_HOLIDAYS:
		/* The partner's working days: deadlines it is given. */
		return config_consult_holidays(p, v, cp->holidays,
		    &cp->calendar);
	}
	LCN_ASSERT(!"unreachable");
	return LCN_ECONFIG;
}

static int
member_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
config_group_key(struct parse *p, const char *name, const char *v)
{
	struct group_state	*gs = &p->gs[p->idx];
	struct trust_group	*g = &gs->g;
	char			 copy[INI_MAX_LINE], q[QUOTE_MAX];
	char			*tok, *save = NULL;
	void			*np;
	size_t			 i, n;

	if (config_consult_is_key(name))
		return config_consult_group_key(p, name, v);
	if (strcmp(name, "members") != 0)
		return config_err(p, p->lineno, "expected a key of [group %s] "
		    "(members, consult, consult_deadline, "
		    "consult_extension_max, silence, info_restarts), got '%s'",
		    g->name, config_quote(q, name));
	/*
	 * A regime has up to about 50 members and inih reads lines of at
	 * most INI_MAX_LINE bytes: members may repeat, each line adding to
	 * the list.
	 */
	if (gs->members_line == 0)
		gs->members_line = p->lineno;

	snprintf(copy, sizeof(copy), "%s", v);
	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (!agency_id_valid(tok))
			return config_err(p, p->lineno, "members: expected "
			    "agency ids CC-NAME, got '%s'", config_quote(q,
			    tok));
		if (g->nmembers >= PARTNERS_MAX + 1)
			return config_err(p, p->lineno, "members: expected at "
			    "most %d distinct ids, got more", PARTNERS_MAX + 1);
		for (i = 0; i < g->nmembers; i++)
			if (strcmp(g->members[i], tok) == 0)
				break;
		if (i < g->nmembers)
			continue;	/* listed twice: one member */
		n = g->nmembers + 1;
		if ((np = reallocarray(g->members, n,
		    sizeof(*g->members))) == NULL)
			return LCN_ENOMEM;
		g->members = np;
		snprintf(g->members[g->nmembers], sizeof(*g->members), "%s",
		    tok);
		g->nmembers = n;
	}
	if (g->nmembers == 0)
		return config_err(p, p->lineno, "members: expected agency ids, "
		    "got none");
	qsort(g->members, g->nmembers, sizeof(*g->members), member_cmp);
	return 0;
}

int
config_partner_begin(struct parse *p, const char *id)
{
	struct config		*c = p->c;
	struct trust_agency	*a;
	char			 q[QUOTE_MAX];
	size_t			 i, n;
	void			*np;

	if (!agency_id_valid(id))
		return config_err(p, p->lineno, "expected [partner CC-NAME] "
		    "with an agency id (e.g. US-BIS), got '%s'", config_quote(q,
		    id));
	for (i = 0; i < c->npartners; i++)
		if (strcmp(c->partners[i].id, id) == 0)
			return config_err(p, p->lineno, "expected each partner "
			    "once, got [partner %s] again (first at line %d)",
			    id, c->partners[i].line);
	if (c->npartners >= PARTNERS_MAX)
		return config_err(p, p->lineno, "expected at most %d partners, "
		    "got more", PARTNERS_MAX);

	n = c->npartners + 1;
	if ((np = reallocarray(c->partners, n, sizeof(*c->partners))) == NULL)
		return LCN_ENOMEM;
	c->partners = np;
	if ((np = reallocarray(p->ps, n, sizeof(*p->ps))) == NULL)
		return LCN_ENOMEM;
	p->ps = np;
	/* agencies[0] is this node; partner i is agencies[i + 1]. */
	if ((np = reallocarray(c->trust.agencies, n + 1,
	    sizeof(*c->trust.agencies))) == NULL)
		return LCN_ENOMEM;
	c->trust.agencies = np;

	memset(&c->partners[c->npartners], 0, sizeof(*c->partners));
	snprintf(c->partners[c->npartners].id, AGENCY_ID_MAX + 1, "%s", id);
	c->partners[c->npartners].line = p->lineno;
	memset(&p->ps[c->npartners], 0, sizeof(*p->ps));
	a = &c->trust.agencies[n];
	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", id);
	c->trust.nagencies = n + 1;
	c->npartners = n;
	p->sec = SEC_PARTNER;
	p->idx = n - 1;
	return 0;
}

int
config_group_begin(struct parse *p, const char *name)
{
	struct group_state	*gs;
	char			 q[QUOTE_MAX];
	size_t			 i;
	int			 r;

	if (strchr(name, '+') != NULL && group_name_valid(name))
		return config_err(p, p->lineno, "expected a group name without "
		    "'+' (bilateral groups A+B are made for every partner), "
		    "got '%s'", config_quote(q, name));
	if (!group_name_valid(name) || strchr(name, '+') != NULL)
		return config_err(p, p->lineno, "expected [group NAME] with a "
		    "name of A-Z a-z 0-9 _ - . (at most %d), got '%s'",
		    GROUP_NAME_MAX, config_quote(q, name));
	for (i = 0; i < p->ngs; i++)
		if (strcmp(p->gs[i].g.name, name) == 0)
			return config_err(p, p->lineno, "expected each group "
			    "once, got [group %s] again (first at line %d)",
			    name, p->gs[i].line);
	if (p->ngs >= GROUPS_MAX - PARTNERS_MAX)
		return config_err(p, p->lineno, "expected at most %d groups, "
		    "got more", GROUPS_MAX - PARTNERS_MAX);
	if ((gs = reallocarray(p->gs, p->ngs + 1, sizeof(*p->gs))) == NULL)
		return LCN_ENOMEM;
	p->gs = gs;
	gs = &p->gs[p->ngs];
	memset(gs, 0, sizeof(*gs));
	snprintf(gs->g.name, sizeof(gs->g.name), "%s", name);
	gs->line = p->lineno;
	if ((r = config_consult_group_begin(p, name)) != 0)
		return r;
	p->sec = SEC_GROUP;
	p->idx = p->ngs++;
	return 0;
}

/*
 * The CAs the partners' sections name (PROTOCOL.md section 2): each a CA
 * certificate, each partner's its own (a CA shared by two partners could
 * issue a certificate naming either, so one partner could pass for the
 * other), and none the CA of this node's own certificate (whoever holds
 * it could then pass for that partner too). The ca = line is blamed.
 */
static int
check_cas(struct parse *p)
{
	struct config	*c = p->c;
	char		 why[256];
	size_t		 i, j;
	int		 line, r;

	if (p->client)
		return 0;
	for (i = 0; i < c->npartners; i++) {
		line = p->ps[i].key_line[PK_CA];
		if ((r = tls_check_ca_file(c->partners[i].ca, why,
		    sizeof(why))) != 0)
			return config_err(p, line, "ca: %s", why);
		if (tls_cert_issued_by(c->tls_cert, c->partners[i].ca))
			return config_err(p, line, "ca: expected %s's own CA, "
			    "got the CA of this node's certificate (tls_cert): "
			    "it would vouch for this node as %s",
			    c->partners[i].id, c->partners[i].id);
		for (j = 0; j < i; j++)
			if (tls_cas_shared(c->partners[j].ca,
			    c->partners[i].ca))
				return config_err(p, line, "ca: expected a CA "
				    "of %s's own, got one [partner %s] (line "
				    "%d) also trusts: either could pass for "
				    "the other", c->partners[i].id,
				    c->partners[j].id, c->partners[j].line);
	}
	return 0;
}

int
config_trust_check(struct parse *p)
{
	struct config	*c = p->c;
	size_t		 i, j;
	int		 r;

	for (i = 0; i < c->npartners; i++) {
		if (p->ps[i].key_line[PK_CA] == 0)
			return config_err(p, c->partners[i].line, "expected "
			    "key 'ca' in [partner %s], got none",
			    c->partners[i].id);
		if (p->ps[i].key_line[PK_SIGNING_PUB] == 0)
			return config_err(p, c->partners[i].line, "expected "
			    "key 'signing_pub' in [partner %s], got none",
			    c->partners[i].id);
		if (strcmp(c->partners[i].id, c->id) == 0)
			return config_err(p, c->partners[i].line, "expected "
			    "a partner other than this node (id = %s), got "
			    "[partner %s]", c->id, c->partners[i].id);
	}
	for (i = 0; i < p->ngs; i++) {
		if (p->gs[i].members_line == 0)
			return config_err(p, p->gs[i].line, "expected key "
			    "'members' in [group %s], got none",
			    p->gs[i].g.name);
		for (j = 0; j < p->gs[i].g.nmembers; j++)
			if (strcmp(p->gs[i].g.members[j], c->id) != 0 &&
			    config_partner(c, p->gs[i].g.members[j]) == NULL)
				return config_err(p, p->gs[i].members_line,
				    "members: expected this node (%s) or "
				    "configured partners, got '%s'", c->id,
				    p->gs[i].g.members[j]);
	}
	if ((r = check_cas(p)) != 0)
		return r;
	return 0;
}

int
config_trust_build(struct parse *p)
{
	struct config		*c = p->c;
	struct trust		*t = &c->trust;
	struct trust_agency	*self;
	struct trust_group	*g;
	size_t			 i, n;

	snprintf(t->self, sizeof(t->self), "%s", c->id);
	if (t->agencies == NULL && (t->agencies = calloc(1,
	    sizeof(*t->agencies))) == NULL)
		return LCN_ENOMEM;
	t->nagencies = c->npartners + 1;
	self = &t->agencies[0];
	memset(self, 0, sizeof(*self));
	snprintf(self->id, sizeof(self->id), "%s", c->id);
	/* This node's key is added by config_open_keys. */

	n = p->ngs + c->npartners;
	if (n > 0 && (t->groups = calloc(n, sizeof(*t->groups))) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < p->ngs; i++) {
		t->groups[t->ngroups++] = p->gs[i].g;
		memset(&p->gs[i].g, 0, sizeof(p->gs[i].g));
	}
	for (i = 0; i < c->npartners; i++) {
		g = &t->groups[t->ngroups];
		pair_group_name(c->id, c->partners[i].id, g->name,
		    sizeof(g->name));
		if ((g->members = calloc(2, sizeof(*g->members))) == NULL)
			return LCN_ENOMEM;
		t->ngroups++;
		n = strcmp(c->id, c->partners[i].id) < 0;
		snprintf(g->members[!n], sizeof(*g->members), "%s", c->id);
		snprintf(g->members[n], sizeof(*g->members), "%s",
		    c->partners[i].id);
		g->nmembers = 2;
	}
	return 0;
}

void
config_trust_parse_free(struct parse *p)
{
	size_t i;

	for (i = 0; i < p->ngs; i++)
		free(p->gs[i].g.members);
	free(p->gs);
	free(p->ps);
	p->gs = NULL;
	p->ps = NULL;
	p->ngs = 0;
}
