/*
 * The no-undercut check (check.h): the application decoded and its
 * parties' names normalised once, then every name screened against the
 * index, each denial hit tested for essential identity (domain.c) with
 * this file's party matcher, each alert hit kept, and the alerts on the
 * application's route added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lcn.pb-c.h"

#include "check.h"
#include "country.h"
#include "domain.h"
#include "lcn_err.h"
#include "log.h"
#include "match.h"
#include "names.h"
#include "records_int.h"
#include "screen.h"
#include "screen_row.h"
#include "store_int.h"
#include "util.h"

#define NAMES_PER_PARTY	(2 + REPEATED_MAX)
/* Hits read per name of a party. */
#define CHECK_HITS_MAX	100

/* Every name of a party (name, local name, aliases), normalised. */
struct party_names {
	struct name_norm	*norms;
	size_t			 n;
};

/* The application, decoded, in the shapes domain.c and match.c take. */
struct check_app {
	Lcn__Transaction	*tx;
	const char		**controls;	/* per item */
	struct domain_party	*parties;	/* per party */
	struct party_names	*names;		/* per party */
	struct domain_transaction dt;
};

/* The results so far, without duplicates. */
struct results {
	struct check_result	*v;
	size_t			 n, cap;
};

struct check_ctx {
	struct store		*s;
	MDB_txn			*txn;
	const struct check_app	*app;
	double			 threshold;
	uint64_t		 now_ms;
	struct results		 res;
	int			 err;	/* party_match's, if it failed */
	char			*errbuf;
	size_t			 errbufsz;
};

/* The names of p, at most NAMES_PER_PARTY; NULL or "" where absent. */
static size_t
party_names_list(const Lcn__Party *p, const char *names[NAMES_PER_PARTY])
{
	size_t	n = 0, i;

	names[n++] = p->name;
	names[n++] = p->name_local;
	for (i = 0; i < p->n_aliases && n < NAMES_PER_PARTY; i++)
		names[n++] = p->aliases[i]->name;
	return n;
}

static int
party_names_load(const struct nametables *nt, const Lcn__Party *p,
    struct party_names *out)
{
	const char	*names[NAMES_PER_PARTY];
	size_t		 n, i;

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		return 0;
	n = party_names_list(p, names);
	if ((out->norms = calloc(n, sizeof(*out->norms))) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < n; i++)
		if (names[i] != NULL && names[i][0] != '\0' &&
		    names_normalise(nt, names[i], NAME_UNKNOWN,
		    &out->norms[out->n]) == 0)
			out->n++;
	return 0;
}

/*
 * What the application gives, quoted for an error message: at most 40
 * bytes, anything but printable ASCII as '?'.
 */
static void
quote(const char *v, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != '\0' && i < 40 && i + 1 < outsz; i++)
		out[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
	out[i] = '\0';
}

/* field is an ISO 3166-1 alpha-2 code; else LCN_EINVAL naming it. */
static int
country_check(const char *field, const char *v, char *errbuf,
    size_t errbufsz)
{
	char q[48];

	if (country_alpha2_valid(v))
		return 0;
	quote(v, q, sizeof(q));
	snprintf(errbuf, errbufsz, "%s: expected an ISO 3166-1 alpha-2 code "
	    "such as AE, got \"%s\"", field, q);
	return LCN_EINVAL;
}

/*
 * An application the check can answer for: at least one item, each with
 * a control entry (app_load parses them), at least one party, each with
 * a name, and a destination; every country an ISO 3166-1 alpha-2 code.
 * A check of less would answer "nothing concerns it" about a transaction
 * it never saw, and "United Arab Emirates" for AE would match nothing.
 * 0, or LCN_EINVAL with "field: what was expected" in errbuf.
 */
