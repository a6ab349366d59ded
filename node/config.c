/*
 * The configuration file (DESIGN.md section 2), read with libinih.
 *
 * libinih as Debian ships it (version 55) is built without
 * INI_HANDLER_LINENO, so its handler never learns the line it is called
 * for. We therefore feed it through ini_parse_stream() with our own reader,
 * which counts lines, and which also sees the section headers (libinih only
 * calls the handler for key = value lines, so an empty [partner X] would
 * otherwise pass unseen). The reader strips leading white space before
 * libinih sees a line: libinih's multi-line mode, which cannot be switched
 * off portably, would otherwise take an indented "key = value" for the
 * continuation of the previous value.
 *
 * Paths in the file are taken relative to the file's own directory.
 */
#include <sys/stat.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "hash.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "log.h"
#include "sig.h"
#include "trust.h"
#include "util.h"

#define CONFIG_FILE_MAX	(1024 * 1024)	/* bytes of a config file */
#define QUOTE_MAX	80	/* untrusted text quoted in a message */
#define MS_PER_DAY	(86400ull * 1000)

enum section {
	SEC_NONE,
	SEC_NODE,
	SEC_PARTNER,
	SEC_GROUP,
};

/* [node] keys; the order is the one messages list them in. */
enum node_key {
	NK_ID,
	NK_LISTEN,
	NK_DATA_DIR,
	NK_TLS_CERT,
	NK_TLS_KEY,
	NK_SIGNING_KEY,
	NK_SOCKET,
	NK_MAX_FRAME,
	NK_MAP_SIZE,
	NK_LOG_LEVEL,
	NK_ATTEST_INTERVAL,
	NK_COUNT,
};

static const char *const node_keys[NK_COUNT] = {
	"id", "listen", "data_dir", "tls_cert", "tls_key", "signing_key",
	"socket", "max_frame", "map_size", "log_level", "attest_interval",
};

static const int node_required[] = {
	NK_ID, NK_LISTEN, NK_DATA_DIR, NK_TLS_CERT, NK_TLS_KEY, NK_SIGNING_KEY,
};

enum partner_key {
	PK_ADDRESS,
	PK_CA,
	PK_SIGNING_PUB,		/* may repeat */
	PK_CRL,
	PK_COUNT,
};

