// link_tb.cpp: mote_link (MEM_BYTES 8, BAUD_DIV 4) between a host on the
// UART wire and a memory with random back-pressure and latency, a register
// file on the CSR port, and an accelerator master making random reads and
// writes of its own region at the same time.  The host frames requests with
// the driver's codec (driver/link_frame.c) and sends them bit by bit.
// Checks: every operation does what the spec says (registers, memory at any
// alignment and length, fill, poll, doorbell, the bridge's registers); a
// write sent twice with one SEQ is applied once (STATUS.DUP, LINK_ERRORS.DUPS);
// a frame with a flipped byte, an escape before its flag, a lost byte, one too
// long, or garbage never reaches a register or memory and is counted; after
// garbage the next frame is served; the accelerator's reads return its data
// in order throughout; memory accesses outside the memory (ADDR at or above
// MEM_SIZE, any of its bits) reach the memory port outside it (the board's
// memory drops such a write and reads zeros), never aliased into it.  Fixed
// seed.
#include "Vmote_link.h"
#include "testb.h"
#include <deque>
#include <vector>

#include "link_frame.h"

static const int MB = 8, DIV = 4;
static const uint32_t MEM = 64 * 1024, ACC_BASE = 48 * 1024; // the accelerator's region
static const uint32_t CSR_WRITES_MAX = 1 << 20;

struct Rng {
	uint64_t s;
	explicit Rng(uint64_t x) : s(tb_seed(x)) {}
	uint64_t next()
	{
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		return s >> 17;
	}
	bool chance(int pct) { return (int)(next() % 100) < pct; }
};

struct Bench {
	TESTB<Vmote_link> tb;
	Rng r{0x11c0};
	std::vector<uint8_t> mem = std::vector<uint8_t>(MEM);
	uint32_t regs[1024] = {0};
	uint64_t csr_writes = 0;
	uint64_t outside = 0; // memory requests outside MEM (dropped, read as zeros)
	int csr_rd_due = -1; // cycles until the read data is valid
	// memory
	struct Pend { uint64_t due; bool acc; uint8_t data[MB]; };
	std::deque<Pend> pend;
	// accelerator master
	bool a_have = false, a_write = false;
	uint32_t a_addr = 0;
	uint8_t a_data[MB];
	std::deque<std::vector<uint8_t>> a_reads; // what each read asked for must return, in order
	std::vector<uint8_t> a_shadow = std::vector<uint8_t>(MEM - ACC_BASE);
	uint64_t a_done = 0;
	// host UART
	std::deque<uint8_t> tx;           // bytes to send
	int tx_bit = -1, tx_cnt = 0;      // -1: idle
	uint16_t tx_shift = 0;
	int rx_state = 0, rx_cnt = 0, rx_bits = 0;
	uint16_t rx_shift = 0;
	struct link_rx rx;
	std::deque<std::vector<uint8_t>> frames; // response contents
	bool irq = false;

	Bench()
	{
		link_rx_init(&rx);
		auto *m = tb.m;
		m->i_uart_rx = 1;
		m->i_irq = 0;
		m->i_acc_req_valid = 0;
		m->i_mem_resp_valid = 0;
		m->i_mem_req_ready = 0;
		m->i_csr_rvalid = 0;
		tb.reset();
	}

