/* xsim.c: the cross-simulation subset.  A few GEMM and convolution jobs run on
 * the same RTL (mote_top) under Verilator, through the simulator library
 * (sim/mote_sim.h), and under Icarus Verilog (testbench/xsim/xsim_tb.v), from
 * the same memory image and the same register script.  A case passes when
 *   - both final memories equal the expected one: the image with the output
 *     tensor replaced by the reference executor's (compiler_backend), so the
 *     outputs are bit-exact and nothing else was written;
 *   - the two runs read the same values from the script's every register read
 *     (identity, geometry, STATUS, ERR_*, CMDS_DONE, all 18 perf counters:
 *     cycle for cycle, the same traffic) and took the same cycles, memory
 *     reads and writes;
 *   - the job ended with DONE, without ERROR.
 * Each run's speed is measured on the job: simulated cycles per CPU second
 * (Verilator: the script run again until 0.3 s have passed; Icarus: the vvp
 * process, less the time it takes to start and load the files).
 *
 *   xsim --list                                  the cases
 *   xsim [--vvp-dir D] [--out D] [CASE...]       run cases (all without names)
 *   xsim --check DIR                             compare a case's files again
 *
 * --vvp-dir: where xsim_RxC.vvp are (build/xsim); --out: where each case gets
 * a directory of its files (build/xsim/run): image.hex, script.hex,
 * expect.hex, layout.txt (what xsim_tb.v and --check read), verilator.txt and
 * verilator.hex, icarus.txt and icarus.hex (each run's register reads and
 * final memory), vvp.log.  Exit 0 when every case passed, 1 otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mote_sim.h"
#include "op.h"

/* Device memory of both runs; xsim.mk passes the same number to xsim_tb.v. */
#ifndef XSIM_MEM
#define XSIM_MEM 65536u
#endif
/* The driver's default memory latency (sim: URI), xsim_tb.v's LATENCY. */
#define XSIM_LATENCY 8u
/* xsim_tb.v's SCRIPT_MAX. */
#define SCRIPT_MAX 1024u
/* Verilator's timing: the script again until this much CPU time has passed. */
#define VL_TIME_S 0.3
/* No job here takes as long; Icarus is given ten times the Verilator run's cycles. */
#define VL_WAIT_MAX 50000000u
/* CPU seconds a vvp run may take before it is stopped (a hang). */
#define VVP_CPU_LIMIT 300

enum { OP_END = 0, OP_WRITE = 1, OP_READ = 2, OP_WAIT = 3 };

struct xcase {
	const char *name;
	unsigned rows, cols;
	struct op_args a;
	const char *what;
};

/* Small enough for Icarus (a few thousand cycles each), wide enough to take
 * every unit's main paths: tiling with ragged edges, padding, strides, the
 * sparse and depthwise datapaths, correction passes, ACC_MAX, STORE ADD and
 * ROUND_TFL. */
#define GEMM(m_, k_, n_) .is_gemm = 1, .m = m_, .k = k_, .n = n_
#define CONV(h_, w_, ci_, co_, k_, st_, p_) \
	.h = h_, .w = w_, .cin = ci_, .cout = co_, .kh = k_, .kw = k_, .stride = st_, .pad = p_, .dil = 1
static const struct xcase k_cases[] = {
	{"gemm_16x24x8", 4, 4, {GEMM(16, 24, 8), .seed = 1}, "GEMM 16x24x8"},
	{"conv3x3_8x8x8", 4, 4, {CONV(8, 8, 8, 8, 3, 1, 1), .relu = 1, .seed = 2},
	 "conv 8x8x8 -> 8, 3x3, pad 1, ReLU"},
	{"conv3x3_s2", 4, 4, {CONV(9, 9, 5, 6, 3, 2, 1), .seed = 3}, "conv 9x9x5 -> 6, 3x3, stride 2, pad 1"},
	{"gemm_sparse", 4, 4, {GEMM(16, 32, 8), .sparse = 1, .seed = 4}, "GEMM 16x32x8, weights 2:4 sparse"},
	{"dwconv3x3", 4, 4, {CONV(8, 8, 8, 8, 3, 1, 1), .groups = 8, .seed = 5}, "depthwise conv 8x8x8, 3x3, pad 1"},
	{"gemm_u8w_tfl", 4, 4, {GEMM(12, 20, 6), .w_uint8 = 1, .round_tfl = 1, .seed = 6},
	 "GEMM 12x20x6, uint8 weights (correction pass), TFLite rounding"},
	{"maxpool_add", 4, 4, {CONV(8, 8, 4, 4, 3, 2, 1), .groups = 4, .pool = OP_POOL_MAX, .add = 1, .seed = 7},
	 "max pool 8x8x4, 3x3, stride 2, pad 1, with a residual add"},
	{"gemm_8x8", 8, 8, {GEMM(24, 40, 20), .seed = 8}, "GEMM 24x40x20 on 8x8"},
};
#define N_CASES (sizeof k_cases / sizeof k_cases[0])

