/* synth_area.c: area per module for `make synth` (Yosys 0.23 JSON netlists).
 *
 *   synth_area split TOP HIER.json FLAT.json OUT.json OUT.map
 *   synth_area report CONFIG TOP OUT.map FINAL.json OUT.area.json [FLAT.stat]
 *
 * split: HIER.json is the design after `hierarchy; proc` (instance tree, module
 * names and parameters); FLAT.json is the same design flattened and through
 * Yosys' first optimisation passes (constants and unused logic are gone across
 * module boundaries).  Every cell of FLAT is given the instance it came from:
 * by its name ($flatten\u_a.\u_b.$x), else by its src file when that module
 * has one instance, else by the cells it drives or reads.  OUT.json is
 * FLAT.json's TOP with a "submod" attribute ("u_a.u_b") on every cell of an
 * instance, so that Yosys' `submod` rebuilds one module per instance
 * (TOP_u_a.u_b) before the LUT mapping.  OUT.map lists the instances: dotted
 * name, path, module, label, parameters.
 *
 * report: FINAL.json is the synthesized design (TOP and its TOP_<instance>
 * modules).  Prints a table per instance, self and including children, with
 * LUT4, flip-flops, carry, iCE40 logic cells (an estimate), block RAM, SPRAM,
 * DSP (and ECP5 LUT RAM / wide-mux cells), and writes the same as JSON.
 * Siblings that differ only in [index] (array PEs, PPU lanes) are one row with
 * their count.  FLAT.stat, when given, is the `stat` of the flattened
 * synthesis: its totals are printed beside the sum of the modules.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static const char *prog = "synth_area";

static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xrealloc(NULL, n);
	memcpy(d, s, n);
	return d;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	size_t cap = 1 << 20, n = 0;
	char *buf = xrealloc(NULL, cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
	}
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* ------------------------------------------------------------------ JSON */
/* A small DOM over the file buffer: strings are unescaped in place. */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	const char *key;   /* member name inside an object, else NULL */
	const char *str;   /* J_STR: value, J_NUM/J_BOOL: text */
	long num;
	int first, next;   /* children (index, -1 = none) */
	int count;
};

struct json {
	struct jnode *n;
	int len, cap;
	char *p, *end, *start;
	const char *path;
};

static int jnew(struct json *j, enum jtype t)
{
	if (j->len == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 1 << 16;
		j->n = xrealloc(j->n, (size_t)j->cap * sizeof *j->n);
	}
	struct jnode *x = &j->n[j->len];
	memset(x, 0, sizeof *x);
	x->type = t;
	x->first = x->next = -1;
	return j->len++;
}

static void jws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static void jerr(struct json *j, const char *what)
{
	die("%s: JSON error at byte %ld: %s", j->path, (long)(j->p - j->start), what);
}

/* Parses a string at j->p (on the quote); returns it NUL-terminated, in place. */
static const char *jstring(struct json *j)
{
	if (*j->p != '"')
		jerr(j, "string expected");
	char *r = ++j->p, *w = j->p;
	for (;;) {
		if (j->p >= j->end)
			jerr(j, "unterminated string");
		char c = *j->p++;
		if (c == '"')
			break;
		if (c != '\\') {
			*w++ = c;
			continue;
		}
		c = *j->p++;
		switch (c) {
		case 'n': *w++ = '\n'; break;
		case 't': *w++ = '\t'; break;
		case 'r': *w++ = '\r'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'u': {
			unsigned v = 0;
			for (int i = 0; i < 4; i++) {
				char h = *j->p++;
				v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
			}
			*w++ = v < 128 ? (char)v : '?';
			break;
		}
		default: *w++ = c; break;
		}
	}
	*w = 0;
	return r;
}

static int jvalue(struct json *j);

static int jcontainer(struct json *j, enum jtype t)
{
	int me = jnew(j, t), last = -1;
	char close = t == J_OBJ ? '}' : ']';
	j->p++;
	jws(j);
	if (*j->p == close) {
		j->p++;
		return me;
	}
	for (;;) {
		const char *key = NULL;
		jws(j);
		if (t == J_OBJ) {
			key = jstring(j);
			jws(j);
			if (*j->p != ':')
				jerr(j, "':' expected");
			j->p++;
		}
		int c = jvalue(j);
		j->n[c].key = key;
		if (last < 0)
			j->n[me].first = c;
		else
			j->n[last].next = c;
		last = c;
		j->n[me].count++;
		jws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p == close) {
			j->p++;
			return me;
		}
		jerr(j, "',' or end of container expected");
	}
}

static int jvalue(struct json *j)
{
	jws(j);
	if (j->p >= j->end)
		jerr(j, "value expected");
	char c = *j->p;
	if (c == '{')
		return jcontainer(j, J_OBJ);
	if (c == '[')
		return jcontainer(j, J_ARR);
	if (c == '"') {
		int me = jnew(j, J_STR);
		const char *s = jstring(j);
		j->n[me].str = s;
		return me;
	}
	if (c == '-' || isdigit((unsigned char)c)) {
		int me = jnew(j, J_NUM);
		char *e;
		j->n[me].num = strtol(j->p, &e, 10);
		if (*e == '.' || *e == 'e' || *e == 'E')
			strtod(j->p, &e);
		j->p = e;
		return me;
	}
	if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "false", 5)) {
		int me = jnew(j, J_BOOL);
		j->n[me].num = c == 't';
		j->p += c == 't' ? 4 : 5;
		return me;
	}
	if (!strncmp(j->p, "null", 4)) {
		j->p += 4;
		return jnew(j, J_NULL);
	}
	jerr(j, "unexpected character");
	return -1;
}

static void json_load(struct json *j, const char *path)
{
	size_t len;
	memset(j, 0, sizeof *j);
	j->path = path;
	j->p = j->start = read_file(path, &len);
	j->end = j->p + len;
	int root = jvalue(j);
	if (root != 0 || j->n[0].type != J_OBJ)
		die("%s: not a JSON object", path);
}

static int jget(const struct json *j, int obj, const char *key)
{
	if (obj < 0 || j->n[obj].type != J_OBJ)
		return -1;
	for (int c = j->n[obj].first; c >= 0; c = j->n[c].next)
		if (!strcmp(j->n[c].key, key))
			return c;
	return -1;
}

static const char *jstr(const struct json *j, int node)
{
	return node >= 0 && j->n[node].type == J_STR ? j->n[node].str : NULL;
}

