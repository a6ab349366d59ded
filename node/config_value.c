/*
 * Single values of the configuration file (config_parse.h): addresses,
 * paths relative to the file, files that must be readable, and sizes with
 * a unit suffix. Each names the key and what it got when it refuses.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_parse.h"
#include "lcn_err.h"

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
int
config_hostport(struct parse *p, const char *key, const char *v,
    char host[CONFIG_ADDR_MAX], uint16_t *port)
{
	const char	*h, *ps;
	char		 q[QUOTE_MAX], *end;
	size_t		 hlen;
	unsigned long	 n;

	if (!split_hostport(v, &h, &hlen, &ps))
		return config_err(p, p->lineno, "%s: expected host:port or "
		    "[v6]:port, got '%s'", key, config_quote(q, v));
	n = 0;
	if (isdigit((unsigned char)ps[0])) {
		errno = 0;
		n = strtoul(ps, &end, 10);
		if (errno != 0 || *end != '\0')
			n = 0;
	}
	if (n < 1 || n > 65535)
		return config_err(p, p->lineno, "%s: expected a port 1..65535, "
		    "got '%s'", key, config_quote(q, ps));
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)n;
	return 0;
}

/* Resolves v against the config file's directory into out[PATH_MAX]. */
int
config_path(struct parse *p, const char *key, const char *v,
    char out[PATH_MAX])
{
	char	q[QUOTE_MAX];
	int	n;

	if (v[0] == '\0')
		return config_err(p, p->lineno, "%s: expected a path, got ''",
		    key);
	if (v[0] == '/' || p->dir[0] == '\0')
		n = snprintf(out, PATH_MAX, "%s", v);
	else if (strcmp(p->dir, "/") == 0)
		n = snprintf(out, PATH_MAX, "/%s", v);
	else
		n = snprintf(out, PATH_MAX, "%s/%s", p->dir, v);
	if (n < 0 || n >= PATH_MAX)
		return config_err(p, p->lineno, "%s: expected a path shorter "
		    "than %d bytes, got '%s'", key, PATH_MAX, config_quote(q,
		    v));
	return 0;
}

/* A path to a regular file this process can read. */
int
config_file(struct parse *p, const char *key, const char *v,
    char out[PATH_MAX])
{
	struct stat	 st;
	char		 q[QUOTE_MAX];
	int		 fd, r;

	if ((r = config_path(p, key, v, out)) != 0)
		return r;
	if ((fd = open(out, O_RDONLY)) == -1)
		return config_err(p, p->lineno, "%s: expected a readable file, "
		    "got '%s': %s", key, config_quote(q, out), strerror(errno));
	r = fstat(fd, &st);
	close(fd);
	if (r == -1 || !S_ISREG(st.st_mode))
		return config_err(p, p->lineno, "%s: expected a regular file, "
		    "got '%s'", key, config_quote(q, out));
	return 0;
}

/* Bytes with an optional K, M or G suffix (powers of 1024). */
int
config_size(const char *v, uint64_t *out)
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