	void cycle()
	{
		auto *m = tb.m;
		// host TX: 10 bits of DIV cycles per byte, LSB first
		if (tx_bit < 0 && !tx.empty()) {
			tx_shift = (uint16_t)(0x200 | (tx.front() << 1));
			tx.pop_front();
			tx_bit = 0;
			tx_cnt = 0;
		}
		m->i_uart_rx = tx_bit < 0 ? 1 : (tx_shift >> tx_bit) & 1;
		if (tx_bit >= 0 && ++tx_cnt == DIV) {
			tx_cnt = 0;
			if (++tx_bit == 10)
				tx_bit = -1;
		}
		// host RX: sample mid-bit
		int line = m->o_uart_tx;
		if (rx_state == 0 && !line) {
			rx_state = 1;
			rx_cnt = DIV / 2;
			rx_bits = 0;
			rx_shift = 0;
		} else if (rx_state == 1 && --rx_cnt == 0) {
			rx_cnt = DIV;
			rx_shift |= (uint16_t)(line << rx_bits);
			if (++rx_bits == 10) {
				rx_state = 0;
				CHECK(tb, (rx_shift & 1) == 0 && (rx_shift >> 9) == 1, "framing 0x%x", rx_shift);
				size_t len;
				if (link_rx_byte(&rx, (uint8_t)(rx_shift >> 1), &len))
					frames.emplace_back(rx.buf, rx.buf + len);
			}
		}
		// CSR port: a register file, read data two cycles after, held
		m->i_csr_rvalid = 0;
		if (csr_rd_due > 0 && --csr_rd_due == 0)
			m->i_csr_rvalid = 1;
		// memory: responses in order after their due cycle
		bool resp = !pend.empty() && pend.front().due <= tb.cycle;
		bool resp_acc = resp && pend.front().acc;
		m->i_mem_resp_valid = resp;
		if (resp) {
			memcpy(&m->i_mem_resp_data, pend.front().data, MB);
		}
		m->i_mem_req_ready = r.chance(70);
		// accelerator: random reads and writes of its region
		if (!a_have && r.chance(30)) {
			a_have = true;
			a_write = r.chance(40);
			a_addr = ACC_BASE + (uint32_t)(r.next() % ((MEM - ACC_BASE) / MB)) * MB;
			for (int b = 0; b < MB; b++)
				a_data[b] = (uint8_t)r.next();
		}
		m->i_acc_req_valid = a_have;
		m->i_acc_req_write = a_write;
		m->i_acc_req_addr = a_addr;
		m->i_acc_req_wstrb = 0xff;
		memcpy(&m->i_acc_req_wdata, a_data, MB);
		m->i_irq = irq;
		m->clk = 0;
		m->eval();
		// sample the handshakes before the edge
		bool mem_take = m->o_mem_req_valid && m->i_mem_req_ready;
		uint32_t maddr = m->o_mem_req_addr;
		bool mwrite = m->o_mem_req_write;
		uint8_t mstrb = m->o_mem_req_wstrb;
		uint8_t mdata[MB];
		memcpy(mdata, &m->o_mem_req_wdata, MB);
		bool a_take = a_have && m->o_acc_req_ready;
		bool a_resp = m->o_acc_resp_valid;
		uint8_t a_rdata[MB];
		memcpy(a_rdata, &m->o_acc_resp_data, MB);
		bool csr = m->o_csr_valid, csr_w = m->o_csr_write;
		uint32_t csr_a = m->o_csr_addr, csr_d = m->o_csr_wdata;
		CHECK(tb, a_resp == resp_acc, "a response went to the wrong master (accelerator's: %d, given it: %d)", resp_acc,
		      a_resp);
		tb.tick();
		if (resp)
			pend.pop_front();
		if (mem_take && maddr + MB > MEM) {
			// outside the memory: like the board's, a write is dropped; a read
			// answers garbage (the board's memory does not zero it: ZERO_OUT
			// 0), which the bridge must answer as zeros
			CHECK(tb, maddr % MB == 0 && maddr >= MEM, "memory address 0x%x", maddr);
			outside++;
			if (!mwrite) {
				Pend p;
				p.due = tb.cycle + 1;
				if (!pend.empty() && p.due < pend.back().due)
					p.due = pend.back().due;
				p.acc = false;
				memset(p.data, 0xa5, MB);
				pend.push_back(p);
			}
		} else if (mem_take) {
			CHECK(tb, maddr % MB == 0, "memory address 0x%x", maddr);
			if (mwrite) {
				for (int b = 0; b < MB; b++)
					if ((mstrb >> b) & 1)
						mem[maddr + b] = mdata[b];
			} else {
				// the bridge reads below ACC_BASE only, the accelerator above
				Pend p;
				p.due = tb.cycle + 1 + r.next() % 6;
				if (!pend.empty() && p.due < pend.back().due)
					p.due = pend.back().due;
				p.acc = maddr >= ACC_BASE;
				memcpy(p.data, &mem[maddr], MB);
				pend.push_back(p);
			}
		}
		if (a_take) {
			a_have = false;
			if (a_write) {
				memcpy(&a_shadow[a_addr - ACC_BASE], a_data, MB);
			} else {
				a_reads.emplace_back(&a_shadow[a_addr - ACC_BASE], &a_shadow[a_addr - ACC_BASE] + MB);
			}
		}
		if (a_resp) {
			CHECK(tb, !a_reads.empty(), "accelerator response without a read");
			CHECK(tb, memcmp(a_rdata, a_reads.front().data(), MB) == 0, "accelerator read %llu wrong",
			      (unsigned long long)a_done);
			a_reads.pop_front();
			a_done++;
		}
		if (csr) {
			CHECK(tb, csr_a % 4 == 0, "CSR address 0x%x", csr_a);
			if (csr_w) {
				regs[csr_a / 4] = csr_d;
				csr_writes++;
				if (csr_a == MOTE_REG_IRQ_ACK && (csr_d & 1))
					irq = false;
			} else {
				m->i_csr_rdata = regs[csr_a / 4];
				csr_rd_due = 2;
			}
		}
	}