static const char *const partner_keys[PK_COUNT] = {
	"address", "ca", "signing_pub", "crl",
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

struct parse {
	const char		*path;
	char			 dir[PATH_MAX];	/* relative paths start here */
	char			*errbuf;
	size_t			 errbufsz;
	int			 failed;

	char			*buf;		/* the whole file */
	size_t			 len, pos;
	int			 lineno;	/* of the line last read */

	enum section		 sec;
	size_t			 idx;	/* partner or group index */

	struct config		*c;
	int			 node_line;	/* 0: no [node] yet */
	int			 node_key_line[NK_COUNT];
	struct partner_state	*ps;	/* parallel to c->partners */
	struct group_state	*gs;
	size_t			 ngs;
};

static int
cfgerr(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
cfgerr(struct parse *p, int line, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (p->failed)
		return LCN_ECONFIG;
	p->failed = 1;
	n = snprintf(p->errbuf, p->errbufsz, "%s:%d: ", p->path, line);
	if (n >= 0 && (size_t)n < p->errbufsz) {
		va_start(ap, fmt);
		vsnprintf(p->errbuf + n, p->errbufsz - n, fmt, ap);
		va_end(ap);
	}
	return LCN_ECONFIG;
}

/* Untrusted text for a message: escaped and truncated. */
static const char *
quote(char dst[QUOTE_MAX], const char *s)
{
	return log_escape(dst, QUOTE_MAX, s, strlen(s));
}

/*
 * Finds the host and the port text of "host:port" or "[v6]:port": 1, or 0
 * if v has neither form. The host is a name, IPv4 or (bracketed) IPv6.
 */
static int
split_hostport(const char *v, const char **host, size_t *hostlen,
    const char **port)
{
	const char	*colon, *h, *pe;
	size_t		 hlen, i;
	int		 v6 = v[0] == '[';

	if (v6) {
		if ((pe = strchr(v, ']')) == NULL || pe[1] != ':')
			return 0;
		h = v + 1;
		hlen = pe - h;
		colon = pe + 1;
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			return 0;
		h = v;
		hlen = colon - v;
	}
	if (hlen == 0 || hlen >= CONFIG_ADDR_MAX)
		return 0;
	for (i = 0; i < hlen; i++) {
		if (v6 ? !isxdigit((unsigned char)h[i]) && h[i] != ':' &&
		    h[i] != '.' : !isalnum((unsigned char)h[i]) &&
		    h[i] != '-' && h[i] != '.')
			return 0;
	}
	*host = h;
	*hostlen = hlen;
	*port = colon + 1;
	return 1;
}

/* Splits "host:port" or "[v6]:port"; 0 or LCN_ECONFIG with a message. */
static int
parse_hostport(struct parse *p, const char *key, const char *v,
    char host[CONFIG_ADDR_MAX], uint16_t *port)
{
	const char	*h, *ps;
	char		 q[QUOTE_MAX], *end;
	size_t		 hlen;
	unsigned long	 n;

	if (!split_hostport(v, &h, &hlen, &ps))
		return cfgerr(p, p->lineno, "%s: expected host:port or "
		    "[v6]:port, got '%s'", key, quote(q, v));
	n = 0;
	if (isdigit((unsigned char)ps[0])) {
		errno = 0;
		n = strtoul(ps, &end, 10);
		if (errno != 0 || *end != '\0')
			n = 0;
	}
	if (n < 1 || n > 65535)
		return cfgerr(p, p->lineno, "%s: expected a port 1..65535, "
		    "got '%s'", key, quote(q, ps));
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)n;
	return 0;
}

/* Resolves v against the config file's directory into out[PATH_MAX]. */
static int
parse_path(struct parse *p, const char *key, const char *v,
    char out[PATH_MAX])
{
	char	q[QUOTE_MAX];
	int	n;

	if (v[0] == '\0')
		return cfgerr(p, p->lineno, "%s: expected a path, got ''",
		    key);
	if (v[0] == '/' || p->dir[0] == '\0')
		n = snprintf(out, PATH_MAX, "%s", v);
	else if (strcmp(p->dir, "/") == 0)
		n = snprintf(out, PATH_MAX, "/%s", v);
	else
		n = snprintf(out, PATH_MAX, "%s/%s", p->dir, v);
	if (n < 0 || n >= PATH_MAX)
		return cfgerr(p, p->lineno, "%s: expected a path shorter than "
		    "%d bytes, got '%s'", key, PATH_MAX, quote(q, v));
	return 0;
}

/* A path to a regular file this process can read. */
static int
parse_file(struct parse *p, const char *key, const char *v,
    char out[PATH_MAX])
{
	struct stat	 st;
	char		 q[QUOTE_MAX];
	int		 fd, r;

	if ((r = parse_path(p, key, v, out)) != 0)
		return r;
	if ((fd = open(out, O_RDONLY)) == -1)
		return cfgerr(p, p->lineno, "%s: expected a readable file, "
		    "got '%s': %s", key, quote(q, out), strerror(errno));
	r = fstat(fd, &st);
	close(fd);
	if (r == -1 || !S_ISREG(st.st_mode))
		return cfgerr(p, p->lineno, "%s: expected a regular file, "
		    "got '%s'", key, quote(q, out));
	return 0;
}

/* Bytes with an optional K, M or G suffix (powers of 1024). */
static int
parse_size(const char *v, uint64_t *out)
{
	unsigned long long	 n;
	uint64_t		 mul = 1;
	char			*end;

	if (!isdigit((unsigned char)v[0]))
		return LCN_EINVAL;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return LCN_EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		mul = 1024;
		end++;
		break;
	case 'm': case 'M':
		mul = 1024 * 1024;
		end++;
		break;
	case 'g': case 'G':
		mul = 1024 * 1024 * 1024;
		end++;
		break;
	default:
		return LCN_EINVAL;
	}
	if (*end != '\0' || n > UINT64_MAX / mul)
		return LCN_EINVAL;
	*out = n * mul;
	return 0;
}

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
		return cfgerr(p, p->lineno, "signing_pub: expected a date "
		    "YYYY-MM-DD, got '%s'", quote(q, date));
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
		return cfgerr(p, p->lineno, "signing_pub: expected at most %d "
		    "keys for %s, got more", KEYS_PER_AGENCY_MAX, a->id);
	snprintf(copy, sizeof(copy), "%s", v);
	if ((tok = strtok_r(copy, " \t", &save)) == NULL)
		return cfgerr(p, p->lineno, "signing_pub: expected a path, "
		    "got ''");
	if ((r = parse_file(p, "signing_pub", tok, path)) != 0)
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
			return cfgerr(p, p->lineno, "signing_pub: expected "
			    "valid_from=YYYY-MM-DD or valid_until=YYYY-MM-DD "
			    "(each at most once) after the path, got '%s'",
			    quote(q, tok));
	}
	if (have_from && have_until && from > until)
		return cfgerr(p, p->lineno, "signing_pub: expected valid_from "
		    "on or before valid_until, got a window that ends before "
		    "it starts");
	memset(&k, 0, sizeof(k));
	if ((r = sig_pubkey_load(path, &k.pub)) != 0)
		return cfgerr(p, p->lineno, "signing_pub: expected a PEM "
		    "Ed25519 public key, got '%s' (%s)", quote(q, path),
		    lcn_strerror(r));
	k.valid_from_ms = from;
	k.valid_until_ms = until;
	a->keys[a->nkeys++] = k;
	return 0;
}

