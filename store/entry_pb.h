/*
 * The protobuf-c helpers the two codecs share: entry.c (the ledger record)
 * and node/wire.c (the Frame). Only those two files include this header,
 * so the generated structs go no further.
 */
#ifndef LCN_ENTRY_PB_H
#define LCN_ENTRY_PB_H

#include <stddef.h>

#include "lcn.pb-c.h"

#include "entry.h"

/*
 * Copies an agency id (is_group 0) or group name (1) into dst after
 * checking its syntax and that it fits. 0 or LCN_EPROTO.
 */
int	entry_copy_id(char *dst, size_t dstsz, const char *src, int is_group);
/*
 * The generated Head structs for h[0..n-1] and the pointer vector to
 * them, in one allocation the caller frees with free(). Strings and
 * hashes are borrowed from h. NULL when out of memory.
 */
Lcn__Head **entry_heads_to_pb(const struct head *h, size_t n);

#endif
