#!/usr/bin/env python3
"""check_layers.py OBJDIR: the layering compiler_backend/README.md states, checked (make lint-layers).

  - compiler_backend/<stage>/: a source includes headers of its own folder by name and of the
    stages it may call as "stage/name.h" (STAGES below), nothing else of the compiler;
  - the objects of the library (OBJDIR, build/obj/motecc: one folder per stage) call only into
    the stages their own may call, and the files of tile/ call each other without a cycle;
  - driver/cli/: includes only the public headers (<mote/...>, "mote/..."), its own headers and
    the system's.
Prints each violation and exits 1 if there is one.
"""
import os
import re
import subprocess
import sys

ROOT = 'compiler_backend'
# stage: the stages it may call (besides itself); the host kernels' library and the public
# headers are open to every stage
STAGES = {
    'core': [],
    'ir': ['core'],
    'ref': ['core', 'ir'],
    'import': ['core', 'ir', 'ref'],
    'lower': ['core', 'ir'],
    'tile': ['core'],
    'emit': ['core', 'tile'],
    'model': ['core', 'ir', 'ref', 'import', 'lower', 'tile', 'emit'],
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
bad = []


def includes(folder):
    """(path, '<' or '"', name, the folder's files) of every #include in folder's sources."""
    own = set(os.listdir(folder))
    for f in sorted(own):
        if f.endswith(('.c', '.h')):
            path = os.path.join(folder, f)
            for kind, name in INCLUDE.findall(open(path).read()):
                yield path, kind, name, own


def check_includes():
    for stage, may in STAGES.items():
        for path, kind, name, own in includes(os.path.join(ROOT, stage)):
            if kind == '<' or name.startswith('mote/') or name == 'onnx.pb-c.h':
                continue
            top = name.split('/')[0] if '/' in name else None
            if top is None and name not in own:
                bad.append(f'{path}: includes "{name}", not a header of {stage}/ (another stage\'s as "stage/{name}")')
            elif top is not None and top not in may:
                bad.append(f'{path}: includes "{name}": {stage}/ may include only {", ".join(may) or "its own"}')
    for path, kind, name, own in includes('driver/cli'):
        if kind == '<' and (name.startswith('mote/') or '/' not in name or name.startswith('sys/')):
            continue
        if kind == '"' and (name.startswith('mote/') or name in own):
            continue
        bad.append(f'{path}: includes {name}: the CLI takes the public headers (include/mote/) and its own')


def symbols(obj):
    out = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
    defs, undefs = set(), set()
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in 'TDRB':
            defs.add(p[2])
        elif len(p) == 2 and p[0] == 'U':
            undefs.add(p[1])
    return defs, undefs


def check_calls(objdir):
    owner, needs = {}, {}
    for stage in STAGES:
        d = os.path.join(objdir, stage)
        if not os.path.isdir(d):
            bad.append(f'{d}: no objects (build the library first)')
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith('.o'):
                key = (stage, f[:-2])
                defs, undefs = symbols(os.path.join(d, f))
                for s in defs:
                    owner[s] = key
                needs[key] = undefs
    edges = {k: set() for k in needs}
    for key, undefs in needs.items():
        for s in sorted(undefs):
            if s not in owner or owner[s] == key:
                continue
            to = owner[s]
            edges[key].add(to)
            if to[0] != key[0] and to[0] not in STAGES[key[0]]:
                bad.append(f'{key[0]}/{key[1]}.c calls {s} of {to[0]}/{to[1]}.c: {key[0]}/ may call only '
                           f'{", ".join(STAGES[key[0]]) or "itself"}')
    # tile/: no cycle between its files
    tile = {k: {t for t in v if t[0] == 'tile'} for k, v in edges.items() if k[0] == 'tile'}
    state = {}

    def visit(k, path):
        state[k] = 1
        for t in sorted(tile[k]):
            if state.get(t) == 1:
                cyc = path[path.index(t):] + [t]
                bad.append('tile/: the files call each other in a circle: ' + ' -> '.join(f'{x[1]}.c' for x in cyc))
            elif t not in state:
                visit(t, path + [t])
        state[k] = 2
    for k in sorted(tile):
        if k not in state:
            visit(k, [k])


check_includes()
if len(sys.argv) > 1:
    check_calls(sys.argv[1])
for b in bad:
    print('check_layers: ' + b)
if bad:
    sys.exit(1)
print('check_layers: compiler_backend/ stages call only down, tile/ has no cycle, the CLI includes public headers only')
