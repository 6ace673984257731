/* regress: mote's regression runner.  One description of the regression
 * (scripts/regress/regress.txt: suites, cases with their seeds, counts,
 * geometries and time budgets, and the run sizes that set those numbers)
 * becomes a plan of numbered cases split into shards; shards run here (as
 * many cases at once as asked) or as the tasks of a Slurm job array
 * (scripts/regress/slurm.sh); the results merge into JUnit XML and a summary.
 *
 *   regress plan DESC --size S --out DIR [--shards N] [--only GLOBS]
 *   regress needs DIR                 the make targets the plan's cases need
 *   regress info DIR                  shards, cases and case time per shard
 *   regress run DIR (--all | --shard K...) [--jobs J]
 *   regress reset DIR K...            forget the results of shards K...
 *   regress merge DIR                 junit.xml, summary.txt (printed); exit 1 on any failure
 *   regress rerun-shards DIR          the shards to run again (comma-separated), after merge
 *   regress results DIR               "suite/name status" per case, in plan order
 *
 * See scripts/regress/regress.txt for the description's format.  A plan
 * (DIR/plan.txt) is fixed when it is made: shards read it, not the
 * description, so an edit during a run cannot move a case between shards.
 * Every case is in exactly one shard; a case whose shard left no result for
 * it is "not run" (a failure), as is a case running when its shard was
 * killed ("killed").
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXV 64

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("regress: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
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
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, f);
	vsnprintf(p, (size_t)n + 1, f, ap);
	va_end(ap);
	return p;
}

/* a growable string */
struct sb {
	char *s;
	size_t n, cap;
};

static void sb_addn(struct sb *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

static void sb_add(struct sb *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void sb_printf(struct sb *b, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sb *b, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, f);
	vsnprintf(p, (size_t)n + 1, f, ap);
	va_end(ap);
	sb_addn(b, p, (size_t)n);
	free(p);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct sb b = {0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_addn(&b, buf, n);
	fclose(f);
	if (!b.s)
		b.s = xstrdup("");
	if (len)
		*len = b.n;
	return b.s;
}

/* write a file whole: to a temporary name, then renamed (a reader never sees half of it) */
static void write_file(const char *path, const char *text)
{
	char *tmp = fmt("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		die("cannot write %s: %s", tmp, strerror(errno));
	if (rename(tmp, path) != 0)
		die("cannot rename %s to %s: %s", tmp, path, strerror(errno));
	free(tmp);
}

static void mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0777) != 0 && errno != EEXIST)
				die("cannot create %s: %s", p, strerror(errno));
			*s = '/';
		}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		die("cannot create %s: %s", p, strerror(errno));
	free(p);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------ the description */

struct size {
	char *name;
	int nv;
	char *var[MAXV], *val[MAXV];
};

struct list {
	char *name;
	int n;
	char **item;
};

struct suite {
	char *name;
	int nneed;
	char **need;
};

struct kase {
	int id, shard;
	long timeout;
	char *suite, *name, *cmd;
};

struct desc {
	const char *file;
	int nsize, nlist, nsuite;
	struct size sizes[16];
	struct list lists[64];
	struct suite suites[64];
};

/* expression context: the run size's variables, the case index, the list item */
struct ectx {
	const struct size *size;
	long i;
	int have_i;
	const char *where;
};

static int is_ident0(int c)
{
	return isalpha(c) || c == '_';
}

static int is_ident(int c)
{
	return isalnum(c) || c == '_';
}

static long ev_sum(const char **p, const struct ectx *c);

static void ev_space(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

static long ev_var(const char *name, size_t n, const struct ectx *c)
{
	if (n == 1 && name[0] == 'i') {
		if (!c->have_i)
			die("%s: i (the case index) is not known here", c->where);
		return c->i;
	}
	for (int k = 0; k < c->size->nv; k++)
		if (strlen(c->size->var[k]) == n && !strncmp(c->size->var[k], name, n)) {
			const char *v = c->size->val[k];
			struct ectx c2 = *c;
			c2.have_i = 0;
			long r = ev_sum(&v, &c2);
			ev_space(&v);
			if (*v)
				die("%s: size %s: %s=%s is not a number", c->where, c->size->name, c->size->var[k],
				    c->size->val[k]);
			return r;
		}
	die("%s: size %s does not set %.*s", c->where, c->size->name, (int)n, name);
}

static long ev_atom(const char **p, const struct ectx *c)
{
	ev_space(p);
	if (**p == '(') {
		(*p)++;
		long v = ev_sum(p, c);
		ev_space(p);
		if (**p != ')')
			die("%s: ')' expected", c->where);
		(*p)++;
		return v;
	}
	if (**p == '-') {
		(*p)++;
		return -ev_atom(p, c);
	}
	if (isdigit((unsigned char)**p)) {
		char *end;
		long v = strtol(*p, &end, 10);
		*p = end;
		return v;
	}
	if (is_ident0((unsigned char)**p)) {
		const char *s = *p;
		while (is_ident((unsigned char)**p))
			(*p)++;
		return ev_var(s, (size_t)(*p - s), c);
	}
	die("%s: bad expression at \"%s\"", c->where, *p);
}

static long ev_prod(const char **p, const struct ectx *c)
{
	long v = ev_atom(p, c);
	for (;;) {
		ev_space(p);
		char op = **p;
		if (op != '*' && op != '/' && op != '%')
			return v;
		(*p)++;
		long r = ev_atom(p, c);
		if (op != '*' && r == 0)
			die("%s: division by zero", c->where);
		v = op == '*' ? v * r : op == '/' ? v / r : v % r;
	}
}

static long ev_sum(const char **p, const struct ectx *c)
{
	long v = ev_prod(p, c);
	for (;;) {
		ev_space(p);
		char op = **p;
		if (op != '+' && op != '-')
			return v;
		(*p)++;
		long r = ev_prod(p, c);
		v = op == '+' ? v + r : v - r;
	}
}

static long eval(const char *s, const struct ectx *c)
{
	const char *p = s;
	long v = ev_sum(&p, c);
	ev_space(&p);
	if (*p)
		die("%s: bad expression \"%s\"", c->where, s);
	return v;
}

static struct list *find_list(struct desc *d, const char *name, size_t n)
{
	for (int k = 0; k < d->nlist; k++)
		if (strlen(d->lists[k].name) == n && !strncmp(d->lists[k].name, name, n))
			return &d->lists[k];
	return NULL;
}

/* the one list a template names as {LIST}, if any */
static struct list *template_list(struct desc *d, const char *t, const char *where)
{
	struct list *found = NULL;
	for (const char *p = t; (p = strchr(p, '{')); p++) {
		if (p > t && p[-1] == '$')
			continue;
		const char *e = strchr(p, '}');
		if (!e)
			die("%s: '{' without '}'", where);
		struct list *l = find_list(d, p + 1, (size_t)(e - p - 1));
		if (l && found && l != found)
			die("%s: more than one list in one case", where);
		if (l)
			found = l;
	}
	return found;
}

/* {EXPR} -> its value, {LIST} -> the item, {out} -> the case's directory; ${...} is left to the shell */
static char *expand(struct desc *d, const char *t, const struct ectx *c, const char *item, const char *out)
{
	struct sb b = {0};
	sb_add(&b, "");
	for (const char *p = t; *p;) {
		if (*p != '{' || (p > t && p[-1] == '$')) {
			sb_addn(&b, p, 1);
			p++;
			continue;
		}
		const char *e = strchr(p, '}');
		if (!e)
			die("%s: '{' without '}'", c->where);
		char *in = xstrndup(p + 1, (size_t)(e - p - 1));
		if (find_list(d, in, strlen(in)))
			sb_add(&b, item);
		else if (!strcmp(in, "out")) {
			if (!out)
				die("%s: {out} only in a command", c->where);
			sb_add(&b, out);
		} else
			sb_printf(&b, "%ld", eval(in, c));
		free(in);
		p = e + 1;
	}
	return b.s;
}

static char *next_tok(char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (!**p)
		return NULL;
	char *s = *p;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p)
		*(*p)++ = 0;
	return s;
}