static void jput_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Writes node n; extra(n) may add members to an object (returns them as text or NULL). */
static void jput(FILE *f, const struct json *j, int n, const char *(*extra)(int obj, void *ctx), void *ctx)
{
	const struct jnode *x = &j->n[n];
	switch (x->type) {
	case J_NULL: fputs("null", f); break;
	case J_BOOL: fputs(x->num ? "true" : "false", f); break;
	case J_NUM: fprintf(f, "%ld", x->num); break;
	case J_STR: jput_str(f, x->str); break;
	case J_ARR:
	case J_OBJ: {
		int obj = x->type == J_OBJ, first = 1;
		fputc(obj ? '{' : '[', f);
		for (int c = x->first; c >= 0; c = j->n[c].next) {
			if (!first)
				fputc(',', f);
			first = 0;
			if (obj) {
				jput_str(f, j->n[c].key);
				fputc(':', f);
			}
			jput(f, j, c, extra, ctx);
		}
		const char *more = obj && extra ? extra(n, ctx) : NULL;
		if (more)
			fprintf(f, "%s%s", first ? "" : ",", more);
		fputc(obj ? '}' : ']', f);
		if (x->type == J_OBJ && x->count > 8)
			fputc('\n', f);
		break;
	}
	}
}

/* ------------------------------------------------------------ instances */

struct inst {
	char *dotted;   /* Yosys' flattened name: u_a.g_x[0].u_b ("" = top) */
	char *path;     /* report path: u_a/g_x[0].u_b */
	char *module;   /* base module name */
	char *label;    /* module and its key size, e.g. "mote_fifo 544x4" */
	char *params;   /* K=V,K=V */
	char *site;     /* src of the instantiation */
	int parent;
	int depth;
};

static struct inst *insts;
static int ninsts;

static int inst_add(const char *dotted, const char *path, const char *module, const char *label,
		    const char *params, const char *site, int parent, int depth)
{
	insts = xrealloc(insts, (size_t)(ninsts + 1) * sizeof *insts);
	struct inst *in = &insts[ninsts];
	in->dotted = xstrdup(dotted);
	in->path = xstrdup(path);
	in->module = xstrdup(module);
	in->label = xstrdup(label);
	in->params = xstrdup(params);
	in->site = xstrdup(site);
	in->parent = parent;
	in->depth = depth;
	return ninsts++;
}

static int inst_by_dotted(const char *d)
{
	for (int i = 0; i < ninsts; i++)
		if (!strcmp(insts[i].dotted, d))
			return i;
	return -1;
}

/* Yosys module name to base name: $paramod$hash\mote_fifo, $paramod\mote_perf\N=..., mote_x. */
static char *base_module(const struct json *j, int mod, const char *name)
{
	const char *h = jstr(j, jget(j, jget(j, mod, "attributes"), "hdlname"));
	if (h) {
		if (*h == '\\')
			h++;
		return xstrdup(h);
	}
	if (!strncmp(name, "$paramod", 8)) {
		const char *s = strchr(name, '\\');
		if (s) {
			s++;
			const char *e = strchr(s, '\\');
			return e ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
		}
	}
	return xstrdup(*name == '\\' ? name + 1 : name);
}

/* A parameter value as Yosys writes it: a bit string (MSB first) or a string. */
static void param_text(const char *v, char *out, size_t n)
{
	size_t len = strlen(v);
	int bits = len > 0 && len <= 63;
	for (size_t i = 0; i < len && bits; i++)
		bits = v[i] == '0' || v[i] == '1';
	if (bits) {
		unsigned long long x = strtoull(v, NULL, 2);
		/* 32-bit parameters are signed integers in Verilog; none here is negative */
		snprintf(out, n, "%llu", x);
	} else {
		snprintf(out, n, "%s", v);
	}
}

static void walk_hier(const struct json *j, int mods, const char *modname, const char *dotted,
		      const char *path, int self, int depth)
{
	int mod = jget(j, mods, modname);
	if (mod < 0)
		die("module %s not in the hierarchy JSON", modname);
	int cells = jget(j, mod, "cells");
	if (cells < 0)
		return;
	for (int c = j->n[cells].first; c >= 0; c = j->n[c].next) {
		const char *type = jstr(j, jget(j, c, "type"));
		int sub = type ? jget(j, mods, type) : -1;
		if (sub < 0)
			continue;
		if (jget(j, jget(j, sub, "attributes"), "blackbox") >= 0)
			continue;
		const char *cname = j->n[c].key;
		size_t dl = strlen(dotted) + strlen(cname) + 2, pl = strlen(path) + strlen(cname) + 2;
		char *d = xrealloc(NULL, dl), *p = xrealloc(NULL, pl);
		snprintf(d, dl, "%s%s%s", dotted, *dotted ? "." : "", cname);
		snprintf(p, pl, "%s%s%s", path, *path ? "/" : "", cname);

		char *base = base_module(j, sub, type);
		char params[1024] = "", label[512], width[128] = "", depthv[128] = "";
		int pv = jget(j, sub, "parameter_default_values");
		if (pv >= 0) {
			for (int q = j->n[pv].first; q >= 0; q = j->n[q].next) {
				char t[128];
				param_text(jstr(j, q) ? jstr(j, q) : "", t, sizeof t);
				size_t used = strlen(params);
				snprintf(params + used, sizeof params - used, "%s%s=%s", used ? "," : "", j->n[q].key, t);
				if (!strcmp(j->n[q].key, "WIDTH"))
					snprintf(width, sizeof width, "%s", t);
				else if (!strcmp(j->n[q].key, "DEPTH"))
					snprintf(depthv, sizeof depthv, "%s", t);
				else if (!strcmp(j->n[q].key, "LG_DEPTH"))
					snprintf(depthv, sizeof depthv, "%lu", 1ul << strtoul(t, NULL, 10));
			}
		}
		if (*width && *depthv)
			snprintf(label, sizeof label, "%s %sx%s", base, width, depthv);
		else
			snprintf(label, sizeof label, "%s", base);
		const char *site = jstr(j, jget(j, jget(j, c, "attributes"), "src"));
		int me = inst_add(d, p, base, label, params, site ? site : "", self, depth + 1);
		walk_hier(j, mods, type, d, p, me, depth + 1);
		free(base);
		free(d);
		free(p);
	}
}

/* ---------------------------------------------------------------- split */

