/*
 * Test fixture shared by the list reader tests (test_lists.c,
 * test_list_formats.c): a callback that records what list_read() hands
 * out and runs per-record checks, and a temporary directory for the trap
 * files written inline.
 */
#ifndef LCN_TEST_LISTS_FX_H
#define LCN_TEST_LISTS_FX_H

#include <stddef.h>
#include <stdint.h>

#include "lists.h"
#include "test_tmpdir.h"

#define DATA LCN_SOURCE_DIR "/tests/data/"

/* A record to look for, and the checks to run on it. */
struct want {
	const char	*ref;		/* or NULL to match by name */
	const char	*name;
	void		(*check)(const struct list_party *);
	int		 found;
};

struct seen {
	struct want	*want;
	size_t		 nwant;
	size_t		 parties;
	size_t		 kinds[5];
	size_t		 aliases;
	size_t		 weak;
	size_t		 fka;
	size_t		 local;
	size_t		 idents;
	size_t		 bad_calls;
	unsigned long	 bad_line;
	char		 bad_reason[128];
	size_t		 progress_calls;
	uint64_t	 last_done, last_total;
	char		**refs;		/* every ref, to count repeats */
	int		 stop_after;	/* return 99 after this many, if > 0 */
};

/* Three OFAC records with the CSV traps: "-0- ", CRLF, quotes, DOS EOF. */
static const char sdn3[] =
    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- \r\n"
    "173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- ,-0- \r\n"
    "306,\"BANCO \"\"NACIONAL\"\" DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n"
    "\x1a";

/* The group's directory; put() writes into it. */
extern char	fx_tmpdir[TEST_TMPDIR_MAX];

/* The group setup and teardown: make and remove fx_tmpdir. */
int	 fx_setup(void **state);
int	 fx_teardown(void **state);

/* The party callback read_list() uses; arg is a struct seen. */
int	 on_party(const struct list_party *p, void *arg);
/*
 * list_read() with callbacks that fill s: counts, the first bad row, the
 * progress seen; each record that s->want names is checked and counted.
 */
int	 read_list(enum list_format fmt, const char *path, struct seen *s,
	    struct list_stats *st, char *err, size_t errsz);
/* Refs seen (s->refs) repeat exactly ndup times; frees them. */
void	 assert_refs_unique(struct seen *s, size_t ndup);
/* Each wanted record was seen exactly once. */
void	 assert_all_found(const struct seen *s);

/* Write name in fx_tmpdir; returns its path in one of 4 static buffers. */
const char *put(const char *name, const void *data, size_t len);
const char *puts_(const char *name, const char *text);
/* Remove name from fx_tmpdir, if there. */
void	 rm(const char *name);

#endif
