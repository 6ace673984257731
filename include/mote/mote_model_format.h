/* mote_model_format.h: the .mote model file, written by the compiler
 * (libmotecc) and read by the runtime (libmote).  This header is the one
 * description of the format; both sides include it.
 *
 * A .mote file is little-endian and laid out as
 *
 *   struct mote_mf_header                      at 0
 *   struct mote_mf_section [n_sections]        right after the header
 *   section payloads                           each 8-byte aligned, in any order
 *
 * The checksum is CRC-32 (the IEEE 802.3 polynomial 0xEDB88320, reflected,
 * initial value and final xor 0xFFFFFFFF: the one zlib and PNG use) of the
 * whole file with the header's crc32 field taken as zero.
 *
 * What the file holds:
 *   - the target: hardware spec version and the full geometry the command
 *     stream was tiled for; the runtime refuses a device that differs in
 *     rows, cols or bus width, has smaller buffers or lacks a feature;
 *   - tensors (name, type, shape, per-tensor quantization, where they live);
 *   - steps in execution order: a device step is a range of the command
 *     stream ending with END, run as one job (so each layer has its own perf
 *     counters); a host step is a kernel of <mote/mote_kernels.h>;
 *   - the command stream and the constant blob (pre-tiled weights, bias
 *     rows), loaded together into one read/execute device buffer: commands
 *     at offset 0, the blob at const_offset;
 *   - relocations: every address field of the stream holds an offset into
 *     one of two segments (MOTE_MF_SEG_CONST: the buffer above,
 *     MOTE_MF_SEG_ARENA: the read/write activation arena of arena_bytes);
 *     the runtime adds the segment's device address to each listed word.
 *
 * Device tensors live in the arena at arena_offset in the device layout:
 * rank-4 [1][C][H][W] tensors as NHWC, everything else row-major as in ONNX.
 * Host tensors (only host steps touch them) live in host memory.  Arena
 * ranges are reused once a tensor is dead; the compiler guarantees that two
 * tensors whose lifetimes overlap never share bytes.
 */
#ifndef MOTE_MODEL_FORMAT_H
#define MOTE_MODEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote_hw.h"

#define MOTE_MF_MAGIC 0x45544f4du /* "MOTE" in file order */
#define MOTE_MF_VERSION 2u        /* bumped on any incompatible change (2: packed commands) */
#define MOTE_MF_MAX_RANK 6u
#define MOTE_MF_MAX_IO 4u         /* tensor operands of a step */
#define MOTE_MF_NPARAMS 24u       /* int32 parameters of a step */
#define MOTE_MF_ALIGN 8u          /* section payload alignment */

struct mote_mf_header {
	uint32_t magic;         /* MOTE_MF_MAGIC */
	uint32_t version;       /* MOTE_MF_VERSION */
	uint32_t file_bytes;    /* the whole file */
	uint32_t crc32;         /* see above */
	uint32_t hw_version;    /* MOTE_HW_VERSION_MAJOR << 16 | MINOR the stream was built for */
	uint32_t rows, cols, mem_bytes;            /* geometry: must equal the device's */
	uint32_t abuf_depth, wbuf_depth, bbuf_depth, acc_depth; /* the device's must be >= */
	uint32_t features;      /* MOTE_FEATURES_* the stream uses; ROUND_TFL also when
				 * the model's arithmetic is TFLite's two roundings
				 * (its host steps too), even with no such STORE */
	uint32_t n_sections;
	uint32_t const_offset;  /* of the constant blob in the device constant buffer */
	uint32_t const_bytes;   /* commands + blob: size of that buffer */
	uint32_t arena_bytes;   /* activation arena size */
	uint32_t reserved[3];   /* zero */
};