static int name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-+=,", *s))
			return 0;
	return 1;
}

/* The program a command runs, if the build makes it: its first word after any
 * VAR=value assignments, when that is a path under build/ (a make target). */
static char *command_program(const char *cmd)
{
	const char *p = cmd;
	for (;;) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		const char *eq = memchr(w, '=', (size_t)(p - w));
		if (eq && eq > w && is_ident0((unsigned char)*w)) {
			int var = 1;
			for (const char *q = w; q < eq; q++)
				var &= is_ident((unsigned char)*q);
			if (var)
				continue;
		}
		if (!strncmp(w, "build/", 6))
			return xstrndup(w, (size_t)(p - w));
		return NULL;
	}
}

static int match_only(const char *only, const char *id)
{
	if (!only || !*only)
		return 1;
	char *o = xstrdup(only), *p = o, *g;
	int hit = 0;
	for (char *q = o; *q; q++)
		if (*q == ',')
			*q = ' ';
	while (!hit && (g = next_tok(&p)))
		hit = !fnmatch(g, id, 0);
	free(o);
	return hit;
}

struct plan {
	char *root, *desc, *size, *only;
	int shards, n, nneed;
	struct kase *c;
	char **need;
};

static void add_need(struct plan *pl, const char *t)
{
	for (int k = 0; k < pl->nneed; k++)
		if (!strcmp(pl->need[k], t))
			return;
	pl->need = xrealloc(pl->need, sizeof *pl->need * (size_t)(pl->nneed + 1));
	pl->need[pl->nneed++] = xstrdup(t);
}