	// Send request content and wait for a response (or TIMEOUT cycles).
	bool transact(const struct link_req &q, std::vector<uint8_t> &rsp, uint64_t timeout = 40000)
	{
		uint8_t w[LINK_WIRE_MAX];
		size_t n = link_encode_req(&q, w);
		tx.insert(tx.end(), w, w + n);
		return wait_frame(rsp, timeout);
	}

	bool wait_frame(std::vector<uint8_t> &rsp, uint64_t timeout)
	{
		uint64_t end = tb.cycle + timeout;
		while (frames.empty() && tb.cycle < end)
			cycle();
		if (frames.empty())
			return false;
		rsp = frames.front();
		frames.pop_front();
		return true;
	}

	void idle(uint64_t n)
	{
		for (uint64_t i = 0; i < n; i++)
			cycle();
	}
};

static uint8_t g_seq = 0;

static std::vector<uint8_t> must(Bench &b, struct link_req q, uint8_t want_status_bits = 0)
{
	std::vector<uint8_t> rsp;
	CHECK(b.tb, b.transact(q, rsp), "no response to op %u seq %u", q.op, q.seq);
	uint8_t st;
	const uint8_t *d;
	size_t nd;
	CHECK(b.tb, link_rsp_check(rsp.data(), rsp.size(), &q, &st, &d, &nd) == 1, "response does not fit op %u", q.op);
	CHECK(b.tb, (st & (MOTE_RSP_STATUS_DUP_MASK | MOTE_RSP_STATUS_ERR_MASK)) == want_status_bits, "status 0x%x", st);
	return std::vector<uint8_t>(d, d + nd);
}

static struct link_req req(uint8_t op, uint32_t addr, uint8_t len, const uint8_t *data)
{
	struct link_req q;
	q.seq = ++g_seq;
	q.op = op;
	q.len = len;
	q.addr = addr;
	q.data = data;
	return q;
}

