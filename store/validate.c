/*
 * Validation (validate.h): the body decoded, the protocol's limits
 * checked field by field, then dispatched to the rules of its record type
 * (validate_denial.c, validate_alert.c, validate_control.c); the checks
 * every type shares (countries, dates, enums, handling, parties, control
 * entries); and a publish request validated body by body, with refs
 * assigned to the bodies that have none.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "country.h"
#include "domain.h"
#include "lcn_err.h"
#include "util.h"
#include "validate.h"
#include "validate_int.h"

int
vfail(struct vstate *v, const char *field, const char *fmt, ...)
{
	struct validate_error	*e = v->err;
	va_list			 ap;
	int			 n;

	e->code = LCN_EINVAL;
	str_copy(e->field, sizeof(e->field), field);
	n = snprintf(e->message, sizeof(e->message), "%s: ", field);
	if (n < 0 || (size_t)n >= sizeof(e->message))
		return LCN_EINVAL;
	va_start(ap, fmt);
	vsnprintf(e->message + n, sizeof(e->message) - (size_t)n, fmt, ap);
	va_end(ap);
	return LCN_EINVAL;
}

int
vfail_lookup(struct vstate *v, int code, const char *field, const char *ref)
{
	struct validate_error *e = v->err;

	e->code = code;
	str_copy(e->field, sizeof(e->field), field);
	snprintf(e->message, sizeof(e->message), "%s: could not look up %s "
	    "in this node's ledger (%s); nothing was published", field, ref,
	    lcn_strerror(code));
	return code;
}

/* Length of the UTF-8 sequence at s (1..4), or 0 if it is not valid. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t		n, i;
	uint32_t	c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void
vquote(const char *s, char *out, size_t outsz)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0, n, used = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	if (s == NULL)
		return;
	while (*p != '\0' && o + 8 < outsz) {
		if (used >= 40) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		n = utf8_len(p);
		if (n == 1 && *p >= 0x20 && *p != 0x7f && *p != '"' &&
		    *p != '\\')
			out[o++] = (char)*p;
		else if (n > 1) {
			memcpy(out + o, p, n);
			o += n;
		} else {
			snprintf(out + o, outsz - o, "\\x%02x", *p);
			o += 4;
			n = 1;
		}
		p += n;
		used += n;
	}
	out[o] = '\0';
}

int
vblank(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

int
vcheck_text(struct vstate *v, const char *field, const char *s,
    const char *what)
{
	if (vblank(s))
		return vfail(v, field, "expected %s", what);
	return 0;
}

int
vcheck_country(struct vstate *v, const char *field, const char *s,
    int required)
{
	char q[VQUOTE_MAX];

	if (!required && (s == NULL || s[0] == '\0'))
		return 0;
	if (country_alpha2_valid(s))
		return 0;
	if (s == NULL || s[0] == '\0')
		return vfail(v, field, "expected an ISO 3166-1 alpha-2 code "
		    "such as JP");
	vquote(s, q, sizeof(q));
	return vfail(v, field, "expected an ISO 3166-1 alpha-2 code such as "
	    "JP, got \"%s\"", q);
}

/* Days since the epoch to a civil date (Hinnant's civil_from_days). */
static void
civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t		z = days + 719468, era;
	unsigned	doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

unsigned
vyear(uint64_t ms)
{
	int64_t		y;
	unsigned	m, d;

	civil((int64_t)(ms / 86400000), &y, &m, &d);
	return (unsigned)y;
}

void
vdate(uint64_t ms, char *out, size_t outsz)
{
	int64_t		y;
	unsigned	m, d;

	civil((int64_t)(ms / 86400000), &y, &m, &d);
	snprintf(out, outsz, "%04lld-%02u-%02u", (long long)y, m, d);
}

