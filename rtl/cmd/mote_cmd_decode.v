// mote_cmd_decode.v: command header (word 0) -> queue (load, compute, store), END,
// or error.  Combinational.  Exactly one of o_load, o_compute, o_store, o_end,
// o_err is set for every input (proved by the FORMAL block).  Token flags that
// name no queue (POP_PREV/PUSH_PREV on the load queue, POP_NEXT/PUSH_NEXT on the
// store queue), LOAD DST 3 and SYNC QUEUE 3 are FIELD errors; an unknown opcode
// is OPCODE.  Only word 0 is looked at, so the fetcher decides a command's queue
// from its first word; the fields of later words are the units' to check (a
// LOAD COUNT above the row width is the load unit's FIELD error).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none
`include "mote_hw.vh"

module mote_cmd_decode (
	input  wire [31:0]  i_cmd,
	output reg          o_load,
	output reg          o_compute,
	output reg          o_store,
	output reg          o_end,
	output reg          o_err,
	output reg  [7:0]   o_err_code
);
	wire [7:0]  opcode    = i_cmd[`MOTE_HDR_OPCODE];
	wire        pop_prev  = i_cmd[`MOTE_HDR_POP_PREV];
	wire        pop_next  = i_cmd[`MOTE_HDR_POP_NEXT];
	wire        push_prev = i_cmd[`MOTE_HDR_PUSH_PREV];
	wire        push_next = i_cmd[`MOTE_HDR_PUSH_NEXT];
	wire [1:0]  dst       = i_cmd[`MOTE_LOAD_DST];
	wire [1:0]  queue     = i_cmd[`MOTE_SYNC_QUEUE];
	wire        unused_cmd = ^i_cmd;

	wire load_flags_bad  = pop_prev | push_prev;
	wire store_flags_bad = pop_next | push_next;

	localparam [2:0] Q_LOAD = 3'd0, Q_COMP = 3'd1, Q_STORE = 3'd2, Q_END = 3'd3,
			 Q_OPC = 3'd4, Q_FIELD = 3'd5;
	reg [2:0] outcome;
	always @(*) begin
		case (opcode)
		`MOTE_OP_LOAD:
			if (load_flags_bad || dst == 2'd3)
				outcome = Q_FIELD;
			else
				outcome = Q_LOAD;
		`MOTE_OP_MATMUL:
			outcome = Q_COMP;
		`MOTE_OP_STORE:
			outcome = store_flags_bad ? Q_FIELD : Q_STORE;
		`MOTE_OP_SYNC:
			case (queue)
			`MOTE_QUEUE_LOAD:    outcome = load_flags_bad ? Q_FIELD : Q_LOAD;
			`MOTE_QUEUE_COMPUTE: outcome = Q_COMP;
			`MOTE_QUEUE_STORE:   outcome = store_flags_bad ? Q_FIELD : Q_STORE;
			default:             outcome = Q_FIELD;
			endcase
		`MOTE_OP_END:
			outcome = Q_END;
		default:
			outcome = Q_OPC;
		endcase

		o_load     = (outcome == Q_LOAD);
		o_compute  = (outcome == Q_COMP);
		o_store    = (outcome == Q_STORE);
		o_end      = (outcome == Q_END);
		o_err      = (outcome == Q_OPC) || (outcome == Q_FIELD);
		o_err_code = (outcome == Q_OPC)   ? `MOTE_ERR_OPCODE :
			     (outcome == Q_FIELD) ? `MOTE_ERR_FIELD : `MOTE_ERR_NONE;
	end

`ifdef FORMAL
	// Every header maps to exactly one outcome, with the right error code.
	always @(*) begin
		assert(o_load + o_compute + o_store + o_end + o_err == 1);
		assert(o_err == (o_err_code != `MOTE_ERR_NONE));
		assert(!o_err || o_err_code == `MOTE_ERR_OPCODE || o_err_code == `MOTE_ERR_FIELD);
		// opcode alone decides OPCODE
		assert((o_err_code == `MOTE_ERR_OPCODE) ==
		       (opcode != `MOTE_OP_LOAD && opcode != `MOTE_OP_MATMUL &&
			opcode != `MOTE_OP_STORE && opcode != `MOTE_OP_SYNC &&
			opcode != `MOTE_OP_END));
		// queue per opcode
		if (o_load)    assert(opcode == `MOTE_OP_LOAD || (opcode == `MOTE_OP_SYNC && queue == `MOTE_QUEUE_LOAD));
		if (o_compute) assert(opcode == `MOTE_OP_MATMUL || (opcode == `MOTE_OP_SYNC && queue == `MOTE_QUEUE_COMPUTE));
		if (o_store)   assert(opcode == `MOTE_OP_STORE || (opcode == `MOTE_OP_SYNC && queue == `MOTE_QUEUE_STORE));
		if (o_end)     assert(opcode == `MOTE_OP_END);
		// nothing reaching the load queue uses a flag it cannot honour, same for store
		if (o_load)    assert(!pop_prev && !push_prev);
		if (o_store)   assert(!pop_next && !push_next);
		if (o_load && opcode == `MOTE_OP_LOAD) assert(dst != 2'd3);
		if (opcode == `MOTE_OP_MATMUL) assert(o_compute);
		if (opcode == `MOTE_OP_END)    assert(o_end);
		cover(o_load);
		cover(o_compute);
		cover(o_store);
		cover(o_end);
		cover(o_err && o_err_code == `MOTE_ERR_FIELD);
		cover(o_err && o_err_code == `MOTE_ERR_OPCODE);
	end
`endif
endmodule

`default_nettype wire