/* Read the description and expand it for one size into pl (cases in description order). */
static void parse_desc(const char *file, const char *size_name, const char *only, const char *outdir,
		       struct plan *pl)
{
	static struct desc d;
	memset(&d, 0, sizeof d);
	d.file = file;
	char *text = read_file(file, NULL);
	if (!text)
		die("cannot read %s: %s", file, strerror(errno));
	/* pass 1: sizes and lists (a case may come before the size it uses); pass 2: suites and cases */
	for (int pass = 1; pass <= 2; pass++) {
		char *copy = xstrdup(text), *line = copy, *next;
		int lineno = 0, cur_suite = -1;
		const struct size *sz = NULL;
		if (pass == 2) {
			for (int k = 0; k < d.nsize; k++)
				if (!strcmp(d.sizes[k].name, size_name))
					sz = &d.sizes[k];
			if (!sz) {
				struct sb b = {0};
				sb_add(&b, "");
				for (int k = 0; k < d.nsize; k++)
					sb_printf(&b, " %s", d.sizes[k].name);
				die("%s: no size %s (sizes:%s)", file, size_name, b.s);
			}
		}
		for (; line; line = next) {
			lineno++;
			next = strchr(line, '\n');
			if (next)
				*next++ = 0;
			/* a trailing backslash joins the next line */
			size_t len = strlen(line);
			struct sb joined = {0};
			sb_add(&joined, "");
			while (len && line[len - 1] == '\\' && next) {
				sb_addn(&joined, line, len - 1);
				line = next;
				lineno++;
				next = strchr(line, '\n');
				if (next)
					*next++ = 0;
				while (*line == ' ' || *line == '\t')
					line++;
				len = strlen(line);
			}
			sb_addn(&joined, line, len);
			for (char *q = joined.s; *q; q++)
				if (*q == '\t' || *q == '\r')
					*q = ' ';
			char *p = joined.s;
			char *where = fmt("%s:%d", file, lineno);
			char *kw = next_tok(&p);
			if (!kw || kw[0] == '#') {
				free(where);
				free(joined.s);
				continue;
			}
			if (!strcmp(kw, "size")) {
				if (pass == 1) {
					if (d.nsize == 16)
						die("%s: too many sizes", where);
					struct size *s = &d.sizes[d.nsize++];
					char *nm = next_tok(&p);
					if (!nm || !name_ok(nm))
						die("%s: size NAME VAR=VALUE...", where);
					s->name = xstrdup(nm);
					char *a;
					while ((a = next_tok(&p))) {
						char *eq = strchr(a, '=');
						if (!eq || eq == a || s->nv == MAXV)
							die("%s: VAR=VALUE expected, not %s", where, a);
						s->var[s->nv] = xstrndup(a, (size_t)(eq - a));
						s->val[s->nv++] = xstrdup(eq + 1);
					}
				}
			} else if (!strcmp(kw, "list")) {
				if (pass == 1) {
					if (d.nlist == 64)
						die("%s: too many lists", where);
					struct list *l = &d.lists[d.nlist++];
					char *nm = next_tok(&p), *a;
					if (!nm || !is_ident0((unsigned char)nm[0]))
						die("%s: list NAME ITEM...", where);
					l->name = xstrdup(nm);
					while ((a = next_tok(&p))) {
						l->item = xrealloc(l->item, sizeof *l->item * (size_t)(l->n + 1));
						l->item[l->n++] = xstrdup(a);
					}
					if (!l->n)
						die("%s: list %s is empty", where, nm);
				}
			} else if (!strcmp(kw, "suite")) {
				char *nm = next_tok(&p), *a;
				if (!nm || !name_ok(nm))
					die("%s: suite NAME [MAKE-TARGET...]", where);
				if (pass == 2) {
					for (int k = 0; k < d.nsuite; k++)
						if (!strcmp(d.suites[k].name, nm))
							die("%s: suite %s twice", where, nm);
					if (d.nsuite == 64)
						die("%s: too many suites", where);
					cur_suite = d.nsuite++;
					struct suite *s = &d.suites[cur_suite];
					s->name = xstrdup(nm);
					while ((a = next_tok(&p))) {
						s->need = xrealloc(s->need, sizeof *s->need * (size_t)(s->nneed + 1));
						s->need[s->nneed++] = xstrdup(a);
					}
				}
			} else if (!strcmp(kw, "case")) {
				char *nm = next_tok(&p), *cnt = next_tok(&p), *tmo = next_tok(&p);
				while (*p == ' ')
					p++;
				if (!nm || !cnt || !tmo || !*p)
					die("%s: case NAME COUNT TIMEOUT COMMAND", where);
				if (pass == 2) {
					if (cur_suite < 0)
						die("%s: a case before any suite", where);
					struct suite *s = &d.suites[cur_suite];
					struct list *l = template_list(&d, nm, where);
					struct list *lc = template_list(&d, p, where);
					if (lc && lc != l)
						die("%s: the command names list %s, the case name does not", where, lc->name);
					struct ectx c = {.size = sz, .where = where};
					long count = eval(cnt, &c), timeout = eval(tmo, &c);
					if (count < 0 || timeout <= 0)
						die("%s: count %ld, timeout %ld", where, count, timeout);
					int nitems = l ? l->n : 1;
					for (int it = 0; it < nitems; it++)
						for (long i = 0; i < count; i++) {
							c.i = i;
							c.have_i = 1;
							char *name = expand(&d, nm, &c, l ? l->item[it] : NULL, NULL);
							if (!name_ok(name))
								die("%s: case name \"%s\": letters, digits and ._-+=, only", where,
								    name);
							char *id = fmt("%s/%s", s->name, name);
							for (int k = 0; k < pl->n; k++)
								if (!strcmp(pl->c[k].suite, s->name) && !strcmp(pl->c[k].name, name))
									die("%s: case %s twice", where, id);
							if (!match_only(only, id)) {
								free(id);
								free(name);
								continue;
							}
							char *out = fmt("%s/out/%s/%s", outdir, s->name, name);
							pl->c = xrealloc(pl->c, sizeof *pl->c * (size_t)(pl->n + 1));
							struct kase *k = &pl->c[pl->n];
							k->id = pl->n++;
							k->shard = 0;
							k->timeout = timeout;
							k->suite = s->name;
							k->name = name;
							k->cmd = expand(&d, p, &c, l ? l->item[it] : NULL, out);
							for (int q = 0; q < s->nneed; q++)
								add_need(pl, s->need[q]);
							char *prog = command_program(k->cmd);
							if (prog)
								add_need(pl, prog);
							free(prog);
							free(out);
							free(id);
						}
				}
			} else
				die("%s: unknown keyword %s", where, kw);
			free(where);
			free(joined.s);
		}
		free(copy);
	}
	free(text);
}

/* Each case to the shard with the least case time so far, longest cases first
 * (ties to the lower shard): deterministic, every case in exactly one shard. */
static void assign_shards(struct plan *pl)
{
	int *ord = xmalloc(sizeof *ord * (size_t)pl->n);
	long *load = calloc((size_t)pl->shards, sizeof *load);
	if (!load)
		die("out of memory");
	for (int k = 0; k < pl->n; k++)
		ord[k] = k;
	for (int a = 1; a < pl->n; a++) /* insertion sort, stable: timeout descending */
		for (int b = a; b > 0 && pl->c[ord[b]].timeout > pl->c[ord[b - 1]].timeout; b--) {
			int t = ord[b];
			ord[b] = ord[b - 1];
			ord[b - 1] = t;
		}
	for (int k = 0; k < pl->n; k++) {
		int best = 0;
		for (int s = 1; s < pl->shards; s++)
			if (load[s] < load[best])
				best = s;
		pl->c[ord[k]].shard = best;
		load[best] += pl->c[ord[k]].timeout;
	}
	free(ord);
	free(load);
}

/* ------------------------------------------------------------------ the plan file */

static char *pfile(const char *dir, const char *f)
{
	return fmt("%s/%s", dir, f);
}

