// mote_mul2.v: two signed 8x8 products, registered: the multiplier cell two
// PEs of the array share when mote_array's MUL_CELL is set.  ICE40 = 1 makes it
// one iCE40 SB_MAC16 in MODE_8x8 (A and B signed, both 8x8 product registers
// on, the products on the outputs): Yosys 0.23 maps multipliers one product
// per SB_MAC16, so the cell is instantiated here; Verilator runs the same
// instance with Yosys' own cells_sim.v model.  ICE40 = 0 is its behavioural
// twin, checked equal to it by testbench/unit/mul2_tb.
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_mul2 #(
	// 1: an SB_MAC16 instance; 0: the behavioural equivalent
	parameter ICE40 = 0,
	// 1: o_p1 is the 16-bit (wrapping) sum of a1*b1 one cycle later than
	// without SUM and a0*b0 one cycle before that: the column partial sum
	// of two PEs whose activations arrive a cycle apart, formed in the DSP's
	// output adder and register (mote_array, the first two rows)
	parameter SUM = 0,
	// 1: the operands are registered in the cell too (the DSP's A and B input
	// registers), B only in a cycle with i_bload (it holds a weight pair:
	// mote_array_bcast), so the products come two cycles after the inputs
	parameter HOLD = 0
) (
	input  wire        clk,
	// HOLD: take i_b0/i_b1 into the cell this cycle (else they are ignored)
	input  wire        i_bload,
	input  wire [7:0]  i_a0,
	input  wire [7:0]  i_b0,
	input  wire [7:0]  i_a1,
	input  wire [7:0]  i_b1,
	// o_p0 = a0 * b0, o_p1 = a1 * b1 (signed) of the previous cycle's inputs
	// (HOLD: of the a of two cycles before and the b last loaded up to then);
	// with SUM: o_p0 = a0 * b0 of two cycles before, o_p1 = a1 * b1 of two
	// cycles before + a0 * b0 of three cycles before (mod 2^16)
	output wire [15:0] o_p0,
	output wire [15:0] o_p1
);
	generate
		if (ICE40 != 0) begin : g_mac16
			wire [31:0] o;
			wire        co, acc_co, sext;
			// SB_MAC16 facts (Lattice's iCE40 DSP usage guide, TN1295, and the
			// cell's model): with MODE_8x8 the top 8x8 product is A[15:8]*B[15:8]
			// (register F), the bottom one A[7:0]*B[7:0] (register G);
			// TOP/BOT_8x8_MULT_REG register them; OUTPUT_SELECT 2 puts F on
			// O[31:16] and G on O[15:0].  With SUM: the bottom output
			// register S takes G + D (D = 0), OUTPUT_SELECT 1 puts it on
			// O[15:0]; the top one Q takes F + C, C being O[15:0] (S), and
			// OUTPUT_SELECT 1 puts Q on O[31:16].
			SB_MAC16 #(
				.NEG_TRIGGER(1'b0), .C_REG(1'b0), .A_REG(HOLD != 0 ? 1'b1 : 1'b0),
				.B_REG(HOLD != 0 ? 1'b1 : 1'b0), .D_REG(1'b0),
				.TOP_8x8_MULT_REG(1'b1), .BOT_8x8_MULT_REG(1'b1),
				.PIPELINE_16x16_MULT_REG1(1'b0), .PIPELINE_16x16_MULT_REG2(1'b0),
				.TOPOUTPUT_SELECT(SUM != 0 ? 2'd1 : 2'd2), .TOPADDSUB_LOWERINPUT(SUM != 0 ? 2'd1 : 2'd0),
				.TOPADDSUB_UPPERINPUT(SUM != 0 ? 1'b1 : 1'b0), .TOPADDSUB_CARRYSELECT(2'd0),
				.BOTOUTPUT_SELECT(SUM != 0 ? 2'd1 : 2'd2), .BOTADDSUB_LOWERINPUT(SUM != 0 ? 2'd1 : 2'd0),
				.BOTADDSUB_UPPERINPUT(SUM != 0 ? 1'b1 : 1'b0), .BOTADDSUB_CARRYSELECT(2'd0),
				.MODE_8x8(1'b1), .A_SIGNED(1'b1), .B_SIGNED(1'b1)
			) u_mac (
				.CLK(clk), .CE(1'b1),
				.C(SUM != 0 ? o[15:0] : 16'd0), .A({i_a1, i_a0}), .B({i_b1, i_b0}), .D(16'd0),
				.AHOLD(1'b0), .BHOLD(HOLD != 0 ? !i_bload : 1'b0), .CHOLD(1'b0), .DHOLD(1'b0),
				.IRSTTOP(1'b0), .IRSTBOT(1'b0), .ORSTTOP(1'b0), .ORSTBOT(1'b0),
				.OLOADTOP(1'b0), .OLOADBOT(1'b0), .ADDSUBTOP(1'b0), .ADDSUBBOT(1'b0),
				.OHOLDTOP(1'b0), .OHOLDBOT(1'b0), .CI(1'b0), .ACCUMCI(1'b0), .SIGNEXTIN(1'b0),
				.O(o), .CO(co), .ACCUMCO(acc_co), .SIGNEXTOUT(sext)
			);
			wire unused_mac = &{1'b0, co, acc_co, sext, i_bload};
			assign o_p1 = o[31:16];
			assign o_p0 = o[15:0];
		end else begin : g_behav
			reg [15:0] p0_q, p1_q;
			wire [7:0] a0, b0, a1, b1;
			if (HOLD != 0) begin : g_hold
				reg [7:0] a0_q, a1_q, b0_q, b1_q;
				always @(posedge clk) begin
					a0_q <= i_a0;
					a1_q <= i_a1;
					if (i_bload) begin
						b0_q <= i_b0;
						b1_q <= i_b1;
					end
				end
				assign {a0, b0, a1, b1} = {a0_q, b0_q, a1_q, b1_q};
			end else begin : g_direct
				assign {a0, b0, a1, b1} = {i_a0, i_b0, i_a1, i_b1};
				wire unused_bload = i_bload;
			end
			always @(posedge clk) begin
				p0_q <= $signed(a0) * $signed(b0);
				p1_q <= $signed(a1) * $signed(b1);
			end
			if (SUM != 0) begin : g_sum
				reg [15:0] s0_q, s1_q;
				always @(posedge clk) begin
					s0_q <= p0_q;
					s1_q <= p1_q + s0_q;
				end
				assign o_p0 = s0_q;
				assign o_p1 = s1_q;
			end else begin : g_prod
				assign o_p0 = p0_q;
				assign o_p1 = p1_q;
			end
		end
	endgenerate
endmodule

`default_nettype wire