/* ---- small helpers ------------------------------------------------------- */

static double clock_s(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double children_cpu_s(void)
{
	struct rusage u;
	if (getrusage(RUSAGE_CHILDREN, &u))
		return 0;
	return (double)u.ru_utime.tv_sec + 1e-6 * (double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_sec +
	       1e-6 * (double)u.ru_stime.tv_usec;
}

static size_t align64(size_t v)
{
	return (v + 63) & ~(size_t)63;
}

static void path_in(char *buf, size_t n, const char *dir, const char *file)
{
	snprintf(buf, n, "%s/%s", dir, file);
}

static int mkdir_p(const char *path)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0777) && errno != EEXIST ? -1 : 0;
}

/* Memory as $readmemh words: byte i of a word at bits [8i+7:8i], the most
 * significant byte printed first. */
static int write_image(const char *path, const uint8_t *mem, size_t size, unsigned bus)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (size_t w = 0; w < size; w += bus) {
		for (unsigned b = bus; b-- > 0;)
			fprintf(f, "%02x", mem[w + b]);
		fputc('\n', f);
	}
	return fclose(f) ? -1 : 0;
}

/* Reads what write_image (or $writememh: "//" comments) wrote into mem
 * (size bytes).  0, or -1 with a message. */
static int read_image(const char *path, uint8_t *mem, size_t size, unsigned bus)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "xsim: cannot read %s\n", path);
		return -1;
	}
	char line[256];
	size_t w = 0;
	int rc = 0;
	while (fgets(line, sizeof line, f)) {
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\n' || *s == '\0' || (s[0] == '/' && s[1] == '/'))
			continue;
		if (w + bus > size) {
			rc = -1;
			break;
		}
		for (unsigned b = bus; b-- > 0; s += 2) {
			unsigned v;
			if (sscanf(s, "%2x", &v) != 1) {
				rc = -1;
				break;
			}
			mem[w + b] = (uint8_t)v;
		}
		if (rc)
			break;
		w += bus;
	}
	fclose(f);
	if (rc || w != size) {
		fprintf(stderr, "xsim: %s: not a memory image of %zu bytes in %u-byte words\n", path, size, bus);
		return -1;
	}
	return 0;
}

/* ---- a case's layout on the device --------------------------------------- */

struct region {
	char name[16];
	uint32_t addr, len;
};

struct layout {
	unsigned rows, cols, bus;
	uint32_t n_cmds;
	unsigned n_regions;
	struct region r[6]; /* commands, weights, bias, input, output[, operand] */
};

static int write_layout(const char *path, const struct layout *l)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "geometry %u %u %u\nmemory %u\ncommands %u\n", l->rows, l->cols, l->bus, XSIM_MEM, l->n_cmds);
	for (unsigned i = 0; i < l->n_regions; i++)
		fprintf(f, "region %s 0x%x %u\n", l->r[i].name, l->r[i].addr, l->r[i].len);
	return fclose(f) ? -1 : 0;
}

static int read_layout(const char *path, struct layout *l)
{
	FILE *f = fopen(path, "r");
	unsigned mem = 0;
	memset(l, 0, sizeof *l);
	if (!f || fscanf(f, "geometry %u %u %u memory %u commands %u", &l->rows, &l->cols, &l->bus, &mem,
			 &l->n_cmds) != 5) {
		if (f)
			fclose(f);
		fprintf(stderr, "xsim: cannot read %s\n", path);
		return -1;
	}
	while (l->n_regions < 6) {
		struct region *r = &l->r[l->n_regions];
		if (fscanf(f, " region %15s %x %u", r->name, &r->addr, &r->len) != 3)
			break;
		l->n_regions++;
	}
	fclose(f);
	if (mem != XSIM_MEM || !l->bus || l->bus > 64 || XSIM_MEM % l->bus) {
		fprintf(stderr, "xsim: %s: memory %u bytes, bus %u (this xsim: %u bytes)\n", path, mem, l->bus,
			XSIM_MEM);
		return -1;
	}
	return 0;
}

/* "output byte 12" for an address inside a region, else "0x01234". */
static void describe(const struct layout *l, uint32_t a, char *buf, size_t n)
{
	for (unsigned i = 0; i < l->n_regions; i++)
		if (a >= l->r[i].addr && a - l->r[i].addr < l->r[i].len) {
			snprintf(buf, n, "%s byte %u (0x%05x)", l->r[i].name, a - l->r[i].addr, a);
			return;
		}
	snprintf(buf, n, "0x%05x, outside every region", a);
}

/* ---- the register script --------------------------------------------------- */

struct script {
	uint64_t e[SCRIPT_MAX];
	unsigned n;
};

