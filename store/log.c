/*
 * Logging (log.h): one line per event to stderr, with untrusted text
 * escaped so that nothing a caller passes in can break a line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>

#include "log.h"

static enum log_level	 level = LOG_LEVEL_INFO;

/*
 * Copies src into dst (size dstsz, > 0) with every control character
 * (a newline above all) written as \xNN, truncating: whatever text a
 * caller passed in, the event stays one line, and a partner's text cannot
 * start a line of its own that would look like the node's. Other bytes,
 * UTF-8 included, are kept.
 */
static void
one_line(char *dst, size_t dstsz, const char *src)
{
	size_t		o = 0;
	unsigned char	c;

	for (; *src != '\0' && o + 1 < dstsz; src++) {
		c = (unsigned char)*src;
		if (c >= 0x20 && c != 0x7f) {
			dst[o++] = (char)c;
			continue;
		}
		if (o + 5 > dstsz)
			break;
		o += (size_t)snprintf(dst + o, dstsz - o, "\\x%02x", c);
	}
	dst[o] = '\0';
}

void
log_set_level(enum log_level l)
{
	level = l;
}

static void
vlog(enum log_level l, const char *comp, const char *fmt, va_list ap,
    int drain_openssl)
{
	static const char *const names[] = { "error", "warn", "info",
	    "debug" };
	char		 ts[40], msg[2048], line[2048];
	struct timespec	 now;
	struct tm	 tm;
	unsigned long	 e;
	size_t		 off;

	if (l > level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (drain_openssl) {
		while ((e = ERR_get_error()) != 0) {
			off = strlen(msg);
			if (off + 2 >= sizeof(msg))
				continue;
			msg[off++] = ' ';
			ERR_error_string_n(e, msg + off, sizeof(msg) - off);
		}
	}
	one_line(line, sizeof(line), msg);
	fprintf(stderr, "%s.%03ldZ %s %s %s\n", ts, now.tv_nsec / 1000000,
	    names[l], comp, line);
}

#define DEFINE_LOG(name, lvl, drain)					\
void									\
name(const char *comp, const char *fmt, ...)				\
{									\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	vlog(lvl, comp, fmt, ap, drain);				\
	va_end(ap);							\
}

DEFINE_LOG(log_error, LOG_LEVEL_ERROR, 0)
DEFINE_LOG(log_warnx, LOG_LEVEL_WARN, 0)
DEFINE_LOG(log_info, LOG_LEVEL_INFO, 0)
DEFINE_LOG(log_debug, LOG_LEVEL_DEBUG, 0)
DEFINE_LOG(log_crypto, LOG_LEVEL_WARN, 1)

char *
log_escape(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	size_t		 i, o = 0;
	unsigned char	 c;

	if (dstsz == 0)
		return dst;
	for (i = 0; i < srclen && o + 5 < dstsz; i++) {
		c = (unsigned char)src[i];
		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = c;
		} else if (c < 0x20 || c >= 0x7f) {
			o += snprintf(dst + o, dstsz - o, "\\x%02x", c);
		} else
			dst[o++] = c;
	}
	if (i < srclen && o + 4 <= dstsz) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}
