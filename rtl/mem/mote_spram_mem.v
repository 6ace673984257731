// mote_spram_mem.v: device memory on the iCE40 UP5K's four SPRAMs, side by
// side (16K words of 64 bits: 128 KB), as the slave of a mote memory port:
// one request per cycle, read data one cycle after the request, in order.
// ICE40 = 1 instantiates SB_SPRAM256KA (Verilator runs Yosys' own model of
// it); ICE40 = 0 is a behavioural twin for simulations without the cells.
// A request outside the memory is a bus error: a write is dropped, a read
// answers zeros (ZERO_OUT 1; else whatever the SPRAMs hold at the low address
// bits), and o_bus_error pulses (the requesters' window checks keep mote's own
// masters in_mem; the host link's bridge checks its addresses too, and zeroes
// the bytes of its reads outside itself: the board sets ZERO_OUT 0 and saves a
// LUT per data bit).
// SPDX-License-Identifier: Apache-2.0
`default_nettype none

module mote_spram_mem #(
	// 1: SB_SPRAM256KA instances; 0: a behavioural array
	parameter ICE40 = 0,
	// log2 of the words (64 bits each): 14 is the four SPRAMs of a UP5K
	parameter LG_WORDS = 14,
	// 1: a read outside the memory answers zeros; 0: its data is undefined
	parameter ZERO_OUT = 1
) (
	input  wire        clk,
	input  wire        rst,
	input  wire        i_req_valid,
	output wire        o_req_ready,
	input  wire        i_req_write,
	input  wire [31:0] i_req_addr,
	input  wire [63:0] i_req_wdata,
	input  wire [7:0]  i_req_wstrb,
	output reg         o_resp_valid,
	output wire [63:0] o_resp_data,
	output reg         o_bus_error
);
	localparam LGB = LG_WORDS + 3; // address bits of the memory in bytes

	wire        in_mem = i_req_addr[31:LGB] == 0;
	wire        req    = i_req_valid && in_mem;
	wire        wr     = req && i_req_write;
	wire [LG_WORDS-1:0] word = i_req_addr[LGB-1:3];
	reg         zero_q; // the read answered was outside: zeros

	assign o_req_ready = 1'b1;
	wire   unused_addr = ^i_req_addr[2:0]; // aligned to the word (the port's rule)

	always @(posedge clk) begin
		if (rst) begin
			o_resp_valid <= 1'b0;
			o_bus_error  <= 1'b0;
		end else begin
			o_resp_valid <= i_req_valid && !i_req_write;
			o_bus_error  <= i_req_valid && !in_mem;
		end
		zero_q <= !in_mem;
	end

	wire [63:0] rdata;
	assign o_resp_data = (ZERO_OUT != 0 && zero_q) ? 64'd0 : rdata;
	wire   unused_zero = zero_q;

	genvar k;
	generate
		if (ICE40 != 0) begin : g_spram
			// SB_SPRAM256KA facts (Lattice's iCE40 SPRAM usage guide and the
			// cell's model): 16K x 16, DATAOUT registered one cycle after a
			// read, MASKWREN enables a nibble each, POWEROFF active low.
			for (k = 0; k < 4; k = k + 1) begin : g_bank
				wire [1:0] s = i_req_wstrb[2*k +: 2];
				SB_SPRAM256KA u_ram (
					.ADDRESS(word), .DATAIN(i_req_wdata[16*k +: 16]),
					.MASKWREN({s[1], s[1], s[0], s[0]}), .WREN(wr), .CHIPSELECT(req),
					.CLOCK(clk), .STANDBY(1'b0), .SLEEP(1'b0), .POWEROFF(1'b1),
					.DATAOUT(rdata[16*k +: 16]));
			end
		end else begin : g_behav
			reg [63:0] mem [0:(1 << LG_WORDS) - 1];
			reg [63:0] q;
			integer b;
			always @(posedge clk)
				if (req) begin
					if (wr) begin
						for (b = 0; b < 8; b = b + 1)
							if (i_req_wstrb[b])
								mem[word][8*b +: 8] <= i_req_wdata[8*b +: 8];
					end else
						q <= mem[word];
				end
			assign rdata = q;
		end
	endgenerate
endmodule

`default_nettype wire
