/* outdir.c: where the CLI may write files (see outdir.h). */
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int outdir_open(struct outdir *o, const char *opt, const char *path, int create)
{
	o->fd = -1;
	o->path = path;
	if (!path || !path[0])
		return cli_fail("%s '': an empty directory name (use . for the current directory)", opt);
	if (create && mkdir(path, 0777) != 0 && errno != EEXIST)
		return cli_fail("%s %s: cannot create the directory: %s", opt, path, strerror(errno));
	o->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->fd < 0)
		return cli_fail("%s %s: %s", opt, path, strerror(errno));
	return 0;
}

void outdir_close(struct outdir *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
}

static int safe_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-';
}

int outdir_file_name(const char *name, const char *ext, char *file, size_t n, char *why, size_t nwhy)
{
	size_t len = strlen(name), elen = strlen(ext);
	int dots_only = 1;
	if (len + elen > NAME_MAX || len + elen >= n) {
		snprintf(why, nwhy, "a name of %zu bytes makes a file name longer than %d", len, NAME_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		file[i] = safe_byte(c) ? (char)c : '_';
		dots_only &= file[i] == '.';
	}
	if (dots_only) {
		snprintf(why, nwhy, "the name '%s' is %s", name, len ? "dots only" : "empty");
		return -1;
	}
	memcpy(file + len, ext, elen + 1);
	return 0;
}

/* A fresh temporary file in the directory: O_EXCL never reuses or follows
 * an existing entry. */
static int open_temp(int dirfd, char *tmp, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned r = (unsigned)rand() ^ ((unsigned)getpid() << 12) ^ (unsigned)attempt * 2654435761u;
		snprintf(tmp, n, ".mote-tmp-%ld-", (long)getpid());
		size_t l = strlen(tmp);
		for (int i = 0; i < 8 && l + 1 < n; i++, r >>= 4)
			tmp[l++] = hex[r & 15];
		tmp[l] = 0;
		int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

int outdir_write(struct outdir *o, const char *file, int (*write)(FILE *f, void *ctx), void *ctx)
{
	if (!file[0] || strchr(file, '/') || !strcmp(file, ".") || !strcmp(file, "..")) {
		errno = EINVAL; /* callers pass outdir_file_name results or fixed names */
		return -1;
	}
	char tmp[64];
	int fd = open_temp(o->fd, tmp, sizeof tmp);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		int e = errno;
		close(fd);
		unlinkat(o->fd, tmp, 0);
		errno = e;
		return -1;
	}
	errno = 0;
	int rc = write(f, ctx);
	int e = errno ? errno : EIO;
	if (fclose(f) != 0 && !rc) {
		rc = -1;
		e = errno;
	}
	if (!rc && renameat(o->fd, tmp, o->fd, file) != 0) {
		rc = -1;
		e = errno;
	}
	if (rc) {
		unlinkat(o->fd, tmp, 0);
		errno = e;
	}
	return rc;
}

struct npy_job {
	enum npy_dtype t;
	const size_t *shape;
	int ndim;
	const void *data;
};

static int write_npy(FILE *f, void *ctx)
{
	const struct npy_job *j = ctx;
	return npy_fwrite(f, j->t, j->shape, j->ndim, j->data);
}

int outdir_write_npy(struct outdir *o, const char *file, enum npy_dtype t, const size_t *shape, int ndim,
		     const void *data)
{
	struct npy_job j = {t, shape, ndim, data};
	return outdir_write(o, file, write_npy, &j);
}

struct bytes_job {
	const void *data;
	size_t len;
};

static int write_bytes(FILE *f, void *ctx)
{
	const struct bytes_job *j = ctx;
	if ((j->len && fwrite(j->data, 1, j->len, f) != j->len) || fflush(f) != 0) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

int outdir_write_bytes(struct outdir *o, const char *file, const void *data, size_t len)
{
	struct bytes_job j = {data, len};
	return outdir_write(o, file, write_bytes, &j);
}

int cli_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_replace_file(const char *path, const void *data, size_t len, const char *keep)
{
	if (cli_same_file(path, keep)) {
		errno = EEXIST;
		return -1;
	}
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	if (!base[0] || !strcmp(base, ".") || !strcmp(base, "..")) {
		errno = EISDIR;
		return -1;
	}
	char *dir = malloc(dlen + 2);
	if (!dir)
		return -1;
	if (!slash)
		strcpy(dir, ".");
	else if (!dlen)
		strcpy(dir, "/"); /* "/x" lives in "/" */
	else {
		memcpy(dir, path, dlen);
		dir[dlen] = 0;
	}
	struct outdir o = {open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), path};
	free(dir);
	if (o.fd < 0)
		return -1;
	int rc = outdir_write_bytes(&o, base, data, len);
	int e = errno;
	outdir_close(&o);
	errno = e;
	return rc;
}