int
vcheck_date(struct vstate *v, const char *field, uint64_t ms, int required,
    const char *what)
{
	char d[24];

	if (ms == 0) {
		if (required)
			return vfail(v, field, "expected %s (a date such as "
			    "2026-11-02)", what);
		return 0;
	}
	/* Beyond this the year has more than four digits anyway. */
	if (ms >= 253402300800000ull)
		return vfail(v, field, "expected %s between %d and %d, got a "
		    "date after the year 9999", what, VALIDATE_YEAR_MIN,
		    VALIDATE_YEAR_MAX);
	if (vyear(ms) < VALIDATE_YEAR_MIN || vyear(ms) > VALIDATE_YEAR_MAX) {
		vdate(ms, d, sizeof(d));
		return vfail(v, field, "expected %s between %d and %d, got %s",
		    what, VALIDATE_YEAR_MIN, VALIDATE_YEAR_MAX, d);
	}
	return 0;
}

/*
 * The value names of an enum as an officer writes them: lower case,
 * without the prefix all of them share ("BASIS_LISTED_ITEM" is
 * "listed_item"), which pbjson accepts as well.
 */
static size_t
enum_prefix(const ProtobufCEnumDescriptor *d)
{
	size_t	 n, i, k;
	const char *a;

	if (d->n_values == 0)
		return 0;
	a = d->values[0].name;
	n = strlen(a);
	for (i = 1; i < d->n_values; i++) {
		for (k = 0; k < n && a[k] == d->values[i].name[k]; k++)
			;
		n = k;
	}
	while (n > 0 && a[n - 1] != '_')
		n--;
	return n;
}

static void
enum_lower(const char *name, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < outsz; i++)
		out[i] = name[i] >= 'A' && name[i] <= 'Z' ?
		    (char)(name[i] - 'A' + 'a') : name[i];
	out[i] = '\0';
}

int
vcheck_enum(struct vstate *v, const char *field,
    const ProtobufCEnumDescriptor *d, int value, int required)
{
	char	list[400], one[64];
	size_t	pre = enum_prefix(d), i, n = 0, len = 0, rem;

	if (protobuf_c_enum_descriptor_get_value(d, value) != NULL &&
	    (value != 0 || !required))
		return 0;
	list[0] = '\0';
	for (i = 0; i < d->n_values; i++)
		if (d->values[i].value != 0)
			n++;
	for (i = 0; i < d->n_values; i++) {
		if (d->values[i].value == 0)
			continue;
		rem = --n;
		enum_lower(d->values[i].name + pre, one, sizeof(one));
		len += (size_t)snprintf(list + len, len < sizeof(list) ?
		    sizeof(list) - len : 0, "%s%s", len == 0 ? "" :
		    rem == 0 ? " or " : ", ", one);
		if (len >= sizeof(list))
			break;
	}
	if (value == 0)
		return vfail(v, field, "expected one of %s", list);
	return vfail(v, field, "expected one of %s, got the number %d", list,
	    value);
}

int
vcheck_control(struct vstate *v, const char *field, const char *s,
    struct domain_control *dc)
{
	char q[VQUOTE_MAX];

	if (s == NULL || s[0] == '\0')
		return vfail(v, field, "expected a control-list entry such as "
		    "3A001.b.1, ML10.a, EAR99 or catch-all");
	if (domain_control_parse(s, dc) == 0)
		return 0;
	vquote(s, q, sizeof(q));
	return vfail(v, field, "expected a control-list entry such as "
	    "3A001.b.1, ML10.a, EAR99 or catch-all, got \"%s\"", q);
}

