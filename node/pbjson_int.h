/*
 * What the files of the JSON codec share (pbjson.h): the encoder's state,
 * with its arena and the field path it is at; the error messages, which
 * name that path (pbjson_error.c); and the size of one element of a
 * repeated field, which the encoder (pbjson.c) and the decoder
 * (pbjson_decode.c) both need. Internal: nothing else includes it, and
 * like those files it is one of the two users of lcn.pb-c.h in node/.
 */
#ifndef LCN_PBJSON_INT_H
#define LCN_PBJSON_INT_H

#include <stdalign.h>
#include <stddef.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "arena.h"

#define ARENA_INLINE	4096	/* a ~600-byte notice needs about 1.5 KiB */
#define PATH_MAX_LEN	256	/* of an error's field path; longer is cut */
#define QUOTE_MAX	64	/* bytes of untrusted text quoted in errors */

/* One encode: heap-allocated, as it is too large for a loop's stack. */
struct enc {
	struct arena	 arena;		/* first block: inl */
	alignas(max_align_t) unsigned char inl[ARENA_INLINE];
	char		 path[PATH_MAX_LEN];	/* "parties[0].name" */
	size_t		 pathlen;
	char		*errbuf;
	size_t		 errbufsz;
};

/*
 * Appends a path component: ".name" (or "name" with sep '\0'), or "[idx]"
 * when name is NULL. Returns the old length, for pbjson_path_pop().
 */
size_t	pbjson_path_push(struct enc *, char sep, const char *name,
	    size_t idx);
void	pbjson_path_pop(struct enc *, size_t old);
/* "path: message" into the caller's errbuf. Returns LCN_EINVAL. */
int	pbjson_fail(struct enc *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* "path: expected <expected>, got <what v is>". Returns LCN_EINVAL. */
int	pbjson_fail_type(struct enc *, const char *expected, const json_t *v);
/*
 * Untrusted text for a message, quoted, escaped and cut at QUOTE_MAX
 * bytes; out needs 8 + 4 * QUOTE_MAX bytes.
 */
void	pbjson_quote(const char *s, char *out, size_t outsz);
/* What v is, for "expected ..., got ...": "an object", a quoted string. */
void	pbjson_describe(const json_t *v, char *out, size_t outsz);

/* Bytes of one element of a repeated field of type t; 0 if unknown. */
size_t	pbjson_elem_size(ProtobufCType t);

#endif
