/* main.c: `mote`, the command-line tool: one program, one subcommand per job. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mote/mote.h"


static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *what;
} commands[] = {
	{"info", cmd_info, "print the device geometry and features"},
	{"gemm", cmd_gemm, "run a random int8 GEMM on the device, check it bit for bit, print cycles and utilization"},
	{"conv", cmd_conv, "run a random int8 convolution on the device, check it bit for bit, print cycles and utilization"},
	{"compile", cmd_compile, "compile an int8 ONNX model into a .mote file for a device geometry"},
	{"run", cmd_run, "run a .mote model on inputs (or an ONNX backend test case with --onnx-test)"},
	{"eval", cmd_eval, "run a .mote model over a labelled batch: accuracy, cycles per inference, utilization"},
	{"prune", cmd_prune, "2:4 magnitude pruning of an ONNX model's int8 weights (every other byte kept)"},
	{"selftest", cmd_selftest, "bring-up self-test: identity, registers, memory, compute, errors, perf counters"},
	{"ops", cmd_ops, "list the ONNX operators the compiler takes, where each runs and how"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: mote COMMAND [options]   (mote COMMAND --help for its options; mote --version)\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		/* the library the program runs with, and the spec its devices speak */
		printf("mote %s (driver API %u.%u, hardware spec %u.%u)\n", mote_version(), MOTE_API_VERSION >> 16,
		       MOTE_API_VERSION & 0xffffu, (unsigned)MOTE_HW_VERSION_MAJOR, (unsigned)MOTE_HW_VERSION_MINOR);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mote: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
