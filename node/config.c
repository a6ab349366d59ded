/*
 * Reading the configuration file with libinih (config.h): the file, its
 * lines and section headers, the [node] section, and the checks once the
 * whole file is read. Values are checked in config_value.c, partners and
 * groups in config_trust.c (config_parse.h), private keys opened in
 * config_keys.c.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "config_parse.h"
#include "hash.h"
#include "lcn_err.h"
#include "keyfile.h"
#include "lcn_limits.h"
#include "log.h"
#include "sig.h"
#include "tls.h"
#include "trust.h"
#include "util.h"

#define CONFIG_FILE_MAX	(1024 * 1024)	/* bytes of a config file */

static const char *const node_keys[NK_COUNT] = {
	"id", "listen", "data_dir", "tls_cert", "tls_key", "signing_key",
	"socket", "max_frame", "map_size", "log_level", "attest_interval",
	"crl_warn_days", "disk_warn_mb", "dial_in_wait", "holidays",
};

static const int node_required[] = {
	NK_ID, NK_LISTEN, NK_DATA_DIR, NK_TLS_CERT, NK_TLS_KEY, NK_SIGNING_KEY,
};

/* "FILE:LINE: ..." once: the first error is the one reported. */
int
config_err(struct parse *p, int line, const char *fmt, ...)
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
const char *
config_quote(char dst[QUOTE_MAX], const char *s)
{
	return log_escape(dst, QUOTE_MAX, s, strlen(s));
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
		return config_err(p, p->lineno, "expected a key of [node] (id, "
		    "listen, data_dir, tls_cert, tls_key, signing_key, "
		    "socket, max_frame, map_size, log_level, attest_interval, "
		    "crl_warn_days, disk_warn_mb, dial_in_wait, holidays), "
		    "got '%s'",
		    config_quote(q, name));
	if (p->node_key_line[k] != 0)
		return config_err(p, p->lineno, "expected %s once in [node], "
		    "got it again (first at line %d)", name,
		    p->node_key_line[k]);
	p->node_key_line[k] = p->lineno;

	switch (k) {
	case NK_ID:
		if (!agency_id_valid(v))
			return config_err(p, p->lineno, "id: expected an "
			    "agency id CC-NAME (e.g. JP-METI), got '%s'",
			    config_quote(q, v));
		snprintf(c->id, sizeof(c->id), "%s", v);
		return 0;
	case NK_LISTEN:
		return config_hostport(p, name, v, c->listen_host,
		    &c->listen_port);
	case NK_DATA_DIR:
		return config_path(p, name, v, c->data_dir);
	case NK_TLS_CERT:
		return config_file(p, name, v, c->tls_cert);
	case NK_TLS_KEY:
		/* Private keys are named here, opened by config_open_keys. */
		c->tls_key_line = p->lineno;
		return config_path(p, name, v, c->tls_key);
	case NK_SIGNING_KEY:
		c->signing_key_line = p->lineno;
		return config_path(p, name, v, c->signing_key_path);
	case NK_SOCKET:
		return config_path(p, name, v, c->socket);
	case NK_MAX_FRAME:
		if (config_size(v, &n) != 0 || n < FRAME_BODY_MIN ||
		    n > FRAME_BODY_MAX)
			return config_err(p, p->lineno, "max_frame: expected "
			    "bytes %u..%u (K/M suffixes allowed), got '%s'",
			    FRAME_BODY_MIN, FRAME_BODY_MAX, config_quote(q, v));
		c->max_frame = (uint32_t)n;
		return 0;
	case NK_MAP_SIZE:
		/* Below 1 MiB is almost surely a forgotten unit suffix. */
		if (config_size(v, &n) != 0 || n < 1024 * 1024)
			return config_err(p, p->lineno, "map_size: expected "
			    "bytes of at least 1M (K/M/G suffixes allowed), "
			    "got '%s'", config_quote(q, v));
		c->map_size = n;
		return 0;
	case NK_ATTEST_INTERVAL:
		/* Seconds between heads attestations; 0 turns them off. */
		if (!isdigit((unsigned char)v[0]) || config_size(v, &n) != 0 ||
		    !isdigit((unsigned char)v[strlen(v) - 1]) || n > 86400)
			return config_err(p, p->lineno, "attest_interval: "
			    "expected seconds 0..86400, got '%s'",
			    config_quote(q, v));
		c->attest_interval_ms = n * 1000;
		return 0;
	case NK_CRL_WARN_DAYS:
		/* Days before a partner CRL's nextUpdate to start warning. */
		if (!isdigit((unsigned char)v[0]) || config_size(v, &n) != 0 ||
		    !isdigit((unsigned char)v[strlen(v) - 1]) ||
		    n > CRL_WARN_DAYS_MAX)
			return config_err(p, p->lineno, "crl_warn_days: "
			    "expected days 0..%d, got '%s'", CRL_WARN_DAYS_MAX,
			    config_quote(q, v));
		c->crl_warn_days = (int)n;
		return 0;
	case NK_DIAL_IN_WAIT:
		/*
		 * Seconds after start during which publishing waits for the
		 * Hello of a partner that only dials in (the self-fork guard).
		 */
		if (!isdigit((unsigned char)v[0]) || config_size(v, &n) != 0 ||
		    !isdigit((unsigned char)v[strlen(v) - 1]) || n > 3600)
			return config_err(p, p->lineno, "dial_in_wait: "
			    "expected seconds 0..3600, got '%s'",
			    config_quote(q, v));
		c->dial_in_wait_ms = n * 1000;
		return 0;
	case NK_DISK_WARN_MB:
		/*
		 * MiB free on data_dir's file system below which lcn status
		 * warns: a full disk stops every write (0: no warning).
		 */
		if (!isdigit((unsigned char)v[0]) || config_size(v, &n) != 0 ||
		    !isdigit((unsigned char)v[strlen(v) - 1]) ||
		    n > DISK_WARN_MB_MAX)
			return config_err(p, p->lineno, "disk_warn_mb: "
			    "expected MiB 0..%d, got '%s'", DISK_WARN_MB_MAX,
			    config_quote(q, v));
		c->disk_warn_mb = n;
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
			return config_err(p, p->lineno, "log_level: expected "
			    "error, warn, info or debug, got '%s'",
			    config_quote(q, v));
		return 0;
	case NK_HOLIDAYS:
		/* This agency's working days, for the deadlines it is given. */
		return config_consult_holidays(p, v, c->holidays,
		    &c->calendar);
	}
	LCN_ASSERT(!"unreachable");
	return LCN_ECONFIG;
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
		r = config_err(p, p->lineno, "expected a [node], [partner ID] "
		    "or [group NAME] header before any key, got '%s'",
		    config_quote(q, name));
		break;
	case SEC_NODE:
		r = node_key(p, name, v);
		break;
	case SEC_PARTNER:
		r = config_partner_key(p, name, v);
		break;
	case SEC_GROUP:
		r = config_group_key(p, name, v);
		break;
	case SEC_ACCESS:
		r = config_access_key(p, name, v);
		break;
	default:
		LCN_ASSERT(!"bad section");
	}
	if (r == LCN_ENOMEM)
		config_err(p, p->lineno, "out of memory");
	return r == 0;
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
		return config_err(p, p->lineno, "expected '[section]', got "
		    "'%s'", config_quote(q, line));
	for (rest = end + 1; isspace((unsigned char)*rest); rest++)
		;
	if (*rest != '\0' && *rest != ';' && *rest != '#')
		return config_err(p, p->lineno, "expected nothing but a "
		    "comment after ']', got '%s'", config_quote(q, rest));
	snprintf(name, sizeof(name), "%.*s", (int)(end - line - 1), line + 1);
	kind = strtok_r(name, " \t", &save);
	arg = kind != NULL ? strtok_r(NULL, " \t", &save) : NULL;
	extra = arg != NULL ? strtok_r(NULL, " \t", &save) : NULL;

	if (kind != NULL && strcmp(kind, "node") == 0 && arg == NULL) {
		if (p->node_line != 0)
			return config_err(p, p->lineno, "expected one [node] "
			    "section, got another (first at line %d)",
			    p->node_line);
		p->node_line = p->lineno;
		p->sec = SEC_NODE;
		return 0;
	}
	if (kind != NULL && strcmp(kind, "access") == 0 && arg == NULL)
		r = config_access_begin(p);
	else if (kind != NULL && strcmp(kind, "partner") == 0 &&
	    arg != NULL && extra == NULL)
		r = config_partner_begin(p, arg);
	else if (kind != NULL && strcmp(kind, "group") == 0 && arg != NULL &&
	    extra == NULL)
		r = config_group_begin(p, arg);
	else {
		snprintf(name, sizeof(name), "%.*s", (int)(end - line + 1),
		    line);
		return config_err(p, p->lineno, "expected [node], [partner ID] "
		    "or [group NAME], got '%s'", config_quote(q, name));
	}
	if (r == LCN_ENOMEM)
		config_err(p, p->lineno, "out of memory");
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
		config_err(p, p->lineno, "expected text, got a NUL byte");
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
		config_err(p, p->lineno, "expected a line of at most %d bytes, "
		    "got %zu bytes: '%s'", num - 2, len, config_quote(q, str));
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
		return config_err(p, 0, "expected a readable configuration "
		    "file, got %s", strerror(errno));
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode)) {
		config_err(p, 0, "expected a regular file");
		goto out;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		config_err(p, 0, "expected at most %d bytes, got %lld",
		    CONFIG_FILE_MAX, (long long)st.st_size);
		goto out;
	}
	if ((p->buf = malloc((size_t)st.st_size + 1)) == NULL) {
		config_err(p, 0, "out of memory");
		goto out;
	}
	p->len = fread(p->buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		config_err(p, 0, "read error");
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
	size_t	i;
	int	k;

	if (p->node_line == 0)
		return config_err(p, 0, "expected a [node] section, got none");
	for (i = 0; i < sizeof(node_required) / sizeof(node_required[0]);
	    i++) {
		k = node_required[i];
		if (p->node_key_line[k] == 0)
			return config_err(p, p->node_line, "expected key '%s' "
			    "in [node], got none", node_keys[k]);
	}
	return config_trust_check(p);
}