/* the instance of a $flatten\a.\b.$x name: "a.b" */
static char *flatten_path(const char *name)
{
	const char *s = name + strlen("$flatten");
	char *out = xrealloc(NULL, strlen(s) + 1);
	size_t w = 0;
	while (*s == '\\') {
		s++;
		const char *e = s;
		while (*e && !(e[0] == '.' && (e[1] == '\\' || e[1] == '$')))
			e++;
		if (w)
			out[w++] = '.';
		memcpy(out + w, s, (size_t)(e - s));
		w += (size_t)(e - s);
		if (!*e)
			break;
		s = e + 1;
	}
	out[w] = 0;
	return out;
}

/* instance whose dotted name is the longest prefix of a public name, -1 if none */
static int longest_prefix(const char *name)
{
	int best = -1;
	size_t bl = 0;
	for (int i = 1; i < ninsts; i++) {
		size_t l = strlen(insts[i].dotted);
		if (l > bl && !strncmp(name, insts[i].dotted, l) && name[l] == '.') {
			best = i;
			bl = l;
		}
	}
	return best;
}

struct fcell {
	const char *name;
	int node;
	int inst;        /* -1 = not yet known */
	int *cands;      /* instances of the src module when it has several */
	int ncands;
};

static int is_output(const struct json *j, int cell, const char *port)
{
	const char *d = jstr(j, jget(j, jget(j, cell, "port_directions"), port));
	return d && strcmp(d, "input") != 0;
}

/* is `item` one of the |-separated entries of `set`? */
static int in_src_set(const char *set, const char *item)
{
	size_t l = strlen(item);
	if (!l)
		return 0;
	for (const char *s = set; s; s = strchr(s, '|') ? strchr(s, '|') + 1 : NULL)
		if (!strncmp(s, item, l) && (s[l] == '|' || s[l] == 0))
			return 1;
	return 0;
}

static void add_cand(struct fcell *x, int k)
{
	x->cands = xrealloc(x->cands, (size_t)(x->ncands + 1) * sizeof(int));
	x->cands[x->ncands++] = k;
}

/* Instances a cell can belong to, from its src set: walk down from the top
 * through the children whose instantiation site is in the set (alike
 * instances of a generate loop share a site, hence several candidates). */
static void src_candidates(const char *src, const char *top_file, struct fcell *x)
{
	int *cur = xrealloc(NULL, (size_t)ninsts * sizeof(int)), *nxt = xrealloc(NULL, (size_t)ninsts * sizeof(int));
	int ncur = 1, nnxt;
	cur[0] = 0;
	for (;;) {
		nnxt = 0;
		for (int k = 1; k < ninsts; k++)
			for (int q = 0; q < ncur; q++)
				if (insts[k].parent == cur[q] && in_src_set(src, insts[k].site)) {
					nxt[nnxt++] = k;
					break;
				}
		if (!nnxt)
			break;
		int *t = cur;
		cur = nxt;
		nxt = t;
		ncur = nnxt;
	}
	if (ncur == 1 && cur[0] == 0) {
		/* no site: the top's own cell if its src is in the top's file, else
		 * any instance of the module whose file it names */
		size_t tl = strlen(top_file);
		int in_top = 0;
		for (const char *s = src; s && !in_top; s = strchr(s, '|') ? strchr(s, '|') + 1 : NULL)
			in_top = tl && !strncmp(s, top_file, tl) && s[tl] == ':';
		if (in_top) {
			add_cand(x, 0);
		} else {
			const char *b = src, *e = src;
			while (*e && *e != ':' && *e != '|') {
				if (*e == '/')
					b = e + 1;
				e++;
			}
			char *mod = xstrndup(b, (size_t)(e - b));
			char *dot = strrchr(mod, '.');
			if (dot)
				*dot = 0;
			for (int k = 1; k < ninsts; k++)
				if (!strcmp(insts[k].module, mod))
					add_cand(x, k);
			free(mod);
		}
	} else {
		for (int q = 0; q < ncur; q++)
			add_cand(x, cur[q]);
	}
	free(cur);
	free(nxt);
}

static void write_map(const char *path, const char *summary)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "# split: %s\n", summary);
	fprintf(f, "# dotted\tpath\tmodule\tlabel\tparameters\n");
	for (int i = 0; i < ninsts; i++)
		fprintf(f, "%s\t%s\t%s\t%s\t%s\n", *insts[i].dotted ? insts[i].dotted : "-",
			*insts[i].path ? insts[i].path : "-", insts[i].module, insts[i].label,
			*insts[i].params ? insts[i].params : "-");
	if (fclose(f))
		die("%s: write error", path);
}

struct submod_ctx {
	int *attr_of;   /* attributes object -> instance of its cell, -1 */
};

static const char *submod_attr(int obj, void *vctx)
{
	struct submod_ctx *c = vctx;
	static char buf[1024];
	int in = c->attr_of[obj];
	if (in <= 0)
		return NULL;
	snprintf(buf, sizeof buf, "\"submod\":\"%s\"", insts[in].dotted);
	return buf;
}

