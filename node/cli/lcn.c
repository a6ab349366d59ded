/*
 * lcn: the operator CLI (node/README.md). Global options, the command
 * table with each command's help, and main(). What the commands share is
 * apart: reaching lcnd in call.c, failures in fail.c, values in
 * format.c, input files in input.c.
 *
 *	lcn [-c CONFIG | -s SOCKET] [--json] COMMAND [ARGS]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "hash.h"
#include "lcn.h"

static int	cmd_help(struct cli *, int, char **);

/* --json anywhere on the command line: help answers as JSON too. */
static int	help_as_json;

static const struct command {
	const char	*name;
	cli_cmd_fn	 fn;
	const char	*help;
	const char	*usage;
	const char	*details;
} commands[] = {
	{ "status", cmd_status,
	    "Show this node, its peers, feeds, lag and what needs attention",
	    "lcn status [--json]",
	    "  Fork alerts first; then, under \"Needs attention\", split views\n"
	    "  (partners shown different heads of a feed), partners that\n"
	    "  rejected a feed (also in the lag column), this agency's denials\n"
	    "  past their review date, alerts expiring within 30 days,\n"
	    "  partners' consultation requests awaiting this agency's reply\n"
	    "  (nearest deadline first), and undercuts and notifications\n"
	    "  after a grant in this node's regime groups in the last 30 "
	    "days.\n"
	    "  --json        print lcnd's answer as one JSON object\n" },
	{ "publish", cmd_publish,
	    "Sign and publish entry bodies to a sharing group",
	    "lcn publish --group GROUP [--wait S] [--json] FILE|-",
	    "  FILE is one JSON body ({\"denial_notice\": {...}}) or JSON\n"
	    "  lines, one body per line; - reads standard input. Every body\n"
	    "  is checked before anything is sent: a bad line publishes\n"
	    "  nothing.\n"
	    "  -g, --group GROUP   the sharing group (\"WA\", "
	    "\"JP-METI+US-BIS\")\n"
	    "  --wait S            while lcnd is still learning this node's "
	    "own\n"
	    "                      head from its partners, retry for up to S\n"
	    "                      seconds (default 30)\n"
	    "  --json              print {origin, group, first_seq, last_seq,"
	    " count}\n" },
	{ "log", cmd_log,
	    "List ledger entries",
	    "lcn log [--feed ORIGIN/GROUP] [--since SEQ|DATE] [--since-seq SEQ] "
	    "[--type TYPE] [--ref REF] [--newest] [--limit N] [--json]",
	    "  -f, --feed ORIGIN/GROUP   one feed (default: all, in key "
	    "order)\n"
	    "  --since SEQ               entries after SEQ (default 0)\n"
	    "  --since DATE              entries created on or after DATE\n"
	    "                            (2026-07-01: a date has a '-')\n"
	    "  --since-seq SEQ           entries after SEQ, always a seq\n"
	    "  --type TYPE               one body type: denial_notice,\n"
	    "                            denial_update, end_user_alert, ...\n"
	    "                            (denial: the notice)\n"
	    "  --ref REF                 entries with that ref, or updating "
	    "it\n"
	    "  --newest                  newest first\n"
	    "  -n, --limit N             at most N entries (default 100, at "
	    "most 10000)\n"
	    "  --json                    one decoded entry per line\n" },
	{ "screen", cmd_screen,
	    "Screen a name against partners' denials, alerts and lists",
	    "lcn screen NAME [--country CC] [--id ID] [--limit N] "
	    "[--min-score S] [--all] [--json]",
	    "  Ranked matches among the parties of active partner denials,\n"
	    "  end-user alerts and imported lists, across scripts, aliases,\n"
	    "  word order and legal forms, with the reason for each score.\n"
	    "  --country CC     the party's country (ISO 3166-1 alpha-2)\n"
	    "  --id ID          a registration or document number\n"
	    "  -n, --limit N    at most N matches (default 10)\n"
	    "  --min-score S    lowest score shown (default 0.70)\n"
	    "  --all            include revoked, expired and withdrawn records\n"
	    "  --json           lcnd's answer as one JSON object\n" },
	{ "check", cmd_check,
	    "The no-undercut check of a licence application",
	    "lcn check APPLICATION.json [--threshold S] [--json]",
	    "  APPLICATION.json: {\"items\": [{\"control_entry\": "
	    "\"3A001.b.1\"}],\n"
	    "  \"parties\": [{\"role\": \"end_user\", \"name\": "
	    "\"...\", \"country\": \"CN\"}],\n"
	    "  \"destination_country\": \"CN\"} (lcn.proto's Transaction).\n"
	    "  Lists every active partner denial essentially identical to it\n"
	    "  (overlapping control entry, same destination, a party matching\n"
	    "  by screening) with whether its regime requires consulting the\n"
	    "  denying agency first, and every active alert on its parties.\n"
	    "  It needs an item, a party with a name and a destination, and\n"
	    "  every country as an ISO 3166-1 alpha-2 code (AE, not ARE or\n"
	    "  \"United Arab Emirates\"): else it names the field and exits 1.\n"
	    "  --threshold S    party match threshold (default 0.70)\n"
	    "  --json           lcnd's answer as one JSON object; a check not\n"
	    "                   done as {\"ok\": false, \"error\": {\"code\",\n"
	    "                   \"message\", \"field\"}}\n"
	    "  Exit status: 0 no denial or alert concerns the application;\n"
	    "  3 one does (the officer must act: consult, or weigh the alert);\n"
	    "  1 the check could not be done; 2 usage.\n" },
	{ "import-list", cmd_import_list,
	    "Load a public screening list as local reference parties",
	    "lcn import-list FORMAT FILE [--json]",
	    "  FORMAT: ofac-sdn (sdn.csv; alt.csv and add.csv beside it),\n"
	    "  un-xml, bis-dpl, csl or lite-denials. A new import of a format\n"
	    "  replaces the previous one. Kept locally, never published.\n"
	    "  lcn opens FILE as you and hands lcnd the open file: lcnd reads\n"
	    "  only what you can read. Needs the admin role ([access]).\n" },
	{ "reindex", cmd_reindex,
	    "Rebuild the screening index from the ledger",
	    "lcn reindex [--json]",
	    "  Imported lists are kept. lcnd rebuilds in steps and keeps\n"
	    "  serving; lcn waits until the index has caught up.\n" },
	{ "verify", cmd_verify,
	    "Check a ledger offline: every signature, chain and root",
	    "lcn verify --data-dir DIR [--json]",
	    "  -d, --data-dir DIR   the node's data directory (default: -c's "
	    "data_dir)\n"
	    "  --json               print the counts as one JSON object\n"
	    "  Opens the ledger read-only; lcnd may keep running. Exits 1 on "
	    "any fault.\n" },
	{ "deny", cmd_deny,
	    "Publish a denial notice to its regime's group",
	    "lcn deny [--group GROUP] [--json] FILE|-",
	    "  FILE holds the DenialNotice's fields (lcn.proto's names), one\n"
	    "  JSON object or JSON lines: {\"regime\": \"WA\", \"items\":"
	    " [...],\n"
	    "  \"parties\": [...], \"destination_country\": \"CN\", ...}"
	    " ({\"denial_notice\":\n"
	    "  {...}} works too). Every body is checked first: an error names"
	    "\n"
	    "  the field and publishes nothing. lcnd assigns the next ref\n"
	    "  (JP-METI/DN/2026/0043) to a body without one and prints it.\n"
	    "  -g, --group GROUP   another group than the regime's\n"
	    "  --json              {origin, group, first_seq, last_seq, "
	    "refs}\n" },
	{ "alert", cmd_alert,
	    "Publish an end-user alert",
	    "lcn alert [--group GROUP] [--json] FILE|-",
	    "  FILE holds the EndUserAlert's fields, as for lcn deny. An alert"
	    "\n"
	    "  names no regime: it goes to --group, or to the one sharing "
	    "group\n  (besides the bilateral ones) this node is in.\n"
	    "  -g, --group GROUP   the sharing group\n"
	    "  --json              {origin, group, first_seq, last_seq, "
	    "refs}\n" },
	{ "control-status", cmd_control_status,
	    "Publish this agency's stage of a control entry",
	    "lcn control-status [--group GROUP] [--json] FILE|- | --regime R "
	    "--entry E --stage S [--effective DATE] [--instrument TEXT] "
	    "[--description TEXT]",
	    "  FILE holds the ControlStatus's fields, or give them as options:"
	    "\n"
	    "  --regime R          the regime (WA, NSG, ...): its group\n"
	    "  --entry E           the control entry (3A001.b.12)\n"
	    "  --stage S           proposed, technically-matured, agreed,\n"
	    "                      implemented or withdrawn\n"
	    "  --effective DATE    implemented: from when (2026-07-01)\n"
	    "  --instrument TEXT   implemented: the legal instrument\n"
	    "  --description TEXT  what the entry controls\n"
	    "  -g, --group GROUP   another group than the regime's\n" },
	{ "deny-update", cmd_deny_update,
	    "Amend, renew, suspend or revoke a denial of this agency",
	    "lcn deny-update REF (--amend FILE | --renew [--review DATE] | "
	    "--suspend | --revoke) --reason TEXT [--json]",
	    "  Only for a denial this node published, and not after it was\n"
	    "  revoked: lcnd refuses anything else, saying the denial's "
	    "state.\n"
	    "  --amend FILE     the changed notice (its fields, as lcn deny)\n"
	    "  --renew          a new review date (--review DATE; else lcnd's "
	    "rules)\n"
	    "  --suspend, --revoke\n"
	    "  --reason TEXT    why (required); partners read it\n" },
	{ "alert-update", cmd_alert_update,
	    "Amend, extend or withdraw an alert of this agency",
	    "lcn alert-update REF (--amend FILE | --extend DATE | --withdraw) "
	    "--reason TEXT [--json]",
	    "  Only for an alert this node published, and not after it was\n"
	    "  withdrawn.\n"
	    "  --amend FILE     the changed alert (its fields)\n"
	    "  --extend DATE    valid until DATE\n"
	    "  --withdraw\n"
	    "  --reason TEXT    why (required)\n" },
	{ "denials", cmd_denials,
	    "List denials as they stand, with filters",
	    "lcn denials [--from AGENCY] [--mine] [--state STATE] [--regime R] "
	    "[--entry E] [--country CC] [--party NAME] [--since DATE] "
	    "[--at DATE] [--limit N] [--json]",
	    "  --from AGENCY    one origin's; --mine: this node's\n"
	    "  --state STATE    active, review-due, suspended, revoked or all\n"
	    "                   (default all)\n"
	    "  --regime R       --entry E (a control entry and what lies "
	    "under it)\n"
	    "  --country CC     the destination\n"
	    "  --party NAME     a party matching NAME by screening\n"
	    "  --since DATE     published at or after DATE\n"
	    "  --at DATE        every state as it stands at DATE\n"
	    "  --json           one JSON object: {records: [...], more}\n" },
	{ "alerts", cmd_alerts,
	    "List end-user alerts as they stand, with filters",
	    "lcn alerts [--from AGENCY] [--mine] [--state STATE] [--regime G] "
	    "[--entry E] [--country CC] [--party NAME] [--since DATE] "
	    "[--at DATE] [--limit N] [--json]",
	    "  As lcn denials; the states are active, not-yet-valid, expired\n"
	    "  and withdrawn; --country is the route country (via).\n" },
	{ "show", cmd_show,
	    "Show a record as it stands, its history and receipts",
	    "lcn show REF [--from AGENCY] [--at DATE] [--json]",
	    "  The record's state, then the notice and every update with who,"
	    "\n"
	    "  when and why, what was ignored and why, and which partners\n"
	    "  hold it (their signed heads attestations).\n"
	    "  The REF of a consultation request shows the whole exchange: the"
	    "\n"
	    "  request (transaction, denials, reasoning, deadline and its\n"
	    "  basis, what silence means), each reply (position, grounds,\n"
	    "  extension), information, the decision (explanation, undercut)"
	    "\n"
	    "  and every entry ignored, with why.\n" },
	{ "receipts", cmd_receipts,
	    "Which partners hold a record, and since when",
	    "lcn receipts REF [--from AGENCY] [--json]",
	    "  From the partners' signed heads attestations of the record's\n"
	    "  feed: a partner whose attested head is at or past the record\n"
	    "  holds it.\n" },
	{ "export", cmd_export,
	    "Write a record's signed entries as evidence openssl can check",
	    "lcn export REF DIR [--from AGENCY] [--seq N] [--json]",
	    "  For a court or an auditor: each entry exactly as stored\n"
	    "  (signed-entry.bin), the bytes that were signed (signed-bytes.bin"
	    "),\n"
	    "  the signature (signature.bin), the origin's public key\n"
	    "  (origin-key.pem), the decoded entry (entry.json) and a README.txt"
	    "\n"
	    "  with the stock command that checks it:\n"
	    "    openssl pkeyutl -verify -pubin -inkey origin-key.pem -rawin \\\n"
	    "        -in signed-bytes.bin -sigfile signature.bin\n"
	    "  The notice (or alert) goes into DIR, each update into a\n"
	    "  subdirectory. DIR is made, or must be empty. lcn checks every\n"
	    "  signature before writing. Needs the read role.\n"
	    "  --from AGENCY   the record's origin, when the ref is ambiguous\n"
	    "  --seq N         only the record's entry at seq N, into DIR\n"
	    "  --json          {ok, ref, dir, entries: [{origin, group, seq, "
	    "type, dir}]}\n" },
	{ "controls", cmd_controls,
	    "The control matrix: entries by agencies, each agency's stage",
	    "lcn controls [--regime R] [--entry PREFIX] [--stage S] [--json]",
	    "  Each cell is the agency's latest stage of the entry and its\n"
	    "  date (the effective date when implemented); '-' where an\n"
	    "  agency has said nothing.\n" },
	{ "consultations", cmd_consultations,
	    "List no-undercut consultations, asked and received",
	    "lcn consultations [--incoming|--outgoing] [--state S] [--overdue] "
	    "[--counterpart AGENCY] [--regime R] [--at DATE] [--limit N] "
	    "[--json]",
	    "  Each consultation this node holds, nearest deadline first: its\n"
	    "  request ref, the other agency, the denials it is about, its\n"
	    "  state, its deadline and the working days the replying agency\n"
	    "  has left (on that agency's calendar; \"no deadline\" when the\n"
	    "  regime sets none, \"-\" once no reply is awaited).\n"
	    "  --incoming       partners asking this agency\n"
	    "  --outgoing       this agency asking partners\n"
	    "  --state S        awaiting-reply, info-requested, extended,\n"
	    "                   replied, lapsed, decided, closed or all\n"
	    "  --overdue        awaiting a reply past the deadline\n"
	    "  --counterpart AGENCY   with that agency\n"
	    "  --regime R       on denials of that regime\n"
	    "  --at DATE        every state as it stands at the end of DATE\n"
	    "  --json           one JSON object: {consultations: [...], "
	    "more}\n"
	    "  lcn show REQUEST-REF shows one consultation's whole "
	    "exchange.\n" },
	{ "report", cmd_report,
	    "A regime's figures over a period, for its secretariat",
	    "lcn report --regime R --from DATE --to DATE [--json | --csv]",
	    "  From what this node holds: denials notified in the period by\n"
	    "  control category and by destination; consultations opened,\n"
	    "  answered within the deadline, answered late, lapsed and still\n"
	    "  open at the period's end; licences granted and denied;\n"
	    "  undercuts; notifications after a grant.\n"
	    "  --from DATE      the first day (2026-01-01)\n"
	    "  --to DATE        the last day, included (2026-12-31)\n"
	    "  --json           lcnd's answer as one JSON object\n"
	    "  --csv            regime,figure,key,count rows after a header "
	    "row\n"
	    "                   (RFC 4180: CRLF line ends, quoted fields)\n" },
	{ "consult", cmd_consult,
	    "Consult the partners that denied an essentially identical "
	    "transaction",
	    "lcn consult APPLICATION.json [--denial REF ...] "
	    "[--intend grant|deny] [--reasoning TEXT] [--reply-by DATE] "
	    "[--at DATE] [--json]",
	    "  APPLICATION.json is the transaction, as lcn check takes it.\n"
	    "  Without --denial lcnd runs the check and consults on every\n"
	    "  active partner denial whose regime asks a consultation before\n"
	    "  a grant, once: a denial already under an open request for the\n"
	    "  same transaction is listed and skipped. One request per\n"
	    "  denying agency (and regime), in the two agencies' group\n"
	    "  (\"JP-METI+US-BIS\"), with the deadline its regime's profile\n"
	    "  gives ([group] consult_deadline; working days are the\n"
	    "  consulted agency's, from its [partner] holidays file) and\n"
	    "  what silence means. Refused, with nothing published, for a\n"
	    "  denial that is not active, not a partner's, or of a regime\n"
	    "  that asks a notification after a grant instead (WA: lcn\n"
	    "  decide --application FILE --grant --explanation TEXT).\n"
	    "  --denial REF       consult on this denial (repeatable)\n"
	    "  --intend D         the intended decision, grant (default) or "
	    "deny\n"
	    "  --reasoning TEXT   why it is (or is not) essentially identical\n"
	    "                     (default: the check's explanation)\n"
	    "  --reply-by DATE    a later deadline than the profile's\n"
	    "  --at DATE          the date of the request: its deadline counts\n"
	    "                     from there (a request made off-line, a\n"
	    "                     rehearsal); default now\n"
	    "  --json             {ok, requests: [{ref, consulted, group, "
	    "denials,\n"
	    "                     deadline_ms, deadline, silence, ...}], "
	    "skipped}\n" },
	{ "reply", cmd_reply,
	    "Answer a consultation request as the agency consulted",
	    "lcn reply REQUEST-REF --position object|no-objection|"
	    "maintain-denial|need-info|ack [--grounds TEXT] [--extend-to DATE] "
	    "[--json]",
	    "  Only the agency consulted replies, and only until the asker has\n"
	    "  decided (an ack after the decision closes the consultation).\n"
	    "  --position P       object, no-objection, maintain-denial,\n"
	    "                     need-info (the asker adds information with\n"
	    "                     lcn consult-info) or ack\n"
	    "  --grounds TEXT     why: required with object, maintain-denial\n"
	    "                     and need-info\n"
	    "  --extend-to DATE   with ack: a later deadline, within the\n"
	    "                     extension the request's profile allows\n" },
	{ "consult-info", cmd_consult_info,
	    "Add the information a need-info reply asked for",
	    "lcn consult-info REQUEST-REF FILE.json [--at DATE] [--json]",
	    "  FILE.json: {\"information\": \"text\", \"transaction\": "
	    "{...}}, either\n"
	    "  or both (the transaction restated, as lcn check takes it).\n"
	    "  Only the asker, and only after the partner's need-info reply.\n"
	    "  When the profile says so (info_restarts), the deadline starts\n"
	    "  again from now, or from --at DATE.\n" },
	{ "decide", cmd_decide,
	    "Record this agency's licence decision on a consultation",
	    "lcn decide REQUEST-REF --grant|--deny --explanation TEXT "
	    "[--licence REF] [--at DATE] [--yes] [--publish-denial] [--json]\n"
	    "       lcn decide --application FILE.json --grant --explanation "
	    "TEXT [--at DATE] [--yes] [--json]",
	    "  Published in the consultation's group. A grant is refused\n"
	    "  before the partner's reply while its deadline has not passed\n"
	    "  (without a deadline, only a reply allows one). A grant after an\n"
	    "  objection, a maintained denial or silence that is not consent\n"
	    "  undercuts the partner's denial: lcn says so first and asks on a\n"
	    "  terminal (--yes proceeds unattended), and the decision also\n"
	    "  goes to the regime's group with the explanation, for every\n"
	    "  member to read.\n"
	    "  --explanation TEXT the justification (required)\n"
	    "  --licence REF      this agency's licence number\n"
	    "  --at DATE          the date of the decision (one taken off-line,\n"
	    "                     a rehearsal); default now\n"
	    "  --publish-denial   with --deny: also publish this agency's own\n"
	    "                     denial of the transaction to the regime's\n"
	    "                     group, so that partners' checks find it\n"
	    "  --application FILE without a request: the notification of a\n"
	    "                     grant a regime asks for after a partner's\n"
	    "                     denial (WA), published to its group\n" },
	{ "help", cmd_help,
	    "Show this help, or a command's",
	    "lcn help [COMMAND]",
	    "" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const struct command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

#define LCN_USAGE	"lcn [-c CONFIG | -s SOCKET] [--json] COMMAND [ARGS]"

const char *
cli_command_usage(const char *cmd)
{
	const struct command *c;

	if (cmd == NULL)
		return LCN_USAGE;
	return (c = command_find(cmd)) != NULL ? c->usage : NULL;
}

/* lcn help --json: the commands, or one command's usage, as one object. */
static void
help_json(const struct command *c)
{
	json_t	*out, *list;
	size_t	 i;

	if (c != NULL)
		out = json_pack("{s:b, s:s, s:s, s:s, s:s}", "ok", 1,
		    "command", c->name, "summary", c->help, "usage", c->usage,
		    "details", c->details);
	else {
		list = json_array();
		for (i = 0; list != NULL && i < NCOMMANDS; i++)
			json_array_append_new(list, json_pack("{s:s, s:s, "
			    "s:s}", "name", commands[i].name, "summary",
			    commands[i].help, "usage", commands[i].usage));
		out = json_pack("{s:b, s:s, s:o}", "ok", 1, "usage",
		    LCN_USAGE, "commands", list);
	}
	if (out != NULL)
		cli_print_json(out);
	json_decref(out);
}

void
cli_help(const char *cmd)
{
	const struct command	*c = cmd != NULL ? command_find(cmd) : NULL;
	size_t			 i;

	if (help_as_json) {
		help_json(c);
		return;
	}
	if (c != NULL) {
		printf("usage: %s\n\n%s.\n\n%s", c->usage, c->help,
		    c->details);
		return;
	}
	printf("usage: " LCN_USAGE "\n"
	    "       lcn --version\n\n"
	    "The operator CLI of lcnd, the Licensing Coordination Node.\n\n"
	    "Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-14s %s\n", commands[i].name, commands[i].help);
	printf("\nOptions:\n"
	    "  -c CONFIG   find lcnd's socket in its configuration file\n"
	    "  -s SOCKET   lcnd's unix socket (default: $LCN_SOCKET)\n"
	    "              (-c and -s may also follow the command)\n"
	    "  --json      machine-readable output\n"
	    "  --version   print the version\n\n"
	    "Exit status: 0 ok, 1 failure (reported by lcnd, or ledger "
	    "faults), 2 usage.\n"
	    "With --json, a failure is one object on stdout:\n"
	    "  {\"ok\": false, \"error\": {\"code\", \"message\", "
	    "\"field\"}}\n"
	    "(code: lcnd's, or usage, config, unreachable, no-answer, "
	    "protocol,\n"
	    "invalid, not-found, io, faults, bad-signature, nomem or "
	    "internal;\n"
	    "field: the option, argument or field at fault, or null).\n"
	    "'lcn help COMMAND' shows a command's options.\n");
}

static int
cmd_help(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL,		0,		NULL, 0 },
	};
	int	ch;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			cli->json = 1;
			break;
		case 'h':
			help_as_json = cli->json;
			cli_help("help");
			return EXIT_OK;
		default:
			return cli_bad_option("help", ch, argv);
		}
	}
	help_as_json = cli->json;
	if (argc - optind > 1)
		return cli_usage_field("help", "COMMAND", "one COMMAND only");
	if (argc - optind == 1 && command_find(argv[optind]) == NULL)
		return cli_usage_field("help", "COMMAND", "unknown command "
		    "'%s'", argv[optind]);
	cli_help(argc - optind == 1 ? argv[optind] : NULL);
	return EXIT_OK;
}


