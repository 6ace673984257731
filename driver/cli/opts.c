/* opts.c: long-option parsing for the mote CLI (see opts.h). */
#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void opts_table(const char *cmd, const char *synopsis, const struct opt *opts, void *fp)
{
	FILE *f = fp;
	fprintf(f, "usage: mote %s %s\n\n%s options:\n", cmd, synopsis, cmd);
	for (const struct opt *o = opts; o->name; o++) {
		char left[48];
		snprintf(left, sizeof left, "--%s%s", o->name, o->kind == OPT_FLAG ? "" : (o->kind == OPT_U32 ? " N" : " S"));
		fprintf(f, "  %-22s %s%s\n", left, o->help, o->required ? " (required)" : "");
	}
	fprintf(f, "  %-22s %s\n", "--help", "this text");
}

void opts_footer(void *fp)
{
	FILE *f = fp;
	fprintf(f, "\ndevice URIs: sim (8x8); sim:rows=R,cols=C (4x4, 8x8, 16x16) with mem=BYTES, latency=N, bw=N,\n"
		   "  trace=FILE.fst; sim:board=icebreaker (the board build); sim:link=uart (the 8x8 board behind its\n"
		   "  UART; sim:board=icebreaker,link=uart: the iCEBreaker board top whole) with flip=P, drop=P, dup=P,\n"
		   "  seed=N; usb[:VID:PID[:SERIAL]] with interface=0|1, baud=N,\n"
		   "  retries=N, timeout=MS\n"
		   "environment: MOTE_TRACE=FILE.fst writes the simulator's waveform\n"
		   "exit status: 0 success; 1 a result differs or a check fails; 2 a usage error; 3 a file,\n"
		   "  model or device that cannot be used\n");
}

void opts_usage(const char *cmd, const char *synopsis, const struct opt *opts, void *fp)
{
	opts_table(cmd, synopsis, opts, fp);
	opts_footer(fp);
}

static struct opt *find(struct opt *opts, const char *name)
{
	for (struct opt *o = opts; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

int opts_parse(const char *cmd, const char *synopsis, struct opt *opts, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			opts_usage(cmd, synopsis, opts, stdout);
			return 1;
		}
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "mote %s: unexpected argument '%s' (see mote %s --help)\n", cmd, a, cmd);
			return -1;
		}
		char name[64];
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		if (len >= sizeof name) {
			fprintf(stderr, "mote %s: unknown option '%s'\n", cmd, a);
			return -1;
		}
		memcpy(name, a + 2, len);
		name[len] = 0;
		struct opt *o = find(opts, name);
		if (!o) {
			fprintf(stderr, "mote %s: unknown option '--%s' (see mote %s --help)\n", cmd, name, cmd);
			return -1;
		}
		o->seen = 1;
		if (o->kind == OPT_FLAG) {
			if (eq) {
				fprintf(stderr, "mote %s: --%s takes no value\n", cmd, name);
				return -1;
			}
			*(int *)o->target = 1;
			continue;
		}
		const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val) {
			fprintf(stderr, "mote %s: --%s needs a value\n", cmd, name);
			return -1;
		}
		if (o->kind == OPT_STR) {
			*(const char **)o->target = val;
			continue;
		}
		char *end;
		errno = 0;
		unsigned long long v = strtoull(val, &end, 0);
		if (errno || *end || !*val || val[0] == '-' || v < o->min || v > o->max) {
			fprintf(stderr, "mote %s: --%s '%s': expected an integer in [%u, %u]\n", cmd, name, val, o->min, o->max);
			return -1;
		}
		*(uint32_t *)o->target = (uint32_t)v;
	}
	for (struct opt *o = opts; o->name; o++)
		if (o->required && !o->seen) {
			fprintf(stderr, "mote %s: --%s is required (see mote %s --help)\n", cmd, o->name, cmd);
			return -1;
		}
	return 0;
}