static void write_plan(const char *dir, const struct plan *pl)
{
	struct sb b = {0};
	sb_add(&b, "# mote regression plan (made by regress plan; shards read it, not the description)\n");
	sb_printf(&b, "root\t%s\ndescription\t%s\nsize\t%s\nonly\t%s\nshards\t%d\ncases\t%d\n", pl->root, pl->desc,
		  pl->size, pl->only, pl->shards, pl->n);
	for (int k = 0; k < pl->nneed; k++)
		sb_printf(&b, "need\t%s\n", pl->need[k]);
	for (int k = 0; k < pl->n; k++)
		sb_printf(&b, "case\t%d\t%d\t%ld\t%s\t%s\t%s\n", pl->c[k].id, pl->c[k].shard, pl->c[k].timeout,
			  pl->c[k].suite, pl->c[k].name, pl->c[k].cmd);
	char *f = pfile(dir, "plan.txt");
	write_file(f, b.s);
	free(f);
	free(b.s);
}

static char *field(char **p)
{
	char *s = *p;
	if (!s)
		return NULL;
	char *t = strchr(s, '\t');
	if (t) {
		*t = 0;
		*p = t + 1;
	} else
		*p = NULL;
	return s;
}

static void read_plan(const char *dir, struct plan *pl)
{
	memset(pl, 0, sizeof *pl);
	char *f = pfile(dir, "plan.txt");
	char *text = read_file(f, NULL);
	if (!text)
		die("%s: %s (make one with regress plan)", f, strerror(errno));
	int declared = -1;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (line[0] == '#')
			continue;
		char *p = line, *k = field(&p);
		if (!p)
			die("%s: bad line %s", f, k);
		if (!strcmp(k, "root"))
			pl->root = xstrdup(p);
		else if (!strcmp(k, "description"))
			pl->desc = xstrdup(p);
		else if (!strcmp(k, "size"))
			pl->size = xstrdup(p);
		else if (!strcmp(k, "only"))
			pl->only = xstrdup(p);
		else if (!strcmp(k, "shards"))
			pl->shards = atoi(p);
		else if (!strcmp(k, "cases"))
			declared = atoi(p);
		else if (!strcmp(k, "need"))
			add_need(pl, p);
		else if (!strcmp(k, "case")) {
			pl->c = xrealloc(pl->c, sizeof *pl->c * (size_t)(pl->n + 1));
			struct kase *c = &pl->c[pl->n];
			char *id = field(&p), *sh = field(&p), *tm = field(&p), *su = field(&p), *nm = field(&p);
			if (!id || !sh || !tm || !su || !nm || !p || atoi(id) != pl->n)
				die("%s: bad case line %d", f, pl->n);
			c->id = pl->n++;
			c->shard = atoi(sh);
			c->timeout = atol(tm);
			c->suite = xstrdup(su);
			c->name = xstrdup(nm);
			c->cmd = xstrdup(p);
		} else
			die("%s: unknown line %s", f, k);
	}
	if (!pl->root || pl->shards < 1 || declared != pl->n)
		die("%s: incomplete plan (%d cases of %d)", f, pl->n, declared);
	for (int k = 0; k < pl->n; k++)
		if (pl->c[k].shard < 0 || pl->c[k].shard >= pl->shards)
			die("%s: case %d in shard %d of %d", f, k, pl->c[k].shard, pl->shards);
	free(text);
	free(f);
}

/* ------------------------------------------------------------------ results */

enum status { ST_NONE, ST_PASS, ST_FAIL, ST_SKIP, ST_TIMEOUT, ST_KILLED };
static const char *st_name[] = {"not-run", "pass", "fail", "skip", "timeout", "killed"};

struct result {
	enum status st;
	int shard;
	double seconds;
	char *exit; /* "exit N" or "signal N" */
	char *host;
};

static char *res_path(const char *dir, int id)
{
	return fmt("%s/results/%d.res", dir, id);
}

static char *log_path(const char *dir, int id)
{
	return fmt("%s/logs/%d.log", dir, id);
}

static int read_result(const char *dir, const struct kase *c, struct result *r)
{
	memset(r, 0, sizeof *r);
	char *f = res_path(dir, c->id);
	char *text = read_file(f, NULL);
	free(f);
	if (!text)
		return 0;
	char *cname = NULL;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp++ = 0;
		if (!strcmp(line, "status")) {
			for (int s = ST_PASS; s <= ST_KILLED; s++)
				if (!strcmp(sp, st_name[s]))
					r->st = (enum status)s;
		} else if (!strcmp(line, "shard"))
			r->shard = atoi(sp);
		else if (!strcmp(line, "seconds"))
			r->seconds = atof(sp);
		else if (!strcmp(line, "exit"))
			r->exit = xstrdup(sp);
		else if (!strcmp(line, "host"))
			r->host = xstrdup(sp);
		else if (!strcmp(line, "case"))
			cname = xstrdup(sp);
	}
	free(text);
	char *want = fmt("%s/%s", c->suite, c->name);
	/* a result must be this case's, from its shard: otherwise the plan changed under it */
	if (r->st == ST_NONE || !cname || strcmp(cname, want) || r->shard != c->shard) {
		fprintf(stderr, "regress: %s/results/%d.res is not a result of %s in shard %d: ignored\n", dir, c->id,
			want, c->shard);
		r->st = ST_NONE;
	}
	free(want);
	free(cname);
	if (!r->exit)
		r->exit = xstrdup("?");
	return r->st != ST_NONE;
}

/* ------------------------------------------------------------------ run */

static volatile sig_atomic_t g_stop;
static void on_signal(int sig)
{
	g_stop = sig;
}

struct job {
	pid_t pid;
	int idx;
	double start, deadline, kill_at;
	int timed_out;
};

static void forget_shard(const char *dir, const struct plan *pl, int shard)
{
	for (int k = 0; k < pl->n; k++)
		if (pl->c[k].shard == shard) {
			char *f = res_path(dir, k);
			unlink(f);
			free(f);
			f = log_path(dir, k);
			unlink(f);
			free(f);
		}
	const char *rec[] = {"start", "end", "slurm"};
	for (size_t r = 0; r < sizeof rec / sizeof rec[0]; r++) {
		char *f = fmt("%s/shards/%d.%s", dir, shard, rec[r]);
		unlink(f);
		free(f);
	}
}

