/* opts.h: long-option parsing for the mote CLI subcommands.
 * Each subcommand declares a table; opts_parse fills the targets, checks
 * ranges and required options, and prints precise errors. */
#ifndef MOTE_CLI_OPTS_H
#define MOTE_CLI_OPTS_H

#include <stdint.h>

enum opt_kind { OPT_U32, OPT_STR, OPT_FLAG };

struct opt {
	const char *name;    /* without the leading "--" */
	enum opt_kind kind;
	void *target;        /* uint32_t *, const char **, int * */
	int required;
	uint32_t min, max;   /* OPT_U32 bounds (inclusive) */
	const char *help;
	int seen;            /* set by opts_parse */
};

/* Parse argv[1..argc-1] against OPTS (terminated by a NULL name).  Returns 0,
 * 1 when --help was given (usage printed to stdout), or -1 after printing an
 * error naming the option to stderr. */
int opts_parse(const char *cmd, const char *synopsis, struct opt *opts, int argc, char **argv);

/* Print the usage of a subcommand to F: its option table, then the footer
 * every subcommand shares (device URIs, MOTE_TRACE, exit status). */
void opts_usage(const char *cmd, const char *synopsis, const struct opt *opts, void *f);
void opts_table(const char *cmd, const char *synopsis, const struct opt *opts, void *f);
void opts_footer(void *f);

#endif
