/*
 * lcn-testpeer: a scriptable LCN partner for integration tests. It dials
 * one lcnd over real mutual TLS 1.3 (node/tls.c over memory BIOs, on a
 * plain socket driven with poll()), sends the frames a script asks for,
 * well-formed or hostile, and prints every frame it receives as one JSON
 * line, so that a test can assert with jq on exactly what the node sent.
 * It is not a node: it keeps no ledger and checks no signature.
 *
 * This header holds what the tool's files share: testpeer.c (flags, the
 * script loop), testpeer_conn.c (socket, TLS, frames in and out),
 * testpeer_cmd.c (the script and the commands that wait and read),
 * testpeer_frames.c (the commands that send), testpeer_json.c (the
 * JSON lines) and testpeer_attest.c (signed heads attestations written
 * to files, forged as a test needs). Everything runs on one thread.
 */
#ifndef LCN_TESTPEER_H
#define LCN_TESTPEER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "entry.h"
#include "frame.h"
#include "wire.h"

#define TP_SOFTWARE		"lcn-testpeer/" LCN_VERSION
#define TP_CONNECT_TIMEOUT_MS	10000	/* TCP connect and TLS handshake */
#define TP_EXPECT_TIMEOUT_MS	10000	/* expect without a timeout */
#define TP_WRITE_STALL_MS	30000	/* a write that makes no progress */

/* A frame received that no expect has matched yet. */
struct tp_seen {
	enum msg_type	 type;
	struct feed_id	 feed;		/* all zero if the frame has none */
};

struct tp {
	int		 fd;		/* -1 before dialling and once closed */
	struct tls_ctx	*ctx;		/* owned */
	struct tls_conn	*tls;		/* owned */
	struct frame_reader reader;	/* decrypted bytes from the node */
	const char	*server_id;	/* the agency dialled; borrowed */
	uint64_t	 t0;		/* mono_ms() at start */
	unsigned	 scale;		/* timeouts are multiplied by it */
	int		 up;		/* handshake done, not closed */
	int		 closed;	/* the connection's end was printed */
	int		 drain_none;	/* read only in read and expect */
	int		 auto_pong;	/* answer the node's Pings */
	int		 auto_credit;	/* return credit for each Entries */
	int		 in_frame;	/* a split frame is half written */
	size_t		 split;		/* plaintext bytes a write; 0: whole */
	unsigned	 split_delay_ms;
	char		*save_dir;	/* received entries go here; owned */
	uint8_t		*deferred;	/* auto replies held while in_frame */
	size_t		 ndeferred;
	uint8_t		*obuf;		/* ciphertext taken from TLS, unsent */
	size_t		 olen;
	size_t		 ooff;		/* obuf[ooff..olen) is still to send */
	struct tp_seen	*seen;		/* unmatched frames, oldest first */
	size_t		 nseen;
	uint64_t	 frames_in;
	uint64_t	 frames_out;	/* whole frames, not raw bytes */
	uint64_t	 bytes_out;	/* plaintext, raw bytes included */
	int		 lineno;	/* of the command running, for output */
};

/* testpeer_attest.c: "lcn-testpeer attest OUT ...", argv[0] "attest". */
int	tp_attest_main(int argc, char **argv);

/* testpeer_conn.c */

/* Milliseconds since the tool started. */
uint64_t tp_now(const struct tp *);
/*
 * Opens a TCP connection to HOST:PORT (numeric or a name) within
 * TP_CONNECT_TIMEOUT_MS times the scale. 0, LCN_EINVAL for an address
 * without a port, or LCN_EIO with a connect_error line printed.
 */
int	tp_conn_dial(struct tp *, const char *hostport);
/*
 * Runs the TLS handshake as a client that expects tp->server_id. 0 with a
 * "connected" line printed, or LCN_ETLS with a tls_error line (or
 * LCN_EIO with a closed line). In TLS 1.3 a server that refuses our
 * certificate is seen only later, when the first read brings its alert.
 */
int	tp_conn_handshake(struct tp *);
/*
 * Sends plaintext bytes (whole frames, or anything for raw), cut into
 * tp->split-byte TLS writes if set, and waits until the socket took them.
 * While it waits it reads (unless drain_none), so that a node writing to
 * us cannot deadlock with us writing to it. 0, or LCN_EIO once the
 * connection is closed (its end is printed once).
 */
