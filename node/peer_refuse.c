/*
 * Refusals: a partner that sent invalid data (or does not read what it
 * made this node write) is refused a while; accepts over the handshake
 * limits are closed at once; and the refusal log, which sums up a flood
 * of refused or failed connections as a few lines per address.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "peer.h"
#include "peer_int.h"
#include "util.h"

/* Accepting from a partner that sent invalid data: refused for a while. */
#define REFUSE_MIN_MS		1000
#define REFUSE_MAX_MS		60000
#define REFUSE_FORGET_MS	(10 * 60 * 1000)	/* then start over */
/*
 * Accepts over the handshake limits (HANDSHAKES_MAX, HANDSHAKES_PER_ADDR_MAX)
 * are closed at once and logged at most once per address every
 * REFUSED_LOG_MS, with the number refused: a flood of connections must
 * not become a flood of log lines. Accepted connections whose TLS
 * handshake fails or times out are summarised the same way, as sshd
 * does: the first REFUSED_FULL_MAX of an address and reason in an
 * interval are logged in full, the rest as one count when the interval
 * is up. An address gets
 * at most REFUSED_KINDS_MAX reasons of its own an interval (a client
 * that varies the name in its certificate varies the reason); further
 * ones share one line. The table remembers REFUSED_ADDRS (address,
 * reason) pairs, the least recently logged making room for a new one.
 */
#define REFUSED_LOG_MS		10000
#define REFUSED_ADDRS		64
#define REFUSED_KINDS_MAX	4
#define REFUSED_FULL_MAX	2
/*
 * With every handshake slot taken, a handshake that has had an answer
 * (a whole, valid ClientHello came in) keeps its slot this long, then a
 * newcomer may take it: under pressure the handshake timeout is this
 * instead of HANDSHAKE_TIMEOUT_MS. A partner's handshake takes a few
 * round trips and a few milliseconds of signing.
 */
#define HANDSHAKE_PRESSED_MS	2000

struct refused {
	char		 host[CONFIG_ADDR_MAX + 8];	/* "" if free */
	char		 why[160];	/* the reason: a limit, a failure */
	int		 first_apart;	/* the first were logged by the caller */
	int		 full;		/* so logged in this interval */
	uint64_t	 since_ms;	/* mono: the first one not logged */
	uint64_t	 logged_ms;	/* mono: the last line */
	uint64_t	 count;		/* refused, not yet logged */
};

/* The loop thread's alone, like everything here; one daemon a process. */
static struct refused	refusals[REFUSED_ADDRS];

static const char	handshake_other_why[] = "TLS handshake refused for "
			    "yet another reason";
static const char	handshake_evicted_why[] = "TLS handshake closed "
			    "unfinished: its address held the most of the "
			    "HANDSHAKES_MAX " STR(HANDSHAKES_MAX) " slots, and "
			    "another address wanted one";
static const char	handshake_silent_why[] = "TLS handshake closed "
			    "unfinished: it had not sent a whole ClientHello, "
			    "all HANDSHAKES_MAX " STR(HANDSHAKES_MAX) " slots "
			    "were taken, and another connection wanted one";
static const char	handshake_pressed_why[] = "TLS handshake closed "
			    "unfinished: older than HANDSHAKE_PRESSED_MS "
			    STR(HANDSHAKE_PRESSED_MS) " ms, all HANDSHAKES_MAX "
			    STR(HANDSHAKES_MAX) " slots were taken, and another "
			    "connection wanted one";

/*
 * A violation: the partner's accepts are refused a while (PROTOCOL.md
 * section 4.4).
 */
static void
refuse_a_while(struct peer *p)
{
	uint64_t now = mono_ms();

	if (p == NULL)
		return;
	if (p->refuse_ms == 0 || now - p->last_violation_ms > REFUSE_FORGET_MS)
		p->refuse_ms = REFUSE_MIN_MS;
	else if ((p->refuse_ms *= 2) > REFUSE_MAX_MS)
		p->refuse_ms = REFUSE_MAX_MS;
	p->last_violation_ms = now;
	p->refuse_until_ms = now + p->refuse_ms;
}