enum mote_mf_section_id {
	MOTE_MF_SEC_STRINGS = 1, /* NUL-terminated names; offset 0 is "" */
	MOTE_MF_SEC_TENSORS = 2, /* struct mote_mf_tensor [count] */
	MOTE_MF_SEC_STEPS = 3,   /* struct mote_mf_step [count] */
	MOTE_MF_SEC_CMDS = 4,    /* count commands, packed (the spec's stream: each its
				  * mote_cmd_len words, little-endian), size their bytes */
	MOTE_MF_SEC_CONST = 5,   /* the constant blob (count = bytes) */
	MOTE_MF_SEC_RELOCS = 6,  /* struct mote_mf_reloc [count] */
	MOTE_MF_SEC_HOST_CONST = 7, /* optional: bytes of the constant tensors host steps read
				     * (MOTE_MF_T_CONST), kept on the host (count = bytes) */
};

struct mote_mf_section {
	uint32_t id;     /* enum mote_mf_section_id; each at most once */
	uint32_t offset; /* from the start of the file, MOTE_MF_ALIGN-aligned */
	uint32_t size;   /* bytes */
	uint32_t count;  /* records */
};

enum mote_mf_tensor_flag {
	MOTE_MF_T_INPUT = 1,   /* a model input: the caller sets it */
	MOTE_MF_T_OUTPUT = 2,  /* a model output */
	MOTE_MF_T_DEVICE = 4,  /* has an arena range (a device step reads or writes it) */
	MOTE_MF_T_NHWC = 8,    /* stored in the arena as NHWC (rank 4, dims [1][C][H][W]) */
	MOTE_MF_T_DERIVED = 16, /* made by the compiler (a layout of another tensor), not in the ONNX model */
	MOTE_MF_T_CONST = 32,  /* a constant only host steps read (the weights of a convolution the
				* device cannot take): its bytes at arena_offset in HOST_CONST; neither
				* an input, an output nor a device tensor, and no step writes it */
};

struct mote_mf_tensor {
	uint32_t name;          /* offset in STRINGS */
	int32_t dtype;          /* ONNX TensorProto.DataType: 1 float, 2 uint8, 3 int8, 6 int32 */
	uint32_t rank;          /* 0..MOTE_MF_MAX_RANK */
	uint32_t flags;         /* enum mote_mf_tensor_flag */
	uint32_t dims[MOTE_MF_MAX_RANK];
	float scale;            /* quantization of an int8/uint8 tensor (0: none) */
	int32_t zero_point;
	uint32_t arena_offset;  /* MOTE_MF_T_DEVICE: its bytes in the arena; MOTE_MF_T_CONST: in HOST_CONST */
	uint32_t bytes;         /* numel * element size */
};

enum mote_mf_step_kind {
	MOTE_MF_STEP_DEVICE = 1,
	MOTE_MF_STEP_HOST = 2,
};

struct mote_mf_step {
	uint32_t kind;          /* enum mote_mf_step_kind */
	uint32_t op;            /* host: enum mote_kernel_op; device: enum mote_mf_device_op */
	uint32_t name;          /* the ONNX node's name, in STRINGS */
	uint32_t n_in, n_out;
	int32_t in[MOTE_MF_MAX_IO], out[MOTE_MF_MAX_IO]; /* tensor indices (-1: absent) */
	uint32_t cmd_first;     /* device: first command of the step's range */
	uint32_t n_cmds;        /* device: commands, END included */
	uint32_t cmd_offset;    /* device: byte offset of command cmd_first in CMDS */
	uint64_t macs;          /* device: multiply-accumulates the layer needs (model count) */
	uint64_t macs_ideal_cycles; /* device: rows streamed, the ideal compute cycles */
	int32_t params[MOTE_MF_NPARAMS]; /* host: the kernel's parameters (mote_kernels.h) */
};

/* A device step is a range of commands whatever its op; the op names the
 * layer it computes (for reports).  in[0] is the input; with n_in = 2, in[1]
 * is the operand of an add fused into its STOREs (STORE ADD) and out[0] the
 * sum.  Files before 2.1's kinds use CONV for all. */
