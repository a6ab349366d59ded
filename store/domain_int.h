/*
 * What the parts of the domain rules share: locale-free ASCII helpers, used
 * by domain.c (control entries, refs, consultation) and domain_identity.c
 * (essential identity). Entries and country codes are ASCII by syntax.
 */
#ifndef LCN_DOMAIN_INT_H
#define LCN_DOMAIN_INT_H

/* Locale-free on purpose: entries and country codes are ASCII by syntax. */
static inline int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    ch == '\v' || ch == '\f';
}

static inline int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static inline int
is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static inline int
to_upper(int ch)
{
	return ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch;
}

static inline int
to_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

#endif