static uint32_t word(const std::vector<uint8_t> &d)
{
	return (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	Bench b;
	Rng r(0x5eed);
	b.tx.push_back(MOTE_LINK_FLAG);
	// the bridge's registers
	CHECK(b.tb, word(must(b, req(MOTE_LOP_REG_READ, MOTE_LREG_LINK_ID, 3, nullptr))) == MOTE_LINK_ID_MAGIC, "LINK_ID");
	CHECK(b.tb, word(must(b, req(MOTE_LOP_REG_READ, MOTE_LREG_LINK_MEM_SIZE, 3, nullptr))) == MEM, "MEM_SIZE");
	CHECK(b.tb, word(must(b, req(MOTE_LOP_REG_READ, MOTE_LREG_LINK_BAUD_DIV, 3, nullptr))) == DIV, "BAUD_DIV");
	// registers of the accelerator
	for (int i = 0; i < 20; i++) {
		uint32_t a = (uint32_t)(r.next() % 1024) * 4, v = (uint32_t)r.next();
		uint8_t d[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
		must(b, req(MOTE_LOP_REG_WRITE, a, 3, d));
		CHECK(b.tb, b.regs[a / 4] == v, "register 0x%x: 0x%x, wrote 0x%x", a, b.regs[a / 4], v);
		CHECK(b.tb, word(must(b, req(MOTE_LOP_REG_READ, a, 3, nullptr))) == v, "register 0x%x read back", a);
	}
	// bursts: k registers from ADDR on, one CSR access per 4 bytes, in order
	for (int i = 0; i < 6; i++) {
		unsigned k = 1 + (unsigned)(r.next() % 64);
		uint32_t a = (uint32_t)(r.next() % (1024 - k)) * 4;
		std::vector<uint8_t> d(4 * k);
		for (auto &x : d)
			x = (uint8_t)r.next();
		uint64_t before = b.csr_writes;
		must(b, req(MOTE_LOP_REG_WRITE, a, (uint8_t)(4 * k - 1), d.data()));
		CHECK(b.tb, b.csr_writes == before + k, "burst of %u: %llu writes", k, (unsigned long long)(b.csr_writes - before));
		for (unsigned j = 0; j < k; j++)
			CHECK(b.tb, b.regs[a / 4 + j] == word(std::vector<uint8_t>(d.begin() + 4 * j, d.begin() + 4 * j + 4)),
			      "burst register %u", j);
		std::vector<uint8_t> back = must(b, req(MOTE_LOP_REG_READ, a, (uint8_t)(4 * k - 1), nullptr));
		CHECK(b.tb, back == d, "burst of %u read back", k);
	}
	// the bridge's registers in one burst
	std::vector<uint8_t> lr = must(b, req(MOTE_LOP_REG_READ, MOTE_LREG_LINK_ID, 15, nullptr));
	CHECK(b.tb, word(lr) == MOTE_LINK_ID_MAGIC && word(std::vector<uint8_t>(lr.begin() + 4, lr.end())) == MEM,
	      "LINK_ID, LINK_MEM_SIZE in a burst");
	// a register LEN that is not 4k-1: no operation
	{
		uint8_t d5[5] = {1, 2, 3, 4, 5};
		struct link_req bad = req(MOTE_LOP_REG_WRITE, 0x10, 4, d5);
		uint64_t before = b.csr_writes;
		std::vector<uint8_t> rsp0;
		CHECK(b.tb, b.transact(bad, rsp0) && rsp0.size() == 3 && (rsp0[1] & MOTE_RSP_STATUS_ERR_MASK) &&
				    b.csr_writes == before,
		      "a register write of 5 bytes");
	}
	// writes to the bridge's registers change nothing
	uint64_t w0 = b.csr_writes;
	uint8_t z[4] = {9, 9, 9, 9};
	must(b, req(MOTE_LOP_REG_WRITE, MOTE_LREG_LINK_MEM_SIZE, 3, z));
	CHECK(b.tb, b.csr_writes == w0, "a bridge register write reached the CSR port");
	CHECK(b.tb, word(must(b, req(MOTE_LOP_REG_READ, MOTE_LREG_LINK_MEM_SIZE, 3, nullptr))) == MEM, "MEM_SIZE");
	// poll and doorbell; the interrupt bit of the status
	b.regs[MOTE_REG_STATUS / 4] = 0xa;
	b.irq = true;
	struct link_req q = req(MOTE_LOP_POLL, 0, 3, nullptr);
	std::vector<uint8_t> rsp;
	CHECK(b.tb, b.transact(q, rsp) && rsp.size() == 7 && word(std::vector<uint8_t>(rsp.begin() + 3, rsp.end())) == 0xa &&
			    (rsp[1] & MOTE_RSP_STATUS_IRQ_MASK),
	      "poll");
	uint8_t start[4] = {5, 0, 0, 0};
	w0 = b.csr_writes;
	must(b, req(MOTE_LOP_DOORBELL, 0, 3, start));
	CHECK(b.tb, b.csr_writes == w0 + 2 && b.regs[MOTE_REG_CTRL / 4] == 5 && b.regs[MOTE_REG_IRQ_ACK / 4] == 5 && !b.irq,
	      "doorbell: IRQ_ACK then CTRL");
	CHECK(b.tb, b.tb.m->o_busy, "busy LED after a doorbell that starts");
	// memory: random addresses, lengths 1..256 within a 256-byte block, fills
	std::vector<uint8_t> shadow(ACC_BASE);
	for (int i = 0; i < 300; i++) {
		uint32_t n = 1 + (uint32_t)(r.next() % (r.chance(30) ? 256 : 20));
		uint32_t a = (uint32_t)(r.next() % (ACC_BASE / 256)) * 256 + (uint32_t)(r.next() % (257 - n));
		int kind = (int)(r.next() % 3);
		if (kind == 0) {
			std::vector<uint8_t> d(n);
			for (auto &x : d)
				x = (uint8_t)(r.chance(20) ? MOTE_LINK_FLAG : r.chance(20) ? MOTE_LINK_ESC : r.next());
			must(b, req(MOTE_LOP_MEM_WRITE, a, (uint8_t)(n - 1), d.data()));
			memcpy(&shadow[a], d.data(), n);
		} else if (kind == 1) {
			uint8_t v = (uint8_t)r.next();
			must(b, req(MOTE_LOP_MEM_FILL, a, (uint8_t)(n - 1), &v));
			memset(&shadow[a], v, n);
		} else {
			std::vector<uint8_t> d = must(b, req(MOTE_LOP_MEM_READ, a, (uint8_t)(n - 1), nullptr));
			CHECK(b.tb, d.size() == n && memcmp(d.data(), &shadow[a], n) == 0, "read %u at 0x%x", n, a);
		}
		if (memcmp(b.mem.data(), shadow.data(), ACC_BASE)) {
			uint32_t k = 0;
			while (b.mem[k] == shadow[k])
				k++;
			CHECK(b.tb, 0, "memory after op %d (kind %d, %u bytes at 0x%x): byte 0x%x is 0x%02x, not 0x%02x", i, kind, n,
			      a, k, b.mem[k], shadow[k]);
		}
	}
	// link time of whole 256-byte frames, for the record (BAUD_DIV 4: a wire byte is 40 cycles)
	uint64_t t_wr, t_rd, t_fill;
	{
		std::vector<uint8_t> d(256);
		for (auto &x : d)
			x = (uint8_t)(r.next() & 0x3f); // no flags or escapes: 263 wire bytes out
		uint64_t t0 = b.tb.cycle;
		must(b, req(MOTE_LOP_MEM_WRITE, 0x1000, 255, d.data()));
		t_wr = b.tb.cycle - t0;
		memcpy(&shadow[0x1000], d.data(), 256);
		t0 = b.tb.cycle;
		std::vector<uint8_t> back = must(b, req(MOTE_LOP_MEM_READ, 0x1000, 255, nullptr));
		t_rd = b.tb.cycle - t0;
		CHECK(b.tb, back == d, "a 256-byte read back");
		uint8_t v = 0x11;
		t0 = b.tb.cycle;
		must(b, req(MOTE_LOP_MEM_FILL, 0x1100, 255, &v));
		t_fill = b.tb.cycle - t0;
		memset(&shadow[0x1100], v, 256);
	}
	// outside the memory (any address bit at or above MEM's): every request of
	// the frame goes outside, nothing inside changes, reads answer zeros
	{
		const uint32_t far[] = {MEM, MEM + 0x1234, 0x00ff0000u, 0x80000000u, 0xffffff00u, MEM * 2 + 8};
		std::vector<uint8_t> keep = b.mem;
		for (uint32_t a : far) {
			uint8_t d[32];
			for (auto &x : d)
				x = (uint8_t)(r.next() | 1);
			uint64_t o0 = b.outside;
			must(b, req(MOTE_LOP_MEM_WRITE, a, 31, d));
			uint8_t v = 0x5a;
			must(b, req(MOTE_LOP_MEM_FILL, a + 3, 9, &v));
			std::vector<uint8_t> back = must(b, req(MOTE_LOP_MEM_READ, a, 31, nullptr));
			CHECK(b.tb, back == std::vector<uint8_t>(32, 0), "a read outside the memory at 0x%x", a);
			CHECK(b.tb, b.outside >= o0 + 32 / MB, "0x%x: %llu requests outside", a,
			      (unsigned long long)(b.outside - o0));
			CHECK(b.tb, memcmp(b.mem.data(), keep.data(), ACC_BASE) == 0, "a write outside (0x%x) changed memory", a);
		}
	}
	// a write sent twice: applied once, the second answered DUP
	uint8_t d1[16];
	for (auto &x : d1)
		x = (uint8_t)r.next();
	q = req(MOTE_LOP_MEM_WRITE, 1000, 15, d1);
	must(b, q);
	b.mem[1000] ^= 0xff; // would be rewritten by a second execution
	must(b, q, MOTE_RSP_STATUS_DUP_MASK);
	CHECK(b.tb, b.mem[1000] == (uint8_t)(d1[0] ^ 0xff), "a repeated write was applied again");
	b.mem[1000] = d1[0];
	uint32_t errs = word(must(b, req(MOTE_LOP_REG_READ, MOTE_LREG_LINK_ERRORS, 3, nullptr)));
	CHECK(b.tb, (errs >> 16) == 1 && (errs & 0xffff) == 0, "LINK_ERRORS 0x%x after one duplicate", errs);
	// damaged frames: nothing reaches a register or memory, each is counted
	std::vector<uint8_t> before = b.mem;
	w0 = b.csr_writes;
	int damaged = 0;
	for (int i = 0; i < 40; i++) {
		uint8_t d[64];
		for (auto &x : d)
			x = (uint8_t)r.next();
		struct link_req w = req(i % 2 ? MOTE_LOP_MEM_WRITE : MOTE_LOP_REG_WRITE, i % 2 ? 2048 : 0x40, 63, d);
		uint8_t wire[LINK_WIRE_MAX];
		size_t n = link_encode_req(&w, wire);
		std::vector<uint8_t> f(wire, wire + n);
		switch (i % 5) {
		case 0: f[2 + r.next() % (n - 4)] ^= (uint8_t)(1 << (r.next() % 8)); break;   // a bit flipped
		case 1: f.erase(f.begin() + 2 + (long)(r.next() % (n - 4))); break;               // a byte lost
		case 2: f.insert(f.end() - 1, MOTE_LINK_ESC); break;                            // escape before the flag
		case 3: f.insert(f.end() - 1, 0x33); break;                                       // one byte too many
		default:                                                                           // garbage only
			f.clear();
			for (int k = 0; k < 300; k++)
				f.push_back((uint8_t)(r.chance(3) ? MOTE_LINK_FLAG : r.next()));
			f.push_back(MOTE_LINK_FLAG);
			break;
		}
		// a flip may hit the flag-free body and still give a frame the CRC refuses
		b.tx.insert(b.tx.end(), f.begin(), f.end());
		std::vector<uint8_t> none;
		CHECK(b.tb, !b.wait_frame(none, (uint64_t)f.size() * 10 * DIV + 2000), "a damaged frame was answered (%d)", i % 5);
		damaged += i % 5 != 4;
		CHECK(b.tb, memcmp(b.mem.data(), before.data(), ACC_BASE) == 0 && b.csr_writes == w0,
		      "a damaged frame reached memory or a register (%d)", i % 5);
		// and the next good frame is served
		CHECK(b.tb, word(must(b, req(MOTE_LOP_REG_READ, MOTE_LREG_LINK_ID, 3, nullptr))) == MOTE_LINK_ID_MAGIC,
		      "after damage");
	}
	errs = word(must(b, req(MOTE_LOP_REG_READ, MOTE_LREG_LINK_ERRORS, 3, nullptr)));
	CHECK(b.tb, (errs & 0xffff) >= (uint32_t)damaged, "RX_BAD %u, %d damaged frames", errs & 0xffff, damaged);
	// not an operation: answered ERR, nothing done
	q = req(6, 0, 3, nullptr);
	CHECK(b.tb, b.transact(q, rsp) && rsp.size() == 3 && (rsp[1] & MOTE_RSP_STATUS_ERR_MASK), "op 6");
	b.idle(2000);
	CHECK(b.tb, b.a_done > 1000, "the accelerator made %llu reads meanwhile", (unsigned long long)b.a_done);
	printf("link_tb: registers, 300 memory operations, duplicate, %d damaged frames and garbage; the accelerator's "
	       "%llu reads right meanwhile; %llu cycles\n",
	       damaged, (unsigned long long)b.a_done, (unsigned long long)b.tb.cycle);
	printf("link_tb: 256-byte frames, request sent to response in: MEM_WRITE %llu, MEM_READ %llu, MEM_FILL %llu cycles\n",
	       (unsigned long long)t_wr, (unsigned long long)t_rd, (unsigned long long)t_fill);
	return 0;
}
