/* specgen.c: turn include/mote/mote_hw.spec into the C header and the Verilog include.
 *
 *   specgen SPEC OUT_H OUT_VH
 *
 * The spec is line based (see its header).  Every name is checked for
 * duplicates and every command field for overlap, so a bad edit fails the
 * build instead of producing a header and an include that disagree.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 512
#define MAX_TOK 8

struct item {
	char kind[8];          /* const enum reg bits regarr cmd perf frame lreg */
	char a[40], b[40];     /* names: const NAME | enum GROUP NAME | reg NAME | bits REG NAME | cmd OP NAME
	                          | frame KIND NAME | lreg NAME */
	unsigned long v[4];    /* numbers, meaning by kind */
	char sign;             /* cmd: 'u' or 's' */
	char access[4];        /* reg, regarr */
	char tail_first[40];   /* tail: the first field of the optional tail */
	char desc[200];
	int line;
};

static struct item items[MAX_ITEMS];
static int nitems;
static unsigned long ver_major, ver_minor;
static const char *spec_path;

static void die(int line, const char *msg, const char *what)
{
	fprintf(stderr, "%s:%d: %s%s%s\n", spec_path, line, msg, what ? ": " : "", what ? what : "");
	exit(1);
}

static unsigned long num(const char *s, int line)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (errno || *end || !*s)
		die(line, "not a number", s);
	return v;
}

static void upper_ident(const char *s, int line)
{
	if (!*s || strlen(s) >= 40)
		die(line, "bad name length", s);
	for (const char *p = s; *p; p++)
		if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			die(line, "names are UPPER_CASE", s);
}

/* Split LINE into up to max tokens; the rest (after them) goes to *rest. */
static int split(char *line, char **tok, int max, char **rest)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	*rest = p;
	return n;
}