/*
 * --json anywhere before a "--", before the command or after it: looked
 * for before anything is parsed, so that an error found first (an
 * unknown option, a missing argument) is answered as JSON too.
 */
static int
json_anywhere(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			return 1;
	return 0;
}

/*
 * -c CONFIG and -s SOCKET after the command (`lcn status -c FILE`, as
 * people type it) are taken out of argv, up to a "--": no command has a
 * -c or -s of its own.
 */
static int
global_after(struct cli *cli, int *argc, char **argv)
{
	const char	*a, **dst;
	int		 i, o, n = *argc;

	for (i = o = 1; i < n; i++) {
		a = argv[i];
		dst = NULL;
		if (strcmp(a, "--") == 0) {
			while (i < n)
				argv[o++] = argv[i++];
			break;
		}
		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0)
			dst = &cli->config_path;
		else if (strcmp(a, "-s") == 0 || strcmp(a, "--socket") == 0)
			dst = &cli->socket;
		else if (strncmp(a, "--config=", 9) == 0) {
			cli->config_path = a + 9;
			continue;
		} else if (strncmp(a, "--socket=", 9) == 0) {
			cli->socket = a + 9;
			continue;
		}
		if (dst == NULL) {
			argv[o++] = argv[i];
			continue;
		}
		if (i + 1 >= n)
			return cli_usage_field(argv[0], a, "option %s needs "
			    "an argument", a);
		*dst = argv[++i];
	}
	argv[o] = NULL;
	*argc = o;
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "socket",	required_argument,	NULL, 's' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 },
	};
	const struct command	*c;
	struct cli		 cli;
	int			 ch, rc;

	/*
	 * A write to lcnd's socket after lcnd has closed it (a refusal, a
	 * stop) must be an error lcn can explain, not a death by SIGPIPE;
	 * so must a closed stdout (lcn ... | head), reported at the end.
	 */
	signal(SIGPIPE, SIG_IGN);
	memset(&cli, 0, sizeof(cli));
	cli.json = help_as_json = json_anywhere(argc, argv);
	cli_fail_bind(&cli);
	opterr = 0;
	/* '+': stop at the command; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+:c:s:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.config_path = optarg;
			break;
		case 's':
			cli.socket = optarg;
			break;
		case 'j':
			cli.json = 1;
			break;
		case 'h':
			cli_help(NULL);
			return EXIT_OK;
		case 'V':
			printf("lcn %s\n", LCN_VERSION);
			return EXIT_OK;
		default:
			return cli_bad_option(NULL, ch, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_field(NULL, "COMMAND", "no command");
	if ((c = command_find(argv[optind])) == NULL)
		return cli_usage_field(NULL, "COMMAND", "unknown command '%s'",
		    argv[optind]);
	/*
	 * Only verify and export hash or check signatures here; every other
	 * command leaves that to lcnd and never starts OpenSSL, whose start
	 * (reading openssl.cnf, loading its provider) was half the CPU of a
	 * short call.
	 */
	if ((strcmp(c->name, "verify") == 0 || strcmp(c->name, "export") ==
	    0) && hash_init() != 0)
		return cli_fail(&cli, "internal", NULL, "OpenSSL: cannot fetch "
		    "SHA-256");
	argc -= optind;
	argv += optind;
	if ((rc = global_after(&cli, &argc, argv)) != EXIT_OK)
		return rc;
	/* glibc: 0 restarts getopt from argv[1] with fresh internal state. */
	optind = 0;
	rc = c->fn(&cli, argc, argv);
	if (cli.config != NULL) {
		config_free(cli.config);
		free(cli.config);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			cli_warnx("the output was closed before lcn had "
			    "written all of it (the command reading it "
			    "stopped early)");
		else
			cli_warnx("writing output: %s", strerror(errno));
		rc = EXIT_FAIL;
	}
	return rc;
}
