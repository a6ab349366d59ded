/*
 * lcn publish's request line read without a JSON tree (publish_pipe.h):
 * lcn writes {"cmd":"publish","group":G,"encoded":[B64,...]} with nothing
 * to escape in it, and building then freeing a tree of a thousand 800-byte
 * strings had cost lcnd's loop thread more than decoding them. Any other
 * spelling, and any text that is not canonical base64, is left to the
 * JSON path, which answers it as before.
 */
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "publish_pipe.h"
#include "util.h"

static const char head[] = "{\"cmd\":\"publish\",\"group\":\"";
static const char mid[] = "\",\"encoded\":[";

static void
bodies_free(struct bytes *b, size_t n)
{
	size_t i;

	for (i = 0; b != NULL && i < n; i++)
		free((void *)b[i].ptr);
	free(b);
}

int
publish_line_parse(const char *line, size_t len, char *group,
    size_t groupsz, struct bytes **bodies, size_t *n)
{
	struct bytes	*b = NULL, *nb;
	const char	*p = line, *end = line + len, *q;
	size_t		 cnt = 0, cap = 0, glen;
	int		 r = LCN_EINVAL;

	*bodies = NULL;
	*n = 0;
	if (len < sizeof(head) - 1 || memcmp(p, head, sizeof(head) - 1) != 0)
		return LCN_EINVAL;
	p += sizeof(head) - 1;
	if ((q = memchr(p, '"', (size_t)(end - p))) == NULL ||
	    (glen = (size_t)(q - p)) >= groupsz || glen > GROUP_NAME_MAX)
		return LCN_EINVAL;
	memcpy(group, p, glen);
	group[glen] = '\0';
	if (!group_name_valid(group))
		goto out;
	p = q;
	if ((size_t)(end - p) < sizeof(mid) - 1 ||
	    memcmp(p, mid, sizeof(mid) - 1) != 0)
		goto out;
	p += sizeof(mid) - 1;
	for (;;) {
		if (p == end || *p++ != '"' ||
		    (q = memchr(p, '"', (size_t)(end - p))) == NULL)
			goto out;
		if (cnt == PUBLISH_BATCH_MAX)
			goto out;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((nb = realloc(b, cap * sizeof(*b))) == NULL) {
				r = LCN_ENOMEM;
				goto out;
			}
			b = nb;
		}
		/* Canonical base64 holds no '"' nor '\\': q ends the string. */
		if ((r = b64_decode(p, (size_t)(q - p),
		    (uint8_t **)&b[cnt].ptr, &b[cnt].len)) != 0)
			goto out;
		cnt++;
		r = LCN_EINVAL;
		p = q + 1;
		if (p == end)
			goto out;
		if (*p == ',') {
			p++;
			continue;
		}
		if (end - p == 2 && p[0] == ']' && p[1] == '}')
			break;
		goto out;
	}
	*bodies = b;
	*n = cnt;
	return 0;
 out:
	bodies_free(b, cnt);
	group[0] = '\0';
	return r;
}
