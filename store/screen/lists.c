/*
 * The entry to the list readers (lists.h): format names, and list_read(),
 * which sets up the reading context and hands the file to its format's
 * reader. The readers are list_ofac.c, list_dpl.c, list_csl.c,
 * list_lite.c and list_un.c; what they share is in list_build.c, the CSV
 * reader in csv.c and the country table in country.c.
 */
#include <string.h>
#include <strings.h>

#include "lcn_err.h"
#include "list_build.h"
#include "lists.h"

static const struct {
	const char		*name;
	enum list_format	 fmt;
} formats[] = {
	{ "ofac-sdn", LIST_OFAC_SDN },
	{ "un-xml", LIST_UN_XML },
	{ "bis-dpl", LIST_BIS_DPL },
	{ "csl", LIST_CSL },
	{ "lite-denials", LIST_LITE_DENIALS },
	{ "ofac", LIST_OFAC_SDN },
	{ "sdn", LIST_OFAC_SDN },
	{ "un", LIST_UN_XML },
	{ "dpl", LIST_BIS_DPL },
	{ "lite", LIST_LITE_DENIALS },
};

int
list_format_parse(const char *name, enum list_format *fmt)
{
	size_t i;

	if (name == NULL || fmt == NULL)
		return LCN_EINVAL;
	for (i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		if (strcasecmp(name, formats[i].name) == 0) {
			*fmt = formats[i].fmt;
			return 0;
		}
	}
	return LCN_EINVAL;
}

const char *
list_format_name(enum list_format fmt)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (formats[i].fmt == fmt)
			return formats[i].name;
	return "unknown";
}

int
list_read(enum list_format fmt, const char *path, const struct list_ops *ops,
    struct list_stats *stats, char *err, size_t errsz)
{
	struct list_stats local;
	struct ctx x;
	int r;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	memset(&x, 0, sizeof(x));
	builder_init(&x.b);
	x.ops = ops;
	x.st = stats;
	x.err = err;
	x.errsz = errsz;
	if (path == NULL || ops == NULL || ops->party == NULL) {
		ctx_seterr(&x, "list_read: no path or no party callback");
		return LCN_EINVAL;
	}
	switch (fmt) {
	case LIST_OFAC_SDN:
		r = ofac_read(&x, path);
		break;
	case LIST_UN_XML:
		r = un_read(&x, path);
		break;
	case LIST_BIS_DPL:
		r = dpl_read(&x, path);
		break;
	case LIST_CSL:
		r = csl_read(&x, path);
		break;
	case LIST_LITE_DENIALS:
		r = lite_read(&x, path);
		break;
	default:
		ctx_seterr(&x, "%s: unknown list format %d", path, (int)fmt);
		r = LCN_EINVAL;
		break;
	}
	stats->recoded = x.b.recoded;
	builder_free(&x.b);
	return r;
}