int	tp_conn_send(struct tp *, const uint8_t *buf, size_t len);
/*
 * One round of the event loop: writes waiting ciphertext, reads and
 * handles frames if rd (and the connection is up), and waits at most
 * timeout_ms (-1: no limit) for the socket or extra_fd (-1: none).
 * Returns 1 if extra_fd is readable, else 0.
 */
int	tp_conn_poll(struct tp *, int rd, int extra_fd, int timeout_ms);
/*
 * Ends the connection: close_notify, then the socket. why, if not NULL,
 * is printed as a closed line (unless the end was printed already).
 */
void	tp_conn_close(struct tp *, const char *why);
/* Frees what tp owns (closing first if needed). */
void	tp_conn_free(struct tp *);

/* testpeer_json.c */

/* A new line object with t_ms and type set. */
json_t	*tp_json_new(const struct tp *, const char *type);
/* Prints the object as one compact line, flushes, and frees it. */
void	 tp_json_put(json_t *);
/* A uint64 as a JSON integer, or as a decimal string above INT64_MAX. */
json_t	*tp_json_u64(uint64_t);
/* A string; bytes that are not UTF-8 are written as \xNN. */
json_t	*tp_json_str(const char *);
json_t	*tp_json_strn(const char *, size_t);
/* "ORIGIN/GROUP". */
json_t	*tp_json_feed(const struct feed_id *);
/* One line for a frame received (body_len: its bytes, header excluded). */
void	 tp_json_frame(const struct tp *, const struct msg *, size_t body_len);
/* The name of a frame type as the JSON lines write it; NULL if none. */
const char *tp_json_type_name(enum msg_type);

/* testpeer_cmd.c: the script */

/* The line being run. */
struct tp_cx {
	struct tp	*tp;		/* NULL: check only */
	int		 lineno;
	const char	*cmd;		/* the line, for fail lines */
	int		 quiet;		/* inside repeat: no sent lines */
};

/*
 * Runs one script line, number lineno (a command and its words; blank
 * lines and # comments do nothing). With tp NULL it only checks the
 * line. 0, LCN_EINVAL for a line that is not a valid command (a message
 * on stderr: exit status 2), or LCN_ENOTFOUND / LCN_EPROTO when an
 * expectation failed (a fail line printed: exit status 1).
 */
int	tp_cmd_run(struct tp *, int lineno, const char *line);
/* Prints every command with its arguments. */
void	tp_cmd_usage(FILE *);
/* A usage message for the line on stderr; returns LCN_EINVAL. */
int	tp_usage(const struct tp_cx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A decimal number up to max into *v; 0 or LCN_EINVAL (said). */
int	tp_parse_num(const struct tp_cx *, const char *what, const char *s,
	    uint64_t max, uint64_t *v);
/*
 * Copies s into dst if it fits: the syntax of ids and text is the node's
 * to judge. 0 or LCN_EINVAL (said).
 */
int	tp_copy_word(const struct tp_cx *, const char *what, char *dst,
	    size_t dstsz, const char *s);
/* "ORIGIN/GROUP" into *f; 0 or LCN_EINVAL (said). */
int	tp_parse_feed(const struct tp_cx *, const char *s, struct feed_id *f);

/*
 * testpeer_frames.c: each command that sends a frame, called with the
 * line's words (argv[0] the command) once they are counted. 0,
 * LCN_EINVAL for a bad argument; a connection that is gone is printed
 * (not_sent) and does not fail the script.
 */
int	tp_cmd_hello(struct tp_cx *, int, char **);
int	tp_cmd_oversize_hello(struct tp_cx *, int, char **);
int	tp_cmd_heads(struct tp_cx *, int, char **);
int	tp_cmd_want(struct tp_cx *, int, char **);
int	tp_cmd_credit(struct tp_cx *, int, char **);
int	tp_cmd_ping(struct tp_cx *, int, char **);
int	tp_cmd_entries(struct tp_cx *, int, char **);
int	tp_cmd_equivocation(struct tp_cx *, int, char **);
int	tp_cmd_reject(struct tp_cx *, int, char **);
int	tp_cmd_error(struct tp_cx *, int, char **);
int	tp_cmd_raw(struct tp_cx *, int, char **);
/* The sent line of a command: the frames and bytes that went out. */
void	tp_sent_line(const struct tp_cx *, const char *what, uint64_t frames,
	    uint64_t bytes);

#endif
