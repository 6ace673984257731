/* outdir.h: where the CLI may write files.
 *
 * Every file the CLI writes goes into a directory the user named, under a
 * name that cannot leave it, and appears whole or not at all:
 *   - the directory is opened once (O_DIRECTORY) and every file is created
 *     relative to that descriptor (openat, renameat), never by pasting
 *     strings into a path;
 *   - a name that comes from data (a tensor name in a model file: a hostile
 *     .mote can carry any bytes there) is first made one path component:
 *     every byte outside [A-Za-z0-9._-] becomes '_', and a result that is
 *     empty, dots only ("." and ".." among them) or longer than NAME_MAX is
 *     refused;
 *   - a file is written to a fresh temporary file in the directory (O_EXCL,
 *     O_NOFOLLOW) and renamed over its final name only once complete and
 *     flushed, so the final name holds the whole file or what it held before;
 *     a symbolic link planted under that name is replaced, never followed.
 */
#ifndef MOTE_CLI_OUTDIR_H
#define MOTE_CLI_OUTDIR_H

#include <stddef.h>
#include <stdio.h>

#include "npy.h"

struct outdir {
	int fd;           /* the directory, O_DIRECTORY */
	const char *path; /* as the user named it, for messages */
};

/* Open directory PATH for writing (OPT names the option in messages, e.g.
 * "--output").  CREATE: make it (one level, like mkdir) when missing.  An
 * empty PATH is refused.  Returns 0, or -1 after printing why. */
int outdir_open(struct outdir *o, const char *opt, const char *path, int create);
void outdir_close(struct outdir *o);

/* The file name for NAME with EXT appended (e.g. ".npy"), made safe as
 * described above, into FILE (N bytes).  Returns 0, or -1 with the reason
 * in WHY (NWHY bytes). */
int outdir_file_name(const char *name, const char *ext, char *file, size_t n, char *why, size_t nwhy);

/* Write FILE (a single safe component) in O: WRITE(f, ctx) fills the
 * temporary file and returns 0, or -1 with errno set.  Returns 0, or -1 with
 * errno set and nothing left behind. */
int outdir_write(struct outdir *o, const char *file, int (*write)(FILE *f, void *ctx), void *ctx);

/* outdir_write of an .npy array / of LEN raw bytes. */
int outdir_write_npy(struct outdir *o, const char *file, enum npy_dtype t, const size_t *shape, int ndim,
		     const void *data);
int outdir_write_bytes(struct outdir *o, const char *file, const void *data, size_t len);

/* Replace the file at PATH (a user-named path: its directory must exist)
 * with LEN bytes, the same way: whole or not at all.  Refuses (EEXIST) when
 * PATH names the same file as KEEP (the input being compiled, say; KEEP may
 * be NULL).  Returns 0, or -1 with errno set. */
int cli_replace_file(const char *path, const void *data, size_t len, const char *keep);

/* Do paths A and B name one existing file (links included)? */
int cli_same_file(const char *a, const char *b);

#endif