static void write_result(const char *dir, const struct kase *c, enum status st, const char *ex, double secs)
{
	char host[256] = "?";
	gethostname(host, sizeof host - 1);
	char *text = fmt("case %s/%s\nshard %d\nstatus %s\nexit %s\nseconds %.3f\nhost %s\n", c->suite, c->name,
			 c->shard, st_name[st], ex, secs, host);
	char *f = res_path(dir, c->id);
	write_file(f, text);
	free(f);
	free(text);
}

static pid_t start_case(const char *dir, const struct plan *pl, const struct kase *c)
{
	char *out = fmt("%s/out/%s/%s", dir, c->suite, c->name);
	mkdirs(out);
	free(out);
	char *lp = log_path(dir, c->id);
	int fd = open(lp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0)
		die("cannot write %s: %s", lp, strerror(errno));
	free(lp);
	char *hdr = fmt("$ cd %s && %s\n", pl->root, c->cmd);
	if (write(fd, hdr, strlen(hdr)) < 0)
		die("cannot write the log of case %d", c->id);
	free(hdr);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (chdir(pl->root) != 0) {
			perror(pl->root);
			_exit(126);
		}
		execl("/bin/sh", "sh", "-c", c->cmd, (char *)NULL);
		perror("/bin/sh");
		_exit(127);
	}
	setpgid(pid, pid);
	close(fd);
	return pid;
}

static int cmp_timeout_desc(const void *a, const void *b, const struct plan *pl)
{
	const struct kase *x = &pl->c[*(const int *)a], *y = &pl->c[*(const int *)b];
	if (x->timeout != y->timeout)
		return x->timeout > y->timeout ? -1 : 1;
	return x->id - y->id;
}

static int cmd_run(const char *dir, int all, const int *shards, int nshards, int jobs)
{
	struct plan pl;
	read_plan(dir, &pl);
	char *sub[] = {"results", "logs", "shards", "out"};
	for (size_t k = 0; k < 4; k++) {
		char *f = pfile(dir, sub[k]);
		mkdirs(f);
		free(f);
	}
	char *want = calloc((size_t)pl.shards, 1);
	if (!want)
		die("out of memory");
	for (int s = 0; s < pl.shards; s++)
		want[s] = (char)all;
	for (int k = 0; k < nshards; k++) {
		if (shards[k] < 0 || shards[k] >= pl.shards)
			die("no shard %d (the plan has %d: 0..%d)", shards[k], pl.shards, pl.shards - 1);
		want[shards[k]] = 1;
	}
	char host[256] = "?";
	gethostname(host, sizeof host - 1);
	int n = 0, *ord = xmalloc(sizeof *ord * (size_t)(pl.n + 1));
	for (int s = 0; s < pl.shards; s++)
		if (want[s]) {
			forget_shard(dir, &pl, s);
			char *f = fmt("%s/shards/%d.start", dir, s);
			char *t = fmt("host %s\npid %ld\ntime %ld\n", host, (long)getpid(), (long)time(NULL));
			write_file(f, t);
			free(f);
			free(t);
		}
	for (int k = 0; k < pl.n; k++)
		if (want[pl.c[k].shard])
			ord[n++] = k;
	/* longest first (the timeout stands for the length), then in plan order */
	for (int a = 1; a < n; a++)
		for (int b = a; b > 0 && cmp_timeout_desc(&ord[b], &ord[b - 1], &pl) < 0; b--) {
			int t = ord[b];
			ord[b] = ord[b - 1];
			ord[b - 1] = t;
		}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (jobs < 1)
		jobs = 1;
	struct job *run = calloc((size_t)jobs, sizeof *run);
	if (!run)
		die("out of memory");
	int next = 0, running = 0, done = 0, bad = 0;
	double t0 = now();
	printf("regress: %d cases of %s (size %s) on %s, %d at a time\n", n, dir, pl.size, host, jobs);
	while ((next < n && !g_stop) || running) {
		while (running < jobs && next < n && !g_stop) {
			int j = 0;
			while (run[j].pid)
				j++;
			const struct kase *c = &pl.c[ord[next]];
			run[j].idx = ord[next++];
			run[j].start = now();
			run[j].deadline = run[j].start + (double)c->timeout;
			run[j].kill_at = 0;
			run[j].timed_out = 0;
			run[j].pid = start_case(dir, &pl, c);
			running++;
		}
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0) {
			int j = 0;
			while (j < jobs && run[j].pid != pid)
				j++;
			if (j == jobs)
				continue;
			const struct kase *c = &pl.c[run[j].idx];
			double secs = now() - run[j].start;
			char ex[64];
			enum status s;
			if (WIFEXITED(st)) {
				snprintf(ex, sizeof ex, "exit %d", WEXITSTATUS(st));
				s = WEXITSTATUS(st) == 0 ? ST_PASS : WEXITSTATUS(st) == 77 ? ST_SKIP : ST_FAIL;
			} else {
				snprintf(ex, sizeof ex, "signal %d", WTERMSIG(st));
				s = ST_FAIL;
			}
			if (run[j].timed_out) {
				s = ST_TIMEOUT;
				snprintf(ex, sizeof ex, "still running after %ld s", c->timeout);
			} else if (g_stop && s != ST_PASS && s != ST_SKIP) {
				s = ST_KILLED;
				snprintf(ex, sizeof ex, "runner stopped by signal %d", (int)g_stop);
			}
			/* the group may hold more (a background child of the command) */
			kill(-pid, SIGKILL);
			write_result(dir, c, s, ex, secs);
			run[j].pid = 0;
			running--;
			done++;
			if (s != ST_PASS && s != ST_SKIP)
				bad++;
			printf("%-7s %s/%s (%s, %.1f s)\n",
			       s == ST_PASS ? "PASS" : s == ST_SKIP ? "SKIP" : s == ST_TIMEOUT ? "TIMEOUT" : s == ST_KILLED ? "KILLED" : "FAIL",
			       c->suite, c->name, ex, secs);
			if (s != ST_PASS && s != ST_SKIP)
				printf("        reproduce: cd %s && %s\n", pl.root, c->cmd);
			fflush(stdout);
			continue;
		}
		double t = now();
		for (int j = 0; j < jobs; j++) {
			if (!run[j].pid)
				continue;
			if (!run[j].timed_out && t > run[j].deadline) {
				run[j].timed_out = 1;
				kill(-run[j].pid, SIGTERM);
				run[j].kill_at = t + 5;
			} else if (g_stop && !run[j].kill_at) {
				kill(-run[j].pid, SIGTERM);
				run[j].kill_at = t + 2;
			} else if (run[j].kill_at && t > run[j].kill_at)
				kill(-run[j].pid, SIGKILL);
		}
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	for (int s = 0; s < pl.shards; s++)
		if (want[s]) {
			int cases = 0, failed = 0, ran = 0;
			for (int k = 0; k < pl.n; k++)
				if (pl.c[k].shard == s) {
					struct result r;
					cases++;
					if (read_result(dir, &pl.c[k], &r)) {
						ran++;
						failed += r.st != ST_PASS && r.st != ST_SKIP;
					}
					free(r.exit);
					free(r.host);
				}
			char *f = fmt("%s/shards/%d.end", dir, s);
			char *t = g_stop ? fmt("state terminated by signal %d\ncases %d\nran %d\nfailed %d\nseconds %.0f\n",
					       (int)g_stop, cases, ran, failed, now() - t0)
					 : fmt("state finished\ncases %d\nran %d\nfailed %d\nseconds %.0f\n", cases, ran, failed,
					       now() - t0);
			write_file(f, t);
			free(f);
			free(t);
		}
	printf("regress: %d of %d cases ran in %.0f s, %d failed%s\n", done, n, now() - t0, bad,
	       g_stop ? " (stopped by a signal)" : "");
	if (g_stop) {
		signal((int)g_stop, SIG_DFL);
		return 128 + (int)g_stop;
	}
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ merge */

static void xml_text(struct sb *b, const char *s, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		unsigned char ch = (unsigned char)s[k];
		if (ch == '<')
			sb_add(b, "&lt;");
		else if (ch == '>')
			sb_add(b, "&gt;");
		else if (ch == '&')
			sb_add(b, "&amp;");
		else if (ch == '"')
			sb_add(b, "&quot;");
		else if (ch < 0x20 && ch != '\n' && ch != '\t')
			sb_add(b, "?"); /* not allowed in XML 1.0 */
		else if (ch >= 0x80) {
			/* keep valid UTF-8 sequences, replace stray bytes */
			int len = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 0;
			int ok = len && k + (size_t)len <= n;
			for (int q = 1; ok && q < len; q++)
				ok = ((unsigned char)s[k + (size_t)q] & 0xc0) == 0x80;
			if (ok) {
				sb_addn(b, s + k, (size_t)len);
				k += (size_t)len - 1;
			} else
				sb_add(b, "?");
		} else
			sb_addn(b, s + k, 1);
	}
}

