/*
 * The text of each LCN_E* error code, for lcn_strerror().
 */
#include "lcn_err.h"

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
	"ledger map full",
};

const char *
lcn_strerror(int err)
{
	if (err > 0 || err < LCN_ERR_MIN)
		return "unknown error";
	return texts[-err];
}