static int cmd_split(int argc, char **argv)
{
	if (argc != 7)
		die("usage: split TOP HIER.json FLAT.json OUT.json OUT.map");
	const char *top = argv[2];
	struct json h, fl;

	json_load(&h, argv[3]);
	int hmods = jget(&h, 0, "modules");
	int htop = jget(&h, hmods, top);
	if (htop < 0)
		die("%s: no module %s", argv[3], top);
	inst_add("", "", top, top, "", "", -1, 0);
	walk_hier(&h, hmods, top, "", "", 0, 0);

	json_load(&fl, argv[4]);
	int fmod = jget(&fl, jget(&fl, 0, "modules"), top);
	if (fmod < 0)
		die("%s: no module %s", argv[4], top);
	int cells = jget(&fl, fmod, "cells");
	int ncell = cells >= 0 ? fl.n[cells].count : 0;
	struct fcell *fc = xrealloc(NULL, (size_t)(ncell + 1) * sizeof *fc);
	int by_name = 0, by_src = 0, by_net = 0, left = 0, i = 0;

	const char *top_file = "";
	{
		const char *ts = jstr(&h, jget(&h, jget(&h, htop, "attributes"), "src"));
		if (ts)
			top_file = xstrndup(ts, strcspn(ts, ":"));
	}
	for (int c = cells >= 0 ? fl.n[cells].first : -1; c >= 0; c = fl.n[c].next, i++) {
		struct fcell *x = &fc[i];
		memset(x, 0, sizeof *x);
		x->name = fl.n[c].key;
		x->node = c;
		x->inst = -1;
		const char *fp = strstr(x->name, "$flatten\\");
		if (fp) {
			char *d = flatten_path(fp);
			x->inst = inst_by_dotted(d);
			if (x->inst < 0)
				x->inst = longest_prefix(d);
			if (x->inst < 0)
				die("%s: instance %s not in the hierarchy", x->name, d);
			free(d);
			by_name++;
			continue;
		}
		if (x->name[0] != '$') {
			int k = longest_prefix(x->name);
			x->inst = k < 0 ? 0 : k;
			by_name++;
			continue;
		}
		/* private name made by an optimisation: flatten left the instantiation
		 * sites of its instance and of every parent in its src set */
		const char *src = jstr(&fl, jget(&fl, jget(&fl, c, "attributes"), "src"));
		if (src) {
			src_candidates(src, top_file, x);
			if (x->ncands == 1) {
				x->inst = x->cands[0];
				by_src++;
			}
		}
	}

	/* the rest, over and over: the instance most of the cells it drives belong to,
	 * else most of those that drive it (among its src candidates first) */
	int nbits = 0;
	for (int k = 0; k < ncell; k++) {
		int conns = jget(&fl, fc[k].node, "connections");
		for (int p = conns >= 0 ? fl.n[conns].first : -1; p >= 0; p = fl.n[p].next)
			for (int b = fl.n[p].first; b >= 0; b = fl.n[b].next)
				if (fl.n[b].type == J_NUM && fl.n[b].num >= nbits)
					nbits = (int)fl.n[b].num + 1;
	}
	int *driver = xrealloc(NULL, (size_t)nbits * sizeof(int));
	int *nsink = xrealloc(NULL, (size_t)(nbits + 1) * sizeof(int));
	for (int b = 0; b < nbits; b++)
		driver[b] = -1, nsink[b] = 0;
	for (int k = 0; k < ncell; k++) {
		int conns = jget(&fl, fc[k].node, "connections");
		for (int p = conns >= 0 ? fl.n[conns].first : -1; p >= 0; p = fl.n[p].next) {
			int out = is_output(&fl, fc[k].node, fl.n[p].key);
			for (int b = fl.n[p].first; b >= 0; b = fl.n[b].next)
				if (fl.n[b].type == J_NUM) {
					if (out)
						driver[fl.n[b].num] = k;
					else
						nsink[fl.n[b].num]++;
				}
		}
	}
	/* sink lists (CSR-style) */
	int *sstart = xrealloc(NULL, (size_t)(nbits + 1) * sizeof(int));
	int tot = 0;
	for (int b = 0; b < nbits; b++) {
		sstart[b] = tot;
		tot += nsink[b];
	}
	sstart[nbits] = tot;
	int *sinks = xrealloc(NULL, (size_t)tot * sizeof(int));
	for (int b = 0; b < nbits; b++)
		nsink[b] = 0;
	for (int k = 0; k < ncell; k++) {
		int conns = jget(&fl, fc[k].node, "connections");
		for (int p = conns >= 0 ? fl.n[conns].first : -1; p >= 0; p = fl.n[p].next) {
			if (is_output(&fl, fc[k].node, fl.n[p].key))
				continue;
			for (int b = fl.n[p].first; b >= 0; b = fl.n[b].next)
				if (fl.n[b].type == J_NUM) {
					long bit = fl.n[b].num;
					sinks[sstart[bit] + nsink[bit]++] = k;
				}
		}
	}
	/* Sinks first, to a fixpoint (a memory's flip-flops feed its read multiplexers,
	 * which feed its read register: the register's instance reaches them back);
	 * then one round by drivers for what is still open, and sinks again.  A cell
	 * with src candidates (alike instances of a generate loop) only takes one of
	 * those. */
	int *votes = xrealloc(NULL, (size_t)ninsts * sizeof(int));
	for (int by_drivers = 0;; by_drivers = !by_drivers) {
		int changed_any = 0;
		for (int changed = 1; changed;) {
			changed = 0;
			for (int k = 0; k < ncell; k++) {
				if (fc[k].inst >= 0)
					continue;
				memset(votes, 0, (size_t)ninsts * sizeof(int));
				int conns = jget(&fl, fc[k].node, "connections");
				for (int p = conns >= 0 ? fl.n[conns].first : -1; p >= 0; p = fl.n[p].next) {
					int out = is_output(&fl, fc[k].node, fl.n[p].key);
					if (out == by_drivers)
						continue;
					for (int b = fl.n[p].first; b >= 0; b = fl.n[b].next) {
						if (fl.n[b].type != J_NUM)
							continue;
						long bit = fl.n[b].num;
						if (out) {
							for (int q = sstart[bit]; q < sstart[bit + 1]; q++)
								if (fc[sinks[q]].inst >= 0)
									votes[fc[sinks[q]].inst]++;
						} else if (driver[bit] >= 0 && fc[driver[bit]].inst >= 0) {
							votes[fc[driver[bit]].inst]++;
						}
					}
				}
				int best = -1;
				if (fc[k].ncands) {
					for (int q = 0; q < fc[k].ncands; q++)
						if (votes[fc[k].cands[q]] > 0 &&
						    (best < 0 || votes[fc[k].cands[q]] > votes[best]))
							best = fc[k].cands[q];
				} else {
					for (int q = 0; q < ninsts; q++)
						if (votes[q] > 0 && (best < 0 || votes[q] > votes[best]))
							best = q;
				}
				if (best < 0)
					continue;
				fc[k].inst = best;
				by_net++;
				changed = changed_any = 1;
			}
			if (by_drivers)
				break;   /* one round, then sinks again */
		}
		if (!changed_any && by_drivers)
			break;
	}
	for (int k = 0; k < ncell; k++)
		if (fc[k].inst < 0) {
			fc[k].inst = fc[k].ncands ? fc[k].cands[0] : 0;
			left++;
		}

	/* TOP again, each cell of an instance with its submod attribute */
	struct submod_ctx ctx;
	ctx.attr_of = xrealloc(NULL, (size_t)fl.len * sizeof(int));
	for (int k = 0; k < fl.len; k++)
		ctx.attr_of[k] = -1;
	for (int k = 0; k < ncell; k++) {
		int at = jget(&fl, fc[k].node, "attributes");
		if (at < 0)
			die("cell %s has no attributes object", fc[k].name);
		ctx.attr_of[at] = fc[k].inst;
	}
	FILE *f = fopen(argv[5], "w");
	if (!f)
		die("%s: %s", argv[5], strerror(errno));
	fprintf(f, "{\"creator\":\"synth_area split\",\"modules\":{");
	jput_str(f, top);
	fputc(':', f);
	jput(f, &fl, fmod, submod_attr, &ctx);
	fprintf(f, "}}\n");
	if (fclose(f))
		die("%s: write error", argv[5]);
	char summary[256];
	snprintf(summary, sizeof summary,
		 "%d cells to %d instances: %d by name, %d by src, %d by connection, %d by default",
		 ncell, ninsts - 1, by_name, by_src, by_net, left);
	write_map(argv[6], summary);
	printf("synth_area split: %s\n", summary);
	return 0;
}