static void parse(FILE *f)
{
	char buf[512];
	int line = 0;
	while (fgets(buf, sizeof buf, f)) {
		line++;
		size_t len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = 0;
		char *hash = buf;
		while (*hash == ' ' || *hash == '\t')
			hash++;
		if (!*hash || *hash == '#')
			continue;
		char *tok[MAX_TOK], *rest;
		int n = split(buf, tok, 1, &rest);
		if (n < 1)
			continue;
		const char *kind = tok[0];
		if (!strcmp(kind, "version")) {
			n = split(rest, tok, 2, &rest);
			if (n != 2)
				die(line, "version MAJOR MINOR", NULL);
			ver_major = num(tok[0], line);
			ver_minor = num(tok[1], line);
			continue;
		}
		if (nitems == MAX_ITEMS)
			die(line, "too many items", NULL);
		struct item *it = &items[nitems++];
		memset(it, 0, sizeof *it);
		it->line = line;
		snprintf(it->kind, sizeof it->kind, "%s", kind);
		if (!strcmp(kind, "const")) {
			if (split(rest, tok, 2, &rest) != 2)
				die(line, "const NAME VALUE", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			it->v[0] = num(tok[1], line);
		} else if (!strcmp(kind, "enum")) {
			if (split(rest, tok, 3, &rest) != 3)
				die(line, "enum GROUP NAME VALUE", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			snprintf(it->b, sizeof it->b, "%s", tok[1]);
			it->v[0] = num(tok[2], line);
		} else if (!strcmp(kind, "reg")) {
			if (split(rest, tok, 3, &rest) != 3)
				die(line, "reg NAME OFFSET ACCESS", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			it->v[0] = num(tok[1], line);
			snprintf(it->access, sizeof it->access, "%s", tok[2]);
		} else if (!strcmp(kind, "regarr")) {
			if (split(rest, tok, 5, &rest) != 5)
				die(line, "regarr NAME OFFSET COUNT STRIDE ACCESS", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			it->v[0] = num(tok[1], line);
			it->v[1] = num(tok[2], line);
			it->v[2] = num(tok[3], line);
			snprintf(it->access, sizeof it->access, "%s", tok[4]);
		} else if (!strcmp(kind, "bits")) {
			if (split(rest, tok, 4, &rest) != 4)
				die(line, "bits REG NAME LSB WIDTH", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			snprintf(it->b, sizeof it->b, "%s", tok[1]);
			it->v[0] = num(tok[2], line);
			it->v[1] = num(tok[3], line);
		} else if (!strcmp(kind, "cmd")) {
			if (split(rest, tok, 6, &rest) != 6)
				die(line, "cmd OP NAME WORD LSB WIDTH SIGN", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			snprintf(it->b, sizeof it->b, "%s", tok[1]);
			it->v[0] = num(tok[2], line);
			it->v[1] = num(tok[3], line);
			it->v[2] = num(tok[4], line);
			if (strcmp(tok[5], "u") && strcmp(tok[5], "s"))
				die(line, "SIGN is u or s", tok[5]);
			it->sign = tok[5][0];
		} else if (!strcmp(kind, "tail")) {
			if (split(rest, tok, 3, &rest) != 3)
				die(line, "tail OP FLAG FIRST", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			snprintf(it->b, sizeof it->b, "%s", tok[1]);
			snprintf(it->access, sizeof it->access, "%s", "");
			snprintf(it->tail_first, sizeof it->tail_first, "%s", tok[2]);
			upper_ident(it->tail_first, line);
		} else if (!strcmp(kind, "frame")) {
			if (split(rest, tok, 4, &rest) != 4)
				die(line, "frame KIND NAME OFFSET BYTES", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			snprintf(it->b, sizeof it->b, "%s", tok[1]);
			it->v[0] = num(tok[2], line);
			it->v[1] = num(tok[3], line);
		} else if (!strcmp(kind, "lreg")) {
			if (split(rest, tok, 3, &rest) != 3)
				die(line, "lreg NAME OFFSET ACCESS", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			it->v[0] = num(tok[1], line);
			snprintf(it->access, sizeof it->access, "%s", tok[2]);
		} else if (!strcmp(kind, "perf")) {
			if (split(rest, tok, 2, &rest) != 2)
				die(line, "perf NAME INDEX", NULL);
			snprintf(it->a, sizeof it->a, "%s", tok[0]);
			it->v[0] = num(tok[1], line);
		} else {
			die(line, "unknown line kind", kind);
		}
		if (strcmp(kind, "enum"))
			upper_ident(it->a, line); /* enum groups are lower case: op, err, buf */
		if (it->b[0])
			upper_ident(it->b, line);
		snprintf(it->desc, sizeof it->desc, "%s", rest);
		/* C comments must not be closed early by the description. */
		for (char *p = it->desc; *p; p++)
			if (p[0] == '*' && p[1] == '/')
				p[1] = '|';
	}
}

static const struct item *find(const char *kind, const char *a, const char *b)
{
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, kind) && !strcmp(items[i].a, a) && (!b || !strcmp(items[i].b, b)))
			return &items[i];
	return NULL;
}

/* The frame field KIND_NAME (a bits line names one so), or NULL. */
static const struct item *frame_field(const char *kind_name)
{
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		size_t ka = strlen(it->a);
		if (!strcmp(it->kind, "frame") && !strncmp(kind_name, it->a, ka) && kind_name[ka] == '_' &&
		    !strcmp(kind_name + ka + 1, it->b))
			return it;
	}
	return NULL;
}

/* Header bytes of frame KIND: the end of its last field. */
static unsigned long frame_hdr_bytes(const char *kind)
{
	unsigned long end = 0;
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "frame") && !strcmp(items[i].a, kind) && items[i].v[0] + items[i].v[1] > end)
			end = items[i].v[0] + items[i].v[1];
	return end;
}

static unsigned long const_value(const char *name)
{
	const struct item *it = find("const", name, NULL);
	if (!it) {
		fprintf(stderr, "%s: const %s is required\n", spec_path, name);
		exit(1);
	}
	return it->v[0];
}

static void check(void)
{
	unsigned long words = const_value("CMD_WORDS");
	unsigned long align = const_value("CMD_ALIGN");
	if (align < 4 || align & (align - 1))
		die(0, "CMD_ALIGN must be a power of two of at least 4", NULL);
	for (int i = 0; i < nitems; i++) {
		const struct item *x = &items[i];
		for (int j = i + 1; j < nitems; j++) {
			const struct item *y = &items[j];
			if (!strcmp(x->kind, y->kind) && !strcmp(x->a, y->a) && !strcmp(x->b, y->b))
				die(y->line, "duplicate name", y->b[0] ? y->b : y->a);
			if (!strcmp(x->kind, "enum") && !strcmp(y->kind, "enum") && !strcmp(x->a, y->a) &&
			    x->v[0] == y->v[0])
				die(y->line, "duplicate enum value", y->b);
			if (!strcmp(x->kind, "perf") && !strcmp(y->kind, "perf") && x->v[0] == y->v[0])
				die(y->line, "duplicate perf index", y->a);
			/* Command fields of the same opcode (or the header) must not overlap. */
			if (!strcmp(x->kind, "cmd") && !strcmp(y->kind, "cmd") && x->v[0] == y->v[0] &&
			    (!strcmp(x->a, y->a) || !strcmp(x->a, "HDR") || !strcmp(y->a, "HDR")) &&
			    x->v[1] < y->v[1] + y->v[2] && y->v[1] < x->v[1] + x->v[2])
				die(y->line, "command field overlaps another", y->b);
		}
		if (!strcmp(x->kind, "cmd")) {
			if (x->v[0] >= words || x->v[2] == 0 || x->v[1] + x->v[2] > 32)
				die(x->line, "command field outside its word", x->b);
			if (strcmp(x->a, "HDR") && !find("enum", "op", x->a))
				die(x->line, "command field of an unknown opcode", x->a);
		}
		if (!strcmp(x->kind, "tail")) {
			const struct item *fl = find("cmd", x->a, x->b), *first = find("cmd", x->a, x->tail_first);
			if (!find("enum", "op", x->a) || !fl || !first)
				die(x->line, "tail of an unknown opcode or field", x->a);
			if (fl->v[0] != 0 || fl->v[2] != 1)
				die(x->line, "a tail's flag is one bit of word 0", x->b);
			if (first->v[0] == 0)
				die(x->line, "a tail starts after word 0", x->tail_first);
			if (find("tail", x->a, NULL) != x)
				die(x->line, "one tail per opcode", x->a);
		}
		if (!strcmp(x->kind, "bits")) {
			const struct item *ff = frame_field(x->a);
			if (!find("reg", x->a, NULL) && !find("regarr", x->a, NULL) && !find("lreg", x->a, NULL) && !ff)
				die(x->line, "bits of an unknown register or frame field", x->a);
			if (x->v[1] == 0 || x->v[0] + x->v[1] > (ff ? 8 * ff->v[1] : 32))
				die(x->line, "bits outside the register", x->b);
		}
		if (!strcmp(x->kind, "frame")) {
			if (x->v[1] == 0 || x->v[1] > 4)
				die(x->line, "frame fields are 1 to 4 bytes", x->b);
			for (int j = i + 1; j < nitems; j++) {
				const struct item *y = &items[j];
				if (!strcmp(y->kind, "frame") && !strcmp(x->a, y->a) && x->v[0] < y->v[0] + y->v[1] &&
				    y->v[0] < x->v[0] + x->v[1])
					die(y->line, "frame field overlaps another", y->b);
			}
		}
		if (!strcmp(x->kind, "lreg")) {
			if (x->v[0] % 4 || x->v[0] < 0x1000 || x->v[0] > 0xfffc)
				die(x->line, "link register offsets are word aligned, 0x1000..0xfffc", x->a);
			for (int j = i + 1; j < nitems; j++)
				if (!strcmp(items[j].kind, "lreg") && items[j].v[0] == x->v[0])
					die(items[j].line, "link register offset collides with", x->a);
		}
		if (!strcmp(x->kind, "perf") && x->v[0] >= const_value("NUM_PERF"))
			die(x->line, "perf index beyond NUM_PERF", x->a);
	}
	/* Register offsets must be distinct and word aligned. */
	for (int i = 0; i < nitems; i++) {
		const struct item *x = &items[i];
		if (strcmp(x->kind, "reg") && strcmp(x->kind, "regarr"))
			continue;
		unsigned long xn = strcmp(x->kind, "reg") ? x->v[1] : 1, xs = x->v[2];
		if (x->v[0] % 4)
			die(x->line, "register offset not word aligned", x->a);
		for (int j = i + 1; j < nitems; j++) {
			const struct item *y = &items[j];
			if (strcmp(y->kind, "reg") && strcmp(y->kind, "regarr"))
				continue;
			unsigned long yn = strcmp(y->kind, "reg") ? y->v[1] : 1, ys = y->v[2];
			for (unsigned long p = 0; p < xn; p++)
				for (unsigned long q = 0; q < yn; q++)
					if (x->v[0] + p * xs == y->v[0] + q * ys)
						die(y->line, "register offset collides with", x->a);
		}
	}
}

static void lower(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	for (; src[i] && i + 1 < n; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = 0;
}

static void upper(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	for (; src[i] && i + 1 < n; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = 0;
}

/* 1 + the highest word any field of opcode OP (or the header) occupies. */
static unsigned long op_words(const char *op)
{
	unsigned long n = 1;
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "cmd") && (!strcmp(items[i].a, op) || !strcmp(items[i].a, "HDR")) &&
		    items[i].v[0] + 1 > n)
			n = items[i].v[0] + 1;
	return n;
}

/* The tail line of opcode OP, or NULL. */
static const struct item *op_tail(const char *op)
{
	return find("tail", op, NULL);
}

/* Words of an OP command in the stream without its tail (all of them if none). */
static unsigned long op_short_words(const char *op)
{
	const struct item *t = op_tail(op);
	return t ? find("cmd", op, t->tail_first)->v[0] : op_words(op);
}

/* C: a command's length in the stream from its word 0, and the stream's
 * packing of a command held as MOTE_CMD_WORDS words. */
static void emit_c_len(FILE *o)
{
	fprintf(o, "\n/* Words a command takes in a stream, read from its word 0 (0: not an opcode). */\n"
		   "static inline unsigned mote_cmd_len(uint32_t w0)\n{\n"
		   "\tswitch ((w0 >> MOTE_HDR_OPCODE_LSB) & ((1u << MOTE_HDR_OPCODE_WIDTH) - 1u)) {\n");
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		if (strcmp(it->kind, "enum") || strcmp(it->a, "op"))
			continue;
		const struct item *t = op_tail(it->b);
		if (t)
			fprintf(o, "\tcase MOTE_OP_%s: return (w0 >> MOTE_%s_%s_LSB) & 1u ? MOTE_%s_WORDS : MOTE_%s_SHORT_WORDS;\n",
				it->b, it->b, t->b, it->b, it->b);
		else
			fprintf(o, "\tcase MOTE_OP_%s: return MOTE_%s_WORDS;\n", it->b, it->b);
	}
	fprintf(o, "\tdefault: return 0;\n\t}\n}\n\n"
		   "/* Write a command (MOTE_CMD_WORDS words; the words past its length are not\n"
		   " * read) at p as a stream holds it: its mote_cmd_len words, little-endian\n"
		   " * (a word 0 that is not an opcode alone: a device stops there with OPCODE).\n"
		   " * Returns the bytes written, at most 4 * MOTE_CMD_WORDS. */\n"
		   "static inline size_t mote_cmd_pack(void *p, const uint32_t *cmd)\n{\n"
		   "\tunsigned n = mote_cmd_len(cmd[0]);\n\tuint8_t *b = (uint8_t *)p;\n"
		   "\tif (n == 0)\n\t\tn = 1;\n"
		   "\tfor (unsigned k = 0; k < n; k++)\n"
		   "\t\tfor (unsigned j = 0; j < 4; j++)\n\t\t\tb[4 * k + j] = (uint8_t)(cmd[k] >> (8 * j));\n"
		   "\treturn 4u * n;\n}\n\n"
		   "/* Pack n commands held MOTE_CMD_WORDS words apart (command i at\n"
		   " * cmds + i * MOTE_CMD_WORDS) into a stream at p (room for n *\n"
		   " * 4 * MOTE_CMD_WORDS bytes is always enough).  Returns its bytes. */\n"
		   "static inline size_t mote_cmds_pack(void *p, const uint32_t *cmds, size_t n)\n{\n"
		   "\tsize_t off = 0;\n"
		   "\tfor (size_t i = 0; i < n; i++)\n"
		   "\t\toff += mote_cmd_pack((uint8_t *)p + off, cmds + i * MOTE_CMD_WORDS);\n"
		   "\treturn off;\n}\n\n"
		   "/* Read the command at p (at most avail bytes) into cmd (MOTE_CMD_WORDS words,\n"
		   " * those past its length 0).  Returns the bytes it takes, 0 if its word 0 is\n"
		   " * not an opcode or it runs past avail. */\n"
		   "static inline size_t mote_cmd_unpack(uint32_t *cmd, const void *p, size_t avail)\n{\n"
		   "\tconst uint8_t *b = (const uint8_t *)p;\n"
		   "\tfor (unsigned k = 0; k < MOTE_CMD_WORDS; k++)\n\t\tcmd[k] = 0;\n"
		   "\tif (avail < 4)\n\t\treturn 0;\n"
		   "\tcmd[0] = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;\n"
		   "\tunsigned n = mote_cmd_len(cmd[0]);\n"
		   "\tif (n == 0 || avail < 4u * n) {\n\t\tcmd[0] = 0;\n\t\treturn 0;\n\t}\n"
		   "\tfor (unsigned k = 1; k < n; k++)\n"
		   "\t\tcmd[k] = (uint32_t)b[4 * k] | (uint32_t)b[4 * k + 1] << 8 | (uint32_t)b[4 * k + 2] << 16 |\n"
		   "\t\t\t (uint32_t)b[4 * k + 3] << 24;\n"
		   "\treturn 4u * n;\n}\n");
}

/* C: every command field as a table, for tools that walk the fields instead
 * of naming them (disassemblers, the command-stream fuzzer). */
static void emit_c_fields(FILE *o)
{
	int n = 0;
	for (int i = 0; i < nitems; i++)
		n += !strcmp(items[i].kind, "cmd");
	fprintf(o, "\n/* Every command field of the spec, in spec order: op 0 for the header's\n"
		   " * (common to every opcode), else the opcode (MOTE_OP_*); tail: the field is\n"
		   " * in the stream only with its opcode's tail flag set (mote_cmd_len). */\n"
		   "struct mote_cmd_field {\n\tconst char *op_name, *name;\n"
		   "\tunsigned op, word, lsb, width, is_signed, tail;\n};\n\n"
		   "#define MOTE_NUM_CMD_FIELDS %du\n\n"
		   "/* Field i (i < MOTE_NUM_CMD_FIELDS), or NULL.  Static storage. */\n"
		   "static inline const struct mote_cmd_field *mote_cmd_field_at(unsigned i)\n{\n"
		   "\tstatic const struct mote_cmd_field t[] = {\n", n);
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		if (strcmp(it->kind, "cmd"))
			continue;
		const struct item *t = strcmp(it->a, "HDR") ? op_tail(it->a) : NULL;
		int tail = t && it->v[0] >= find("cmd", it->a, t->tail_first)->v[0];
		fprintf(o, "\t\t{\"%s\", \"%s\", %s%s, %lu, %lu, %lu, %d, %d},\n", it->a, it->b,
			strcmp(it->a, "HDR") ? "MOTE_OP_" : "0", strcmp(it->a, "HDR") ? it->a : "", it->v[0], it->v[1],
			it->v[2], it->sign == 's', tail);
	}
	fprintf(o, "\t};\n\treturn i < MOTE_NUM_CMD_FIELDS ? &t[i] : 0;\n}\n");
}

static void emit_c(FILE *o)
{
	char g[40], G[40];
	fprintf(o, "/* mote_hw.h: generated from include/mote/mote_hw.spec by scripts/specgen.c.\n"
		   " * Do not edit; edit the spec. */\n"
		   "#ifndef MOTE_HW_H\n#define MOTE_HW_H\n\n#include <stddef.h>\n#include <stdint.h>\n\n");
	fprintf(o, "#define MOTE_HW_VERSION_MAJOR %lu\n#define MOTE_HW_VERSION_MINOR %lu\n\n", ver_major,
		ver_minor);
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "const"))
			fprintf(o, "#define MOTE_%s 0x%lxu /* %s */\n", items[i].a, items[i].v[0], items[i].desc);
	/* Enums, one C enum per group, and a name function. */
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		if (strcmp(it->kind, "enum") || find("enum", it->a, NULL) != it)
			continue;
		lower(g, it->a, sizeof g);
		upper(G, it->a, sizeof G);
		fprintf(o, "\nenum mote_hw_%s {\n", g);
		for (int j = i; j < nitems; j++)
			if (!strcmp(items[j].kind, "enum") && !strcmp(items[j].a, it->a))
				fprintf(o, "\tMOTE_%s_%s = %lu, /* %s */\n", G, items[j].b, items[j].v[0], items[j].desc);
		fprintf(o, "};\n\n/* Name of a %s value, or NULL. */\nstatic inline const char *mote_hw_%s_name(unsigned v)\n{\n\tswitch (v) {\n",
			g, g);
		for (int j = i; j < nitems; j++)
			if (!strcmp(items[j].kind, "enum") && !strcmp(items[j].a, it->a))
				fprintf(o, "\tcase %lu: return \"%s\";\n", items[j].v[0], items[j].b);
		fprintf(o, "\tdefault: return 0;\n\t}\n}\n\n/* Description of a %s value, or NULL. */\n"
			   "static inline const char *mote_hw_%s_desc(unsigned v)\n{\n\tswitch (v) {\n", g, g);
		for (int j = i; j < nitems; j++)
			if (!strcmp(items[j].kind, "enum") && !strcmp(items[j].a, it->a))
				fprintf(o, "\tcase %lu: return \"%s\";\n", items[j].v[0], items[j].desc);
		fprintf(o, "\tdefault: return 0;\n\t}\n}\n");
	}
	fprintf(o, "\n/* Registers: byte offsets. */\n");
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		if (!strcmp(it->kind, "reg"))
			fprintf(o, "#define MOTE_REG_%s 0x%03lxu /* %s: %s */\n", it->a, it->v[0], it->access, it->desc);
		else if (!strcmp(it->kind, "regarr"))
			fprintf(o, "#define MOTE_REG_%s(i) (0x%03lxu + %luu * (unsigned)(i)) /* %s, %lu of them: %s */\n"
				   "#define MOTE_REG_%s_COUNT %luu\n",
				it->a, it->v[0], it->v[2], it->access, it->v[1], it->desc, it->a, it->v[1]);
		else if (!strcmp(it->kind, "bits"))
			fprintf(o, "#define MOTE_%s_%s_LSB %lu /* %s */\n#define MOTE_%s_%s_MASK 0x%lxu\n", it->a, it->b,
				it->v[0], it->desc, it->a, it->b, ((it->v[1] >= 32 ? 0xffffffffUL : ((1UL << it->v[1]) - 1)) << it->v[0]));
	}
	fprintf(o, "\n/* Every bit the spec defines in a register with bit fields (the others read 0). */\n");
	for (int i = 0; i < nitems; i++) {
		if (strcmp(items[i].kind, "reg"))
			continue;
		unsigned long all = 0;
		for (int j = 0; j < nitems; j++)
			if (!strcmp(items[j].kind, "bits") && !strcmp(items[j].a, items[i].a))
				all |= (items[j].v[1] >= 32 ? 0xffffffffUL : ((1UL << items[j].v[1]) - 1)) << items[j].v[0];
		if (all)
			fprintf(o, "#define MOTE_%s_DEFINED_MASK 0x%lxu\n", items[i].a, all);
	}
	fprintf(o, "\n/* Perf counters: index i is read at MOTE_REG_PERF_LO(i) / MOTE_REG_PERF_HI(i). */\n");
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "perf"))
			fprintf(o, "#define MOTE_PERF_%s %lu /* %s */\n", items[i].a, items[i].v[0], items[i].desc);
	fprintf(o, "\n/* Name of perf counter i, or NULL. */\nstatic inline const char *mote_hw_perf_name(unsigned i)\n{\n\tswitch (i) {\n");
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "perf")) {
			lower(g, items[i].a, sizeof g);
			fprintf(o, "\tcase %lu: return \"%s\";\n", items[i].v[0], g);
		}
	fprintf(o, "\tdefault: return 0;\n\t}\n}\n");
	fprintf(o, "\n/* Command words each opcode's fields reach (the header included); with a\n"
		   " * tail, MOTE_<OP>_SHORT_WORDS: the words before it (the tail's flag clear). */\n");
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "enum") && !strcmp(items[i].a, "op")) {
			fprintf(o, "#define MOTE_%s_WORDS %luu\n", items[i].b, op_words(items[i].b));
			if (op_tail(items[i].b))
				fprintf(o, "#define MOTE_%s_SHORT_WORDS %luu\n", items[i].b, op_short_words(items[i].b));
		}
	fprintf(o, "\n/* Link frames: field byte offsets and sizes, header bytes per kind. */\n");
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		if (strcmp(it->kind, "frame"))
			continue;
		fprintf(o, "#define MOTE_FRAME_%s_%s_OFF %lu /* %s */\n#define MOTE_FRAME_%s_%s_BYTES %lu\n", it->a, it->b,
			it->v[0], it->desc, it->a, it->b, it->v[1]);
		if (find("frame", it->a, NULL) == it)
			fprintf(o, "#define MOTE_FRAME_%s_HDR_BYTES %lu\n", it->a, frame_hdr_bytes(it->a));
	}
	fprintf(o, "\n/* Link bridge registers (link REG_READ/REG_WRITE addresses). */\n");
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "lreg"))
			fprintf(o, "#define MOTE_LREG_%s 0x%04lxu /* %s: %s */\n", items[i].a, items[i].v[0], items[i].access,
				items[i].desc);
	fprintf(o, "\n/* Command fields: MOTE_<OP>_<FIELD>_{WORD,LSB,WIDTH,SIGNED}; use MOTE_CMD_SET / MOTE_CMD_GET. */\n");
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		if (strcmp(it->kind, "cmd"))
			continue;
		fprintf(o, "#define MOTE_%s_%s_WORD %lu /* %s */\n#define MOTE_%s_%s_LSB %lu\n#define MOTE_%s_%s_WIDTH %lu\n#define MOTE_%s_%s_SIGNED %d\n",
			it->a, it->b, it->v[0], it->desc, it->a, it->b, it->v[1], it->a, it->b, it->v[2], it->a, it->b,
			it->sign == 's');
	}
	emit_c_len(o);
	emit_c_fields(o);
	fprintf(o,
		"\n/* Does value v fit a field of this width and signedness? */\n"
		"static inline int mote_cmd_fits(unsigned width, int is_signed, int64_t v)\n{\n"
		"\tif (is_signed)\n\t\treturn v >= -((int64_t)1 << (width - 1)) && v < ((int64_t)1 << (width - 1));\n"
		"\treturn v >= 0 && v < ((int64_t)1 << width);\n}\n\n"
		"/* Write the low width bits of v into cmd[word] at lsb. */\n"
		"static inline void mote_cmd_put(uint32_t *cmd, unsigned word, unsigned lsb, unsigned width, uint32_t v)\n{\n"
		"\tuint32_t mask = width >= 32 ? 0xffffffffu : ((1u << width) - 1u);\n"
		"\tcmd[word] = (cmd[word] & ~(mask << lsb)) | ((v & mask) << lsb);\n}\n\n"
		"/* Read a field, sign-extended when is_signed. */\n"
		"static inline int64_t mote_cmd_take(const uint32_t *cmd, unsigned word, unsigned lsb, unsigned width, int is_signed)\n{\n"
		"\tuint32_t mask = width >= 32 ? 0xffffffffu : ((1u << width) - 1u);\n"
		"\tuint32_t v = (cmd[word] >> lsb) & mask;\n"
		"\tif (is_signed && width < 64 && (v >> (width - 1)) & 1u)\n\t\treturn (int64_t)v - ((int64_t)1 << width);\n"
		"\treturn (int64_t)v;\n}\n\n"
		"#define MOTE_CMD_SET(cmd, OP, F, v) mote_cmd_put((cmd), MOTE_##OP##_##F##_WORD, MOTE_##OP##_##F##_LSB, MOTE_##OP##_##F##_WIDTH, (uint32_t)(v))\n"
		"#define MOTE_CMD_GET(cmd, OP, F) mote_cmd_take((cmd), MOTE_##OP##_##F##_WORD, MOTE_##OP##_##F##_LSB, MOTE_##OP##_##F##_WIDTH, MOTE_##OP##_##F##_SIGNED)\n"
		"#define MOTE_CMD_FITS(OP, F, v) mote_cmd_fits(MOTE_##OP##_##F##_WIDTH, MOTE_##OP##_##F##_SIGNED, (int64_t)(v))\n"
		"\n#endif /* MOTE_HW_H */\n");
}

