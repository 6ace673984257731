/* cmd_info.c: `mote info`: the device's geometry and features. */
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "mote/mote.h"
#include "opts.h"

/* The FEATURES bits by name, as info prints them. */
const struct cli_feature cli_features[] = {
	{MOTE_FEATURES_INT32_OUT_MASK, "int32_out"},
	{MOTE_FEATURES_XOR_MSB_MASK, "xor_msb"},
	{MOTE_FEATURES_SPARSE_MASK, "sparse"},
	{MOTE_FEATURES_DEPTHWISE_MASK, "depthwise"},
	{MOTE_FEATURES_DW_DROP_MASK, "dw_drop"},
	{MOTE_FEATURES_ACC_MAX_MASK, "acc_max"},
	{MOTE_FEATURES_STORE_ADD_MASK, "store_add"},
	{MOTE_FEATURES_ROUND_TFL_MASK, "round_tfl"},
	{MOTE_FEATURES_LOAD_SPLIT_MASK, "load_split"},
	{MOTE_FEATURES_W_PAIR_MASK, "w_pair"},
	{MOTE_FEATURES_TOKEN_IDX_MASK, "token_idx"},
	{0, NULL},
};

int cmd_info(int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '-')
		return cmd_info_model(argc - 1, argv + 1);
	const char *uri = "sim";
	int json = 0;
	struct opt o[] = {
		{"device", OPT_STR, &uri, 0, 0, 0, "device URI (default sim)", 0},
		{"json", OPT_FLAG, &json, 0, 0, 0, "print one JSON object", 0},
		{0},
	};
	int rc = opts_parse("info", "[MODEL.mote] [--device URI] [--json]", o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	mote_device *dev;
	rc = cli_open("device", uri, &dev);
	if (rc < 0) {
		return 3;
	}
	struct mote_device_info in;
	mote_device_info(dev, &in);
	const struct mote_geometry *g = &in.geometry;
	const struct cli_feature *feats = cli_features;
	/* FEATURES.QUEUES: three queues, or load and store sharing one ("ls"), or one */
	char queues[16];
	const char *qn = mote_hw_queues_name((g->features & MOTE_FEATURES_QUEUES_MASK) >> MOTE_FEATURES_QUEUES_LSB);
	snprintf(queues, sizeof queues, "%s", qn ? qn : "unknown");
	for (char *c = queues; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	/* a device behind the link protocol: its statistics since open (the
	 * identity reads of open already crossed the link) */
	struct mote_link_stats ls;
	int have_link = mote_link_stats(dev, &ls) != MOTE_ERROR_NOT_SUPPORTED;
	if (json) {
		struct json j;
		json_begin(&j, stdout);
		json_str(&j, "device", in.uri);
		json_str(&j, "backend", in.backend);
		json_uint(&j, "hw_version_major", in.hw_version >> 16);
		json_uint(&j, "hw_version_minor", in.hw_version & 0xffff);
		json_uint(&j, "rows", g->rows);
		json_uint(&j, "cols", g->cols);
		json_uint(&j, "mem_bytes", g->mem_bytes);
		json_uint(&j, "abuf_depth", g->abuf_depth);
		json_uint(&j, "wbuf_depth", g->wbuf_depth);
		json_uint(&j, "bbuf_depth", g->bbuf_depth);
		json_uint(&j, "acc_depth", g->acc_depth);
		json_uint(&j, "windows", in.num_windows);
		json_uint(&j, "device_memory", in.mem_size);
		json_uint(&j, "perf_width", in.perf_width);
		json_key_array(&j, "perf_counters");
		for (unsigned i = 0; i < MOTE_NUM_PERF; i++)
			if (in.perf_set >> i & 1)
				json_elem_str(&j, mote_perf_name(i));
		json_close(&j);
		json_key_object(&j, "features");
		for (size_t i = 0; feats[i].name; i++)
			json_bool(&j, feats[i].name, (g->features & feats[i].mask) != 0);
		json_str(&j, "queues", queues);
		json_close(&j);
		if (have_link) {
			json_key_object(&j, "link");
			json_uint(&j, "baud", ls.baud);
			json_uint(&j, "frames_sent", ls.frames_sent);
			json_uint(&j, "frames_received", ls.frames_received);
			json_uint(&j, "bytes_sent", ls.bytes_sent);
			json_uint(&j, "bytes_received", ls.bytes_received);
			json_uint(&j, "retries", ls.retries);
			json_uint(&j, "crc_errors", ls.crc_errors);
			json_uint(&j, "timeouts", ls.timeouts);
			json_uint(&j, "stale", ls.stale);
			json_uint(&j, "resyncs", ls.resyncs);
			json_uint(&j, "device_rx_errors", ls.dev_rx_errors);
			json_uint(&j, "device_duplicates", ls.dev_duplicates);
			json_uint(&j, "injected_flips", ls.injected_flips);
			json_uint(&j, "injected_drops", ls.injected_drops);
			json_uint(&j, "injected_dups", ls.injected_dups);
			json_uint(&j, "max_payload", ls.max_payload);
			json_close(&j);
		}
		json_end(&j);
	} else {
		printf("device        %s (%s backend)\n", in.uri, in.backend);
		printf("hardware      mote %u.%u\n", in.hw_version >> 16, in.hw_version & 0xffff);
		printf("array         %u x %u int8 MACs (rows x cols), weight stationary, shadow weights\n", g->rows, g->cols);
		printf("memory bus    %u bytes per cycle\n", g->mem_bytes);
		printf("buffers       activation %u x %u B, weight %u x %u B, bias %u x %u B, accumulator %u x %u B\n",
		       g->abuf_depth, g->rows, g->wbuf_depth, g->cols, g->bbuf_depth, 4 * g->cols, g->acc_depth,
		       4 * g->cols);
		printf("windows       %u\n", in.num_windows);
		printf("device memory %llu bytes\n", (unsigned long long)in.mem_size);
		printf("perf counters");
		for (unsigned i = 0; i < MOTE_NUM_PERF; i++)
			if (in.perf_set >> i & 1)
				printf(" %s", mote_perf_name(i));
		printf(" (%u bits%s)\n", in.perf_width, in.perf_width < 64 ? ", wrapping" : "");
		printf("features     ");
		for (size_t i = 0; feats[i].name; i++)
			printf(" %s=%s", feats[i].name, (g->features & feats[i].mask) ? "yes" : "no");
		printf(" queues=%s\n", queues);
		if (have_link)
			printf("link          %u baud; %llu frames sent, %llu received, %llu retries, %llu damaged answers, %llu "
			       "timeouts; device: %llu frames dropped, %llu repeated writes not applied again\n",
			       ls.baud, (unsigned long long)ls.frames_sent, (unsigned long long)ls.frames_received,
			       (unsigned long long)ls.retries, (unsigned long long)ls.crc_errors, (unsigned long long)ls.timeouts,
			       (unsigned long long)ls.dev_rx_errors, (unsigned long long)ls.dev_duplicates);
	}
	mote_close(dev);
	return 0;
}