void
peer_violation(struct conn *c, const char *fmt, ...)
{
	char	why[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	refuse_a_while(c->peer);
	peer_fail(c, 1, "%s", why);
}

/*
 * A peer that does not read what it made this node write (a flood of
 * Pings, each answered) is a violation too (PROTOCOL.md section 7). No
 * Error frame: it would only queue behind the rest.
 */
void
peer_not_reading(struct conn *c, const char *fmt, ...)
{
	char	why[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	refuse_a_while(c->peer);
	peer_fail(c, 0, "does not read: %s", why);
}

uint64_t
peer_refused_for_ms(const struct peer *p)
{
	uint64_t now = mono_ms();

	return p->refuse_until_ms > now ? p->refuse_until_ms - now : 0;
}

/* The length of addr's host part: addr without its ":port". */
static size_t
host_len(const char *addr)
{
	const char *colon = strrchr(addr, ':');

	return colon != NULL ? (size_t)(colon - addr) : strlen(addr);
}

/* An accepted connection that holds a handshake slot. */
static int
pending(const struct conn *c)
{
	return !c->is_client && c->state == CONN_HANDSHAKE;
}

static int
same_host(const char *a, const char *b)
{
	size_t hlen = host_len(a);

	return host_len(b) == hlen && strncmp(a, b, hlen) == 0;
}

/*
 * With all slots taken and no address holding two more than the
 * newcomer's, the slot to give it: the oldest handshake that has not
 * sent a whole ClientHello (a TLS client sends it at once; a partner's
 * connection, once read, is never such), else the oldest older than
 * HANDSHAKE_PRESSED_MS, else none. *why says which.
 */
static struct conn *
pressed_victim(struct daemon *d, const char **why)
{
	struct conn	*c, *silent = NULL, *old = NULL;
	uint64_t	 now = mono_ms();

	/* d->conns runs newest first: the last found is the oldest. */
	for (c = d->conns; c != NULL; c = c->next) {
		if (!pending(c))
			continue;
		if (!c->answered)
			silent = c;
		else if (now - c->accepted_ms >= HANDSHAKE_PRESSED_MS)
			old = c;
	}
	*why = silent != NULL ? handshake_silent_why : handshake_pressed_why;
	return silent != NULL ? silent : old;
}

/*
 * Whether one more accepted connection from addr may start its TLS
 * handshake: NULL if so, else the limit it would pass. Connections that
 * have not finished their handshake cost a descriptor and a TLS object
 * each and prove nothing yet. No address holds more than
 * HANDSHAKES_PER_ADDR_MAX of them.
 *
 * When all HANDSHAKES_MAX slots are taken, the newcomer gets the slot of
 * the oldest handshake of the address holding the most, if that address
 * holds at least two more than the newcomer's. Reserving slots for
 * partners instead would need their source addresses, which are not
 * known before their certificates (NAT, several addresses, partners that
 * only dial in). This rule guarantees a partner its handshake without
 * knowing its address while the slots are held from fewer than
 * HANDSHAKES_MAX addresses: some address then holds two or more, so a
 * partner's connection (from an address holding none) takes one of
 * them; and a connection from an address holding one slot is never the
 * one closed, since no newcomer's address holds fewer than none.
 *
 * A flood from HANDSHAKES_MAX addresses or more, one connection each,
 * gives no address two: then a newcomer from an address holding none
 * takes the slot of the oldest handshake that has not yet sent a whole
 * ClientHello (pressed_victim).
 * Idle connections cost an attacker nothing but each is closed as soon
 * as another connection comes; a partner sends its ClientHello at once,
 * and once answered its handshake keeps its slot for
 * HANDSHAKE_PRESSED_MS, long enough to finish. What remains is a flood
 * that sends valid ClientHellos from that many addresses: it costs us a
 * TLS answer each, and takes a slot only after the one it replaces has
 * had HANDSHAKE_PRESSED_MS, so a partner competes with it for slots as
 * they come free.
 */
const char *
peer_handshake_limit(struct daemon *d, const char *addr)
{
	struct conn	*c, *o, *oldest, *victim = NULL;
	const char	*why = handshake_evicted_why;
	size_t		 all = 0, same = 0, n, most = 0;

	for (c = d->conns; c != NULL; c = c->next) {
		if (!pending(c))
			continue;
		all++;
		if (same_host(c->addr, addr))
			same++;
	}
	if (same >= HANDSHAKES_PER_ADDR_MAX)
		return "HANDSHAKES_PER_ADDR_MAX " STR(HANDSHAKES_PER_ADDR_MAX)
		    " handshakes in progress from this address";
	if (all < HANDSHAKES_MAX)
		return NULL;
	/*
	 * d->conns runs newest first: the last of an address's found is its
	 * oldest, and on a tie the address whose oldest is older wins.
	 */
	for (c = d->conns; c != NULL; c = c->next) {
		if (!pending(c))
			continue;
		n = 0;
		oldest = c;
		for (o = d->conns; o != NULL; o = o->next)
			if (pending(o) && same_host(o->addr, c->addr)) {
				n++;
				oldest = o;
			}
		if (n >= most) {
			most = n;
			victim = oldest;
		}
	}
	if (victim == NULL || most < same + 2)
		victim = same == 0 ? pressed_victim(d, &why) : NULL;
	if (victim == NULL)
		return "HANDSHAKES_MAX " STR(HANDSHAKES_MAX) " handshakes in "
		    "progress";
	/* Anyone can cause one: summarised by address, as a failure. */
	if (peer_refused_note(victim->addr, why, 1) != 0)
		log_warnx("peer", "%s: %s", victim->addr, why);
	peer_close(victim, why);
	return NULL;
}

static void
refused_log(struct refused *r, uint64_t now)
{
	if (r->first_apart)
		log_warnx("peer", "%llu more connection%s from %s in %llu ms: "
		    "%s", (unsigned long long)r->count, r->count == 1 ? "" :
		    "s", r->host, (unsigned long long)(now - r->since_ms),
		    r->why);
	else
		log_warnx("peer", "refused %llu connection%s from %s in %llu "
		    "ms: %s", (unsigned long long)r->count, r->count == 1 ?
		    "" : "s", r->host, (unsigned long long)(now - r->since_ms),
		    r->why);
	r->count = 0;
	r->logged_ms = now;
}

/*
 * The entry of addr's host and reason why, or NULL; *kinds counts the
 * host's others. A refused accept (first_apart 0) matches the host's
 * entry of refusals whatever the limit, as one line says them all.
 */
static struct refused *
refused_find(const char *addr, const char *why, int first_apart,
    uint64_t now, size_t *kinds)
{
	struct refused	*r;
	size_t		 hlen = host_len(addr), i;

	*kinds = 0;
	for (i = 0; i < REFUSED_ADDRS; i++) {
		r = &refusals[i];
		if (strlen(r->host) != hlen || strncmp(r->host, addr,
		    hlen) != 0)
			continue;
		if (r->first_apart == first_apart && (!first_apart ||
		    strncmp(r->why, why, sizeof(r->why) - 1) == 0))
			return r;
		if (r->logged_ms != 0 && now - r->logged_ms < REFUSED_LOG_MS)
			(*kinds)++;
	}
	return NULL;
}

/*
 * Counts an event from addr for reason why. A refused accept
 * (first_apart 0) is logged here as a count when its address's line is
 * due. Otherwise the caller logs the event in full when this returns 1
 * (the first REFUSED_FULL_MAX of its address and reason in
 * REFUSED_LOG_MS), and says
 * nothing when it returns 0: the event is counted into the next summary
 * line.
 */
int
peer_refused_note(const char *addr, const char *why, int first_apart)
{
	struct refused	*r, *old = &refusals[0];
	size_t		 hlen = host_len(addr), i, kinds;
	uint64_t	 now = mono_ms();
	int		 due;

	if ((r = refused_find(addr, why, first_apart, now, &kinds)) ==
	    NULL && kinds >= REFUSED_KINDS_MAX && first_apart) {
		why = handshake_other_why;
		r = refused_find(addr, why, first_apart, now, &kinds);
	}
	if (r == NULL) {
		for (i = 0; i < REFUSED_ADDRS; i++)
			if (refusals[i].logged_ms < old->logged_ms)
				old = &refusals[i];
		r = old;
		if (r->count > 0)
			refused_log(r, now);
		memset(r, 0, sizeof(*r));
		snprintf(r->host, sizeof(r->host), "%.*s", (int)hlen, addr);
		r->first_apart = first_apart;
	}
	str_copy(r->why, sizeof(r->why), why);	/* a refusal's last limit */
	due = r->logged_ms == 0 || now - r->logged_ms >= REFUSED_LOG_MS;
	if (first_apart && !due && r->full < REFUSED_FULL_MAX) {
		r->full++;
		return 1;
	}
	if (!first_apart || !due) {
		if (r->count++ == 0)
			r->since_ms = now;
		if (due)
			refused_log(r, now);
		return due;
	}
	if (r->count > 0)	/* the tick has not summed them up yet */
		refused_log(r, now);
	r->logged_ms = now;
	r->full = 1;
	return 1;
}

/* Logs each address's refusals not yet logged once its interval is up. */
void
peer_refused_tick(uint64_t now)
{
	size_t i;

	for (i = 0; i < REFUSED_ADDRS; i++)
		if (refusals[i].count > 0 &&
		    now - refusals[i].logged_ms >= REFUSED_LOG_MS)
			refused_log(&refusals[i], now);
}

