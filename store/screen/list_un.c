/*
 * The UN Security Council consolidated list reader (XML), streamed one
 * party at a time with libxml2's xmlTextReader: each INDIVIDUAL or ENTITY
 * is expanded into a small tree, walked, and released by
 * xmlTextReaderNext, so memory stays bounded by one party.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "lcn_err.h"
#include "list_build.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

struct xerr {
	char	msg[LIST_ERR_MAX];
	int	line;
};

static void
xml_error(void *arg, xmlErrorPtr e)
{
	struct xerr *xe = arg;
	size_t l;

	if (xe->msg[0] != '\0' || e == NULL || e->level < XML_ERR_ERROR)
		return;
	snprintf(xe->msg, sizeof(xe->msg), "%s", e->message ? e->message :
	    "XML error");
	l = strlen(xe->msg);
	while (l > 0 && csv_is_space((unsigned char)xe->msg[l - 1]))
		xe->msg[--l] = '\0';
	xe->line = e->line;
}

static int
xname(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The cleaned text of n, or NULL. */
static const char *
xtext(struct builder *b, const xmlNode *n)
{
	xmlChar *s;
	const char *r;

	if (n == NULL || (s = xmlNodeGetContent(n)) == NULL)
		return NULL;
	r = builder_cleanz(b, (const char *)s);
	xmlFree(s);
	return r;
}

static const xmlNode *
xchild(const xmlNode *n, const char *name)
{
	for (n = n->children; n != NULL; n = n->next)
		if (xname(n, name))
			return n;
	return NULL;
}

static const char *
xchild_text(struct builder *b, const xmlNode *n, const char *name)
{
	return xtext(b, xchild(n, name));
}

static int
un_party(struct ctx *x, const char *path, const xmlNode *e, int person)
{
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	const xmlNode *n, *k;
	const char *names[4], *v[4], *q, *dataid = NULL;
	int r = 0;

	builder_reset(b);
	p->source = "UN";
	p->kind = person ? LIST_KIND_PERSON : LIST_KIND_ENTITY;
	memset(names, 0, sizeof(names));
	for (n = e->children; n != NULL && r != LCN_ENOMEM; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xname(n, "DATAID"))
			dataid = xtext(b, n);
		else if (xname(n, "FIRST_NAME"))
			names[0] = xtext(b, n);
		else if (xname(n, "SECOND_NAME"))
			names[1] = xtext(b, n);
		else if (xname(n, "THIRD_NAME"))
			names[2] = xtext(b, n);
		else if (xname(n, "FOURTH_NAME"))
			names[3] = xtext(b, n);
		else if (xname(n, "NAME_ORIGINAL_SCRIPT"))
			p->name_local = xtext(b, n);
		else if (xname(n, "UN_LIST_TYPE"))
			p->list = p->programs = xtext(b, n);
		else if (xname(n, "REFERENCE_NUMBER"))
			p->ref = xtext(b, n);
		else if (xname(n, "LISTED_ON"))
			p->start_date = xtext(b, n);
		else if (xname(n, "COMMENTS1"))
			p->remarks = xtext(b, n);
		else if (xname(n, "NATIONALITY")) {
			for (k = n->children; k != NULL; k = k->next)
				if (xname(k, "VALUE"))
					r = builder_add_country_name(b,
					    xtext(b, k));
		} else if (xname(n, "INDIVIDUAL_ALIAS") ||
		    xname(n, "ENTITY_ALIAS")) {
			enum list_alias_type t = LIST_AKA;

			q = xchild_text(b, n, "QUALITY");
			if (q != NULL && strcasecmp(q, "f.k.a.") == 0)
				t = LIST_FKA;
			else if (q != NULL && strcasecmp(q, "n.k.a.") == 0)
				t = LIST_NKA;
			r = builder_add_alias(b,
			    xchild_text(b, n, "ALIAS_NAME"), t,
			    q != NULL && strcasecmp(q, "Low") == 0);
		} else if (xname(n, "INDIVIDUAL_ADDRESS") ||
		    xname(n, "ENTITY_ADDRESS")) {
			v[0] = xchild_text(b, n, "STREET");
			v[1] = xchild_text(b, n, "CITY");
			v[2] = xchild_text(b, n, "STATE_PROVINCE");
			v[3] = xchild_text(b, n, "ZIP_CODE");
			/* NOTE ("as of early 2016") is not part of it. */
			r = builder_add_address(b, builder_join(b, ", ", v, 4),
			    xchild_text(b, n, "COUNTRY"), NULL);
		} else if (xname(n, "INDIVIDUAL_DOCUMENT")) {
			q = xchild_text(b, n, "ISSUING_COUNTRY");
			if (q == NULL)
				q = xchild_text(b, n, "COUNTRY_OF_ISSUE");
			r = builder_add_ident(b,
			    xchild_text(b, n, "TYPE_OF_DOCUMENT"),
			    xchild_text(b, n, "NUMBER"), q);
		}
	}
	if (r == LCN_ENOMEM)
		b->nomem = 1;
	p->name = builder_join(b, " ", names, 4);
	if (p->ref == NULL)
		p->ref = dataid;
	return ctx_emit(x, path, (unsigned long)xmlGetLineNo(e));
}