static int
app_validate(const Lcn__Transaction *tx, char *errbuf, size_t errbufsz)
{
	char	field[64];
	size_t	i;
	int	r;

	if (tx->n_items == 0) {
		snprintf(errbuf, errbufsz, "items: expected at least one item "
		    "with a control_entry");
		return LCN_EINVAL;
	}
	if (tx->n_parties == 0) {
		snprintf(errbuf, errbufsz, "parties: expected at least one "
		    "party with a name");
		return LCN_EINVAL;
	}
	for (i = 0; i < tx->n_parties; i++) {
		if (tx->parties[i]->name == NULL ||
		    tx->parties[i]->name[0] == '\0') {
			snprintf(errbuf, errbufsz, "parties[%zu].name: "
			    "expected the party's name", i);
			return LCN_EINVAL;
		}
		/* A party's country is optional; given, it must be a code. */
		if (tx->parties[i]->country == NULL ||
		    tx->parties[i]->country[0] == '\0')
			continue;
		snprintf(field, sizeof(field), "parties[%zu].country", i);
		if ((r = country_check(field, tx->parties[i]->country, errbuf,
		    errbufsz)) != 0)
			return r;
	}
	if ((r = country_check("destination_country",
	    tx->destination_country, errbuf, errbufsz)) != 0)
		return r;
	for (i = 0; i < tx->n_transit_countries; i++) {
		snprintf(field, sizeof(field), "transit_countries[%zu]", i);
		if ((r = country_check(field, tx->transit_countries[i], errbuf,
		    errbufsz)) != 0)
			return r;
	}
	return 0;
}

static void
app_free(struct check_app *a)
{
	size_t i;

	for (i = 0; a->names != NULL && i < a->tx->n_parties; i++)
		free(a->names[i].norms);
	free(a->names);
	free(a->parties);
	free(a->controls);
	if (a->tx != NULL)
		lcn__transaction__free_unpacked(a->tx, NULL);
	memset(a, 0, sizeof(*a));
}

/*
 * Decodes the application and checks its control entries; 0, LCN_EINVAL
 * with the reason in errbuf, or LCN_ENOMEM. a is freed with app_free()
 * either way.
 */
static int
app_load(struct store *s, const uint8_t *txbytes, size_t len,
    struct check_app *a, char *errbuf, size_t errbufsz)
{
	const Lcn__Transaction	*tx;
	struct domain_control	 dc;
	size_t			 i;
	int			 r;

	memset(a, 0, sizeof(*a));
	if ((a->tx = lcn__transaction__unpack(NULL, len, txbytes)) == NULL) {
		snprintf(errbuf, errbufsz, "the application does not decode");
		return LCN_EINVAL;
	}
	tx = a->tx;
	if (tx->n_items > REPEATED_MAX || tx->n_parties > REPEATED_MAX) {
		snprintf(errbuf, errbufsz, "more than %d items or parties",
		    REPEATED_MAX);
		return LCN_EINVAL;
	}
	if ((r = app_validate(tx, errbuf, errbufsz)) != 0)
		return r;
	if ((a->controls = calloc(tx->n_items + 1,
	    sizeof(*a->controls))) == NULL ||
	    (a->parties = calloc(tx->n_parties + 1,
	    sizeof(*a->parties))) == NULL ||
	    (a->names = calloc(tx->n_parties + 1, sizeof(*a->names))) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < tx->n_items; i++) {
		a->controls[i] = tx->items[i]->control_entry;
		if (domain_control_parse(a->controls[i], &dc) != 0) {
			snprintf(errbuf, errbufsz, "items[%zu].control_entry: "
			    "expected an entry such as 3A001.b.1, ML10.a, "
			    "EAR99 or catch-all", i);
			return LCN_EINVAL;
		}
	}
	for (i = 0; i < tx->n_parties; i++) {
		a->parties[i].role = (enum domain_role)tx->parties[i]->role;
		a->parties[i].name = tx->parties[i]->name;
		a->parties[i].country = tx->parties[i]->country;
		a->parties[i].src = tx->parties[i];
		if ((r = party_names_load(s->screen->nt, tx->parties[i],
		    &a->names[i])) != 0)
			return r;
	}
	a->dt.controls = a->controls;
	a->dt.ncontrols = tx->n_items;
	a->dt.parties = a->parties;
	a->dt.nparties = tx->n_parties;
	a->dt.destination = tx->destination_country;
	a->dt.src = tx;
	return 0;
}

/*
 * domain.c's party matcher: the best score between any name of the denied
 * party and any name of the applied one, countries as qualifiers.
 */
