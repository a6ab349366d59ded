/*
 * The text of each LCN_E* error code, for lcn_strerror(), and the note
 * that replaces LCN_EFULL's.
 */
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include "lcn_err.h"

#define NOTE_MAX	256

/*
 * The store notes on the thread that writes LMDB; anyone may read it, so
 * readers copy it out under the lock into a buffer of their own thread.
 */
static pthread_mutex_t		 note_lock = PTHREAD_MUTEX_INITIALIZER;
static char			 full_note[NOTE_MAX];
static _Thread_local char	 full_text[NOTE_MAX];

static const char *const texts[] = {
	"success",
	"need more input",
	"malformed or over-limit input",
	"out of memory",
	"invalid argument",
	"bad signature",
	"unknown or expired signing key",
	"not a member of the group",
	"unknown group",
	"unknown origin",
	"sequence gap",
	"hash chain mismatch",
	"Merkle root mismatch",
	"equivocation (fork)",
	"feed frozen after a fork",
	"entry already held",
	"ledger storage failure",
	"not found",
	"I/O failure",
	"cryptographic library failure",
	"TLS or peer identity failure",
	"configuration error",
	"a peer holds newer entries of this feed; catching up first",
	"ledger storage full",
};

const char *
lcn_strerror(int err)
{
	if (err > 0 || err < LCN_ERR_MIN)
		return "unknown error";
	if (err == LCN_EFULL) {
		pthread_mutex_lock(&note_lock);
		memcpy(full_text, full_note, sizeof(full_text));
		pthread_mutex_unlock(&note_lock);
		if (full_text[0] != '\0')
			return full_text;
	}
	return texts[-err];
}

void
lcn_err_note(int err, const char *fmt, ...)
{
	va_list	ap;

	if (err != LCN_EFULL)
		return;
	pthread_mutex_lock(&note_lock);
	va_start(ap, fmt);
	vsnprintf(full_note, sizeof(full_note), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&note_lock);
}