int
vcheck_handling(struct vstate *v, const char *at, const Lcn__Handling *h)
{
	char	f[VALIDATE_FIELD_MAX];
	int	r;

	if (h == NULL)
		return 0;
	snprintf(f, sizeof(f), "%shandling.tlp", at);
	if ((r = vcheck_enum(v, f, &lcn__tlp__descriptor, (int)h->tlp, 0)) != 0)
		return r;
	if (!h->forwarding_allowed)
		return 0;
	/*
	 * Forwarding beyond the group is the origin's explicit word, and
	 * the TLP must say to whom: RED and AMBER+STRICT keep information
	 * inside the recipients' own organisation.
	 */
	snprintf(f, sizeof(f), "%shandling.forwarding_allowed", at);
	switch (h->tlp) {
	case LCN__TLP__TLP_UNSPECIFIED:
		return vfail(v, f, "forwarding beyond the group needs a TLP "
		    "level (clear, green or amber) in handling.tlp");
	case LCN__TLP__TLP_RED:
		return vfail(v, f, "TLP:RED information is never forwarded "
		    "beyond its recipients; set tlp to clear, green or amber "
		    "or leave forwarding off");
	case LCN__TLP__TLP_AMBER_STRICT:
		return vfail(v, f, "TLP:AMBER+STRICT information stays in the "
		    "recipients' own organisation; set tlp to clear, green or "
		    "amber or leave forwarding off");
	default:
		return 0;
	}
}

int
vcheck_party(struct vstate *v, const char *at, const Lcn__Party *p)
{
	char	f[VALIDATE_FIELD_MAX];
	size_t	i;
	int	r;

	snprintf(f, sizeof(f), "%s.name", at);
	if ((r = vcheck_text(v, f, p->name, "the party's name")) != 0)
		return r;
	snprintf(f, sizeof(f), "%s.role", at);
	if ((r = vcheck_enum(v, f, &lcn__party_role__descriptor, (int)p->role,
	    0)) != 0)
		return r;
	snprintf(f, sizeof(f), "%s.country", at);
	if ((r = vcheck_country(v, f, p->country, 0)) != 0)
		return r;
	for (i = 0; i < p->n_aliases; i++) {
		snprintf(f, sizeof(f), "%s.aliases[%zu].name", at, i);
		if ((r = vcheck_text(v, f, p->aliases[i]->name,
		    "the alias (or no alias entry)")) != 0)
			return r;
		snprintf(f, sizeof(f), "%s.aliases[%zu].type", at, i);
		if ((r = vcheck_enum(v, f, &lcn__alias_type__descriptor,
		    (int)p->aliases[i]->type, 0)) != 0)
			return r;
	}
	for (i = 0; i < p->n_identifiers; i++) {
		snprintf(f, sizeof(f), "%s.identifiers[%zu].value", at, i);
		if ((r = vcheck_text(v, f, p->identifiers[i]->value,
		    "the identifier's value")) != 0)
			return r;
		snprintf(f, sizeof(f), "%s.identifiers[%zu].country", at, i);
		if ((r = vcheck_country(v, f, p->identifiers[i]->country,
		    0)) != 0)
			return r;
	}
	return 0;
}

/*
 * The protocol's limits (PROTOCOL.md sections 3.1 and 7) at any depth,
 * and UTF-8 in every string: the encoder checks them too, but these bytes
 * may come from elsewhere, and an entry over a limit would be refused by
 * every partner after it was signed.
 */
