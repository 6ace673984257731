/* cmd_prune.c: `mote prune MODEL.onnx -o PRUNED.onnx --pattern 2:4 [--skip NODE]... [--skip-first] [--json]`
 *
 * Magnitude 2:4 pruning of the int8 weights of an ONNX model's convolutions
 * and matrix products (mote_cc_prune_onnx, <mote/mote_compiler.h>, says
 * which and along which order), every other byte of the file kept.  Prints
 * per layer what it pruned: the weights set to the zero point and the share
 * of the weight magnitude sum(|q - zp|) they held; or why a layer was left.
 * The output is written whole or not at all (cli_replace_file) and never
 * over the input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mote/mote_compiler.h"
#include "json.h"
#include "opts.h"
#include "outdir.h"

#define MAX_SKIP 256

struct prune_out {
	struct json *j;      /* --json: the open object; else text on stdout */
	uint64_t zeroed, weights, layers;
};

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void prune_layer(void *ctx, const struct mote_cc_prune_layer *l)
{
	struct prune_out *po = ctx;
	if (!l->left) {
		po->zeroed += l->zeroed;
		po->weights += l->weights;
		po->layers++;
	}
	if (po->j) {
		struct json *j = po->j;
		json_array_object(j);
		json_str(j, "node", l->node);
		json_str(j, "op", l->op);
		json_str(j, "weight", l->weight);
		json_bool(j, "pruned", !l->left);
		if (l->left)
			json_str(j, "left", l->left);
		else {
			json_str(j, "form", l->form);
			json_str(j, "encoding", l->encoding);
			json_uint(j, "weights", l->weights);
			json_uint(j, "out_channels", l->out_ch);
			json_uint(j, "reduction", l->k);
			json_uint(j, "groups", l->groups);
			json_uint(j, "zeroed", l->zeroed);
			json_uint(j, "zero_after", l->zero_after);
			json_uint(j, "magnitude", l->mag_total);
			json_uint(j, "magnitude_removed", l->mag_removed);
			json_num(j, "magnitude_removed_share", l->mag_total ? (double)l->mag_removed / (double)l->mag_total : 0);
			if (l->data_len) {
				json_uint(j, "data_offset", l->data_off);
				json_uint(j, "data_bytes", l->data_len);
			}
		}
		json_close(j);
		return;
	}
	const char *name = l->node[0] ? l->node : "(unnamed)";
	if (l->left) {
		printf("  %-28s %-13s left: %s\n", name, l->op, l->left);
		return;
	}
	printf("  %-28s %-13s %s [%u x %u, %s] zeroed %llu of %llu (%.1f%%), magnitude removed %.1f%%, "
	       "at zero now %.1f%%\n",
	       name, l->op, l->weight, l->out_ch, l->k, l->form, (unsigned long long)l->zeroed,
	       (unsigned long long)l->weights, share(l->zeroed, l->weights), share(l->mag_removed, l->mag_total),
	       share(l->zero_after, l->weights));
}

/* Prune in into out; returns the exit status (messages printed). */
static int do_prune(const char *in, const char *out, const char *pattern, const char *const *skip, size_t n_skip,
		    int skip_first, struct prune_out *po)
{
	struct mote_cc_prune_opts o = {.skip = skip, .n_skip = n_skip, .skip_first = skip_first};
	char extra;
	if (sscanf(pattern, "%u:%u%c", &o.keep, &o.group, &extra) != 2 || o.keep != 2 || o.group != 4)
		return cli_fail("--pattern '%s': unknown pattern (the one supported is 2:4)", pattern), 2;
	if (cli_same_file(in, out))
		return cli_fail("-o %s: it is the model being pruned; name another file", out), 2;
	size_t len;
	unsigned char *buf = cli_slurp(in, &len);
	if (!buf)
		return cli_fail("cannot read %s: %s", in, strerror(errno)), 3;
	if (len >= 8 && !memcmp(buf + 4, "TFL3", 4)) {
		free(buf);
		return cli_fail("%s: a TFLite model; prune takes ONNX models", in), 3;
	}
	if (!po->j)
		printf("%s: %s pruning along the reduction dimension ((kh, kw, c) of a convolution, K of a matrix "
		       "product)\n", in, pattern);
	void *res = NULL;
	size_t rlen = 0;
	struct mote_cc_diag d = {{0}};
	if (po->j)
		json_key_array(po->j, "layers");
	int rc = mote_cc_prune_onnx(buf, len, &o, prune_layer, po, &res, &rlen, &d);
	if (po->j)
		json_close(po->j);
	free(buf);
	if (rc) {
		/* a skip name that names nothing prunable is the user's: usage */
		if (rc == MOTE_CC_EINVAL)
			return cli_fail("--%s", d.msg), 2;
		return cli_fail("%s: %s: %s", in, mote_cc_status_name(rc), d.msg), 3;
	}
	rc = cli_replace_file(out, res, rlen, in);
	int err = errno;
	mote_cc_free(res);
	if (rc)
		return cli_fail("cannot write %s: %s", out, err == EEXIST ? "it is the model being pruned" : strerror(err)), 3;
	if (!po->j)
		printf("%s: %llu of %llu weights in %llu layers set to the zero point (%.1f%%), %zu bytes\n", out,
		       (unsigned long long)po->zeroed, (unsigned long long)po->weights, (unsigned long long)po->layers,
		       share(po->zeroed, po->weights), rlen);
	return 0;
}

