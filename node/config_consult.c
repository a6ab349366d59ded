/*
 * The consultation side of the configuration (config_parse.h): the
 * profile keys of a [group] section (consult, consult_deadline,
 * consult_extension_max, silence, info_restarts), which say what the
 * group's regime asks before a grant and how long a consulted agency
 * has to answer, over the regime's default (consult_profile_default());
 * and the holidays files of [node] and [partner] sections, the working
 * days of this agency and of each partner. A deadline in working days
 * is counted on the consulted agency's calendar, so a partner without a
 * holidays file counts Saturday and Sunday off and nothing else. lcn's
 * load (config_load_client()) checks a holidays file is readable and
 * does not parse it, as it does every other file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "config_parse.h"
#include "consult.h"
#include "domain.h"
#include "lcn_err.h"
#include "log.h"
#include "util.h"

static const char *const consult_keys[CCK_COUNT] = {
	"consult", "consult_deadline", "consult_extension_max", "silence",
	"info_restarts",
};

int
config_consult_group_begin(struct parse *p, const char *name)
{
	struct config		*c = p->c;
	struct config_profile	*np, *pr;

	if ((np = reallocarray(c->profiles, c->nprofiles + 1,
	    sizeof(*c->profiles))) == NULL)
		return LCN_ENOMEM;
	c->profiles = np;
	pr = &c->profiles[c->nprofiles++];
	memset(pr, 0, sizeof(*pr));
	snprintf(pr->group, sizeof(pr->group), "%s", name);
	consult_profile_default(domain_regime_parse(name), &pr->profile);
	pr->line = p->lineno;
	return 0;
}

int
config_consult_is_key(const char *name)
{
	int k;

	for (k = 0; k < CCK_COUNT; k++)
		if (strcmp(name, consult_keys[k]) == 0)
			return 1;
	return 0;
}

int
config_consult_group_key(struct parse *p, const char *name, const char *v)
{
	struct config_profile	*pr = &p->c->profiles[p->idx];
	struct consult_profile	*cp = &pr->profile;
	char			 why[256];
	enum consult_basis	 basis;
	unsigned		 days;
	int			 k;

	for (k = 0; k < CCK_COUNT; k++)
		if (strcmp(name, consult_keys[k]) == 0)
			break;
	LCN_ASSERT(k < CCK_COUNT);
	if (pr->key_line[k] != 0)
		return config_err(p, p->lineno, "expected %s once in [group "
		    "%s], got it again (first at line %d)", name, pr->group,
		    pr->key_line[k]);
	pr->key_line[k] = p->lineno;
	why[0] = '\0';

	switch (k) {
	case CCK_CONSULT:
		if (consult_parse_need(v, &cp->need, why, sizeof(why)) != 0)
			return config_err(p, p->lineno, "consult: %s", why);
		return 0;
	case CCK_DEADLINE:
		if (consult_parse_deadline(v, &basis, &days, why,
		    sizeof(why)) != 0)
			return config_err(p, p->lineno, "consult_deadline: %s",
			    why);
		cp->basis = basis;
		cp->days = days;
		return 0;
	case CCK_EXTENSION_MAX:
		if (consult_parse_deadline(v, &basis, &days, why,
		    sizeof(why)) != 0)
			return config_err(p, p->lineno,
			    "consult_extension_max: %s", why);
		pr->extension_basis = basis;
		cp->extension_max = days;
		return 0;
	case CCK_SILENCE:
		if (consult_parse_silence(v, &cp->silence, why,
		    sizeof(why)) != 0)
			return config_err(p, p->lineno, "silence: %s", why);
		return 0;
	case CCK_INFO_RESTARTS:
		if (strcmp(v, "yes") == 0)
			cp->info_restarts = 1;
		else if (strcmp(v, "no") == 0)
			cp->info_restarts = 0;
		else {
			char q[QUOTE_MAX];

			return config_err(p, p->lineno, "info_restarts: "
			    "expected yes or no, got '%s'", config_quote(q, v));
		}
		return 0;
	}
	LCN_ASSERT(!"unreachable");
	return LCN_ECONFIG;
}

/* Days ahead under which lcnd warns that a holidays file runs out. */
#define HOLIDAYS_WARN_DAYS	90

