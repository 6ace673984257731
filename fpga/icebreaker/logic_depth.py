#!/usr/bin/python3
"""logic_depth.py NETLIST.json [N [MATCH]]: the N deepest flip-flop and RAM/DSP inputs of a
synth_ice40 netlist (Yosys write_json, e.g. build/fpga/icebreaker/mote.json) by an estimated
delay, each with the register it starts from; with MATCH, only endpoints whose cell name contains
it, each with its whole path.  Place and route reports one critical path per run (minutes); this
lists the candidates for the next ones from the netlist alone (seconds).

The estimate (ns): a register's clock-to-out and first net 3.2, each LUT 1.3 plus a net 1.8, a
carry step 0.4; calibrated on nextpnr-ice40 0.4's critical paths of this design (within a few ns:
routing, which is most of a path, is not known before placement)."""
import json
import re
import sys

LUT, CARRY, NET, SOURCE = 1.3, 0.4, 1.8, 1.4


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: logic_depth.py NETLIST.json [N [MATCH]]')
    n_max = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    match = sys.argv[3] if len(sys.argv) > 3 else ''
    d = json.load(open(sys.argv[1]))
    top = [k for k, v in d['modules'].items() if v.get('attributes', {}).get('top')][0]
    m = d['modules'][top]
    cells = m['cells']
    names = {}
    for n, v in m['netnames'].items():
        for b in v['bits']:
            if isinstance(b, int) and (b not in names or len(n) < len(names[b])):
                names[b] = n
    drv = {}
    for cn, c in cells.items():
        for p, bits in c['connections'].items():
            if c['port_directions'][p] == 'output':
                for b in bits:
                    drv[b] = (cn, p)
    memo = {}

    def arrival(bit):
        """(estimated arrival in ns, the input bit on the longest path) of a net bit"""
        if not isinstance(bit, int) or bit not in drv:
            return (0.0, None)
        if bit in memo:
            return memo[bit]
        memo[bit] = (0.0, None)   # a combinational loop ends here
        c = cells[drv[bit][0]]
        best = (0.0, None)
        if c['type'] == 'SB_LUT4':
            for i in ('I0', 'I1', 'I2', 'I3'):
                for ib in c['connections'].get(i, []):
                    a = arrival(ib)[0] + LUT + NET
                    if a >= best[0]:
                        best = (a, ib)
        elif c['type'] == 'SB_CARRY':
            for i in ('I0', 'I1', 'CI'):
                for ib in c['connections'].get(i, []):
                    a = arrival(ib)[0] + (CARRY if i == 'CI' else LUT)
                    if a >= best[0]:
                        best = (a, ib)
        else:   # a flip-flop, RAM, SPRAM, DSP output or the PLL: a path starts
            best = (SOURCE + NET, None)
        memo[bit] = best
        return best

    sys.setrecursionlimit(100000)
    ends = []
    for cn, c in cells.items():
        if c['type'].startswith('SB_DFF'):
            ports = [p for p in ('D', 'E', 'R', 'S') if p in c['connections']]
        elif c['type'] in ('SB_RAM40_4K', 'SB_SPRAM256KA', 'SB_MAC16'):
            ports = [p for p, dr in c['port_directions'].items() if dr == 'input']
        else:
            continue
        for p in ports:
            for b in c['connections'][p]:
                ends.append((arrival(b)[0], cn, p, b))
    ends.sort(key=lambda e: -e[0])

    def short(n):
        return re.sub(r'_SB_(LUT4|DFF\w*|CARRY)\w*', '', n)

    seen = set()
    for a, cn, p, b in ends:
        if match and match not in cn:
            continue
        key = (short(cn).split('[')[0], p)
        if key in seen:
            continue
        seen.add(key)
        path, x = [], b
        while isinstance(x, int):
            path.append(names.get(x, str(x)))
            x = arrival(x)[1]
        if match:
            print('%5.1f ns  %s.%s' % (a, short(cn), p))
            for s in path:
                print('          <- %s' % s)
        else:
            print('%5.1f ns  %s.%s  <- %s' % (a, short(cn), p, short(path[-1])))
        if len(seen) >= n_max:
            break


if __name__ == '__main__':
    main()