static int
node_key(struct parse *p, const char *name, const char *v)
{
	struct config	*c = p->c;
	uint64_t	 n;
	char		 q[QUOTE_MAX];
	int		 k;

	for (k = 0; k < NK_COUNT; k++)
		if (strcmp(name, node_keys[k]) == 0)
			break;
	if (k == NK_COUNT)
		return cfgerr(p, p->lineno, "expected a key of [node] (id, "
		    "listen, data_dir, tls_cert, tls_key, signing_key, "
		    "socket, max_frame, map_size, log_level, attest_interval), "
		    "got '%s'", quote(q, name));
	if (p->node_key_line[k] != 0)
		return cfgerr(p, p->lineno, "expected %s once in [node], got "
		    "it again (first at line %d)", name, p->node_key_line[k]);
	p->node_key_line[k] = p->lineno;

	switch (k) {
	case NK_ID:
		if (!agency_id_valid(v))
			return cfgerr(p, p->lineno, "id: expected an agency id "
			    "CC-NAME (e.g. JP-METI), got '%s'", quote(q, v));
		snprintf(c->id, sizeof(c->id), "%s", v);
		return 0;
	case NK_LISTEN:
		return parse_hostport(p, name, v, c->listen_host,
		    &c->listen_port);
	case NK_DATA_DIR:
		return parse_path(p, name, v, c->data_dir);
	case NK_TLS_CERT:
		return parse_file(p, name, v, c->tls_cert);
	case NK_TLS_KEY:
		/* Private keys are named here, opened by config_open_keys. */
		c->tls_key_line = p->lineno;
		return parse_path(p, name, v, c->tls_key);
	case NK_SIGNING_KEY:
		c->signing_key_line = p->lineno;
		return parse_path(p, name, v, c->signing_key_path);
	case NK_SOCKET:
		return parse_path(p, name, v, c->socket);
	case NK_MAX_FRAME:
		if (parse_size(v, &n) != 0 || n < FRAME_BODY_MIN ||
		    n > FRAME_BODY_MAX)
			return cfgerr(p, p->lineno, "max_frame: expected bytes "
			    "%u..%u (K/M suffixes allowed), got '%s'",
			    FRAME_BODY_MIN, FRAME_BODY_MAX, quote(q, v));
		c->max_frame = (uint32_t)n;
		return 0;
	case NK_MAP_SIZE:
		/* Below 1 MiB is almost surely a forgotten unit suffix. */
		if (parse_size(v, &n) != 0 || n < 1024 * 1024)
			return cfgerr(p, p->lineno, "map_size: expected bytes "
			    "of at least 1M (K/M/G suffixes allowed), got '%s'",
			    quote(q, v));
		c->map_size = n;
		return 0;
	case NK_ATTEST_INTERVAL:
		/* Seconds between heads attestations; 0 turns them off. */
		if (!isdigit((unsigned char)v[0]) || parse_size(v, &n) != 0 ||
		    !isdigit((unsigned char)v[strlen(v) - 1]) || n > 86400)
			return cfgerr(p, p->lineno, "attest_interval: expected "
			    "seconds 0..86400, got '%s'", quote(q, v));
		c->attest_interval_ms = n * 1000;
		return 0;
	case NK_LOG_LEVEL:
		if (strcmp(v, "error") == 0)
			c->log_level = LOG_LEVEL_ERROR;
		else if (strcmp(v, "warn") == 0)
			c->log_level = LOG_LEVEL_WARN;
		else if (strcmp(v, "info") == 0)
			c->log_level = LOG_LEVEL_INFO;
		else if (strcmp(v, "debug") == 0)
			c->log_level = LOG_LEVEL_DEBUG;
		else
			return cfgerr(p, p->lineno, "log_level: expected "
			    "error, warn, info or debug, got '%s'",
			    quote(q, v));
		return 0;
	}
	LCN_ASSERT(!"unreachable");
	return LCN_ECONFIG;
}

