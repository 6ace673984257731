/* cmd_ops.c: `mote ops`: the ONNX operators the compiler takes, where each
 * runs and how (the compiler's own table, mote_cc_op_support); --markdown
 * prints it as the table models/README.md holds. */
#include <stdio.h>

#include "cli.h"
#include "mote/mote_compiler.h"
#include "opts.h"

static const char *kind_name(enum mote_cc_op_kind k)
{
	switch (k) {
	case MOTE_CC_OP_DEVICE: return "accelerator";
	case MOTE_CC_OP_FOLDED: return "folded";
	case MOTE_CC_OP_HOST: return "host";
	case MOTE_CC_OP_IMPORT: return "import";
	}
	return "?";
}

int cmd_ops(int argc, char **argv)
{
	int md = 0;
	struct opt o[] = {
		{"markdown", OPT_FLAG, &md, 0, 0, 0, "print a Markdown table (models/README.md's)", 0},
		{0},
	};
	int rc = opts_parse("ops", "[--markdown]", o, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (md)
		printf("| operator | runs | how |\n|---|---|---|\n");
	const struct mote_cc_op_support *s;
	for (size_t i = 0; (s = mote_cc_op_support(i)); i++)
		if (md)
			printf("| %s | %s | %s |\n", s->op, kind_name(s->kind), s->note);
		else
			printf("%-20s %-12s %s\n", s->op, kind_name(s->kind), s->note);
	return 0;
}