static int
check_limits(struct vstate *v, const ProtobufCMessage *m, char *path,
    size_t pathlen, int depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const ProtobufCFieldDescriptor	 *fd;
	const char			 *base = (const char *)m, *fp;
	const unsigned char		 *s;
	size_t				  i, j, n, len, o, k;
	int				  rep, r;

	if (depth > 16)
		return vfail(v, path, "nested deeper than 16 messages");
	/*
	 * A field this version does not know would be signed unseen: the
	 * JSON encoder never writes one, so these bytes were made elsewhere.
	 */
	if (m->n_unknown_fields > 0)
		return vfail(v, pathlen ? path : "body", "has a field "
		    "numbered %u that this lcnd does not know",
		    (unsigned)m->unknown_fields[0].tag);
	for (i = 0; i < d->n_fields; i++) {
		fd = &d->fields[i];
		rep = fd->label == PROTOBUF_C_LABEL_REPEATED;
		snprintf(path + pathlen, VALIDATE_FIELD_MAX - pathlen, "%s%s",
		    pathlen ? "." : "", fd->name);
		n = 1;
		if (rep && (n = *(const size_t *)(base +
		    fd->quantifier_offset)) > REPEATED_MAX)
			return vfail(v, path, "at most %d values, got %zu",
			    REPEATED_MAX, n);
		if (fd->type != PROTOBUF_C_TYPE_STRING &&
		    fd->type != PROTOBUF_C_TYPE_BYTES &&
		    fd->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (!rep && (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + fd->quantifier_offset) !=
		    fd->id)
			continue;
		o = strlen(path);
		for (j = 0; j < n; j++) {
			fp = base + fd->offset;
			if (rep) {
				k = fd->type == PROTOBUF_C_TYPE_BYTES ?
				    sizeof(ProtobufCBinaryData) :
				    sizeof(void *);
				fp = *(const char *const *)fp + j * k;
				snprintf(path + o, VALIDATE_FIELD_MAX - o,
				    "[%zu]", j);
			}
			if (fd->type == PROTOBUF_C_TYPE_STRING) {
				if ((s = *(const unsigned char *const *)fp) ==
				    NULL)
					continue;
				for (len = 0; s[len] != '\0'; len += k)
					if ((k = utf8_len(s + len)) == 0)
						return vfail(v, path, "not valid "
						    "UTF-8 at byte %zu", len);
				if (len > STRING_MAX)
					return vfail(v, path, "at most %d "
					    "bytes, got %zu", STRING_MAX, len);
			} else if (fd->type == PROTOBUF_C_TYPE_BYTES) {
				if (((const ProtobufCBinaryData *)fp)->len >
				    STRING_MAX)
					return vfail(v, path, "at most %d "
					    "bytes", STRING_MAX);
			} else if (*(const ProtobufCMessage *const *)fp !=
			    NULL && (r = check_limits(v,
			    *(const ProtobufCMessage *const *)fp, path,
			    strlen(path), depth + 1)) != 0)
				return r;
		}
	}
	path[pathlen] = '\0';
	return 0;
}

/*
 * Decodes and validates one body; *out gets the decoded Entry (freed by
 * the caller with lcn__entry__free_unpacked) whatever the result, or
 * NULL if it did not decode.
 */
static int
check_body(struct vstate *v, const uint8_t *body, size_t len,
    Lcn__Entry **out)
{
	static const uint8_t	 none[1];
	const ProtobufCFieldDescriptor *fd;
	Lcn__Entry		*e;
	char			 path[VALIDATE_FIELD_MAX];
	int			 r;

	*out = NULL;
	if (len == 0)
		body = none;	/* an Entry with nothing set */
	if (body == NULL || len > ENTRY_MAX ||
	    (e = lcn__entry__unpack(NULL, len, body)) == NULL)
		return vfail(v, "body", "expected an entry body (protobuf) "
		    "such as {\"denial_notice\": {...}}; these bytes do not "
		    "decode");
	*out = e;
	if (e->base.n_unknown_fields > 0)
		return vfail(v, "body", "has a field numbered %u that this "
		    "lcnd does not know", (unsigned)e->base.unknown_fields[0].tag);
	if ((e->origin != NULL && e->origin[0] != '\0') ||
	    (e->group != NULL && e->group[0] != '\0') || e->seq != 0 ||
	    e->prev_hash.len != 0 || e->prev_root.len != 0 ||
	    e->created_ms != 0 || e->key_id.len != 0)
		return vfail(v, "body", "expected a body alone; lcnd writes "
		    "origin, group, seq, hashes, time and key itself");
	/* Field paths start inside the body, as the officer wrote it. */
	path[0] = '\0';
	fd = protobuf_c_message_descriptor_get_field(&lcn__entry__descriptor,
	    e->body_case);
	if (fd != NULL && fd->type == PROTOBUF_C_TYPE_MESSAGE &&
	    *(ProtobufCMessage **)((char *)e + fd->offset) != NULL &&
	    (r = check_limits(v, *(ProtobufCMessage **)((char *)e +
	    fd->offset), path, 0, 2)) != 0)
		return r;
	switch (e->body_case) {
	case LCN__ENTRY__BODY_DENIAL_NOTICE:
		return validate_denial_notice(v, "", e->denial_notice, 0);
	case LCN__ENTRY__BODY_DENIAL_UPDATE:
		return validate_denial_update(v, e->denial_update);
	case LCN__ENTRY__BODY_END_USER_ALERT:
		return validate_alert(v, "", e->end_user_alert, 0);
	case LCN__ENTRY__BODY_ALERT_UPDATE:
		return validate_alert_update(v, e->alert_update);
	case LCN__ENTRY__BODY_CONTROL_STATUS:
		return validate_control_status(v, e->control_status);
	case LCN__ENTRY__BODY_CONSULTATION_REQUEST:
		return validate_consult_request(v, e->consultation_request);
	case LCN__ENTRY__BODY_CONSULTATION_REPLY:
		return validate_consult_reply(v, e->consultation_reply);
	case LCN__ENTRY__BODY_CONSULTATION_INFO:
		return validate_consult_info(v, e->consultation_info);
	case LCN__ENTRY__BODY_LICENCE_DECISION:
		return validate_licence_decision(v, e->licence_decision);
	case LCN__ENTRY__BODY_HEADS_ATTESTATION:
		return vfail(v, "heads_attestation", "lcnd publishes its own "
		    "heads attestations; an officer cannot");
	default:
		return vfail(v, "body", "expected one body such as "
		    "denial_notice, denial_update, end_user_alert, "
		    "alert_update or control_status");
	}
}

static void
err_reset(struct validate_error *err)
{
	memset(err, 0, sizeof(*err));
}

int
validate_body(const uint8_t *body, size_t len,
    const struct validate_ctx *ctx, struct validate_error *err)
{
	struct vstate	 v;
	Lcn__Entry	*e = NULL;
	int		 r;

	err_reset(err);
	LCN_ASSERT(ctx != NULL && ctx->self != NULL);
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.err = err;
	r = check_body(&v, body, len, &e);
	if (e != NULL)
		lcn__entry__free_unpacked(e, NULL);
	free(v.seen);
	free(v.slots);
	return r;
}

/* The ref field of a body, or NULL for a body without one. */
static char **
body_ref(Lcn__Entry *e)
{
	switch (e->body_case) {
	case LCN__ENTRY__BODY_DENIAL_NOTICE:
		return &e->denial_notice->ref;
	case LCN__ENTRY__BODY_DENIAL_UPDATE:
		return &e->denial_update->ref;
	case LCN__ENTRY__BODY_CONSULTATION_REQUEST:
		return &e->consultation_request->ref;
	case LCN__ENTRY__BODY_CONSULTATION_REPLY:
		return &e->consultation_reply->ref;
	case LCN__ENTRY__BODY_LICENCE_DECISION:
		return &e->licence_decision->ref;
	case LCN__ENTRY__BODY_CONSULTATION_INFO:
		return &e->consultation_info->ref;
	case LCN__ENTRY__BODY_END_USER_ALERT:
		return &e->end_user_alert->ref;
	case LCN__ENTRY__BODY_ALERT_UPDATE:
		return &e->alert_update->ref;
	case LCN__ENTRY__BODY_CONTROL_STATUS:
		return &e->control_status->ref;
	default:
		return NULL;
	}
}

/* The highest number per kind in this year: the ledger's, then ours. */
struct next_refs {
	int		 known[VALIDATE_KIND_COUNT];
	uint64_t	 highest[VALIDATE_KIND_COUNT];
};

/*
 * Encodes e with the next free ref of its kind into *b (malloc'd). 0, or
 * the callback's error or LCN_ENOMEM with err set.
 */
static int
assign_ref(struct vstate *v, struct next_refs *nr, Lcn__Entry *e,
    struct bytes *b)
{
	const struct validate_ctx *ctx = v->ctx;
	enum validate_kind	 k = validate_kind_of_body((int)e->body_case);
	unsigned		 year = vyear(ctx->now_ms);
	char			 ref[VALIDATE_REF_MAX + 1], **rp, *old;
	struct validate_ref	 vr;
	uint8_t			*buf;
	size_t			 len, i;
	int			 r;

	if (!nr->known[k]) {
		if ((r = ctx->highest(ctx->arg, k, year, &nr->highest[k])) !=
		    0) {
			v->err->code = r;
			snprintf(v->err->message, sizeof(v->err->message),
			    "ref: could not find the last %s ref used in %u "
			    "(%s); nothing was published",
			    validate_kind_code(k), year, lcn_strerror(r));
			str_copy(v->err->field, sizeof(v->err->field), "ref");
			return r;
		}
		/* Refs given in this request count as used too. */
		for (i = 0; i < v->nseen; i++)
			if (validate_ref_parse(v->seen[i].ref, &vr) == 0 &&
			    vr.kind == k && vr.year == year &&
			    strcmp(vr.agency, ctx->self) == 0 &&
			    vr.number > nr->highest[k])
				nr->highest[k] = vr.number;
		nr->known[k] = 1;
	}
	if (validate_ref_next(ctx->self, k, year, nr->highest[k], ref,
	    sizeof(ref)) != 0)
		return vfail(v, "ref", "no %s ref is left for %u: the last "
		    "one used is number %llu", validate_kind_code(k), year,
		    (unsigned long long)nr->highest[k]);
	nr->highest[k]++;
	rp = body_ref(e);
	old = *rp;
	*rp = ref;
	len = lcn__entry__get_packed_size(e);
	if ((buf = malloc(len)) != NULL)
		lcn__entry__pack(e, buf);
	*rp = old;
	if (buf == NULL) {
		v->err->code = LCN_ENOMEM;
		snprintf(v->err->message, sizeof(v->err->message), "out of "
		    "memory");
		return LCN_ENOMEM;
	}
	b->ptr = buf;
	b->len = len;
	return 0;
}

int
validate_publish(struct bytes *bodies, size_t n,
    const struct validate_ctx *ctx, struct validate_error *err)
{
	struct vstate	  v;
	struct next_refs  nr;
	Lcn__Entry	**es = NULL;
	struct bytes	 *nb = NULL;
	char		**rp;
	size_t		  i;
	int		  r = 0;

	err_reset(err);
	LCN_ASSERT(ctx != NULL && ctx->self != NULL);
	memset(&v, 0, sizeof(v));
	memset(&nr, 0, sizeof(nr));
	v.ctx = ctx;
	v.err = err;
	if (n > 0 && ((es = calloc(n, sizeof(*es))) == NULL ||
	    (nb = calloc(n, sizeof(*nb))) == NULL)) {
		free(es);
		err->code = LCN_ENOMEM;
		snprintf(err->message, sizeof(err->message), "out of memory");
		return LCN_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		v.body = i;
		err->index = i;
		if ((r = check_body(&v, bodies[i].ptr, bodies[i].len,
		    &es[i])) != 0)
			goto out;
	}
	/*
	 * Refs are assigned only once every body passed, so that a refused
	 * request changes nothing, and after every ref given, so that none
	 * is assigned that a later body names.
	 */
	for (i = 0; i < n && ctx->highest != NULL; i++) {
		err->index = i;
		rp = body_ref(es[i]);
		if (rp == NULL || (*rp != NULL && (*rp)[0] != '\0'))
			continue;
		if ((r = assign_ref(&v, &nr, es[i], &nb[i])) != 0)
			goto out;
	}
	err->index = 0;
	for (i = 0; i < n; i++) {
		if (nb[i].ptr == NULL)
			continue;
		free((void *)bodies[i].ptr);
		bodies[i] = nb[i];
		nb[i].ptr = NULL;
	}
 out:
	for (i = 0; es != NULL && i < n; i++) {
		if (es[i] != NULL)
			lcn__entry__free_unpacked(es[i], NULL);
		free((void *)nb[i].ptr);
	}
	free(es);
	free(nb);
	free(v.seen);
	free(v.slots);
	return r;
}
