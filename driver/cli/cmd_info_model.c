/* cmd_info_model.c: `mote info MODEL.mote`: what a compiled model is, read through the driver's
 * loader (so a damaged or hostile file is refused as run would refuse it): the geometry and
 * features it was built for, its memory, its inputs and outputs (name, type, shape,
 * quantization) and its steps (device or host, the layer or kernel, MACs).  The model is loaded
 * on --device, by default the simulator of the model's own array (sim:rows=R,cols=C). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "mote/mote_model_format.h"
#include "opts.h"

static const char *dtype_name(int32_t t)
{
	return t == 1 ? "float32" : t == 2 ? "uint8" : t == 3 ? "int8" : t == 6 ? "int32" : "?";
}

static void print_tensor(const struct mote_tensor_info *t)
{
	printf("  %-32s %-7s [", t->name, dtype_name(t->dtype));
	for (uint32_t d = 0; d < t->rank; d++)
		printf(d ? ",%u" : "%u", t->dims[d]);
	printf("]");
	if (t->scale != 0)
		printf("  scale %g zero point %d", (double)t->scale, t->zero_point);
	printf("\n");
}

static void json_tensor(struct json *j, const struct mote_tensor_info *t)
{
	json_array_object(j);
	json_str(j, "name", t->name);
	json_str(j, "dtype", dtype_name(t->dtype));
	json_key_array(j, "shape");
	for (uint32_t d = 0; d < t->rank; d++)
		json_elem_uint(j, t->dims[d]);
	json_close(j);
	if (t->scale != 0) {
		json_num(j, "scale", t->scale);
		json_int(j, "zero_point", t->zero_point);
	}
	json_close(j);
}

void cli_model_json(struct json *j, const mote_model *m, const void *file, size_t len)
{
	struct mote_mf_header h;
	memcpy(&h, file, sizeof h); /* the loader checked it */
	uint32_t feat = mote_model_features(m);
	json_uint(j, "bytes", len);
	json_uint(j, "format_version", h.version);
	json_uint(j, "hw_version_major", h.hw_version >> 16);
	json_uint(j, "hw_version_minor", h.hw_version & 0xffff);
	json_uint(j, "rows", h.rows);
	json_uint(j, "cols", h.cols);
	json_uint(j, "mem_bytes", h.mem_bytes);
	json_key_array(j, "features");
	for (size_t i = 0; cli_features[i].name; i++)
		if (feat & cli_features[i].mask)
			json_elem_str(j, cli_features[i].name);
	json_close(j);
	json_uint(j, "const_bytes", h.const_bytes);
	json_uint(j, "arena_bytes", h.arena_bytes);
	for (int out = 0; out < 2; out++) {
		json_key_array(j, out ? "outputs" : "inputs");
		for (unsigned i = 0; i < mote_model_num_tensors(m); i++) {
			struct mote_tensor_info t;
			if (!mote_model_tensor(m, i, &t) && (t.flags & (out ? MOTE_TENSOR_OUTPUT : MOTE_TENSOR_INPUT)))
				json_tensor(j, &t);
		}
		json_close(j);
	}
	json_key_array(j, "steps");
	for (unsigned i = 0; i < mote_model_num_steps(m); i++) {
		struct mote_step_info si;
		mote_model_step(m, i, &si);
		json_array_object(j);
		json_str(j, "name", si.name);
		json_str(j, "op", si.op);
		json_bool(j, "device", si.on_device);
		if (si.on_device)
			json_uint(j, "macs", si.macs), json_uint(j, "ideal_cycles", si.ideal_cycles);
		json_close(j);
	}
	json_close(j);
}

int cmd_info_model(int argc, char **argv)
{
	const char *path = argv[0], *uri = NULL;
	int json = 0;
	struct opt o[] = {
		{"device", OPT_STR, &uri, 0, 0, 0, "load it on this device (default: the simulator of its array)", 0},
		{"json", OPT_FLAG, &json, 0, 0, 0, "print one JSON object", 0},
		{0},
	};
	int rc = opts_parse("info", "MODEL.mote [--device URI] [--json]", o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	size_t len;
	uint8_t *file = cli_slurp(path, &len);
	if (!file)
		return cli_fail("cannot read %s: %s", path, strerror(errno)), 3;
	struct mote_mf_header h;
	if (len < sizeof h || (memcpy(&h, file, sizeof h), h.magic != MOTE_MF_MAGIC)) {
		free(file);
		return cli_fail("%s: not a .mote file (no MOTE magic)", path), 3;
	}
	char def[64];
	if (!uri)
		uri = cli_model_device(file, len, def, sizeof def);
	mote_device *dev = NULL;
	mote_model *m = NULL;
	struct mote_model_diag md = {{0}};
	struct mote_open_diag why;
	if ((rc = mote_open_diag(uri, NULL, &dev, &why))) {
		free(file);
		return cli_fail("cannot open device '%s' to load %s on: %s (name one with --device)", uri, path,
				why.msg), 3;
	}
	if ((rc = mote_model_load(dev, file, len, &m, &md))) {
		mote_close(dev);
		free(file);
		return cli_fail("%s: %s: %s", path, mote_strerror(rc), md.msg), 3;
	}
	uint32_t feat = mote_model_features(m);
	unsigned nt = mote_model_num_tensors(m), ns = mote_model_num_steps(m), ndev = 0;
	for (unsigned i = 0; i < ns; i++) {
		struct mote_step_info si;
		mote_model_step(m, i, &si);
		ndev += si.on_device != 0;
	}
	if (json) {
		struct json j;
		json_begin(&j, stdout);
		json_str(&j, "model", path);
		cli_model_json(&j, m, file, len);
		json_end(&j);
	} else {
		printf("%s: %zu bytes, format %u, spec %u.%u, for a %ux%u array (bus %u B)\n", path, len, h.version,
		       h.hw_version >> 16, h.hw_version & 0xffff, h.rows, h.cols, h.mem_bytes);
		printf("features:");
		int any = 0;
		for (size_t i = 0; cli_features[i].name; i++)
			if (feat & cli_features[i].mask)
				printf(" %s", cli_features[i].name), any = 1;
		printf("%s\ndevice memory: commands and constants %u bytes, activations %u bytes\n", any ? "" : " none",
		       h.const_bytes, h.arena_bytes);
		for (int out = 0; out < 2; out++) {
			printf("%s:\n", out ? "outputs" : "inputs");
			for (unsigned i = 0; i < nt; i++) {
				struct mote_tensor_info t;
				if (!mote_model_tensor(m, i, &t) && (t.flags & (out ? MOTE_TENSOR_OUTPUT : MOTE_TENSOR_INPUT)))
					print_tensor(&t);
			}
		}
		printf("steps: %u (%u on the device, %u on the host)\n", ns, ndev, ns - ndev);
		for (unsigned i = 0; i < ns; i++) {
			struct mote_step_info si;
			mote_model_step(m, i, &si);
			if (si.on_device)
				printf("  %3u device %-13s %-28s macs %llu, ideal cycles %llu\n", i, si.op, si.name,
				       (unsigned long long)si.macs, (unsigned long long)si.ideal_cycles);
			else
				printf("  %3u host   %-13s %s\n", i, si.op, si.name);
		}
	}
	mote_model_free(m);
	mote_close(dev);
	free(file);
	return 0;
}