/*
 * This node's certificate names this node: partners would refuse it
 * anyway (its SAN must name the partner they configured), so say so here
 * rather than at every handshake.
 */
static int
check_own_cert(struct parse *p)
{
	struct config	*c = p->c;
	char		 id[AGENCY_ID_MAX + 1], why[256], q[QUOTE_MAX];
	int		 line = p->node_key_line[NK_TLS_CERT];

	if (p->client)
		return 0;
	if (tls_cert_agency(c->tls_cert, id, why, sizeof(why)) != 0)
		return config_err(p, line, "tls_cert: expected a PEM "
		    "certificate naming this node (urn:lcn:agency:%s) in "
		    "'%s', got: %s", c->id, config_quote(q, c->tls_cert), why);
	if (strcmp(id, c->id) != 0)
		return config_err(p, line, "tls_cert: expected a certificate "
		    "whose SAN names this node (urn:lcn:agency:%s, id at line "
		    "%d), got one naming %s", c->id, p->node_key_line[NK_ID],
		    id);
	return 0;
}

static int
finish(struct parse *p)
{
	struct config		*c = p->c;
	struct sockaddr_un	 sa;
	char			 q[QUOTE_MAX];
	int			 n, r;

	if ((r = check_required(p)) != 0 || (r = check_own_cert(p)) != 0 ||
	    (r = config_consult_check(p)) != 0)
		return r;
	if (p->node_key_line[NK_SOCKET] == 0) {
		n = snprintf(c->socket, sizeof(c->socket), "%s/lcnd.sock",
		    c->data_dir);
		if (n < 0 || (size_t)n >= sizeof(c->socket))
			return config_err(p, p->node_key_line[NK_DATA_DIR],
			    "data_dir: expected a shorter path, got '%s'",
			    config_quote(q, c->data_dir));
	}
	if (strlen(c->socket) >= sizeof(sa.sun_path))
		return config_err(p, p->node_key_line[NK_SOCKET] != 0 ?
		    p->node_key_line[NK_SOCKET] :
		    p->node_key_line[NK_DATA_DIR],
		    "socket: expected a unix socket path of at most %zu bytes "
		    "(set socket = to a shorter path), got %zu bytes",
		    sizeof(sa.sun_path) - 1, strlen(c->socket));
	if ((r = config_trust_build(p)) != 0)
		return config_err(p, 0, "building the trust directory: %s",
		    lcn_strerror(r));
	return 0;
}