static void put(struct script *s, unsigned op, uint32_t addr, uint32_t data)
{
	if (s->n < SCRIPT_MAX - 1)
		s->e[s->n++] = (uint64_t)op << 60 | (uint64_t)(addr & 0xfff) << 32 | data;
}

/* What the driver does for a job (driver/mote_job.c: start_job, collect_job),
 * one register at a time, with the device's identity read first. */
static void make_script(struct script *s, const struct layout *l, uint32_t wait_max)
{
	static const uint32_t ident[] = {MOTE_REG_ID,        MOTE_REG_VERSION,    MOTE_REG_GEOMETRY,
					 MOTE_REG_ABUF_DEPTH, MOTE_REG_WBUF_DEPTH, MOTE_REG_BBUF_DEPTH,
					 MOTE_REG_ACC_DEPTH,  MOTE_REG_FEATURES,   MOTE_REG_PERF_CONFIG,
					 MOTE_REG_PERF_SET};
	/* windows: commands, weights and bias one read+execute window; input
	 * read; output write; operand read */
	uint32_t win[MOTE_NUM_WINDOWS][3] = {{0}};
	const struct region *r = l->r;
	win[0][0] = r[0].addr;
	win[0][1] = (uint32_t)align64(r[2].addr + r[2].len - r[0].addr);
	win[0][2] = MOTE_PERM_R | MOTE_PERM_X;
	for (unsigned i = 3; i < l->n_regions; i++) {
		win[i - 2][0] = r[i].addr;
		win[i - 2][1] = (uint32_t)align64(r[i].len);
		win[i - 2][2] = i == 4 ? MOTE_PERM_W : MOTE_PERM_R;
	}
	s->n = 0;
	for (unsigned i = 0; i < sizeof ident / sizeof ident[0]; i++)
		put(s, OP_READ, ident[i], 0);
	put(s, OP_WRITE, MOTE_REG_CMD_BASE, r[0].addr);
	put(s, OP_WRITE, MOTE_REG_CMD_COUNT, l->n_cmds);
	for (unsigned i = 0; i < MOTE_NUM_WINDOWS; i++) {
		put(s, OP_WRITE, MOTE_REG_WIN_BASE(i), win[i][0]);
		put(s, OP_WRITE, MOTE_REG_WIN_SIZE(i), win[i][1]);
		put(s, OP_WRITE, MOTE_REG_WIN_PERM(i), win[i][2]);
	}
	put(s, OP_WRITE, MOTE_REG_WDT_LIMIT, MOTE_DEFAULT_WDT_CYCLES);
	put(s, OP_WRITE, MOTE_REG_IRQ_ACK, 1);
	put(s, OP_WRITE, MOTE_REG_CTRL, MOTE_CTRL_START_MASK | MOTE_CTRL_IRQ_EN_MASK);
	put(s, OP_WAIT, 0, wait_max);
	put(s, OP_READ, MOTE_REG_STATUS, 0);
	put(s, OP_READ, MOTE_REG_ERR_CODE, 0);
	put(s, OP_READ, MOTE_REG_ERR_CMD, 0);
	put(s, OP_READ, MOTE_REG_ERR_ADDR, 0);
	put(s, OP_READ, MOTE_REG_CMDS_DONE, 0);
	for (unsigned i = 0; i < MOTE_NUM_PERF; i++) {
		put(s, OP_READ, MOTE_REG_PERF_LO(i), 0);
		put(s, OP_READ, MOTE_REG_PERF_HI(i), 0);
	}
	put(s, OP_WRITE, MOTE_REG_IRQ_ACK, 1);
	put(s, OP_READ, MOTE_REG_STATUS, 0);
	s->e[s->n] = 0; /* OP_END */
}

static int write_script(const char *path, const struct script *s)
{
	static const char *const names[] = {"end", "write", "read", "wait"};
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "// {op[63:60], addr[43:32], data[31:0]}: 1 write, 2 read, 3 wait for the interrupt, 0 end\n");
	for (unsigned i = 0; i <= s->n; i++) {
		unsigned op = (unsigned)(s->e[i] >> 60);
		fprintf(f, "%016llx // %s 0x%03x\n", (unsigned long long)s->e[i], names[op & 3],
			(unsigned)(s->e[i] >> 32 & 0xfff));
	}
	for (unsigned i = s->n + 1; i < SCRIPT_MAX; i++) /* every entry: $readmemh warns of fewer */
		fputs("0000000000000000\n", f);
	return fclose(f) ? -1 : 0;
}

/* The script on the Verilator model; its log in xsim_tb.v's words (to log,
 * may be NULL).  Returns 0, or -1 when the simulator failed. */
