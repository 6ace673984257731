/* json.c: a tiny streaming JSON writer (see json.h). */
#include "json.h"

#include <inttypes.h>
#include <math.h>

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = 0;
	if (key) {
		put_string(j->f, key);
		fputc(':', j->f);
	}
}

static void open_nested(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < (int)(sizeof j->first / sizeof j->first[0]))
		j->depth++;
	j->first[j->depth] = 1;
	j->close[j->depth] = c == '{' ? '}' : ']';
}

void json_begin(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = 1;
	fputc('{', f);
}

void json_end(struct json *j)
{
	fputs("}\n", j->f);
}

void json_key_object(struct json *j, const char *key) { open_nested(j, key, '{'); }
void json_key_array(struct json *j, const char *key) { open_nested(j, key, '['); }
void json_array_object(struct json *j) { open_nested(j, NULL, '{'); }

void json_close(struct json *j)
{
	if (j->depth == 0)
		return;
	fputc(j->close[j->depth], j->f);
	j->depth--;
}

void json_str(struct json *j, const char *key, const char *v)
{
	member(j, key);
	put_string(j->f, v ? v : "");
}

void json_int(struct json *j, const char *key, int64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_num(struct json *j, const char *key, double v)
{
	member(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.17g", v);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, const char *key, int v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}