enum mote_mf_device_op {
	MOTE_MF_DEV_CONV = 1,      /* a convolution (groups 1) with requantization */
	MOTE_MF_DEV_DEPTHWISE = 2, /* a depthwise convolution */
	MOTE_MF_DEV_FC = 3,        /* a matrix product (fully connected, Gemm, MatMul) */
	MOTE_MF_DEV_POOL = 4,      /* a max or average pooling */
	MOTE_MF_DEV_GROUPED = 5,   /* another grouped convolution */
	MOTE_MF_DEV_COUNT_ = 6
};

enum mote_mf_segment { MOTE_MF_SEG_CONST = 0, MOTE_MF_SEG_ARENA = 1 };

struct mote_mf_reloc {
	uint32_t word;          /* 32-bit word index in CMDS */
	uint32_t segment;       /* enum mote_mf_segment */
};

/* CRC-32 as described above; start with crc = 0, feed pieces in order. */
static inline uint32_t mote_mf_crc32(uint32_t crc, const void *data, size_t n)
{
	const uint8_t *p = (const uint8_t *)data;
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

/* Walk n commands of a packed stream of `bytes` bytes (little-endian words):
 * each must have a known opcode and end within the bytes.  Returns the bytes
 * they take, or -1 - i if command i does not (*features: undefined).  With
 * features, also the FEATURES bits the commands use (the header's features
 * field is exactly this for the whole stream, so a model runs on every
 * device that has what its commands need, and the loader can check a file's
 * claim against its commands). */
static inline int64_t mote_mf_cmd_walk(const void *cmds, size_t bytes, uint32_t n, uint32_t *features)
{
	const uint8_t *p = (const uint8_t *)cmds;
	size_t off = 0;
	uint32_t f = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w[MOTE_CMD_WORDS];
		size_t len = mote_cmd_unpack(w, p + off, bytes - off);
		if (len == 0)
			return -1 - (int64_t)i;
		off += len;
		switch (MOTE_CMD_GET(w, HDR, OPCODE)) {
		case MOTE_OP_LOAD:
			if (MOTE_CMD_GET(w, LOAD, XOR_MSB))
				f |= MOTE_FEATURES_XOR_MSB_MASK;
			/* a device without LOAD_SPLIT ignores HI_ROWS: it must not run such a stream */
			if (MOTE_CMD_GET(w, LOAD, HI_ROWS))
				f |= MOTE_FEATURES_LOAD_SPLIT_MASK;
			if (MOTE_CMD_GET(w, LOAD, W_PAIR))
				f |= MOTE_FEATURES_W_PAIR_MASK;
			break;
		case MOTE_OP_MATMUL:
			if (MOTE_CMD_GET(w, MATMUL, DEPTHWISE))
				f |= MOTE_FEATURES_DEPTHWISE_MASK;
			if (MOTE_CMD_GET(w, MATMUL, DEPTHWISE) && MOTE_CMD_GET(w, MATMUL, DW_DROP))
				f |= MOTE_FEATURES_DW_DROP_MASK;
			if (MOTE_CMD_GET(w, MATMUL, ACC_MAX))
				f |= MOTE_FEATURES_ACC_MAX_MASK;
			break;
		case MOTE_OP_STORE:
			if (MOTE_CMD_GET(w, STORE, INT32))
				f |= MOTE_FEATURES_INT32_OUT_MASK;
			if (MOTE_CMD_GET(w, STORE, ADD))
				f |= MOTE_FEATURES_STORE_ADD_MASK;
			if (MOTE_CMD_GET(w, STORE, ROUND_TFL))
				f |= MOTE_FEATURES_ROUND_TFL_MASK;
			break;
		default:
			break;
		}
	}
	if (features)
		*features = f;
	return (int64_t)off;
}

#endif /* MOTE_MODEL_FORMAT_H */
