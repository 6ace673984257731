/* test_netlist.c: the gate-level check of the board build.  Yosys synthesizes
 * mote_top with the iCEBreaker's parameter set exactly as `make fpga` does
 * (ICE40_SYNTH, fpga/boards.mk) and writes the netlist; Verilator runs that netlist with
 * Yosys' iCE40 cell models (SB_LUT4, SB_CARRY, SB_DFF*, SB_RAM40_4K,
 * SB_MAC16) as the board `icebreaker_net`.  GEMM and convolution command
 * streams run on it through the driver, and each must
 *   - match the reference executor bit for bit, and
 *   - take exactly the cycles the RTL takes on sim:board=icebreaker (the
 *     netlist is the RTL after synthesis: not one cycle may move).
 * This is what says the bitstream computes what the RTL does.
 *
 *   test_netlist
 */
#include <stdio.h>
#include <string.h>

#include "op.h"

static int run(mote_device *net, mote_device *rtl, const struct mote_geometry *g, const struct op_args *a,
	       const char *what)
{
	struct op_data d;
	struct op_run rn, rr;
	memset(&d, 0, sizeof d);
	memset(&rn, 0, sizeof rn);
	memset(&rr, 0, sizeof rr);
	int bad = op_make(a, &d, NULL, 0) < 0;
	if (!bad && op_execute(net, g, a, &d, &rn) < 0) {
		fprintf(stderr, "FAIL %s: the netlist's run failed (%s)\n", what, rn.result.hw_error_name);
		bad = 1;
	}
	size_t mism = bad ? 0 : op_mismatches(&d, 1);
	if (!bad && op_execute(rtl, g, a, &d, &rr) < 0) {
		fprintf(stderr, "FAIL %s: the RTL's run failed\n", what);
		bad = 1;
	}
	uint64_t cn = rn.result.perf[MOTE_PERF_CYCLES], cr = rr.result.perf[MOTE_PERF_CYCLES];
	if (!bad && (mism || cn != cr || cn == 0)) {
		fprintf(stderr, "FAIL %s: %zu mismatches; %llu cycles on the netlist, %llu on the RTL\n", what, mism,
			(unsigned long long)cn, (unsigned long long)cr);
		bad = 1;
	}
	if (!bad)
		printf("  %-44s %zu output bytes bit-exact, %llu cycles on both\n", what, d.out_bytes,
		       (unsigned long long)cn);
	op_free(&d);
	return bad;
}

int main(void)
{
	mote_device *net = NULL, *rtl = NULL;
	int rc = mote_open("sim:board=icebreaker_net", &net);
	if (!rc)
		rc = mote_open("sim:board=icebreaker", &rtl);
	if (rc) {
		fprintf(stderr, "FAIL cannot open the boards: %s\n", mote_strerror(rc));
		mote_close(net);
		return 1;
	}
	struct mote_device_info info;
	mote_device_info(net, &info);
	const struct mote_geometry *g = &info.geometry;
	/* GEMMs with ragged K and N (several weight tiles, accumulation, Relu,
	 * uint8 weights) and convolutions (padding, stride, dilation, 1x1); the
	 * board has no DEPTHWISE.  Every product goes through the SB_MAC16s as
	 * synthesized: a DSP mode Yosys changed shows as mismatches here. */
	static const struct op_args shapes[] = {
		{.is_gemm = 1, .m = 19, .k = 13, .n = 6, .seed = 1, .relu = 1},
		{.is_gemm = 1, .m = 3, .k = 40, .n = 9, .seed = 2, .w_uint8 = 1},
		{.h = 6, .w = 5, .cin = 3, .cout = 5, .kh = 3, .kw = 3, .stride = 1, .pad = 1, .dil = 1, .seed = 3},
		{.h = 9, .w = 8, .cin = 4, .cout = 3, .kh = 3, .kw = 3, .stride = 2, .pad = 2, .dil = 2, .seed = 4,
		 .relu = 1},
		{.h = 5, .w = 6, .cin = 9, .cout = 7, .kh = 1, .kw = 1, .stride = 1, .pad = 0, .dil = 1, .seed = 5},
	};
	static const char *names[] = {"gemm 19x13x6, Relu", "gemm 3x40x9, uint8 weights",
				      "conv 6x5x3 -> 5, 3x3 pad 1", "conv 9x8x4 -> 3, 3x3 stride 2 pad 2 dil 2",
				      "conv 5x6x9 -> 7, 1x1"};
	int fails = 0;
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		struct op_args a = shapes[i];
		a.device = "sim:board=icebreaker_net";
		fails += run(net, rtl, g, &a, names[i]);
	}
	mote_close(net);
	mote_close(rtl);
	printf("test_netlist: %zu command streams on the synthesized netlist, %d failed: %s\n",
	       sizeof shapes / sizeof shapes[0], fails, fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}