static void emit_v(FILE *o)
{
	char G[40];
	fprintf(o, "// mote_hw.vh: generated from include/mote/mote_hw.spec by scripts/specgen.c.\n"
		   "// Do not edit; edit the spec.  Command fields expand to a part-select:\n"
		   "// cmd[`MOTE_LOAD_ADDR0] is bits [63:32] of a 512-bit command.\n"
		   "`ifndef MOTE_HW_VH\n`define MOTE_HW_VH\n\n");
	fprintf(o, "`define MOTE_HW_VERSION 32'h%04lx%04lx\n", ver_major, ver_minor);
	/* Unsized decimals are 32-bit signed in Verilog: larger values get a size. */
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "const"))
			fprintf(o, "`define MOTE_%s %s%lu // %s\n", items[i].a, items[i].v[0] > 0x7fffffffUL ? "32'd" : "",
				items[i].v[0], items[i].desc);
	for (int i = 0; i < nitems; i++)
		if (!strcmp(items[i].kind, "enum")) {
			upper(G, items[i].a, sizeof G);
			fprintf(o, "`define MOTE_%s_%s %lu // %s\n", G, items[i].b, items[i].v[0], items[i].desc);
		}
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		if (!strcmp(it->kind, "reg"))
			fprintf(o, "`define MOTE_REG_%s 12'h%03lx // %s %s\n", it->a, it->v[0], it->access, it->desc);
		else if (!strcmp(it->kind, "regarr"))
			fprintf(o, "`define MOTE_REG_%s 12'h%03lx // first of %lu, stride %lu: %s\n`define MOTE_REG_%s_STRIDE %lu\n",
				it->a, it->v[0], it->v[1], it->v[2], it->desc, it->a, it->v[2]);
		else if (!strcmp(it->kind, "bits"))
			fprintf(o, "`define MOTE_%s_%s %lu // bit %lu, %lu wide: %s\n`define MOTE_%s_%s_W %lu\n", it->a, it->b,
				it->v[0], it->v[0], it->v[1], it->desc, it->a, it->b, it->v[1]);
		else if (!strcmp(it->kind, "perf"))
			fprintf(o, "`define MOTE_PERF_%s %lu // %s\n", it->a, it->v[0], it->desc);
		else if (!strcmp(it->kind, "frame")) {
			fprintf(o, "`define MOTE_FRAME_%s_%s_OFF %lu // %s\n`define MOTE_FRAME_%s_%s_BYTES %lu\n", it->a, it->b,
				it->v[0], it->desc, it->a, it->b, it->v[1]);
			if (find("frame", it->a, NULL) == it)
				fprintf(o, "`define MOTE_FRAME_%s_HDR_BYTES %lu\n", it->a, frame_hdr_bytes(it->a));
		} else if (!strcmp(it->kind, "lreg"))
			fprintf(o, "`define MOTE_LREG_%s 16'h%04lx // %s %s\n", it->a, it->v[0], it->access, it->desc);
		else if (!strcmp(it->kind, "cmd"))
			fprintf(o, "`define MOTE_%s_%s %lu +: %lu // %s %s\n`define MOTE_%s_%s_W %lu\n"
				   "`define MOTE_%s_%s_WORD %lu\n",
				it->a, it->b, 32 * it->v[0] + it->v[1], it->v[2], it->sign == 's' ? "signed" : "unsigned",
				it->desc, it->a, it->b, it->v[2], it->a, it->b, it->v[0]);
	}
	/* Words of a command each opcode's fields reach (the header included):
	 * the command queues carry only these. */
	for (int i = 0; i < nitems; i++) {
		if (strcmp(items[i].kind, "enum") || strcmp(items[i].a, "op"))
			continue;
		fprintf(o, "`define MOTE_%s_WORDS %lu // command words its fields use\n", items[i].b,
			op_words(items[i].b));
		if (op_tail(items[i].b))
			fprintf(o, "`define MOTE_%s_SHORT_WORDS %lu // without its tail\n", items[i].b,
				op_short_words(items[i].b));
	}
	/* A command's words in the stream from its word 0 W (an identifier): 5
	 * bits, 0 for a value that is not an opcode. */
	fprintf(o, "`define MOTE_CMD_LEN(W) ( \\\n");
	for (int i = 0; i < nitems; i++) {
		const struct item *it = &items[i];
		if (strcmp(it->kind, "enum") || strcmp(it->a, "op"))
			continue;
		const struct item *t = op_tail(it->b), *op = find("cmd", "HDR", "OPCODE");
		fprintf(o, "\t(W[%lu +: %lu] == %lu) ? ", op->v[1], op->v[2], it->v[0]);
		if (t) {
			const struct item *fl = find("cmd", it->b, t->b);
			fprintf(o, "(W[%lu] ? 5'd%lu : 5'd%lu) : \\\n", fl->v[1], op_words(it->b), op_short_words(it->b));
		} else
			fprintf(o, "5'd%lu : \\\n", op_words(it->b));
	}
	fprintf(o, "\t5'd0)\n");
	fprintf(o, "\n`endif // MOTE_HW_VH\n");
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: specgen SPEC OUT.h OUT.vh\n");
		return 2;
	}
	spec_path = argv[1];
	FILE *f = fopen(spec_path, "r");
	if (!f) {
		perror(spec_path);
		return 1;
	}
	parse(f);
	fclose(f);
	check();
	FILE *h = fopen(argv[2], "w");
	FILE *v = fopen(argv[3], "w");
	if (!h || !v) {
		perror("specgen: output");
		return 1;
	}
	emit_c(h);
	emit_v(v);
	if (fclose(h) || fclose(v)) {
		perror("specgen: write");
		return 1;
	}
	return 0;
}