/*
 * A working-day deadline that would end after the last day a holidays
 * file knows is refused (api_consult_pub.c), so a file about to run out
 * is said at start, while there is time to add next year: 90 days
 * covers an EU request with its longest extension (40 working days).
 */
static void
warn_if_ending(const char *path, const struct calendar *cal)
{
	struct tm	tm;
	time_t		t;
	int32_t		last = calendar_last_known(cal);
	int32_t		today = calendar_day(now_ms());
	char		day[16];

	if (last == INT32_MAX || last - today > HOLIDAYS_WARN_DAYS)
		return;
	t = (time_t)last * 86400;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%d", &tm) == 0)
		snprintf(day, sizeof(day), "?");
	log_warnx("config", "holidays %s: lists holidays up to %s only; a "
	    "working-day deadline on this calendar that would end later is "
	    "refused until the next year's holidays are added", path, day);
}

int
config_consult_holidays(struct parse *p, const char *v, char path[PATH_MAX],
    struct calendar *cal)
{
	char	why[512];
	int	r;

	if ((r = config_file(p, "holidays", v, path)) != 0)
		return r;
	/* lcn reads the file for its socket alone: named, not parsed. */
	if (p->client)
		return 0;
	calendar_free(cal);
	why[0] = '\0';
	if ((r = calendar_load(path, cal, why, sizeof(why))) != 0) {
		memset(cal, 0, sizeof(*cal));
		if (r == LCN_ENOMEM)
			return r;
		return config_err(p, p->lineno, "holidays: %s", why[0] != '\0' ?
		    why : lcn_strerror(r));
	}
	warn_if_ending(path, cal);
	return 0;
}

/*
 * An extension is counted as the deadline is: "consult_extension_max =
 * 30 working-days" beside "consult_deadline = 10 calendar-days" would
 * say two things at once. A group that sets an extension over a regime
 * default without a deadline is refused for the same reason.
 */
int
config_consult_check(struct parse *p)
{
	struct config		*c = p->c;
	struct config_profile	*pr;
	char			 dl[64], ext[64];
	size_t			 i;
	int			 line;

	for (i = 0; i < c->nprofiles; i++) {
		pr = &c->profiles[i];
		line = pr->key_line[CCK_EXTENSION_MAX];
		if (line == 0)
			continue;
		consult_deadline_text(pr->profile.basis, pr->profile.days, dl,
		    sizeof(dl));
		consult_deadline_text(pr->extension_basis,
		    pr->profile.extension_max, ext, sizeof(ext));
		if (pr->extension_basis == CONSULT_BASIS_NONE)
			pr->profile.extension_max = 0;
		else if (pr->profile.basis == CONSULT_BASIS_NONE)
			return config_err(p, line, "consult_extension_max: "
			    "expected none with consult_deadline = %s in "
			    "[group %s] (no deadline, nothing to extend), got "
			    "'%s'", dl, pr->group, ext);
		else if (pr->extension_basis != pr->profile.basis)
			return config_err(p, line, "consult_extension_max: "
			    "expected days counted as the deadline's (%s in "
			    "[group %s]), got '%s'", dl, pr->group, ext);
	}
	/*
	 * Weekends off, no holidays, for an agency that names no file (and
	 * for every agency in lcn's load, which parses none).
	 */
	if (p->client || c->holidays[0] == '\0')
		calendar_default(&c->calendar);
	for (i = 0; i < c->npartners; i++)
		if (p->client || c->partners[i].holidays[0] == '\0')
			calendar_default(&c->partners[i].calendar);
	return 0;
}

void
config_consult_profile(const struct config *c, const char *group,
    struct consult_profile *out)
{
	size_t i;

	for (i = 0; i < c->nprofiles; i++)
		if (strcmp(c->profiles[i].group, group) == 0) {
			*out = c->profiles[i].profile;
			return;
		}
	consult_profile_default(domain_regime_parse(group), out);
}

const struct calendar *
config_calendar(const struct config *c, const char *agency)
{
	const struct config_partner *cp;

	if (strcmp(agency, c->id) == 0)
		return &c->calendar;
	if ((cp = config_partner(c, agency)) == NULL)
		return NULL;
	return &cp->calendar;
}