static double
party_match(const struct domain_party *denied,
    const struct domain_party *applied, void *arg)
{
	struct check_ctx	 *cx = arg;
	const struct check_app	 *a = cx->app;
	const struct party_names *an = NULL;
	struct party_names	  dn;
	struct match_result	  mr;
	struct match_qual	  dq, aq;
	double			  best = 0;
	size_t			  i, k;

	for (i = 0; i < a->tx->n_parties; i++)
		if (a->tx->parties[i] == applied->src)
			an = &a->names[i];
	if (an == NULL)
		return 0;
	if ((cx->err = party_names_load(cx->s->screen->nt, denied->src,
	    &dn)) != 0)
		return 0;	/* store_check fails: see check_denial */
	dq.country = denied->country;
	dq.ident = party_first_ident(denied->src);
	aq.country = applied->country;
	aq.ident = party_first_ident(applied->src);
	for (i = 0; i < dn.n; i++)
		for (k = 0; k < an->n; k++)
			if (match_score(&an->norms[k], &dn.norms[i], &aq, &dq,
			    &mr) == 0 && mr.score > best)
				best = mr.score;
	free(dn.norms);
	return best > 1 ? 1 : best;
}

/* A new zeroed result in *slot; 0 or LCN_ENOMEM. */
static int
results_push(struct results *res, struct check_result **slot)
{
	struct check_result *nv;

	if (res->n == res->cap) {
		res->cap = res->cap ? res->cap * 2 : 16;
		if ((nv = realloc(res->v, res->cap * sizeof(*nv))) == NULL)
			return LCN_ENOMEM;
		res->v = nv;
	}
	*slot = &res->v[res->n++];
	memset(*slot, 0, sizeof(**slot));
	return 0;
}

static int
results_have(const struct results *res, enum screen_source src,
    const char *agency, const char *ref)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		if (res->v[i].source == src &&
		    strcmp(res->v[i].agency, agency) == 0 &&
		    strcmp(res->v[i].ref, ref) == 0)
			return 1;
	return 0;
}

static int
check_result_cmp(const void *a, const void *b)
{
	const struct check_result *x = a, *y = b;

	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->ref, y->ref);
}

/* One denial hit: is the application essentially identical to it? */
static int
check_denial(struct check_ctx *cx, const struct screen_hit *h)
{
	struct domain_identity	 id;
	struct check_result	*cr;
	struct record		 rec;
	const char		*reason = "";
	enum domain_consult	 c;
	size_t			 i;
	double			 best = 0;
	int			 r;

	if (results_have(&cx->res, SCREEN_DENIAL, h->agency, h->ref))
		return 0;
	/* A hit whose record is not there is not a denial; else fail. */
	if ((r = record_load(cx->s, cx->txn, h->agency, h->ref, cx->now_ms,
	    &rec)) != 0)
		return r == LCN_ENOTFOUND ? 0 : r;
	if (!rec.active || rec.dv == NULL || rec.dst.content == NULL) {
		record_free(&rec);
		return 0;
	}
	r = domain_essentially_identical(rec.dst.content, &cx->app->dt,
	    party_match, cx, cx->threshold, &id);
	if (cx->err != 0) {
		/* A party went unscored: "not identical" would be a guess. */
		record_free(&rec);
		return cx->err;
	}
	if (r != 0 || !id.identical) {
		if (r != 0)
			log_warnx("store", "check: denial %s of %s: %s",
			    h->ref, h->agency, id.why);
		record_free(&rec);
		return 0;
	}
	if ((r = results_push(&cx->res, &cr)) != 0) {
		record_free(&rec);
		return r;
	}
	for (i = 0; i < id.nparty_matches && i < DOMAIN_MATCHES_MAX; i++)
		if (id.parties[i].score > best)
			best = id.parties[i].score;
	cr->source = SCREEN_DENIAL;
	str_copy(cr->agency, sizeof(cr->agency), h->agency);
	str_copy(cr->ref, sizeof(cr->ref), h->ref);
	str_copy(cr->regime, sizeof(cr->regime),
	    rec.dst.content->regime ? rec.dst.content->regime : "");
	c = domain_consultation(rec.dst.content->regime,
	    rec.dst.content->basis, &reason);
	cr->consult = c == DOMAIN_CONSULT_REQUIRED ? "required" :
	    c == DOMAIN_CONSULT_NOTIFY_AFTER ? "notify-after" : "none";
	str_copy(cr->consult_reason, sizeof(cr->consult_reason), reason);
	str_copy(cr->why, sizeof(cr->why), id.why);
	cr->score = best;
	str_copy(cr->feed.origin, sizeof(cr->feed.origin), h->agency);
	cr->seq = rec.seq;
	record_free(&rec);
	return 0;
}