static void xml(struct sb *b, const char *s)
{
	xml_text(b, s, strlen(s));
}

/* the last lines of a case's log (at most ~4 KB) */
static char *log_tail(const char *dir, int id)
{
	char *f = log_path(dir, id);
	size_t len = 0;
	char *text = read_file(f, &len);
	free(f);
	if (!text)
		return xstrdup("(no log)\n");
	size_t from = len > 4096 ? len - 4096 : 0;
	while (from > 0 && from < len && text[from - 1] != '\n')
		from++;
	char *t = xstrndup(text + from, len - from);
	free(text);
	return t;
}

struct shardinfo {
	int cases, ran, failed, ended, finished;
	long seconds; /* the runner's wall time, -1: unknown */
	char *slurm;
};

static char *read_line1(const char *path)
{
	char *t = read_file(path, NULL);
	if (!t)
		return NULL;
	char *nl = strchr(t, '\n');
	if (nl)
		*nl = 0;
	return t;
}

static void shard_infos(const char *dir, const struct plan *pl, struct shardinfo *si, struct result *res)
{
	for (int s = 0; s < pl->shards; s++) {
		memset(&si[s], 0, sizeof si[s]);
		char *f = fmt("%s/shards/%d.end", dir, s);
		char *t = read_file(f, NULL);
		free(f);
		si[s].ended = t != NULL;
		si[s].finished = t && !strncmp(t, "state finished\n", 15);
		char *sec = t ? strstr(t, "\nseconds ") : NULL;
		si[s].seconds = sec ? atol(sec + 9) : -1;
		free(t);
		f = fmt("%s/shards/%d.slurm", dir, s);
		si[s].slurm = read_line1(f);
		free(f);
	}
	for (int k = 0; k < pl->n; k++) {
		struct shardinfo *s = &si[pl->c[k].shard];
		s->cases++;
		if (read_result(dir, &pl->c[k], &res[k])) {
			s->ran++;
			s->failed += res[k].st != ST_PASS && res[k].st != ST_SKIP;
		}
	}
}

/* a shard needs a rerun if a case failed or has no result, or the shard did not end well */
static int shard_bad(const struct shardinfo *s)
{
	return s->failed || s->ran < s->cases || !s->finished ||
	       (s->slurm && strcmp(s->slurm, "COMPLETED") && strcmp(s->slurm, "FAILED"));
}

static char *shard_state(const struct shardinfo *s)
{
	if (s->slurm && strcmp(s->slurm, "COMPLETED") && strcmp(s->slurm, "FAILED"))
		return fmt("Slurm state %s", s->slurm);
	if (!s->ended)
		return s->slurm ? fmt("did not finish (no end record; Slurm state %s)", s->slurm)
				: xstrdup("did not finish (no end record: killed, or never started)");
	if (!s->finished)
		return xstrdup("terminated by a signal (cancelled or out of time)");
	return xstrdup(s->failed ? "finished, with failures" : "finished");
}