int
un_read(struct ctx *x, const char *path)
{
	xmlTextReaderPtr rd = NULL;
	struct xerr xe;
	struct stat sb;
	const xmlChar *nm;
	xmlNode *e;
	int r = 0, rv, depth, seen_root = 0, fd;

	/* libxml2 wants this once, before any use from several threads. */
	pthread_once(&xml_once, xmlInitParser);
	memset(&xe, 0, sizeof(xe));
	/* Open it ourselves first, for an errno that names the problem. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		ctx_seterr(x, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return LCN_EIO;
	}
	x->st->bytes_total = (uint64_t)sb.st_size;
	/* No network, no entity expansion, no DTD loading. */
	rd = xmlReaderForFd(fd, path, NULL, XML_PARSE_NONET);
	if (rd == NULL) {
		close(fd);
		ctx_seterr(x, "%s: cannot start the XML reader", path);
		return LCN_ENOMEM;
	}
	xmlTextReaderSetStructuredErrorHandler(rd, xml_error, &xe);
	rv = xmlTextReaderRead(rd);
	while (rv == 1) {
		if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT) {
			rv = xmlTextReaderRead(rd);
			continue;
		}
		nm = xmlTextReaderConstLocalName(rd);
		depth = xmlTextReaderDepth(rd);
		if (!seen_root) {
			if (nm == NULL || strcmp((const char *)nm,
			    "CONSOLIDATED_LIST") != 0) {
				ctx_seterr(x, "%s: root element <%s>, expected "
				    "<CONSOLIDATED_LIST>", path,
				    nm ? (const char *)nm : "?");
				r = LCN_EPROTO;
				goto out;
			}
			seen_root = 1;
		}
		if (depth == 2 && (strcmp((const char *)nm, "INDIVIDUAL") ==
		    0 || strcmp((const char *)nm, "ENTITY") == 0)) {
			int person = nm[0] == 'I';

			x->st->rows++;
			if ((e = xmlTextReaderExpand(rd)) == NULL)
				break;
			if ((r = un_party(x, path, e, person)) != 0)
				goto out;
			rv = xmlTextReaderNext(rd);
			ctx_progress(x, (uint64_t)xmlTextReaderByteConsumed(rd),
			    0);
			continue;
		}
		rv = xmlTextReaderRead(rd);
	}
	if (rv != 0 || xe.msg[0] != '\0') {
		ctx_seterr(x, "%s:%d: malformed XML: %s", path, xe.line,
		    xe.msg[0] ? xe.msg : "read error");
		r = LCN_EPROTO;
		goto out;
	}
	if (!seen_root) {
		ctx_seterr(x, "%s: empty file", path);
		r = LCN_EPROTO;
		goto out;
	}
	ctx_progress(x, x->st->bytes_total, 1);
 out:
	xmlFreeTextReader(rd);
	close(fd);
	return r;
}