/* --------------------------------------------------------------- report */

enum res {
	R_LUT, R_FF, R_CARRY, R_LC, R_EBR, R_SPRAM, R_DSP, R_LUTRAM, R_MUX, R_OTHER, NRES
};
static const char *res_json[NRES] = {
	"lut4", "ff", "carry", "lc", "bram", "spram", "dsp", "lutram", "widemux", "other"
};

struct row {
	long self[NRES], total[NRES];
	int nmod;          /* instances behind the row */
	int parent;
	char *key;         /* normalized path */
	char *label;
	char *module;
	char *params;
	int depth;
};

static struct row *rows;
static int nrows;
static int ice40;

static enum res classify(const char *t)
{
	if (!strcmp(t, "SB_LUT4") || !strcmp(t, "LUT4"))
		return R_LUT;
	if (!strncmp(t, "SB_DFF", 6) || !strcmp(t, "TRELLIS_FF"))
		return R_FF;
	if (!strcmp(t, "SB_CARRY") || !strcmp(t, "CCU2C"))
		return R_CARRY;
	if (!strcmp(t, "SB_RAM40_4K") || !strcmp(t, "DP16KD"))
		return R_EBR;
	if (!strcmp(t, "SB_SPRAM256KA"))
		return R_SPRAM;
	if (!strcmp(t, "SB_MAC16") || !strcmp(t, "MULT18X18D") || !strcmp(t, "ALU54B"))
		return R_DSP;
	if (!strcmp(t, "TRELLIS_DPR16X4"))
		return R_LUTRAM;
	if (!strcmp(t, "PFUMX") || !strcmp(t, "L6MUX21"))
		return R_MUX;
	return R_OTHER;
}

/* u_a/g_x[3].u_b -> u_a/g_x[*].u_b */
static char *normalize(const char *p)
{
	char *o = xrealloc(NULL, strlen(p) * 2 + 2);
	size_t w = 0;
	while (*p) {
		if (*p == '[' && isdigit((unsigned char)p[1])) {
			const char *e = p + 1;
			while (isdigit((unsigned char)*e))
				e++;
			if (*e == ']') {
				memcpy(o + w, "[*]", 3);
				w += 3;
				p = e + 1;
				continue;
			}
		}
		o[w++] = *p++;
	}
	o[w] = 0;
	return o;
}

static int row_of(const char *key)
{
	for (int i = 0; i < nrows; i++)
		if (!strcmp(rows[i].key, key))
			return i;
	return -1;
}

struct map_ent {
	char *dotted, *path, *module, *label, *params;
};

static struct map_ent *mapv;
static int nmap;
static char *split_summary;

static void read_map(const char *path)
{
	size_t len;
	char *buf = read_file(path, &len);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "# split: ", 9))
			split_summary = xstrdup(line + 9);
		if (*line == '#')
			continue;
		char *f[5];
		int n = 0;
		for (char *s = line; n < 5; n++) {
			f[n] = s;
			char *t = strchr(s, '\t');
			if (!t) {
				n++;
				break;
			}
			*t = 0;
			s = t + 1;
		}
		if (n != 5)
			die("%s: bad line", path);
		mapv = xrealloc(mapv, (size_t)(nmap + 1) * sizeof *mapv);
		struct map_ent *m = &mapv[nmap++];
		m->dotted = xstrdup(strcmp(f[0], "-") ? f[0] : "");
		m->path = xstrdup(strcmp(f[1], "-") ? f[1] : "");
		m->module = xstrdup(f[2]);
		m->label = xstrdup(f[3]);
		m->params = xstrdup(strcmp(f[4], "-") ? f[4] : "");
	}
	free(buf);
}

/* per-module bookkeeping of the final netlist */
struct fmod {
	int node;
	int map;          /* index in mapv */
	int *glob;        /* module bit -> global net (or -1..-4 constants) */
	int nbits;
};

#define G_CONST0 (-2)
#define G_CONST1 (-3)
#define G_CONSTX (-4)

static int bit_const(const char *s)
{
	return *s == '1' ? G_CONST1 : *s == '0' ? G_CONST0 : G_CONSTX;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* totals of a flattened `stat` (old flow), if given */
static int read_flat_stat(const char *path, long *t)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[512];
	memset(t, 0, NRES * sizeof *t);
	while (fgets(line, sizeof line, f)) {
		char name[128];
		long v;
		if (sscanf(line, " %127s %ld", name, &v) == 2) {
			enum res r = classify(name);
			if (r != R_OTHER)
				t[r] += v;
		}
	}
	fclose(f);
	return 1;
}

static void fmt_n(char *buf, size_t n, long v, int width)
{
	if (v)
		snprintf(buf, n, "%*ld", width, v);
	else
		snprintf(buf, n, "%*s", width, "-");
}