/* One alert hit on party p: kept once per alert. */
static int
check_alert(struct check_ctx *cx, const struct screen_hit *h,
    const Lcn__Party *p)
{
	struct check_result	*cr;
	int			 r;

	if (results_have(&cx->res, SCREEN_ALERT, h->agency, h->ref))
		return 0;
	if ((r = results_push(&cx->res, &cr)) != 0)
		return r;
	cr->source = SCREEN_ALERT;
	str_copy(cr->agency, sizeof(cr->agency), h->agency);
	str_copy(cr->ref, sizeof(cr->ref), h->ref);
	cr->consult = "none";
	snprintf(cr->why, sizeof(cr->why), "alert on %s (%s): %s", h->matched,
	    p->name ? p->name : "", h->why);
	cr->score = h->score;
	str_copy(cr->feed.origin, sizeof(cr->feed.origin), h->agency);
	cr->seq = h->seq;
	return 0;
}

/*
 * Every record one of the names of party pi screens to. A name with no
 * letter or digit has nothing to screen (LCN_EINVAL from screen_txn) and
 * is passed over; any other failure fails the check, which must never
 * answer as if the name had matched nothing.
 */
static int
check_party(struct check_ctx *cx, size_t pi)
{
	const Lcn__Party	*p = cx->app->tx->parties[pi];
	struct screen_hit	*hits = NULL;
	const char		*names[NAMES_PER_PARTY];
	size_t			 nn, nh, k, j;
	int			 r = 0;

	nn = party_names_list(p, names);
	for (k = 0; k < nn && r == 0; k++) {
		if (names[k] == NULL || names[k][0] == '\0')
			continue;
		r = screen_txn(cx->s, cx->txn, names[k], p->country,
		    party_first_ident(p), cx->threshold, CHECK_HITS_MAX,
		    cx->now_ms, 0, &hits, &nh);
		if (r == LCN_EINVAL) {
			r = 0;
			continue;
		}
		if (r == LCN_EPROTO) {
			snprintf(cx->errbuf, cx->errbufsz, "parties[%zu].%s: "
			    "the name is too long or not UTF-8", pi,
			    k == 0 ? "name" : k == 1 ? "name_local" :
			    "aliases");
			return LCN_EINVAL;
		}
		if (r != 0)
			return r;
		for (j = 0; j < nh && r == 0; j++) {
			if (hits[j].source == SCREEN_DENIAL)
				r = check_denial(cx, &hits[j]);
			else if (hits[j].source == SCREEN_ALERT)
				r = check_alert(cx, &hits[j], p);
		}
		free(hits);
		hits = NULL;
	}
	return r;
}

/* Whether the alert's via_country is the destination or a transit. */
static const char *
route_leg(const Lcn__Transaction *tx, const char *via)
{
	size_t i;

	if (tx->destination_country != NULL &&
	    strcasecmp(via, tx->destination_country) == 0)
		return "destination";
	for (i = 0; i < tx->n_transit_countries; i++)
		if (strcasecmp(via, tx->transit_countries[i]) == 0)
			return "transit";
	return NULL;
}

/*
 * Alerts on the application's route rather than its parties: an active
 * alert whose transshipment or circumvention country (via_country) is the
 * destination or a transit country (METI's "Group A" diversion warnings).
 */
