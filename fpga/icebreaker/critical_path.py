#!/usr/bin/python3
"""critical_path.py REPORT.json: nextpnr's achieved clock and its critical path, summarised
per module instance (the time the path spends in each one, in order), from the --report JSON
of nextpnr-ice40."""
import json
import sys


def instance(cell):
    # a packed cell's name starts with the hierarchical name of the logic it came from
    parts = cell.split('.')
    return '.'.join(p for p in parts[:-1] if not p.startswith('$')) or '(top)'


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: critical_path.py REPORT.json')
    rep = json.load(open(sys.argv[1]))
    for clk, f in rep.get('fmax', {}).items():
        print(f"clock {clk}: {f['achieved']:.2f} MHz achieved, {f['constraint']:.2f} MHz wanted")
    paths = rep.get('critical_paths', [])
    if not paths:
        print('no critical path in the report')
        return
    segs, total = [], 0.0
    for step in paths[0]['path']:
        total += step.get('delay', 0.0)
        inst = instance(step.get('to', {}).get('cell', ''))
        if segs and segs[-1][0] == inst:
            segs[-1][1] = total
        else:
            segs.append([inst, total])
    print(f"critical path, {total:.1f} ns, by instance (time at its exit):")
    for inst, t in segs:
        print(f"  {t:6.1f} ns  {inst}")


if __name__ == '__main__':
    main()