int cmd_prune(int argc, char **argv)
{
	const char *out = NULL, *pattern = NULL, *no_value = NULL;
	int skip_first = 0, json = 0;
	struct opt o[] = {
		{"output", OPT_STR, &out, 1, 0, 0, "(or -o) the pruned ONNX model to write (never the input)", 0},
		{"pattern", OPT_STR, &pattern, 1, 0, 0, "N:M, keep N of every M weights along the reduction: 2:4", 0},
		{"skip", OPT_STR, &no_value, 0, 0, 0, "NODE: leave this node's weights dense (repeatable)", 0},
		{"skip-first", OPT_FLAG, &skip_first, 0, 0, 0, "leave the first convolution or matrix product dense", 0},
		{"json", OPT_FLAG, &json, 0, 0, 0, "print one JSON object: every layer's figures, or the error", 0},
		{0},
	};
	static const char synopsis[] =
		"MODEL.onnx -o PRUNED.onnx --pattern 2:4 [options]\n"
		"  In every group of 4 consecutive weights along the reduction dimension of an output channel\n"
		"  ((kh, kw, c) for a convolution, K for a matrix product) the 2 largest |w - zero point| stay\n"
		"  (ties: the lower index), the others become the zero point; every other byte stays as it was.\n"
		"  Weights: Conv, Gemm, MatMul in QDQ form, QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger.";
	/* no device here: the options and the exit status, not the shared device footer */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			opts_table("prune", synopsis, o, stdout);
			printf("\nexit status: 0 success; 2 a usage error (an unknown pattern, a --skip naming no layer, -o\n"
			       "  naming the input); 3 a file or model that cannot be read or written\n");
			return 0;
		}
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "mote prune: the model file is missing (see mote prune --help)\n");
		return 2;
	}
	const char *in = argv[1];
	/* --skip may repeat: take those out before the option table */
	const char *skip[MAX_SKIP];
	size_t n_skip = 0;
	int w = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o"))
			argv[i] = "--output";
		if (!strcmp(argv[i], "--skip") && i + 1 < argc) {
			if (n_skip == MAX_SKIP) {
				fprintf(stderr, "mote prune: more than %d --skip options\n", MAX_SKIP);
				return 2;
			}
			skip[n_skip++] = argv[++i];
			continue;
		}
		if (!strncmp(argv[i], "--skip=", 7)) {
			if (n_skip == MAX_SKIP) {
				fprintf(stderr, "mote prune: more than %d --skip options\n", MAX_SKIP);
				return 2;
			}
			skip[n_skip++] = argv[i] + 7;
			continue;
		}
		argv[w++] = argv[i];
	}
	int rc = opts_parse("prune", synopsis, o, w - 1, argv + 1);
	if (rc)
		return rc > 0 ? 0 : 2;
	struct json jw;
	struct prune_out po = {json ? &jw : NULL, 0, 0, 0};
	if (json) {
		json_begin(&jw, stdout);
		json_str(&jw, "model", in);
		json_str(&jw, "output", out);
		json_str(&jw, "pattern", pattern);
	}
	int status = do_prune(in, out, pattern, skip, n_skip, skip_first, &po);
	if (json) {
		json_close_to(&jw, 0);
		if (status)
			json_str(&jw, "error", cli_last_error());
		else {
			json_uint(&jw, "layers_pruned", po.layers);
			json_uint(&jw, "weights_zeroed", po.zeroed);
			json_uint(&jw, "weights", po.weights);
		}
		json_int(&jw, "status", status);
		json_finish(&jw);
	}
	return status;
}
