/*
 * libFuzzer harness for config_load, the parser of lcnd.conf. The input is
 * the file's text; every "$D" in it becomes a directory made once at start
 * with certs/make-agency (JP-METI, US-BIS and DE-BAFA in jp/, us/ and de/,
 * as tests/unit/test_config.c lays them out), so inputs can name real
 * certificates and keys and reach the checks after the files are opened.
 * A refused file must give LCN_ECONFIG with a message that starts with the
 * file's path, and leave the struct zeroed with nothing to free.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lcn_err.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	dir[64];	/* the agencies; "$D" in the input */
static char	conf[128];	/* dir/lcnd.conf, rewritten for each input */

static void
cleanup(void)
{
	char	cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_config: cannot remove %s\n", dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	cmd[2048];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/lcn-fuzz-config-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	atexit(cleanup);
	snprintf(conf, sizeof(conf), "%s/lcnd.conf", dir);
	snprintf(cmd, sizeof(cmd),
	    "%s/certs/make-agency JP-METI %s/jp >/dev/null 2>&1 && "
	    "%s/certs/make-agency US-BIS %s/us >/dev/null 2>&1 && "
	    "%s/certs/make-agency DE-BAFA %s/de >/dev/null 2>&1",
	    LCN_SOURCE_DIR, dir, LCN_SOURCE_DIR, dir, LCN_SOURCE_DIR, dir);
	CHECK(system(cmd) == 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct config	 zero;
	struct config			 c;
	FILE				*f;
	size_t				 i;
	char				 err[2048];
	int				 rc;

	CHECK((f = fopen(conf, "w")) != NULL);
	for (i = 0; i < size; i++) {
		if (data[i] == '$' && i + 1 < size && data[i + 1] == 'D') {
			fputs(dir, f);
			i++;
		} else
			fputc(data[i], f);
	}
	CHECK(fclose(f) == 0);

	rc = config_load(conf, &c, err, sizeof(err));
	if (rc != 0) {
		CHECK(rc == LCN_ECONFIG || rc == LCN_ENOMEM);
		CHECK(memcmp(&c, &zero, sizeof(c)) == 0);
		CHECK(rc != LCN_ECONFIG ||
		    strncmp(err, conf, strlen(conf)) == 0);
	} else {
		CHECK(c.id[0] != '\0' && c.data_dir[0] != '\0');
		CHECK(c.trust.nagencies >= 1);
	}
	config_free(&c);
	return 0;
}