static int run_script(mote_sim *sim, const struct script *s, FILE *log)
{
	for (unsigned i = 0; i < s->n; i++) {
		unsigned op = (unsigned)(s->e[i] >> 60);
		uint32_t addr = (uint32_t)(s->e[i] >> 32) & 0xfff, data = (uint32_t)s->e[i], v = 0;
		int rc = 0;
		uint64_t ran = 0;
		switch (op) {
		case OP_WRITE:
			rc = mote_sim_csr_write(sim, addr, data);
			break;
		case OP_READ:
			rc = mote_sim_csr_read(sim, addr, &v);
			if (rc == MOTE_SIM_ETIMEOUT) {
				if (log)
					fprintf(log, "read 0x%03x no answer\n", addr);
				rc = 0;
			} else if (!rc && log) {
				fprintf(log, "read 0x%03x 0x%08x\n", addr, v);
			}
			break;
		case OP_WAIT:
			rc = mote_sim_run(sim, data, &ran);
			if (log)
				fprintf(log, rc == 1 ? "interrupt after %llu cycles\n" : "no interrupt in %llu cycles\n",
					(unsigned long long)ran);
			rc = rc < 0 ? rc : 0;
			break;
		default:
			rc = MOTE_SIM_EINVAL;
		}
		if (rc < 0) {
			fprintf(stderr, "xsim: Verilator: script entry %u: %s\n", i, mote_sim_strerror(rc));
			return -1;
		}
	}
	if (log) {
		struct mote_sim_stats st;
		mote_sim_get_stats(sim, &st);
		fprintf(log, "cycles %llu\n", (unsigned long long)mote_sim_cycles(sim));
		fprintf(log, "memory reads %llu writes %llu bus errors %llu\n", (unsigned long long)st.reads,
			(unsigned long long)st.writes, (unsigned long long)st.bus_errors);
	}
	return 0;
}

/* ---- comparing a case's files ----------------------------------------------- */

/* The job's STATUS (the first read of it after the interrupt) from a log. */
static int log_status(const char *path, uint32_t *status)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int after = 0, found = 0;
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof line, f)) {
		unsigned a, v;
		if (!strncmp(line, "interrupt after", 15))
			after = 1;
		else if (after && sscanf(line, "read 0x%x 0x%x", &a, &v) == 2 && a == MOTE_REG_STATUS)
			*status = v, found = 1;
	}
	fclose(f);
	return found ? 0 : -1;
}

/* The first differing line of two logs: 0 when they are equal. */
static int logs_differ(const char *pa, const char *pb, char *msg, size_t n)
{
	FILE *a = fopen(pa, "r"), *b = fopen(pb, "r");
	char la[256] = "", lb[256] = "";
	int line = 0, rc = 0;
	if (!a || !b) {
		snprintf(msg, n, "cannot read %s", !a ? pa : pb);
		rc = 1;
	}
	while (!rc) {
		char *ga = fgets(la, sizeof la, a), *gb = fgets(lb, sizeof lb, b);
		line++;
		if (!ga && !gb)
			break;
		if (!ga || !gb || strcmp(la, lb)) {
			la[strcspn(la, "\n")] = lb[strcspn(lb, "\n")] = '\0';
			snprintf(msg, n, "line %d: Verilator '%s', Icarus '%s'", line, ga ? la : "(end)", gb ? lb : "(end)");
			rc = 1;
		}
	}
	if (a)
		fclose(a);
	if (b)
		fclose(b);
	return rc;
}

/* Bytes of got that differ from want, the first few printed. */
static size_t mem_mismatches(const char *who, const uint8_t *got, const uint8_t *want, const struct layout *l)
{
	size_t n = 0;
	for (uint32_t a = 0; a < XSIM_MEM; a++)
		if (got[a] != want[a]) {
			if (n++ < 6) {
				char where[96];
				describe(l, a, where, sizeof where);
				fprintf(stderr, "xsim:   %s: %s is 0x%02x, expected 0x%02x\n", who, where, got[a], want[a]);
			}
		}
	return n;
}

/* Compares a case's files; 0 when it passed.  On success *cycles, if not
 * NULL, gets Icarus' simulated cycles. */