static int cmd_merge(const char *dir)
{
	struct plan pl;
	read_plan(dir, &pl);
	struct result *res = calloc((size_t)pl.n + 1, sizeof *res);
	struct shardinfo *si = calloc((size_t)pl.shards, sizeof *si);
	if (!res || !si)
		die("out of memory");
	shard_infos(dir, &pl, si, res);
	/* suites in description order */
	int nsu = 0;
	char **su = xmalloc(sizeof *su * (size_t)(pl.n + 1));
	for (int k = 0; k < pl.n; k++) {
		int f = 0;
		for (int q = 0; q < nsu && !f; q++)
			f = !strcmp(su[q], pl.c[k].suite);
		if (!f)
			su[nsu++] = pl.c[k].suite;
	}
	struct sb x = {0}, fails = {0}, sum = {0};
	sb_add(&x, "");
	sb_add(&fails, "");
	sb_add(&sum, "");
	int tp = 0, tf = 0, te = 0, ts = 0;
	double tt = 0;
	struct sb body = {0};
	sb_add(&body, "");
	struct sb lines = {0};
	sb_add(&lines, "");
	for (int q = 0; q < nsu; q++) {
		int p = 0, f = 0, e = 0, s = 0, n = 0;
		double t = 0;
		struct sb cs = {0};
		sb_add(&cs, "");
		for (int k = 0; k < pl.n; k++) {
			const struct kase *c = &pl.c[k];
			if (strcmp(c->suite, su[q]))
				continue;
			const struct result *r = &res[k];
			n++;
			t += r->seconds;
			sb_add(&cs, "    <testcase classname=\"");
			xml(&cs, c->suite);
			sb_add(&cs, "\" name=\"");
			xml(&cs, c->name);
			sb_printf(&cs, "\" time=\"%.3f\"", r->seconds);
			char *repro = fmt("cd %s && %s", pl.root, c->cmd);
			if (r->st == ST_PASS) {
				p++;
				sb_add(&cs, "/>\n");
			} else if (r->st == ST_SKIP) {
				s++;
				sb_add(&cs, ">\n      <skipped message=\"skipped (exit 77)\"/>\n    </testcase>\n");
			} else {
				char *why;
				const char *tag = r->st == ST_FAIL || r->st == ST_TIMEOUT ? "failure" : "error";
				if (r->st == ST_NONE) {
					char *ss = shard_state(&si[c->shard]);
					why = fmt("not run: shard %d %s", c->shard, ss);
					free(ss);
				} else
					why = fmt("%s: %s", st_name[r->st], r->exit);
				if (r->st == ST_FAIL || r->st == ST_TIMEOUT)
					f++;
				else
					e++;
				sb_printf(&cs, ">\n      <%s type=\"%s\" message=\"", tag, st_name[r->st]);
				xml(&cs, why);
				sb_add(&cs, "\">reproduce: ");
				xml(&cs, repro);
				if (r->st != ST_NONE) {
					char *lt = log_tail(dir, c->id);
					sb_printf(&cs, "\n--- the end of %s/logs/%d.log (shard %d, %s) ---\n", dir, c->id, c->shard,
						  r->host ? r->host : "?");
					xml(&cs, lt);
					free(lt);
				}
				sb_printf(&cs, "</%s>\n    </testcase>\n", tag);
				sb_printf(&fails, "%-7s %s/%s (%s)\n        reproduce: %s\n",
					  r->st == ST_NONE ? "NOT RUN" : r->st == ST_TIMEOUT ? "TIMEOUT" : r->st == ST_KILLED ? "KILLED" : "FAIL",
					  c->suite, c->name, why, repro);
				free(why);
			}
			free(repro);
		}
		sb_add(&body, "  <testsuite name=\"");
		xml(&body, su[q]);
		sb_printf(&body, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n", n, f, e, s, t);
		sb_add(&body, cs.s);
		sb_add(&body, "  </testsuite>\n");
		free(cs.s);
		sb_printf(&lines, "%-10s %d passed, %d failed, %d skipped\n", su[q], p, f + e, s);
		tp += p;
		tf += f;
		te += e;
		ts += s;
		tt += t;
	}
	sb_add(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mote regress ");
	xml(&x, pl.size);
	sb_printf(&x, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n", pl.n, tf, te, ts, tt);
	sb_add(&x, body.s);
	sb_add(&x, "</testsuites>\n");
	char *f = pfile(dir, "junit.xml");
	write_file(f, x.s);
	free(f);

	int nbad = 0;
	struct sb rerun = {0};
	sb_add(&rerun, "");
	sb_printf(&sum, "mote regression %s, size %s%s%s: %d cases in %d shard%s, %.0f s of case time\n", dir, pl.size,
		  *pl.only ? ", only " : "", pl.only, pl.n, pl.shards, pl.shards == 1 ? "" : "s", tt);
	sb_add(&sum, fails.s);
	for (int s = 0; s < pl.shards; s++) {
		if (!shard_bad(&si[s]))
			continue;
		char *ss = shard_state(&si[s]);
		sb_printf(&sum, "shard %d: %s: %d of %d cases ran, %d failed, %d not run\n", s, ss, si[s].ran, si[s].cases,
			  si[s].failed, si[s].cases - si[s].ran);
		free(ss);
		sb_printf(&rerun, "%s%d", nbad ? "," : "", s);
		nbad++;
	}
	if (pl.shards > 1) {
		sb_add(&sum, "shards' wall time:");
		for (int s = 0; s < pl.shards; s++)
			if (si[s].seconds >= 0)
				sb_printf(&sum, "%s %d: %ld s", s ? "," : "", s, si[s].seconds);
			else
				sb_printf(&sum, "%s %d: ?", s ? "," : "", s);
		sb_add(&sum, "\n");
	}
	if (nbad)
		sb_printf(&sum, "rerun the failed shard%s (%s): make regress-rerun REGRESS_DIR=%s [SLURM=1]\n",
			  nbad > 1 ? "s" : "", rerun.s, dir);
	sb_add(&sum, lines.s);
	sb_printf(&sum, "%d passed, %d failed, %d skipped (%d cases)\n", tp, tf + te, ts, pl.n);
	f = pfile(dir, "summary.txt");
	write_file(f, sum.s);
	free(f);
	f = pfile(dir, "rerun-shards");
	char *rr = fmt("%s\n", rerun.s);
	write_file(f, rr);
	free(rr);
	free(f);
	fputs(sum.s, stdout);
	return tf + te || nbad ? 1 : 0;
}

static int cmd_results(const char *dir)
{
	struct plan pl;
	read_plan(dir, &pl);
	for (int k = 0; k < pl.n; k++) {
		struct result r;
		read_result(dir, &pl.c[k], &r);
		printf("%s/%s %s\n", pl.c[k].suite, pl.c[k].name, st_name[r.st]);
	}
	return 0;
}

static int cmd_rerun_shards(const char *dir)
{
	struct plan pl;
	read_plan(dir, &pl);
	struct result *res = calloc((size_t)pl.n + 1, sizeof *res);
	struct shardinfo *si = calloc((size_t)pl.shards, sizeof *si);
	if (!res || !si)
		die("out of memory");
	shard_infos(dir, &pl, si, res);
	int nbad = 0;
	for (int s = 0; s < pl.shards; s++)
		if (shard_bad(&si[s]))
			printf("%s%d", nbad++ ? "," : "", s);
	if (nbad)
		printf("\n");
	return 0;
}

static int cmd_info(const char *dir)
{
	struct plan pl;
	read_plan(dir, &pl);
	printf("root %s\nsize %s\nshards %d\ncases %d\n", pl.root, pl.size, pl.shards, pl.n);
	for (int s = 0; s < pl.shards; s++) {
		long t = 0;
		int n = 0;
		for (int k = 0; k < pl.n; k++)
			if (pl.c[k].shard == s) {
				t += pl.c[k].timeout;
				n++;
			}
		printf("shard %d %d %ld\n", s, n, t);
	}
	return 0;
}

static void usage(void)
{
	fputs("usage: regress plan DESC --size S --out DIR [--shards N] [--only GLOBS]\n"
	      "       regress run DIR (--all | --shard K...) [--jobs J]\n"
	      "       regress merge|results|rerun-shards|needs|info DIR\n"
	      "       regress reset DIR K...\n"
	      "(see the comment at the top of scripts/regress/regress.c)\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage();
	const char *cmd = argv[1];
	if (!strcmp(cmd, "plan")) {
		const char *desc = argv[2], *size = NULL, *out = NULL, *only = "";
		int shards = 1;
		for (int a = 3; a < argc; a++) {
			if (a + 1 >= argc)
				usage();
			if (!strcmp(argv[a], "--size"))
				size = argv[++a];
			else if (!strcmp(argv[a], "--out"))
				out = argv[++a];
			else if (!strcmp(argv[a], "--shards"))
				shards = atoi(argv[++a]);
			else if (!strcmp(argv[a], "--only"))
				only = argv[++a];
			else
				usage();
		}
		if (!size || !out || shards < 1)
			usage();
		char cwd[4096];
		if (!getcwd(cwd, sizeof cwd))
			die("getcwd: %s", strerror(errno));
		struct plan pl;
		memset(&pl, 0, sizeof pl);
		pl.root = cwd;
		pl.desc = (char *)desc;
		pl.size = (char *)size;
		pl.only = (char *)only;
		pl.shards = shards;
		parse_desc(desc, size, only, out, &pl);
		if (!pl.n)
			die("%s: no case in size %s%s%s", desc, size, *only ? " matches " : "", only);
		if (shards > pl.n)
			die("%d shards for %d cases: a shard would be empty", shards, pl.n);
		assign_shards(&pl);
		mkdirs(out);
		write_plan(out, &pl);
		printf("regress: %s: %d cases (size %s%s%s) in %d shard%s\n", out, pl.n, size, *only ? ", only " : "", only,
		       shards, shards == 1 ? "" : "s");
		return 0;
	}
	const char *dir = argv[2];
	if (!strcmp(cmd, "run")) {
		int all = 0, jobs = 1, n = 0;
		int *sh = xmalloc(sizeof *sh * (size_t)argc);
		for (int a = 3; a < argc; a++) {
			if (!strcmp(argv[a], "--all"))
				all = 1;
			else if (!strcmp(argv[a], "--shard") && a + 1 < argc) {
				char *end;
				long v = strtol(argv[++a], &end, 10);
				if (*end || end == argv[a])
					die("--shard %s: a number", argv[a]);
				sh[n++] = (int)v;
			} else if (!strcmp(argv[a], "--jobs") && a + 1 < argc)
				jobs = atoi(argv[++a]);
			else
				usage();
		}
		if (!all && !n)
			usage();
		return cmd_run(dir, all, sh, n, jobs);
	}
	if (!strcmp(cmd, "reset")) {
		struct plan pl;
		read_plan(dir, &pl);
		for (int a = 3; a < argc; a++) {
			int s = atoi(argv[a]);
			if (s < 0 || s >= pl.shards)
				die("no shard %s", argv[a]);
			forget_shard(dir, &pl, s);
		}
		return 0;
	}
	if (argc != 3)
		usage();
	if (!strcmp(cmd, "merge"))
		return cmd_merge(dir);
	if (!strcmp(cmd, "results"))
		return cmd_results(dir);
	if (!strcmp(cmd, "rerun-shards"))
		return cmd_rerun_shards(dir);
	if (!strcmp(cmd, "info"))
		return cmd_info(dir);
	if (!strcmp(cmd, "needs")) {
		struct plan pl;
		read_plan(dir, &pl);
		for (int k = 0; k < pl.nneed; k++)
			printf("%s\n", pl.need[k]);
		return 0;
	}
	usage();
}