static int
load(const char *path, struct config *out, char *errbuf, size_t errbufsz,
    int client)
{
	struct parse	 p;
	const char	*slash;
	char		 q[QUOTE_MAX * 2], dir[PATH_MAX];
	int		 r, line;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	if (errbufsz > 0)
		errbuf[0] = '\0';
	p.path = path;
	p.errbuf = errbuf;
	p.errbufsz = errbufsz;
	p.c = out;
	p.client = client;
	out->max_frame = FRAME_BODY_DEFAULT;
	out->log_level = LOG_LEVEL_INFO;
	out->attest_interval_ms = ATTEST_INTERVAL_DEFAULT_MS;
	out->crl_warn_days = CRL_WARN_DAYS_DEFAULT;
	out->disk_warn_mb = DISK_WARN_MB_DEFAULT;
	out->dial_in_wait_ms = DIAL_IN_WAIT_DEFAULT_MS;

	if (!client && hash_init() != 0) {
		r = config_err(&p, 0, "cannot initialise SHA-256");
		goto out;
	}
	if (snprintf(out->path, sizeof(out->path), "%s", path) >=
	    (int)sizeof(out->path)) {
		r = config_err(&p, 0, "expected a shorter path");
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
		r = config_err(&p, 0, "out of memory");
		goto out;
	}
	out->trust.nagencies = 1;

	line = ini_parse_stream(reader, &p, handler, &p);
	if (!p.failed && line != 0) {
		if (line > 0) {
			line_text(&p, line, q, sizeof(q));
			config_err(&p, line, "expected 'key = value', "
			    "'[section]' or a comment, got '%s'", q);
		} else
			config_err(&p, 0, "libinih failed (%d)", line);
	}
	r = p.failed ? LCN_ECONFIG : finish(&p);
 out:
	config_trust_parse_free(&p);
	free(p.buf);
	if (r != 0) {
		config_free(out);
		r = LCN_ECONFIG;
	}
	return r;
}

int
config_load(const char *path, struct config *out, char *errbuf,
    size_t errbufsz)
{
	return load(path, out, errbuf, errbufsz, 0);
}

int
config_load_client(const char *path, struct config *out, char *errbuf,
    size_t errbufsz)
{
	return load(path, out, errbuf, errbufsz, 1);
}

void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	sig_key_free(c->signing_key);
	keyfile_free(c->tls_key_pem, c->tls_key_pem_len);
	for (i = 0; i < c->npartners; i++)
		calendar_free(&c->partners[i].calendar);
	calendar_free(&c->calendar);
	free(c->profiles);
	free(c->partners);
	trust_free(&c->trust);
	config_access_free(&c->access);
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