static int check_dir(const char *dir, uint64_t *cycles)
{
	char pe[1100], pv[1100], pi[1100], plv[1100], pli[1100], msg[1400];
	struct layout l;
	int bad = 0;
	path_in(pe, sizeof pe, dir, "layout.txt");
	if (read_layout(pe, &l))
		return 1;
	uint8_t *want = malloc(XSIM_MEM), *got = malloc(XSIM_MEM);
	if (!want || !got) {
		free(want);
		free(got);
		fprintf(stderr, "xsim: out of memory\n");
		return 1;
	}
	path_in(pe, sizeof pe, dir, "expect.hex");
	path_in(pv, sizeof pv, dir, "verilator.hex");
	path_in(pi, sizeof pi, dir, "icarus.hex");
	path_in(plv, sizeof plv, dir, "verilator.txt");
	path_in(pli, sizeof pli, dir, "icarus.txt");
	if (read_image(pe, want, XSIM_MEM, l.bus)) {
		bad = 1;
	} else {
		size_t nv = 0, ni = 0;
		if (read_image(pv, got, XSIM_MEM, l.bus) || (nv = mem_mismatches("Verilator", got, want, &l))) {
			if (nv)
				fprintf(stderr, "xsim: Verilator: %zu bytes differ from the expected memory\n", nv);
			bad = 1;
		}
		if (read_image(pi, got, XSIM_MEM, l.bus) || (ni = mem_mismatches("Icarus", got, want, &l))) {
			if (ni)
				fprintf(stderr, "xsim: Icarus: %zu bytes differ from the expected memory\n", ni);
			bad = 1;
		}
	}
	if (logs_differ(plv, pli, msg, sizeof msg)) {
		fprintf(stderr, "xsim: the register reads differ: %s\n", msg);
		bad = 1;
	}
	uint32_t st = 0;
	if (log_status(plv, &st)) {
		fprintf(stderr, "xsim: %s: no STATUS after an interrupt\n", plv);
		bad = 1;
	} else if ((st & (MOTE_STATUS_BUSY_MASK | MOTE_STATUS_DONE_MASK | MOTE_STATUS_ERROR_MASK)) !=
		   MOTE_STATUS_DONE_MASK) {
		fprintf(stderr, "xsim: the job ended with STATUS 0x%x (not DONE without ERROR)\n", st);
		bad = 1;
	}
	if (cycles) {
		FILE *f = fopen(pli, "r");
		char line[256];
		unsigned long long c = 0;
		while (f && fgets(line, sizeof line, f))
			sscanf(line, "cycles %llu", &c);
		if (f)
			fclose(f);
		*cycles = c;
	}
	free(want);
	free(got);
	return bad;
}

/* ---- one case ------------------------------------------------------------------ */

struct speed {
	uint64_t vl_cycles, ic_cycles;
	double vl_cpu, vl_wall, ic_cpu, ic_wall, ic_start;
};

/* Runs vvp (its output to log); *cpu, *wall: the child's CPU and wall time.
 * Returns its exit status, or -1 when it could not run or was killed. */
static int run_vvp(const char *vvp, char *const argv_tail[], const char *log, double *cpu, double *wall)
{
	char *argv[12];
	unsigned n = 0;
	argv[n++] = "vvp";
	argv[n++] = "-N";
	argv[n++] = (char *)vvp;
	for (unsigned i = 0; argv_tail[i] && n < 11; i++)
		argv[n++] = argv_tail[i];
	argv[n] = NULL;
	double c0 = children_cpu_s(), w0 = clock_s(CLOCK_MONOTONIC);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct rlimit lim = {VVP_CPU_LIMIT, VVP_CPU_LIMIT};
		setrlimit(RLIMIT_CPU, &lim);
		FILE *f = freopen(log, "a", stdout);
		if (f)
			dup2(fileno(stdout), 2);
		execvp("vvp", argv);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	*wall = clock_s(CLOCK_MONOTONIC) - w0;
	*cpu = children_cpu_s() - c0;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "xsim: vvp stopped by signal %d%s\n", WTERMSIG(status),
			WTERMSIG(status) == SIGXCPU ? " (its CPU limit: a hang?)" : "");
		return -1;
	}
	return WEXITSTATUS(status);
}

/* The operator's stream, weights, bias and tensors placed in an image (a
 * pattern elsewhere), and where.  Returns 0 or -1 with a message. */