static int
partner_key(struct parse *p, const char *name, const char *v)
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
		return cfgerr(p, p->lineno, "expected a key of [partner %s] "
		    "(address, ca, signing_pub, crl), got '%s'", cp->id,
		    quote(q, name));
	if (k != PK_SIGNING_PUB && ps->key_line[k] != 0)
		return cfgerr(p, p->lineno, "expected %s once in [partner %s], "
		    "got it again (first at line %d)", name, cp->id,
		    ps->key_line[k]);
	if (ps->key_line[k] == 0)
		ps->key_line[k] = p->lineno;

	switch (k) {
	case PK_ADDRESS:
		return parse_hostport(p, name, v, cp->host, &cp->port);
	case PK_CA:
		return parse_file(p, name, v, cp->ca);
	case PK_SIGNING_PUB:
		return add_signing_pub(p, a, v);
	case PK_CRL:
		return parse_file(p, name, v, cp->crl);
	}
	LCN_ASSERT(!"unreachable");
	return LCN_ECONFIG;
}

static int
member_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
group_key(struct parse *p, const char *name, const char *v)
{
	struct group_state	*gs = &p->gs[p->idx];
	struct trust_group	*g = &gs->g;
	char			 copy[INI_MAX_LINE], q[QUOTE_MAX];
	char			*tok, *save = NULL;
	void			*np;
	size_t			 i, n;

	if (strcmp(name, "members") != 0)
		return cfgerr(p, p->lineno, "expected a key of [group %s] "
		    "(members), got '%s'", g->name, quote(q, name));
	if (gs->members_line != 0)
		return cfgerr(p, p->lineno, "expected members once in "
		    "[group %s], got it again (first at line %d)", g->name,
		    gs->members_line);
	gs->members_line = p->lineno;

	snprintf(copy, sizeof(copy), "%s", v);
	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (!agency_id_valid(tok))
			return cfgerr(p, p->lineno, "members: expected agency "
			    "ids CC-NAME, got '%s'", quote(q, tok));
		if (g->nmembers >= PARTNERS_MAX + 1)
			return cfgerr(p, p->lineno, "members: expected at "
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
		return cfgerr(p, p->lineno, "members: expected agency ids, "
		    "got none");
	qsort(g->members, g->nmembers, sizeof(*g->members), member_cmp);
	return 0;
}

static int
handler(void *user, const char *section, const char *name, const char *v)
{
	struct parse	*p = user;
	char		 q[QUOTE_MAX];
	int		 r = LCN_ECONFIG;

	(void)section;	/* the reader tracks sections, with their lines */
	if (p->failed)
		return 0;
	switch (p->sec) {
	case SEC_NONE:
		r = cfgerr(p, p->lineno, "expected a [node], [partner ID] or "
		    "[group NAME] header before any key, got '%s'",
		    quote(q, name));
		break;
	case SEC_NODE:
		r = node_key(p, name, v);
		break;
	case SEC_PARTNER:
		r = partner_key(p, name, v);
		break;
	case SEC_GROUP:
		r = group_key(p, name, v);
		break;
	default:
		LCN_ASSERT(!"bad section");
	}
	if (r == LCN_ENOMEM)
		cfgerr(p, p->lineno, "out of memory");
	return r == 0;
}

static int
begin_partner(struct parse *p, const char *id)
{
	struct config		*c = p->c;
	struct trust_agency	*a;
	char			 q[QUOTE_MAX];
	size_t			 i, n;
	void			*np;

	if (!agency_id_valid(id))
		return cfgerr(p, p->lineno, "expected [partner CC-NAME] with "
		    "an agency id (e.g. US-BIS), got '%s'", quote(q, id));
	for (i = 0; i < c->npartners; i++)
		if (strcmp(c->partners[i].id, id) == 0)
			return cfgerr(p, p->lineno, "expected each partner "
			    "once, got [partner %s] again (first at line %d)",
			    id, c->partners[i].line);
	if (c->npartners >= PARTNERS_MAX)
		return cfgerr(p, p->lineno, "expected at most %d partners, "
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

static int
begin_group(struct parse *p, const char *name)
{
	struct group_state	*gs;
	char			 q[QUOTE_MAX];
	size_t			 i;

	if (strchr(name, '+') != NULL && group_name_valid(name))
		return cfgerr(p, p->lineno, "expected a group name without "
		    "'+' (bilateral groups A+B are made for every partner), "
		    "got '%s'", quote(q, name));
	if (!group_name_valid(name) || strchr(name, '+') != NULL)
		return cfgerr(p, p->lineno, "expected [group NAME] with a name "
		    "of A-Z a-z 0-9 _ - . (at most %d), got '%s'",
		    GROUP_NAME_MAX, quote(q, name));
	for (i = 0; i < p->ngs; i++)
		if (strcmp(p->gs[i].g.name, name) == 0)
			return cfgerr(p, p->lineno, "expected each group once, "
			    "got [group %s] again (first at line %d)", name,
			    p->gs[i].line);
	if (p->ngs >= GROUPS_MAX - PARTNERS_MAX)
		return cfgerr(p, p->lineno, "expected at most %d groups, got "
		    "more", GROUPS_MAX - PARTNERS_MAX);
	if ((gs = reallocarray(p->gs, p->ngs + 1, sizeof(*p->gs))) == NULL)
		return LCN_ENOMEM;
	p->gs = gs;
	gs = &p->gs[p->ngs];
	memset(gs, 0, sizeof(*gs));
	snprintf(gs->g.name, sizeof(gs->g.name), "%s", name);
	gs->line = p->lineno;
	p->sec = SEC_GROUP;
	p->idx = p->ngs++;
	return 0;
}

/*
 * A section header, "[" already seen at line[0]. libinih takes the text
 * up to the first ']' as the name and ignores what follows; we accept only
 * a comment there.
 */
static int
begin_section(struct parse *p, const char *line)
{
	const char	*end, *rest;
	char		 name[INI_MAX_LINE], q[QUOTE_MAX];
	char		*kind, *arg, *extra, *save = NULL;
	int		 r;

	if ((end = strchr(line, ']')) == NULL)
		return cfgerr(p, p->lineno, "expected '[section]', got '%s'",
		    quote(q, line));
	for (rest = end + 1; isspace((unsigned char)*rest); rest++)
		;
	if (*rest != '\0' && *rest != ';' && *rest != '#')
		return cfgerr(p, p->lineno, "expected nothing but a comment "
		    "after ']', got '%s'", quote(q, rest));
	snprintf(name, sizeof(name), "%.*s", (int)(end - line - 1), line + 1);
	kind = strtok_r(name, " \t", &save);
	arg = kind != NULL ? strtok_r(NULL, " \t", &save) : NULL;
	extra = arg != NULL ? strtok_r(NULL, " \t", &save) : NULL;

	if (kind != NULL && strcmp(kind, "node") == 0 && arg == NULL) {
		if (p->node_line != 0)
			return cfgerr(p, p->lineno, "expected one [node] "
			    "section, got another (first at line %d)",
			    p->node_line);
		p->node_line = p->lineno;
		p->sec = SEC_NODE;
		return 0;
	}
	if (kind != NULL && strcmp(kind, "partner") == 0 && arg != NULL &&
	    extra == NULL)
		r = begin_partner(p, arg);
	else if (kind != NULL && strcmp(kind, "group") == 0 && arg != NULL &&
	    extra == NULL)
		r = begin_group(p, arg);
	else {
		snprintf(name, sizeof(name), "%.*s", (int)(end - line + 1),
		    line);
		return cfgerr(p, p->lineno, "expected [node], [partner ID] or "
		    "[group NAME], got '%s'", quote(q, name));
	}
	if (r == LCN_ENOMEM)
		cfgerr(p, p->lineno, "out of memory");
	return r;
}

/* libinih's fgets-style reader over the file in memory (see the top). */
static char *
reader(char *str, int num, void *stream)
{
	struct parse	*p = stream;
	const char	*line, *nl;
	char		 q[QUOTE_MAX];
	size_t		 len, rest;

	if (p->failed || p->pos >= p->len)
		return NULL;
	line = p->buf + p->pos;
	rest = p->len - p->pos;
	if ((nl = memchr(line, '\n', rest)) != NULL)
		len = nl - line;
	else
		len = rest;
	p->pos += len + (nl != NULL);
	p->lineno++;

	if (memchr(line, '\0', len) != NULL) {
		cfgerr(p, p->lineno, "expected text, got a NUL byte");
		return NULL;
	}
	if (p->lineno == 1 && len >= 3 &&
	    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	while (len > 0 && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	/* Room for the newline and the NUL, as fgets would leave. */
	if (num < 2 || len > (size_t)num - 2) {
		snprintf(str, num > 0 ? (size_t)num : 1, "%.*s", (int)len,
		    line);
		cfgerr(p, p->lineno, "expected a line of at most %d bytes, "
		    "got %zu bytes: '%s'", num - 2, len, quote(q, str));
		return NULL;
	}
	memcpy(str, line, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	if (line[0] == '[') {
		str[len] = '\0';
		/* Strip the '\r' of a CRLF file before parsing the header. */
		while (len > 0 && isspace((unsigned char)str[len - 1]))
			str[--len] = '\0';
		if (begin_section(p, str) != 0)
			return NULL;
		str[len] = '\n';
		str[len + 1] = '\0';
	}
	return str;
}

static int
read_file(struct parse *p)
{
	struct stat	 st;
	FILE		*f;
	int		 r = LCN_ECONFIG;

	if ((f = fopen(p->path, "r")) == NULL)
		return cfgerr(p, 0, "expected a readable configuration file, "
		    "got %s", strerror(errno));
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		cfgerr(p, 0, "expected a regular file");
		goto out;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		cfgerr(p, 0, "expected at most %d bytes, got %lld",
		    CONFIG_FILE_MAX, (long long)st.st_size);
		goto out;
	}
	if ((p->buf = malloc((size_t)st.st_size + 1)) == NULL) {
		cfgerr(p, 0, "out of memory");
		goto out;
	}
	p->len = fread(p->buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		cfgerr(p, 0, "read error");
		goto out;
	}
	r = 0;
 out:
	fclose(f);
	return r;
}

/* The text of line n (1-based) of the file, for libinih's own errors. */
static void
line_text(const struct parse *p, int n, char *out, size_t outsz)
{
	const char	*s = p->buf, *e = p->buf + p->len, *nl;
	int		 i;

	for (i = 1; i < n && s < e; i++) {
		if ((nl = memchr(s, '\n', e - s)) == NULL)
			s = e;
		else
			s = nl + 1;
	}
	nl = memchr(s, '\n', e - s);
	log_escape(out, outsz, s, (nl != NULL ? nl : e) - s);
}

static int
check_required(struct parse *p)
{
	struct config	*c = p->c;
	size_t		 i, j;
	int		 k;

	if (p->node_line == 0)
		return cfgerr(p, 0, "expected a [node] section, got none");
	for (i = 0; i < sizeof(node_required) / sizeof(node_required[0]);
	    i++) {
		k = node_required[i];
		if (p->node_key_line[k] == 0)
			return cfgerr(p, p->node_line, "expected key '%s' in "
			    "[node], got none", node_keys[k]);
	}
	for (i = 0; i < c->npartners; i++) {
		if (p->ps[i].key_line[PK_CA] == 0)
			return cfgerr(p, c->partners[i].line, "expected key "
			    "'ca' in [partner %s], got none",
			    c->partners[i].id);
		if (p->ps[i].key_line[PK_SIGNING_PUB] == 0)
			return cfgerr(p, c->partners[i].line, "expected key "
			    "'signing_pub' in [partner %s], got none",
			    c->partners[i].id);
		if (strcmp(c->partners[i].id, c->id) == 0)
			return cfgerr(p, c->partners[i].line, "expected a "
			    "partner other than this node (id = %s), got "
			    "[partner %s]", c->id, c->partners[i].id);
	}
	for (i = 0; i < p->ngs; i++) {
		if (p->gs[i].members_line == 0)
			return cfgerr(p, p->gs[i].line, "expected key "
			    "'members' in [group %s], got none",
			    p->gs[i].g.name);
		for (j = 0; j < p->gs[i].g.nmembers; j++)
			if (strcmp(p->gs[i].g.members[j], c->id) != 0 &&
			    config_partner(c, p->gs[i].g.members[j]) == NULL)
				return cfgerr(p, p->gs[i].members_line,
				    "members: expected this node (%s) or "
				    "configured partners, got '%s'", c->id,
				    p->gs[i].g.members[j]);
	}
	return 0;
}

/* The trust directory: this node first, its groups, the pair groups. */
static int
build_trust(struct parse *p)
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

static int
finish(struct parse *p)
{
	struct config		*c = p->c;
	struct sockaddr_un	 sa;
	char			 q[QUOTE_MAX];
	int			 n, r;

	if ((r = check_required(p)) != 0)
		return r;
	if (p->node_key_line[NK_SOCKET] == 0) {
		n = snprintf(c->socket, sizeof(c->socket), "%s/lcnd.sock",
		    c->data_dir);
		if (n < 0 || (size_t)n >= sizeof(c->socket))
			return cfgerr(p, p->node_key_line[NK_DATA_DIR],
			    "data_dir: expected a shorter path, got '%s'",
			    quote(q, c->data_dir));
	}
	if (strlen(c->socket) >= sizeof(sa.sun_path))
		return cfgerr(p, p->node_key_line[NK_SOCKET] != 0 ?
		    p->node_key_line[NK_SOCKET] :
		    p->node_key_line[NK_DATA_DIR],
		    "socket: expected a unix socket path of at most %zu bytes "
		    "(set socket = to a shorter path), got %zu bytes",
		    sizeof(sa.sun_path) - 1, strlen(c->socket));
	if ((r = build_trust(p)) != 0)
		return cfgerr(p, 0, "building the trust directory: %s",
		    lcn_strerror(r));
	return 0;
}

int
config_load(const char *path, struct config *out, char *errbuf,
    size_t errbufsz)
{
	struct parse	 p;
	const char	*slash;
	char		 q[QUOTE_MAX * 2], dir[PATH_MAX];
	size_t		 i;
	int		 r, line;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	if (errbufsz > 0)
		errbuf[0] = '\0';
	p.path = path;
	p.errbuf = errbuf;
	p.errbufsz = errbufsz;
	p.c = out;
	out->max_frame = FRAME_BODY_DEFAULT;
	out->log_level = LOG_LEVEL_INFO;
	out->attest_interval_ms = ATTEST_INTERVAL_DEFAULT_MS;

	if (hash_init() != 0) {
		r = cfgerr(&p, 0, "cannot initialise SHA-256");
		goto out;
	}
	if (snprintf(out->path, sizeof(out->path), "%s", path) >=
	    (int)sizeof(out->path)) {
		r = cfgerr(&p, 0, "expected a shorter path");
		goto out;
	}
	/*
	 * Relative paths in the file start at its directory, made absolute
	 * so that they still hold if lcnd changes directory and reloads.
	 */
	if ((slash = strrchr(path, '/')) != NULL)
		snprintf(dir, sizeof(dir), "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");
	if (realpath(dir, p.dir) == NULL)
		snprintf(p.dir, sizeof(p.dir), "%s", dir);
	if ((r = read_file(&p)) != 0)
		goto out;
	/* agencies[0] is this node's, with its key once the key is opened. */
	if ((out->trust.agencies = calloc(1, sizeof(*out->trust.agencies))) ==
	    NULL) {
		r = cfgerr(&p, 0, "out of memory");
		goto out;
	}
	out->trust.nagencies = 1;

	line = ini_parse_stream(reader, &p, handler, &p);
	if (!p.failed && line != 0) {
		if (line > 0) {
			line_text(&p, line, q, sizeof(q));
			cfgerr(&p, line, "expected 'key = value', '[section]' "
			    "or a comment, got '%s'", q);
		} else
			cfgerr(&p, 0, "libinih failed (%d)", line);
	}
	r = p.failed ? LCN_ECONFIG : finish(&p);
 out:
	for (i = 0; i < p.ngs; i++)
		free(p.gs[i].g.members);
	free(p.gs);
	free(p.ps);
	free(p.buf);
	if (r != 0) {
		config_free(out);
		r = LCN_ECONFIG;
	}
	return r;
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	sig_key_free(c->signing_key);
	free(c->partners);
	trust_free(&c->trust);
	memset(c, 0, sizeof(*c));
}

const struct config_partner *
config_partner(const struct config *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->npartners; i++)
		if (strcmp(c->partners[i].id, id) == 0)
			return &c->partners[i];
	return NULL;
}