static int
check_routes(struct check_ctx *cx)
{
	const Lcn__EndUserAlert	*al;
	struct check_result	*cr;
	struct record		 rec;
	MDB_cursor		*c = NULL;
	MDB_val			 k, d;
	char			 origin[AGENCY_ID_MAX + 1];
	char			 ref[SCREEN_REF_MAX + 1];
	const char		*via, *leg;
	int			 rc, r = 0;

	if ((rc = mdb_cursor_open(cx->txn, cx->s->screen->recs, &c)) != 0)
		return store_lmdb_err("srecs cursor", rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0 && r == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (d.mv_size < 1 || ((const uint8_t *)d.mv_data)[0] !=
		    SCREEN_ALERT || record_key_parse(k.mv_data, k.mv_size,
		    origin, ref) != 0)
			continue;
		if (results_have(&cx->res, SCREEN_ALERT, origin, ref))
			continue;
		if ((r = record_load(cx->s, cx->txn, origin, ref, cx->now_ms,
		    &rec)) != 0) {
			if (r != LCN_ENOTFOUND)
				break;
			r = 0;
			continue;
		}
		al = rec.ast.content != NULL ? rec.ast.content->src : NULL;
		via = al != NULL ? al->via_country : NULL;
		leg = NULL;
		if (rec.active && via != NULL && via[0] != '\0')
			leg = route_leg(cx->app->tx, via);
		if (leg != NULL && (r = results_push(&cx->res, &cr)) == 0) {
			cr->source = SCREEN_ALERT;
			str_copy(cr->agency, sizeof(cr->agency), origin);
			str_copy(cr->ref, sizeof(cr->ref), ref);
			cr->consult = "none";
			snprintf(cr->why, sizeof(cr->why), "alert on the route: "
			    "diversion through %s, on this application's %s",
			    via, leg);
			str_copy(cr->feed.origin, sizeof(cr->feed.origin),
			    origin);
			cr->seq = rec.seq;
		}
		record_free(&rec);
	}
	if (r == 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("srecs cursor", rc);
	mdb_cursor_close(c);
	return r;
}

/*
 * The group of each result's feed (origin/group), so that the answer
 * names the feed an officer looks the record up in and whose profile
 * applies to it (a denial published to WA is consulted on under [group
 * WA]). One record load per result; results are few.
 */
static int
fill_groups(struct check_ctx *cx)
{
	struct feed_names	 fn;
	struct record		 rec;
	struct check_result	*cr;
	size_t			 i;
	int			 r = 0;

	if (cx->res.n == 0)
		return 0;
	if ((r = feed_names_load(cx->s, cx->txn, &fn)) != 0)
		return r;
	for (i = 0; i < cx->res.n && r == 0; i++) {
		cr = &cx->res.v[i];
		if ((r = record_load(cx->s, cx->txn, cr->agency, cr->ref,
		    cx->now_ms, &rec)) == LCN_ENOTFOUND) {
			r = 0;
			continue;
		}
		if (r != 0)
			break;
		feed_names_get(&fn, rec.feedno, &cr->feed);
		record_free(&rec);
	}
	feed_names_free(&fn);
	return r;
}

int
store_check(struct store *s, const uint8_t *txbytes, size_t len,
    double threshold, uint64_t now_ms, struct check_result **out, size_t *n,
    char *errbuf, size_t errbufsz)
{
	struct check_app	app;
	struct check_ctx	cx;
	size_t			i;
	int			r;

	*out = NULL;
	*n = 0;
	memset(&app, 0, sizeof(app));
	memset(&cx, 0, sizeof(cx));
	if (s->screen == NULL) {
		snprintf(errbuf, errbufsz, "screening is not enabled");
		return LCN_EINVAL;
	}
	if ((r = app_load(s, txbytes, len, &app, errbuf, errbufsz)) != 0 ||
	    (r = screen_catch_up_all(s)) != 0 ||
	    (r = store_txn_begin(s, 1, &cx.txn)) != 0)
		goto out;
	cx.s = s;
	cx.app = &app;
	cx.threshold = threshold;
	cx.now_ms = now_ms;
	cx.errbuf = errbuf;
	cx.errbufsz = errbufsz;
	for (i = 0; i < app.tx->n_parties; i++)
		if ((r = check_party(&cx, i)) != 0)
			goto out;
	if ((r = check_routes(&cx)) != 0 || (r = fill_groups(&cx)) != 0)
		goto out;
	if (cx.res.n > 1)
		qsort(cx.res.v, cx.res.n, sizeof(*cx.res.v), check_result_cmp);
	*out = cx.res.v;
	*n = cx.res.n;
	cx.res.v = NULL;
 out:
	/*
	 * LCN_EINVAL is the application's fault and errbuf says why; any
	 * other error left the check unfinished, and a partial answer must
	 * not pass for a clean one.
	 */
	if (r != 0 && r != LCN_EINVAL)
		snprintf(errbuf, errbufsz, "the check could not be completed: "
		    "%s", lcn_strerror(r));
	if (cx.txn != NULL)
		mdb_txn_abort(cx.txn);
	free(cx.res.v);
	app_free(&app);
	return r;
}

size_t
check_error_field(const char *errbuf)
{
	size_t n;

	n = strspn(errbuf, "abcdefghijklmnopqrstuvwxyz_[]0123456789.");
	return n > 0 && errbuf[n] == ':' && errbuf[n + 1] == ' ' ? n : 0;
}