static int cmd_report(int argc, char **argv)
{
	if (argc != 7 && argc != 8)
		die("usage: report CONFIG TOP MAP FINAL.json OUT.area.json [FLAT.stat]");
	const char *config = argv[2], *top = argv[3];
	read_map(argv[4]);
	struct json j;
	json_load(&j, argv[5]);
	int mods = jget(&j, 0, "modules");
	size_t tl = strlen(top);

	/* modules of the design: TOP and TOP_<dotted> */
	struct fmod *fm = NULL;
	int nfm = 0, topm = -1;
	for (int m = j.n[mods].first; m >= 0; m = j.n[m].next) {
		const char *name = j.n[m].key;
		int mp = -1;
		if (!strcmp(name, top)) {
			mp = 0;
			for (int k = 0; k < nmap; k++)
				if (!*mapv[k].dotted)
					mp = k;
		} else if (!strncmp(name, top, tl) && name[tl] == '_') {
			for (int k = 0; k < nmap; k++)
				if (!strcmp(mapv[k].dotted, name + tl + 1))
					mp = k;
			if (mp < 0)
				die("module %s: no such instance in %s", name, argv[4]);
		} else {
			continue;
		}
		fm = xrealloc(fm, (size_t)(nfm + 1) * sizeof *fm);
		fm[nfm].node = m;
		fm[nfm].map = mp;
		fm[nfm].glob = NULL;
		fm[nfm].nbits = 0;
		if (!strcmp(name, top))
			topm = nfm;
		nfm++;
	}
	if (topm < 0)
		die("%s: no module %s", argv[5], top);

	/* bit numbering: top bits are global; a submodule's port bits are the top bits at its instance */
	int gnext = 0;
	for (int m = 0; m < nfm; m++) {
		int maxb = 0;
		int nets = jget(&j, fm[m].node, "netnames");
		for (int w = nets >= 0 ? j.n[nets].first : -1; w >= 0; w = j.n[w].next)
			for (int b = j.n[jget(&j, w, "bits")].first; b >= 0; b = j.n[b].next)
				if (j.n[b].type == J_NUM && j.n[b].num >= maxb)
					maxb = (int)j.n[b].num + 1;
		int cells = jget(&j, fm[m].node, "cells");
		for (int c = cells >= 0 ? j.n[cells].first : -1; c >= 0; c = j.n[c].next) {
			int conns = jget(&j, c, "connections");
			for (int p = conns >= 0 ? j.n[conns].first : -1; p >= 0; p = j.n[p].next)
				for (int b = j.n[p].first; b >= 0; b = j.n[b].next)
					if (j.n[b].type == J_NUM && j.n[b].num >= maxb)
						maxb = (int)j.n[b].num + 1;
		}
		fm[m].nbits = maxb;
		fm[m].glob = xrealloc(NULL, (size_t)maxb * sizeof(int));
		for (int b = 0; b < maxb; b++)
			fm[m].glob[b] = -1;
	}
	for (int b = 0; b < fm[topm].nbits; b++)
		fm[topm].glob[b] = gnext++;
	{
		int cells = jget(&j, fm[topm].node, "cells");
		for (int c = cells >= 0 ? j.n[cells].first : -1; c >= 0; c = j.n[c].next) {
			const char *type = jstr(&j, jget(&j, c, "type"));
			int sm = -1;
			for (int m = 0; m < nfm; m++)
				if (m != topm && !strcmp(j.n[fm[m].node].key, type))
					sm = m;
			if (sm < 0)
				continue;
			int ports = jget(&j, fm[sm].node, "ports");
			int conns = jget(&j, c, "connections");
			for (int p = ports >= 0 ? j.n[ports].first : -1; p >= 0; p = j.n[p].next) {
				int cb = jget(&j, conns, j.n[p].key);
				int pb = jget(&j, p, "bits");
				int x = cb >= 0 ? j.n[cb].first : -1;
				for (int b = j.n[pb].first; b >= 0 && x >= 0; b = j.n[b].next, x = j.n[x].next) {
					if (j.n[b].type != J_NUM)
						continue;
					int g = j.n[x].type == J_NUM ? fm[topm].glob[j.n[x].num] : bit_const(j.n[x].str);
					fm[sm].glob[j.n[b].num] = g;
				}
			}
		}
	}
	for (int m = 0; m < nfm; m++)
		for (int b = 0; b < fm[m].nbits; b++)
			if (fm[m].glob[b] == -1)
				fm[m].glob[b] = gnext++;

	/* rows: one per normalized path, parents first (map order is depth first) */
	int *row_of_map = xrealloc(NULL, (size_t)nmap * sizeof(int));
	for (int k = 0; k < nmap; k++) {
		char *key = normalize(mapv[k].path);
		int r = row_of(key);
		if (r < 0) {
			rows = xrealloc(rows, (size_t)(nrows + 1) * sizeof *rows);
			r = nrows++;
			memset(&rows[r], 0, sizeof rows[r]);
			rows[r].key = key;
			rows[r].label = mapv[k].label;
			rows[r].module = mapv[k].module;
			rows[r].params = mapv[k].params;
			int d = 0;
			for (const char *s = mapv[k].path; *s; s++)
				d += *s == '/';
			rows[r].depth = *mapv[k].path ? d + 1 : 0;
			rows[r].parent = -1;
			char *slash = strrchr(key, '/');
			if (*key) {
				char *pk = slash ? xstrndup(key, (size_t)(slash - key)) : xstrdup("");
				rows[r].parent = row_of(pk);
				free(pk);
			}
		} else {
			free(key);
			if (strcmp(rows[r].label, mapv[k].label) && strcmp(rows[r].module, mapv[k].module)) {
				rows[r].label = "(several modules)";
				rows[r].module = "";
				rows[r].params = "";
			} else if (strcmp(rows[r].label, mapv[k].label)) {
				size_t l = strlen(mapv[k].module) + 16;
				char *lab = xrealloc(NULL, l);
				snprintf(lab, l, "%s (sizes vary)", mapv[k].module);
				rows[r].label = lab;
				rows[r].params = "";
			}
		}
		rows[r].nmod++;
		row_of_map[k] = r;
	}

	/* global driver and sink count per net: leaf cells and the top ports */
	int *gdrv_m = xrealloc(NULL, (size_t)gnext * sizeof(int));
	int *gdrv_c = xrealloc(NULL, (size_t)gnext * sizeof(int));
	int *gsinks = xrealloc(NULL, (size_t)gnext * sizeof(int));
	for (int g = 0; g < gnext; g++)
		gdrv_m[g] = gdrv_c[g] = -1, gsinks[g] = 0;
	{
		int ports = jget(&j, fm[topm].node, "ports");
		for (int p = ports >= 0 ? j.n[ports].first : -1; p >= 0; p = j.n[p].next) {
			const char *dir = jstr(&j, jget(&j, p, "direction"));
			if (dir && !strcmp(dir, "input"))
				continue;
			for (int b = j.n[jget(&j, p, "bits")].first; b >= 0; b = j.n[b].next)
				if (j.n[b].type == J_NUM)
					gsinks[fm[topm].glob[j.n[b].num]]++;
		}
	}
	long other_total = 0;
	for (int m = 0; m < nfm; m++) {
		int cells = jget(&j, fm[m].node, "cells");
		struct row *r = &rows[row_of_map[fm[m].map]];
		for (int c = cells >= 0 ? j.n[cells].first : -1; c >= 0; c = j.n[c].next) {
			const char *type = jstr(&j, jget(&j, c, "type"));
			int sub = 0;
			for (int q = 0; q < nfm && m == topm; q++)
				if (!strcmp(j.n[fm[q].node].key, type))
					sub = 1;
			if (sub)
				continue;
			enum res cls = classify(type);
			r->self[cls]++;
			if (cls == R_OTHER) {
				if (other_total++ < 10)
					fprintf(stderr, "synth_area: cell type %s counted as other\n", type);
			}
			int conns = jget(&j, c, "connections");
			for (int p = conns >= 0 ? j.n[conns].first : -1; p >= 0; p = j.n[p].next) {
				int out = is_output(&j, c, j.n[p].key);
				for (int b = j.n[p].first; b >= 0; b = j.n[b].next) {
					if (j.n[b].type != J_NUM)
						continue;
					int g = fm[m].glob[j.n[b].num];
					if (g < 0)
						continue;
					if (out)
						gdrv_m[g] = m, gdrv_c[g] = c;
					else
						gsinks[g]++;
				}
			}
		}
	}

	/* iCE40 logic cells: every LUT4, plus each FF whose D is not a LUT output used
	 * by that FF alone, plus each carry without a LUT on the same two operands */
	{
		for (int m = 0; m < nfm; m++) {
			int cells = jget(&j, fm[m].node, "cells");
			struct row *r = &rows[row_of_map[fm[m].map]];
			long lut = 0, lone_ff = 0, lone_carry = 0;
			int is_ice = 0;
			/* LUTs by (I1, I2) for carry pairing */
			int nl = 0;
			long (*lk)[3] = NULL;
			for (int c = cells >= 0 ? j.n[cells].first : -1; c >= 0; c = j.n[c].next) {
				const char *type = jstr(&j, jget(&j, c, "type"));
				if (strcmp(type, "SB_LUT4"))
					continue;
				is_ice = 1;
				lut++;
				int conns = jget(&j, c, "connections");
				long key[2] = { 0, 0 };
				for (int q = 0; q < 2; q++) {
					int pb = jget(&j, conns, q ? "I2" : "I1");
					int b = pb >= 0 ? j.n[pb].first : -1;
					if (b < 0)
						key[q] = G_CONSTX;
					else if (j.n[b].type == J_NUM)
						key[q] = fm[m].glob[j.n[b].num];
					else
						key[q] = bit_const(j.n[b].str);
				}
				lk = xrealloc(lk, (size_t)(nl + 1) * sizeof *lk);
				lk[nl][0] = key[0];
				lk[nl][1] = key[1];
				lk[nl][2] = 0;
				nl++;
			}
			for (int c = cells >= 0 ? j.n[cells].first : -1; c >= 0; c = j.n[c].next) {
				const char *type = jstr(&j, jget(&j, c, "type"));
				int conns = jget(&j, c, "connections");
				if (!strncmp(type, "SB_DFF", 6)) {
					is_ice = 1;
					int pb = jget(&j, conns, "D");
					int b = pb >= 0 ? j.n[pb].first : -1;
					int packed = 0;
					if (b >= 0 && j.n[b].type == J_NUM) {
						int g = fm[m].glob[j.n[b].num];
						if (g >= 0 && gdrv_c[g] >= 0 && gsinks[g] == 1 &&
						    !strcmp(jstr(&j, jget(&j, gdrv_c[g], "type")), "SB_LUT4"))
							packed = 1;
					}
					lone_ff += !packed;
				} else if (!strcmp(type, "SB_CARRY")) {
					long key[2];
					for (int q = 0; q < 2; q++) {
						int pb = jget(&j, conns, q ? "I1" : "I0");
						int b = pb >= 0 ? j.n[pb].first : -1;
						if (b < 0)
							key[q] = G_CONSTX;
						else if (j.n[b].type == J_NUM)
							key[q] = fm[m].glob[j.n[b].num];
						else
							key[q] = bit_const(j.n[b].str);
					}
					int found = 0;
					for (int q = 0; q < nl && !found; q++)
						if (!lk[q][2] && lk[q][0] == key[0] && lk[q][1] == key[1])
							lk[q][2] = 1, found = 1;
					lone_carry += !found;
				}
			}
			free(lk);
			if (is_ice) {
				ice40 = 1;
				r->self[R_LC] += lut + lone_ff + lone_carry;
			}
		}
	}

	/* totals: children into parents (rows are in parent-first order) */
	for (int r = 0; r < nrows; r++)
		memcpy(rows[r].total, rows[r].self, sizeof rows[r].total);
	for (int r = nrows - 1; r > 0; r--)
		if (rows[r].parent >= 0)
			for (int k = 0; k < NRES; k++)
				rows[rows[r].parent].total[k] += rows[r].total[k];

	/* the table */
	static const char *hdr_ice[] = { "LUT4", "FF", "carry", "LC", "EBR", "SPRAM", "DSP" };
	static const enum res col_ice[] = { R_LUT, R_FF, R_CARRY, R_LC, R_EBR, R_SPRAM, R_DSP };
	static const char *hdr_ecp[] = { "LUT4", "FF", "carry", "LUTRAM", "EBR", "DSP", "PFUMX" };
	static const enum res col_ecp[] = { R_LUT, R_FF, R_CARRY, R_LUTRAM, R_EBR, R_DSP, R_MUX };
	const char **hdr = ice40 ? hdr_ice : hdr_ecp;
	const enum res *col = ice40 ? col_ice : col_ecp;
	static const int width[] = { 6, 6, 5, 6, 4, 5, 4 };
	const int ncol = 7;
	int namew = 34, labw = 22;
	for (int r = 0; r < nrows; r++) {
		const char *s = strrchr(rows[r].key, '/');
		int l = 2 * rows[r].depth + (int)strlen(r ? (s ? s + 1 : rows[r].key) : top) +
			(rows[r].nmod > 1 ? 5 : 0);
		if (l > namew)
			namew = l;
		if ((int)strlen(rows[r].label) > labw)
			labw = (int)strlen(rows[r].label);
	}
	printf("\n%s: area per instance (hierarchy kept per instance after flattened optimisation)\n", config);
	printf("  self = cells of the instance alone; incl. = with everything below it; xN = N alike instances summed\n");
	printf("  %-*s %-*s |", namew, "", labw, "");
	int selfw = 0;
	for (int k = 0; k < ncol; k++)
		selfw += width[k] + 1;
	printf(" %-*s |", selfw - 1, "self");
	printf(" %-*s\n", selfw - 1, "including children");
	printf("  %-*s %-*s |", namew, "instance", labw, "module");
	for (int half = 0; half < 2; half++) {
		for (int k = 0; k < ncol; k++)
			printf(" %*s", width[k], hdr[k]);
		printf(half ? "\n" : " |");
	}
	/* depth-first print in map order (parents precede children) */
	for (int r = 0; r < nrows; r++) {
		const char *s = strrchr(rows[r].key, '/');
		char name[512];
		snprintf(name, sizeof name, "%*s%s%s", 2 * rows[r].depth, "",
			 r ? (s ? s + 1 : rows[r].key) : top, rows[r].nmod > 1 ? "" : "");
		if (rows[r].nmod > 1) {
			size_t l = strlen(name);
			snprintf(name + l, sizeof name - l, " x%d", rows[r].nmod);
		}
		printf("  %-*s %-*s |", namew, name, labw, rows[r].label);
		for (int half = 0; half < 2; half++) {
			for (int k = 0; k < ncol; k++) {
				char b[32];
				fmt_n(b, sizeof b, half ? rows[r].total[col[k]] : rows[r].self[col[k]], width[k]);
				printf(" %s", b);
			}
			printf(half ? "\n" : " |");
		}
	}
	const long *t = rows[0].total;
	printf("  total (sum of the modules): LUT4 %ld  FF %ld  carry %ld", t[R_LUT], t[R_FF], t[R_CARRY]);
	if (ice40)
		printf("  LC~%ld  EBR %ld  SPRAM %ld  DSP %ld\n", t[R_LC], t[R_EBR], t[R_SPRAM], t[R_DSP]);
	else
		printf("  LUTRAM %ld  EBR %ld  DSP %ld  PFUMX/L6MUX %ld\n", t[R_LUTRAM], t[R_EBR], t[R_DSP], t[R_MUX]);
	if (t[R_OTHER])
		printf("  other cells: %ld\n", t[R_OTHER]);
	long flat[NRES];
	int have_flat = argc == 8 && read_flat_stat(argv[7], flat);
	if (have_flat) {
		printf("  flattened synthesis:        LUT4 %ld  FF %ld  carry %ld  EBR %ld  DSP %ld",
		       flat[R_LUT], flat[R_FF], flat[R_CARRY], flat[R_EBR], flat[R_DSP]);
		printf("  (modules - flat: LUT4 %+ld, FF %+ld)\n", t[R_LUT] - flat[R_LUT], t[R_FF] - flat[R_FF]);
	}
	if (split_summary)
		printf("  cells given back to their instance before LUT mapping: %s\n", split_summary);
	if (ice40)
		printf("  LC: LUT4 + flip-flops that cannot share a LUT's logic cell + carries without their LUT (an estimate of nextpnr's packing)\n");

	/* biggest leaves by self LUT4 and FF */
	for (int which = 0; which < 2; which++) {
		enum res rr = which ? R_FF : R_LUT;
		int order[10], no = 0;
		for (int pick = 0; pick < 10; pick++) {
			int best = -1;
			for (int r = 0; r < nrows; r++) {
				int used = 0;
				for (int q = 0; q < no; q++)
					used |= order[q] == r;
				if (!used && rows[r].self[rr] > 0 && (best < 0 || rows[r].self[rr] > rows[best].self[rr]))
					best = r;
			}
			if (best < 0)
				break;
			order[no++] = best;
		}
		printf("  biggest by self %s:", which ? "FF" : "LUT4");
		for (int q = 0; q < no; q++)
			printf("%s %s%s %ld", q ? "," : "", *rows[order[q]].key ? rows[order[q]].key : top,
			       rows[order[q]].nmod > 1 ? " (all)" : "", rows[order[q]].self[rr]);
		printf("\n");
	}

	/* JSON beside the log */
	FILE *f = fopen(argv[6], "w");
	if (!f)
		die("%s: %s", argv[6], strerror(errno));
	fprintf(f, "{\n  \"configuration\": ");
	json_str(f, config);
	fprintf(f, ",\n  \"family\": \"%s\",\n  \"top\": ", ice40 ? "ice40" : "ecp5");
	json_str(f, top);
	fprintf(f, ",\n  \"note\": \"self: cells of the instance alone; total: with its children; rows with instances > 1 sum alike instances ([*]); lc is an estimate (iCE40 only)\",\n");
	fprintf(f, "  \"totals\": {");
	for (int k = 0; k < NRES; k++)
		fprintf(f, "%s\"%s\": %ld", k ? ", " : "", res_json[k], t[k]);
	fprintf(f, "},\n");
	if (have_flat) {
		fprintf(f, "  \"flattened_totals\": {");
		for (int k = 0; k < NRES; k++)
			fprintf(f, "%s\"%s\": %ld", k ? ", " : "", res_json[k], k == R_LC || k == R_OTHER ? 0 : flat[k]);
		fprintf(f, "},\n");
	}
	fprintf(f, "  \"rows\": [\n");
	for (int r = 0; r < nrows; r++) {
		fprintf(f, "    {\"path\": ");
		json_str(f, *rows[r].key ? rows[r].key : top);
		fprintf(f, ", \"module\": ");
		json_str(f, rows[r].module);
		fprintf(f, ", \"label\": ");
		json_str(f, rows[r].label);
		fprintf(f, ", \"parameters\": ");
		json_str(f, rows[r].params);
		fprintf(f, ", \"instances\": %d,\n     \"self\": {", rows[r].nmod);
		for (int k = 0; k < NRES; k++)
			fprintf(f, "%s\"%s\": %ld", k ? ", " : "", res_json[k], rows[r].self[k]);
		fprintf(f, "},\n     \"total\": {");
		for (int k = 0; k < NRES; k++)
			fprintf(f, "%s\"%s\": %ld", k ? ", " : "", res_json[k], rows[r].total[k]);
		fprintf(f, "}}%s\n", r + 1 < nrows ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (fclose(f))
		die("%s: write error", argv[6]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "split"))
		return cmd_split(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "report"))
		return cmd_report(argc, argv);
	die("usage: synth_area split|report ... (see fpga/synth_area.c)");
	return 1;
}
