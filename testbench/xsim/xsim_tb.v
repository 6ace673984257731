// xsim_tb.v: mote_top under Icarus Verilog (the cross-simulation subset): the
// simulator library's memory model and register access, cycle for cycle, in
// plain Verilog-2005; a job's image and register script come from files.
// Not synthesizable.  SPDX-License-Identifier: Apache-2.0
`default_nettype none

// Plusargs (testbench/xsim/xsim.c writes the files, reads the results):
//   +image=F   device memory, $readmemh words of MEM_BYTES (byte i of a word
//              at bits [8i+7:8i]), every word of the memory
//   +script=F  register script, $readmemh 64-bit entries {op[63:60],
//              addr[43:32], data[31:0]}: op 1 write, 2 read (logged), 3 wait
//              for the interrupt at most data cycles (logged), 0 end
//   +log=F     what the script read, in the order it read it, then the
//              cycles and the memory's counts: the same lines xsim.c writes
//              for the Verilator run of the same script
//   +dump=F    device memory at the end ($writememh)
//   +load_only load the files and stop (the start-up time, for the speed)
//   +vcd=F     a waveform of everything (slow)
// Timing (sim/sim_model_impl.h): reset 8 cycles, then one with reset low; a
// register access drives the port for one cycle, a read then waits up to 16
// cycles for o_csr_rvalid.  Memory (sim/sim_model.h, MemModel): one request
// per cycle while the response queue has room, a read's data taken when it is
// accepted and returned LATENCY cycles later in order, a write applied when
// accepted, byte lanes by strobe; an unaligned request or one beyond the
// memory a bus error (counted; writes dropped, reads answered with zeros).
module xsim_tb;
	// array rows and columns, bus bytes: the simulator library's builds
	parameter ROWS = 4;
	parameter COLS = 4;
	parameter MEM_BYTES = 2 * ROWS;
	// device memory bytes (a multiple of MEM_BYTES)
	parameter MEM_SIZE = 65536;
	// cycles from a read's acceptance to its response (the driver's default)
	parameter LATENCY = 8;
	// script entries at most
	parameter SCRIPT_MAX = 1024;

	localparam WORDS  = MEM_SIZE / MEM_BYTES;
	localparam LG_MB  = $clog2(MEM_BYTES);
	// response queue entries as MemModel sizes it: a power of two >= 4 and >= LATENCY + 2
	localparam CAP    = (LATENCY + 2 <= 4) ? 4 : (1 << $clog2(LATENCY + 2));
	localparam LG_CAP = $clog2(CAP);
	localparam MB8    = MEM_BYTES * 8;
	localparam CSR_READ_CYCLES = 16;
	localparam RESET_CYCLES = 8;

	// no `timescale (it would pass to the RTL after this file): delays in plain units
	reg clk = 1'b0;
	reg rst = 1'b1;
	always #5 clk = ~clk;

	// ---- the device ----
	reg         csr_valid = 1'b0, csr_write = 1'b0;
	reg  [11:0] csr_addr = 12'd0;
	reg  [31:0] csr_wdata = 32'd0;
	wire [31:0] csr_rdata;
	wire        csr_rvalid, req_valid, req_write, irq;
	wire [31:0] req_addr;
	wire [MB8-1:0] req_wdata;
	wire [MEM_BYTES-1:0] req_wstrb;
	reg         req_ready = 1'b1, resp_valid = 1'b0;
	reg  [MB8-1:0] resp_data = {MB8{1'b0}};

	mote_top #(.ROWS(ROWS), .COLS(COLS), .MEM_BYTES(MEM_BYTES)) dut (
		.clk(clk), .rst(rst),
		.i_csr_valid(csr_valid), .i_csr_write(csr_write), .i_csr_addr(csr_addr),
		.i_csr_wdata(csr_wdata), .o_csr_rdata(csr_rdata), .o_csr_rvalid(csr_rvalid),
		.o_mem_req_valid(req_valid), .i_mem_req_ready(req_ready), .o_mem_req_write(req_write),
		.o_mem_req_addr(req_addr), .o_mem_req_wdata(req_wdata), .o_mem_req_wstrb(req_wstrb),
		.i_mem_resp_valid(resp_valid), .i_mem_resp_data(resp_data), .o_irq(irq));

	// ---- device memory ----
	reg [MB8-1:0] mem [0:WORDS-1];
	reg [MB8-1:0] ring_data [0:CAP-1];
	reg [63:0]    ring_due [0:CAP-1];
	reg [LG_CAP-1:0] head = 0, slot;
	integer       count = 0;
	reg [63:0]    cyc = 64'd0;
	reg [63:0]    n_reads = 64'd0, n_writes = 64'd0, n_bus_errors = 64'd0;
	reg [MB8-1:0] word;
	integer       b;

	function bad_addr(input [31:0] a);
		bad_addr = a[LG_MB-1:0] != 0 || {32'd0, a} + MEM_BYTES > MEM_SIZE;
	endfunction

	// At each rising edge, as MemModel's cycle: the response shown this cycle
	// (if any) is taken, a request shown is accepted; then the next cycle's
	// inputs are registered (the device samples them at the next edge).
	always @(posedge clk) begin
		if (resp_valid) begin
			head = head + 1'b1;
			count = count - 1;
		end
		if (req_ready && req_valid) begin
			if (req_write) begin
				n_writes = n_writes + 1;
				if (req_wstrb != 0 && bad_addr(req_addr)) begin
					n_bus_errors = n_bus_errors + 1;
				end else if (req_wstrb != 0) begin
					word = mem[req_addr[31:LG_MB]];
					for (b = 0; b < MEM_BYTES; b = b + 1)
						if (req_wstrb[b])
							word[8*b +: 8] = req_wdata[8*b +: 8];
					mem[req_addr[31:LG_MB]] = word;
				end
			end else begin
				n_reads = n_reads + 1;
				// the slot in a register: Icarus widens an index expression, whose sum
				// would then run past CAP instead of wrapping
				slot = head + count[LG_CAP-1:0];
				if (bad_addr(req_addr)) begin
					n_bus_errors = n_bus_errors + 1;
					ring_data[slot] = {MB8{1'b0}};
				end else begin
					ring_data[slot] = mem[req_addr[31:LG_MB]];
				end
				ring_due[slot] = cyc + LATENCY;
				count = count + 1;
			end
		end
		cyc = cyc + 1;
		resp_valid <= count != 0 && ring_due[head] <= cyc;
		// the data port keeps its value between responses, as the library's
		if (count != 0 && ring_due[head] <= cyc)
			resp_data <= ring_data[head];
		req_ready <= count < CAP;
	end

	// ---- the register script ----
	reg [63:0]      script [0:SCRIPT_MAX-1];
	reg [8*512-1:0] image_path, script_path, log_path, dump_path, vcd_path;
	integer         logf, pc, k, waited;
	reg [63:0]      e;
	reg [31:0]      rdata;
	reg             got;

	// one cycle as the library's run(1): the edge, then its assignments settled
	task tick;
		begin
			@(posedge clk);
			#1;
		end
	endtask

	task csr_write_t(input [11:0] a, input [31:0] d);
		begin
			csr_valid = 1'b1;
			csr_write = 1'b1;
			csr_addr = a;
			csr_wdata = d;
			tick;
			csr_valid = 1'b0;
			csr_write = 1'b0;
		end
	endtask

	task csr_read_t(input [11:0] a);
		begin
			csr_valid = 1'b1;
			csr_write = 1'b0;
			csr_addr = a;
			tick;
			csr_valid = 1'b0;
			got = 1'b0;
			for (k = 0; k < CSR_READ_CYCLES && !got; k = k + 1) begin
				if (csr_rvalid) begin
					got = 1'b1;
					rdata = csr_rdata;
				end else begin
					tick;
				end
			end
		end
	endtask

	initial begin
		if (!$value$plusargs("image=%s", image_path) || !$value$plusargs("script=%s", script_path) ||
		    !$value$plusargs("log=%s", log_path) || !$value$plusargs("dump=%s", dump_path)) begin
			$display("xsim_tb: needs +image=F +script=F +log=F +dump=F");
			$stop;
		end
		for (pc = 0; pc < WORDS; pc = pc + 1)
			mem[pc] = {MB8{1'b0}};
		for (pc = 0; pc < SCRIPT_MAX; pc = pc + 1)
			script[pc] = 64'd0;
		$readmemh(image_path, mem);
		$readmemh(script_path, script);
		if ($test$plusargs("load_only"))
			$finish;
		if ($value$plusargs("vcd=%s", vcd_path)) begin
			$dumpfile(vcd_path);
			$dumpvars(0, xsim_tb);
		end
		logf = $fopen(log_path, "w");
		if (logf == 0) begin
			$display("xsim_tb: cannot write %0s", log_path);
			$stop;
		end
		// reset as the library's start(): RESET_CYCLES high, one low
		#1;
		for (k = 0; k < RESET_CYCLES; k = k + 1)
			tick;
		rst = 1'b0;
		tick;
		pc = 0;
		e = script[0];
		while (e[63:60] != 4'd0) begin
			case (e[63:60])
			4'd1: csr_write_t(e[43:32], e[31:0]);
			4'd2: begin
				csr_read_t(e[43:32]);
				if (got)
					$fwrite(logf, "read 0x%03x 0x%08x\n", e[43:32], rdata);
				else
					$fwrite(logf, "read 0x%03x no answer\n", e[43:32]);
			end
			4'd3: begin
				waited = 0;
				if (!irq) begin
					tick;
					waited = 1;
					while (!irq && waited < e[31:0]) begin
						tick;
						waited = waited + 1;
					end
				end
				if (irq)
					$fwrite(logf, "interrupt after %0d cycles\n", waited);
				else
					$fwrite(logf, "no interrupt in %0d cycles\n", waited);
			end
			default: begin
				$display("xsim_tb: script entry %0d: unknown op %0d", pc, e[63:60]);
				$stop;
			end
			endcase
			pc = pc + 1;
			if (pc >= SCRIPT_MAX) begin
				$display("xsim_tb: script without an end (%0d entries)", SCRIPT_MAX);
				$stop;
			end
			e = script[pc];
		end
		$fwrite(logf, "cycles %0d\n", cyc);
		$fwrite(logf, "memory reads %0d writes %0d bus errors %0d\n", n_reads, n_writes, n_bus_errors);
		$fclose(logf);
		$writememh(dump_path, mem);
		$finish;
	end
endmodule
`default_nettype wire