static int build_image(const struct xcase *c, const struct mote_geometry *g, struct op_data *d, uint8_t *img,
		       uint8_t *expect, struct layout *l)
{
	struct mote_cc_diag diag = {{0}};
	struct mote_cc_plan plan;
	const struct op_args *a = &c->a;
	int gemm = a->is_gemm && !a->add; /* as op.c: a GEMM with an add runs as its 1x1 convolution */
	int rc = gemm ? mote_cc_plan_gemm(g, &d->gemm, &plan, &diag) : mote_cc_plan_conv(g, &d->conv, &plan, &diag);
	if (rc < 0) {
		fprintf(stderr, "xsim: %s: cannot plan: %s\n", c->name, diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
		return -1;
	}
	/* 64-byte aligned regions with a 64-byte gap between them, from 0x40 */
	const size_t lens[5] = {plan.cmd_bytes, plan.weight_bytes, plan.bias_bytes, plan.input_bytes, plan.output_bytes};
	static const char *const names[5] = {"commands", "weights", "bias", "input", "output"};
	size_t at = 64;
	memset(l, 0, sizeof *l);
	l->rows = g->rows;
	l->cols = g->cols;
	l->bus = g->mem_bytes;
	l->n_cmds = plan.n_cmds;
	l->n_regions = a->add ? 6 : 5;
	for (unsigned i = 0; i < l->n_regions; i++) {
		size_t len = i < 5 ? lens[i] : d->out_bytes;
		snprintf(l->r[i].name, sizeof l->r[i].name, "%s", i < 5 ? names[i] : "operand");
		l->r[i].addr = (uint32_t)at;
		l->r[i].len = (uint32_t)len;
		/* the commands, weights and bias share a window: no gap between them */
		at += align64(len ? len : 1) + (i < 2 ? 0 : 64);
	}
	if (at > XSIM_MEM) {
		fprintf(stderr, "xsim: %s needs %zu bytes of device memory, the runs have %u\n", c->name, at, XSIM_MEM);
		return -1;
	}
	/* a pattern where nothing is placed: a stray read shows */
	for (uint32_t i = 0; i < XSIM_MEM; i++)
		img[i] = (uint8_t)(i * 167u + (i >> 8) * 13u + 0x5a);
	for (unsigned i = 0; i < 3; i++)
		memset(img + l->r[i].addr, 0, align64(l->r[i].len ? l->r[i].len : 1));
	struct mote_cc_addrs addrs = {.cmds = l->r[0].addr, .weights = l->r[1].addr, .bias = l->r[2].addr,
				      .input = l->r[3].addr, .output = l->r[4].addr,
				      .operand = a->add ? l->r[5].addr : 0};
	struct mote_cc_bufs bufs = {.cmds = img + l->r[0].addr, .cmds_cap = plan.cmd_bytes,
				    .weights = img + l->r[1].addr, .weights_cap = plan.weight_bytes,
				    .bias = img + l->r[2].addr, .bias_cap = plan.bias_bytes};
	rc = gemm ? mote_cc_emit_gemm(g, &d->gemm, &addrs, &bufs, &plan, &diag)
		  : mote_cc_emit_conv(g, &d->conv, &addrs, &bufs, &plan, &diag);
	if (rc >= 0 && d->conv.sparse)
		rc = mote_cc_sparse_check_blob(g, &d->conv, img + l->r[1].addr, plan.weight_bytes, &diag);
	if (rc < 0) {
		fprintf(stderr, "xsim: %s: cannot emit: %s\n", c->name, diag.msg[0] ? diag.msg : mote_cc_strerror(rc));
		return -1;
	}
	if (plan.input_bytes != d->in_bytes || plan.output_bytes != d->out_bytes) {
		fprintf(stderr, "xsim: %s: the plan's tensors (%zu, %zu bytes) are not the operator's (%zu, %zu)\n",
			c->name, plan.input_bytes, plan.output_bytes, d->in_bytes, d->out_bytes);
		return -1;
	}
	memcpy(img + l->r[3].addr, d->input, d->in_bytes);
	if (a->add)
		memcpy(img + l->r[5].addr, d->operand, d->out_bytes);
	memcpy(expect, img, XSIM_MEM);
	memcpy(expect + l->r[4].addr, d->y_ref, d->out_bytes);
	return 0;
}

/* The device's geometry from its registers, as the driver reads it. */
static int read_geometry(mote_sim *sim, struct mote_geometry *g)
{
	uint32_t geo = 0;
	int rc = mote_sim_csr_read(sim, MOTE_REG_GEOMETRY, &geo);
	if (!rc)
		rc = mote_sim_csr_read(sim, MOTE_REG_ABUF_DEPTH, &g->abuf_depth);
	if (!rc)
		rc = mote_sim_csr_read(sim, MOTE_REG_WBUF_DEPTH, &g->wbuf_depth);
	if (!rc)
		rc = mote_sim_csr_read(sim, MOTE_REG_BBUF_DEPTH, &g->bbuf_depth);
	if (!rc)
		rc = mote_sim_csr_read(sim, MOTE_REG_ACC_DEPTH, &g->acc_depth);
	if (!rc)
		rc = mote_sim_csr_read(sim, MOTE_REG_FEATURES, &g->features);
	g->rows = (geo & MOTE_GEOMETRY_ROWS_MASK) >> MOTE_GEOMETRY_ROWS_LSB;
	g->cols = (geo & MOTE_GEOMETRY_COLS_MASK) >> MOTE_GEOMETRY_COLS_LSB;
	g->mem_bytes = (geo & MOTE_GEOMETRY_MEM_BYTES_MASK) >> MOTE_GEOMETRY_MEM_BYTES_LSB;
	return rc;
}

static int run_case(const struct xcase *c, const char *vvp_dir, const char *out_dir, struct speed *sp)
{
	char dir[1024], p[1100], p2[1100], p3[1100], p4[1100], vvp[1100], pl[1100];
	struct op_data d;
	struct layout l;
	struct script s;
	struct mote_geometry g;
	mote_sim *sim = NULL;
	uint8_t *img = malloc(XSIM_MEM), *expect = malloc(XSIM_MEM);
	int ret = -1, rc;
	memset(&d, 0, sizeof d);
	memset(&g, 0, sizeof g);
	memset(sp, 0, sizeof *sp);
	snprintf(dir, sizeof dir, "%s/%s", out_dir, c->name);
	snprintf(vvp, sizeof vvp, "%s/xsim_%ux%u.vvp", vvp_dir, c->rows, c->cols);
	if (!img || !expect) {
		fprintf(stderr, "xsim: out of memory\n");
		goto out;
	}
	if (mkdir_p(dir)) {
		fprintf(stderr, "xsim: cannot make %s: %s\n", dir, strerror(errno));
		goto out;
	}
	if (access(vvp, R_OK)) {
		fprintf(stderr, "xsim: no %s (make test-xsim builds it)\n", vvp);
		goto out;
	}
	rc = mote_sim_create(c->rows, c->cols, XSIM_MEM, XSIM_LATENCY, 2 * c->rows, NULL, &sim);
	if (rc < 0) {
		fprintf(stderr, "xsim: the %ux%u Verilator model: %s\n", c->rows, c->cols, mote_sim_strerror(rc));
		goto out;
	}
	if (read_geometry(sim, &g) || op_make(&c->a, &d, NULL, 0) || build_image(c, &g, &d, img, expect, &l))
		goto out;
	/* a new model: the runs start alike (the geometry reads above took cycles) */
	mote_sim_destroy(sim);
	sim = NULL;
	rc = mote_sim_create(c->rows, c->cols, XSIM_MEM, XSIM_LATENCY, 2 * c->rows, NULL, &sim);
	if (rc < 0 || mote_sim_mem_write(sim, 0, img, XSIM_MEM) < 0) {
		fprintf(stderr, "xsim: the %ux%u Verilator model: %s\n", c->rows, c->cols, mote_sim_strerror(rc));
		goto out;
	}
	/* Verilator first: its job's cycles bound Icarus' wait */
	make_script(&s, &l, VL_WAIT_MAX);
	path_in(p, sizeof p, dir, "verilator.txt");
	FILE *log = fopen(p, "w");
	if (!log) {
		fprintf(stderr, "xsim: cannot write %s\n", p);
		goto out;
	}
	rc = run_script(sim, &s, log);
	fclose(log);
	path_in(p, sizeof p, dir, "verilator.hex");
	if (rc || write_image(p, mote_sim_mem(sim, NULL), XSIM_MEM, l.bus))
		goto out;
	/* its speed: the same script again, from the same image, until VL_TIME_S */
	uint64_t job_cycles = mote_sim_cycles(sim);
	while (sp->vl_cpu < VL_TIME_S) {
		mote_sim_mem_write(sim, 0, img, XSIM_MEM);
		uint64_t c0 = mote_sim_cycles(sim);
		double t0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
		if (run_script(sim, &s, NULL))
			goto out;
		sp->vl_cpu += clock_s(CLOCK_PROCESS_CPUTIME_ID) - t0;
		sp->vl_wall += clock_s(CLOCK_MONOTONIC) - w0;
		sp->vl_cycles += mote_sim_cycles(sim) - c0;
	}
	/* Icarus: the same script, ten times the cycles to end */
	make_script(&s, &l, (uint32_t)(job_cycles < VL_WAIT_MAX / 10 ? 10 * job_cycles + 1000 : VL_WAIT_MAX));
	path_in(p, sizeof p, dir, "image.hex");
	path_in(p2, sizeof p2, dir, "script.hex");
	path_in(p3, sizeof p3, dir, "expect.hex");
	path_in(p4, sizeof p4, dir, "layout.txt");
	if (write_image(p, img, XSIM_MEM, l.bus) || write_script(p2, &s) || write_image(p3, expect, XSIM_MEM, l.bus) ||
	    write_layout(p4, &l)) {
		fprintf(stderr, "xsim: cannot write the files of %s\n", dir);
		goto out;
	}
	char a_img[1200], a_scr[1200], a_log[1200], a_dump[1200];
	snprintf(a_img, sizeof a_img, "+image=%s/image.hex", dir);
	snprintf(a_scr, sizeof a_scr, "+script=%s/script.hex", dir);
	snprintf(a_log, sizeof a_log, "+log=%s/icarus.txt", dir);
	snprintf(a_dump, sizeof a_dump, "+dump=%s/icarus.hex", dir);
	char *args_load[] = {a_img, a_scr, a_log, a_dump, "+load_only", NULL};
	char *args_run[] = {a_img, a_scr, a_log, a_dump, NULL};
	path_in(pl, sizeof pl, dir, "vvp.log");
	remove(pl);
	double wall_start;
	if ((rc = run_vvp(vvp, args_load, pl, &sp->ic_start, &wall_start)) != 0 ||
	    (rc = run_vvp(vvp, args_run, pl, &sp->ic_cpu, &sp->ic_wall)) != 0) {
		fprintf(stderr, "xsim: %s: vvp failed (%s)%s\n", c->name, pl,
			rc == 127 ? ": is Icarus Verilog installed? (scripts/install-deps)" : ":");
		FILE *f = fopen(pl, "r");
		char line[256];
		for (int i = 0; f && i < 20 && fgets(line, sizeof line, f); i++)
			fprintf(stderr, "  %s", line);
		if (f)
			fclose(f);
		goto out;
	}
	sp->ic_cpu -= sp->ic_start;
	sp->ic_wall -= wall_start;
	ret = check_dir(dir, &sp->ic_cycles) ? -1 : 0;
out:
	mote_sim_destroy(sim);
	op_free(&d);
	free(img);
	free(expect);
	return ret;
}

static double per_s(uint64_t cycles, double s)
{
	return s > 0 ? (double)cycles / s : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: xsim --list\n"
			"       xsim [--vvp-dir DIR] [--out DIR] [CASE...]\n"
			"       xsim --check DIR\n");
}

