/* app.c: a host program built against an installed mote (make test-install): the installed
 * headers, libmote.so through pkg-config, the compiler library libmotecc.a.  It prints the
 * library's version, then runs a 19x37x23 int8 GEMM (TFLite's two roundings where the device
 * has STORE ROUND_TFL) on the simulated 8x8 array and compares it with the reference executor,
 * byte for byte.  Exit 0 only when every byte agrees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>
#include <mote/mote_compiler.h>

enum { M = 19, K = 37, N = 23 };

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

int main(void)
{
	printf("libmote %s (header %d.%d.%d)\n", mote_version(), MOTE_VERSION_MAJOR, MOTE_VERSION_MINOR,
	       MOTE_VERSION_PATCH);
	mote_device *dev;
	int rc = mote_open("sim:rows=8,cols=8", &dev);
	if (rc) {
		fprintf(stderr, "app: mote_open: %s\n", mote_strerror(rc));
		return 1;
	}
	struct mote_device_info di;
	mote_device_info(dev, &di);
	static int8_t a[M * K], b[K * N];
	static int32_t bias[N], mult[N], shift[N];
	static uint8_t want[M * N], got[M * N];
	unsigned s = 12345;
	for (int i = 0; i < M * K; i++)
		a[i] = (int8_t)((s = s * 1103515245u + 12345u) >> 16);
	for (int i = 0; i < K * N; i++)
		b[i] = (int8_t)((s = s * 1103515245u + 12345u) >> 16);
	for (int i = 0; i < N; i++) {
		bias[i] = (int32_t)((s = s * 1103515245u + 12345u) >> 20) - 2048;
		mult[i] = 0x40000000 + (int32_t)(((s = s * 1103515245u + 12345u) >> 3) & 0x3fffffff);
		shift[i] = 39;
	}
	int tfl = (di.geometry.features & MOTE_FEATURES_ROUND_TFL_MASK) != 0;
	struct mote_cc_gemm op = {.m = M, .k = K, .n = N, .a_type = MOTE_CC_INT8, .b_type = MOTE_CC_INT8,
				  .out_type = MOTE_CC_INT8, .out_zp = 3, .clamp_lo = -128, .clamp_hi = 127, .b = b,
				  .bias = bias, .mult = mult, .shift = shift, .round_tfl = tfl};
	struct mote_cc_conv cv;
	mote_cc_gemm_as_conv(&op, &cv);
	if (mote_ref_conv(&cv, a, want)) {
		fprintf(stderr, "app: the reference refused the GEMM\n");
		return 1;
	}
	struct mote_cc_plan plan;
	struct mote_cc_diag diag = {{0}};
	if ((rc = mote_cc_plan_gemm(&di.geometry, &op, &plan, &diag))) {
		fprintf(stderr, "app: plan: %s\n", diag.msg);
		return 1;
	}
	size_t w_off = align64(plan.cmd_bytes), b_off = w_off + align64(plan.weight_bytes);
	size_t ro_bytes = b_off + align64(plan.bias_bytes);
	uint8_t *ro = calloc(ro_bytes, 1);
	mote_buffer *b_ro, *b_in, *b_out;
	if (!ro || mote_buffer_alloc(dev, ro_bytes, &b_ro) || mote_buffer_alloc(dev, sizeof a, &b_in) ||
	    mote_buffer_alloc(dev, sizeof got, &b_out)) {
		fprintf(stderr, "app: out of memory\n");
		return 1;
	}
	uint32_t ro_addr, in_addr, out_addr;
	mote_buffer_addr(dev, b_ro, &ro_addr, NULL);
	mote_buffer_addr(dev, b_in, &in_addr, NULL);
	mote_buffer_addr(dev, b_out, &out_addr, NULL);
	struct mote_cc_addrs addrs = {.input = in_addr, .output = out_addr, .weights = ro_addr + (uint32_t)w_off,
				      .bias = ro_addr + (uint32_t)b_off, .cmds = ro_addr};
	struct mote_cc_bufs bufs = {.cmds = ro, .cmds_cap = plan.cmd_bytes, .weights = ro + w_off,
				    .weights_cap = plan.weight_bytes, .bias = ro + b_off, .bias_cap = plan.bias_bytes};
	if ((rc = mote_cc_emit_gemm(&di.geometry, &op, &addrs, &bufs, &plan, &diag))) {
		fprintf(stderr, "app: emit: %s\n", diag.msg);
		return 1;
	}
	struct mote_job_desc job = {.cmds = b_ro, .n_cmds = plan.n_cmds, .n_windows = 3,
				    .windows = {{b_ro, MOTE_PERM_R | MOTE_PERM_X}, {b_in, MOTE_PERM_R}, {b_out, MOTE_PERM_W}}};
	struct mote_job_result res;
	if ((rc = mote_buffer_write(dev, b_ro, 0, ro, ro_bytes)) || (rc = mote_buffer_write(dev, b_in, 0, a, sizeof a)) ||
	    (rc = mote_run(dev, &job, MOTE_TIMEOUT_INFINITE, &res)) || (rc = mote_buffer_read(dev, b_out, 0, got, sizeof got))) {
		fprintf(stderr, "app: %s\n", mote_strerror(rc));
		return 1;
	}
	size_t bad = 0;
	for (size_t i = 0; i < sizeof got; i++)
		bad += got[i] != want[i];
	printf("gemm %dx%dx%d on %ux%u%s: %zu of %zu bytes differ from the reference, %llu cycles\n", M, K, N,
	       di.geometry.rows, di.geometry.cols, tfl ? " (TFLite's two roundings)" : "", bad, sizeof got,
	       (unsigned long long)res.perf[MOTE_PERF_CYCLES]);
	mote_buffer_free(dev, b_ro);
	mote_buffer_free(dev, b_in);
	mote_buffer_free(dev, b_out);
	mote_close(dev);
	free(ro);
	return bad != 0;
}
