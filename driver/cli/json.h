/* json.h: a tiny streaming JSON object writer for --json output.
 * Keys and string values are escaped (any bytes give valid JSON: see
 * json.c); numbers use %.17g or integer formats, non-finite ones null. */
#ifndef MOTE_CLI_JSON_H
#define MOTE_CLI_JSON_H

#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	int first[8];  /* is the next member the first at this depth? */
	char close[8]; /* bracket that closes this depth */
};

void json_begin(struct json *j, FILE *f);     /* opens the top-level object */
void json_end(struct json *j);                /* closes it and writes a newline */
void json_key_object(struct json *j, const char *key);
void json_key_array(struct json *j, const char *key);
void json_array_object(struct json *j);       /* an object as the next array element */
void json_close(struct json *j);              /* closes the innermost object or array */
void json_str(struct json *j, const char *key, const char *v);
void json_int(struct json *j, const char *key, int64_t v);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_num(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, int v);
void json_elem_str(struct json *j, const char *v);  /* a string as the next array element */
void json_elem_uint(struct json *j, uint64_t v);    /* a number as the next array element */
void json_close_to(struct json *j, int depth); /* closes nested ones until DEPTH (0: the top object) */
void json_finish(struct json *j);            /* closes whatever is open, then the object */

#endif
