/*
 * Logging: one line per event, "time level component message key=value...",
 * to stderr, where journald picks it up. Never secrets, never payloads.
 * A line never holds a control character: any in the message (from text
 * a partner sent, say) is written as \xNN, so no caller can break a line
 * or forge one. Text from outside is also quoted with log_escape().
 */
#ifndef LCN_LOG_H
#define LCN_LOG_H

#include <stddef.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG };

void	log_set_level(enum log_level);

void	log_error(const char *comp, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_warnx(const char *comp, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_info(const char *comp, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_debug(const char *comp, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Like log_warnx, then drains the OpenSSL error queue into the line. */
void	log_crypto(const char *comp, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Copies untrusted text into dst (size dstsz) with non-printable bytes,
 * quotes and backslashes escaped and the result truncated, so it can be
 * quoted in a log line. Returns dst.
 */
char	*log_escape(char *dst, size_t dstsz, const char *src, size_t srclen);

#endif