int main(int argc, char **argv)
{
	const char *vvp_dir = "build/xsim", *out_dir = "build/xsim/run";
	const char *names[N_CASES];
	unsigned n_names = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list")) {
			for (unsigned k = 0; k < N_CASES; k++)
				printf("%-14s %ux%u  %s\n", k_cases[k].name, k_cases[k].rows, k_cases[k].cols, k_cases[k].what);
			return 0;
		} else if (!strcmp(argv[i], "--check") && i + 1 < argc) {
			int bad = check_dir(argv[i + 1], NULL);
			printf("xsim: %s: %s\n", argv[i + 1], bad ? "FAILED" : "bit-exact, Verilator and Icarus alike");
			return bad;
		} else if (!strcmp(argv[i], "--vvp-dir") && i + 1 < argc) {
			vvp_dir = argv[++i];
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out_dir = argv[++i];
		} else if (argv[i][0] != '-' && n_names < N_CASES) {
			unsigned k = 0;
			while (k < N_CASES && strcmp(k_cases[k].name, argv[i]))
				k++;
			if (k == N_CASES) {
				fprintf(stderr, "xsim: no case '%s' (xsim --list)\n", argv[i]);
				return 2;
			}
			names[n_names++] = argv[i];
		} else {
			usage();
			return 2;
		}
	}
	unsigned failed = 0, ran = 0;
	struct speed tot = {0};
	for (unsigned k = 0; k < N_CASES; k++) {
		const struct xcase *c = &k_cases[k];
		unsigned want = n_names == 0;
		for (unsigned i = 0; i < n_names; i++)
			want |= !strcmp(names[i], c->name);
		if (!want)
			continue;
		struct speed sp;
		ran++;
		if (run_case(c, vvp_dir, out_dir, &sp)) {
			printf("xsim %-14s %ux%u  FAILED (%s; files in %s/%s)\n", c->name, c->rows, c->cols, c->what,
			       out_dir, c->name);
			failed++;
			continue;
		}
		printf("xsim %-14s %ux%u  bit-exact, Icarus = Verilator cycle for cycle (%llu cycles); "
		       "Verilator %.2f M cycles/s, Icarus %.1f k cycles/s: %.0fx\n",
		       c->name, c->rows, c->cols, (unsigned long long)sp.ic_cycles, per_s(sp.vl_cycles, sp.vl_cpu) / 1e6,
		       per_s(sp.ic_cycles, sp.ic_cpu) / 1e3, per_s(sp.vl_cycles, sp.vl_cpu) / per_s(sp.ic_cycles, sp.ic_cpu));
		tot.vl_cycles += sp.vl_cycles;
		tot.vl_cpu += sp.vl_cpu;
		tot.vl_wall += sp.vl_wall;
		tot.ic_cycles += sp.ic_cycles;
		tot.ic_cpu += sp.ic_cpu;
		tot.ic_wall += sp.ic_wall;
		tot.ic_start += sp.ic_start;
	}
	if (ran > failed && ran > 1) {
		double v = per_s(tot.vl_cycles, tot.vl_cpu), ic = per_s(tot.ic_cycles, tot.ic_cpu);
		double vw = per_s(tot.vl_cycles, tot.vl_wall), iw = per_s(tot.ic_cycles, tot.ic_wall);
		printf("xsim speed, the passed cases together: Verilator %.2f M cycles/s, Icarus %.1f k cycles/s per CPU "
		       "second: Verilator/Icarus %.0fx (goal >= 100x); wall clock %.2f M and %.1f k: %.0fx; "
		       "Icarus %.1f s of CPU, %.2f s of it starting\n",
		       v / 1e6, ic / 1e3, ic > 0 ? v / ic : 0, vw / 1e6, iw / 1e3, iw > 0 ? vw / iw : 0,
		       tot.ic_cpu + tot.ic_start, tot.ic_start);
	}
	if (failed)
		printf("xsim: %u of %u cases FAILED\n", failed, ran);
	return failed ? 1 : 0;
}
