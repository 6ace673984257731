#!/usr/bin/python3
"""tflite_dump.py MODEL.tflite [--json | --digest | --digest-text]: a second, independent reading of a TFLite
flatbuffer (schema version 3), written in Python without any flatbuffers or
TensorFlow package, to check the C reader (compiler_backend/import/tflite_read.c)
against: operator codes, operators with their inputs, outputs and options,
tensors with shape, type, buffer size and quantization, graph inputs/outputs.

Field ids follow TensorFlow Lite's schema.fbs (tensorflow/lite/schema); the
flatbuffers layout (root uoffset, soffset to the vtable, uint16 field offsets,
uint32-length vectors) follows the flatbuffers format documentation.  No
verification: run it only on trusted files.
"""
import json
import struct
import sys


class Table:
    def __init__(self, buf, pos):
        self.buf, self.pos = buf, pos
        vt = pos - struct.unpack_from('<i', buf, pos)[0]
        self.vsize = struct.unpack_from('<H', buf, vt)[0]
        self.vt = vt

    def off(self, fid):
        slot = 4 + 2 * fid
        if slot >= self.vsize:
            return 0
        return struct.unpack_from('<H', self.buf, self.vt + slot)[0]

    def scalar(self, fid, fmt, dflt):
        o = self.off(fid)
        return struct.unpack_from('<' + fmt, self.buf, self.pos + o)[0] if o else dflt

    def ref(self, fid):
        o = self.off(fid)
        if not o:
            return None
        p = self.pos + o
        return p + struct.unpack_from('<I', self.buf, p)[0]

    def vector(self, fid, fmt):
        p = self.ref(fid)
        if p is None:
            return None
        n = struct.unpack_from('<I', self.buf, p)[0]
        size = struct.calcsize('<' + fmt)
        return [struct.unpack_from('<' + fmt, self.buf, p + 4 + i * size)[0] for i in range(n)]

    def vlen(self, fid):
        p = self.ref(fid)
        return None if p is None else struct.unpack_from('<I', self.buf, p)[0]

    def string(self, fid):
        p = self.ref(fid)
        if p is None:
            return None
        n = struct.unpack_from('<I', self.buf, p)[0]
        return self.buf[p + 4:p + 4 + n].decode('utf-8', 'replace')

    def table(self, fid):
        p = self.ref(fid)
        return None if p is None else Table(self.buf, p)

    def tables(self, fid):
        p = self.ref(fid)
        if p is None:
            return []
        n = struct.unpack_from('<I', self.buf, p)[0]
        out = []
        for i in range(n):
            e = p + 4 + 4 * i
            out.append(Table(self.buf, e + struct.unpack_from('<I', self.buf, e)[0]))
        return out


# option tables by builtin_options_type: (name, [(field, id, fmt, default)])
OPTIONS = {
    1: ('Conv2DOptions', [('padding', 0, 'b', 0), ('stride_w', 1, 'i', 0), ('stride_h', 2, 'i', 0),
                          ('fused_activation_function', 3, 'b', 0), ('dilation_w_factor', 4, 'i', 1),
                          ('dilation_h_factor', 5, 'i', 1)]),
    2: ('DepthwiseConv2DOptions', [('padding', 0, 'b', 0), ('stride_w', 1, 'i', 0), ('stride_h', 2, 'i', 0),
                                   ('depth_multiplier', 3, 'i', 0), ('fused_activation_function', 4, 'b', 0),
                                   ('dilation_w_factor', 5, 'i', 1), ('dilation_h_factor', 6, 'i', 1)]),
    5: ('Pool2DOptions', [('padding', 0, 'b', 0), ('stride_w', 1, 'i', 0), ('stride_h', 2, 'i', 0),
                          ('filter_width', 3, 'i', 0), ('filter_height', 4, 'i', 0),
                          ('fused_activation_function', 5, 'b', 0)]),
    8: ('FullyConnectedOptions', [('fused_activation_function', 0, 'b', 0), ('weights_format', 1, 'b', 0),
                                  ('keep_num_dims', 2, 'B', 0)]),
    9: ('SoftmaxOptions', [('beta', 0, 'f', 0.0)]),
    11: ('AddOptions', [('fused_activation_function', 0, 'b', 0)]),
    17: ('ReshapeOptions', []),
}


def dump(path):
    buf = open(path, 'rb').read()
    assert buf[4:8] == b'TFL3', 'not a TFLite file'
    model = Table(buf, struct.unpack_from('<I', buf, 0)[0])
    codes = []
    for oc in model.tables(1):
        dep = oc.scalar(0, 'b', 0)
        new = oc.scalar(3, 'i', 0)
        codes.append(max(dep, new))
    buffers = [b.vlen(0) or 0 for b in model.tables(4)]
    sg = model.tables(2)[0]
    tensors = []
    for t in sg.tables(0):
        q = t.table(4)
        quant = None
        if q is not None and q.vector(2, 'f'):
            quant = {'scale': q.vector(2, 'f'), 'zero_point': q.vector(3, 'q') or [],
                     'quantized_dimension': q.scalar(6, 'i', 0)}
        tensors.append({'name': t.string(3), 'shape': t.vector(0, 'i') or [], 'type': t.scalar(1, 'b', 0),
                        'buffer': t.scalar(2, 'I', 0), 'buffer_bytes': buffers[t.scalar(2, 'I', 0)],
                        'quant': quant})
    ops = []
    for o in sg.tables(3):
        ot = o.scalar(3, 'B', 0)
        opts = {}
        if ot in OPTIONS:
            tb = o.table(4)
            for name, fid, fmt, dflt in OPTIONS[ot][1]:
                opts[name] = tb.scalar(fid, fmt, dflt) if tb is not None else dflt
            if ot == 17 and tb is not None:
                opts['new_shape'] = tb.vector(0, 'i')
        ops.append({'builtin': codes[o.scalar(0, 'I', 0)], 'inputs': o.vector(1, 'i') or [],
                    'outputs': o.vector(2, 'i') or [], 'options_type': ot, 'options': opts})
    return {'version': model.scalar(0, 'I', 0), 'codes': codes, 'n_buffers': len(buffers),
            'inputs': sg.vector(1, 'i'), 'outputs': sg.vector(2, 'i'), 'tensors': tensors, 'operators': ops}


OPT_FIELDS = [('padding', 'pad', 0), ('stride_w', 'sw', 0), ('stride_h', 'sh', 0), ('dilation_w_factor', 'dw', 1),
              ('dilation_h_factor', 'dh', 1), ('fused_activation_function', 'act', 0), ('depth_multiplier', 'dm', 0),
              ('filter_width', 'fw', 0), ('filter_height', 'fh', 0), ('weights_format', 'wf', 0),
              ('keep_num_dims', 'kd', 0)]


def ints(v):
    return '[' + ','.join(str(x) for x in v) + ']'


def digest_text(d):
    """The canonical text test_tflite.c builds from the C reader's result."""
    out = ['v%d\n' % d['version']]
    out += ['c%d\n' % c for c in d['codes']]
    out.append('b%d\n' % d['n_buffers'])
    for i, t in enumerate(d['tensors']):
        q = t['quant'] or {'scale': [], 'zero_point': [], 'quantized_dimension': 0}
        zp = q['zero_point'] or [0] * len(q['scale'])
        out.append('t%d %s %d %d %d %s q%s z%s d%d\n' % (
            i, t['name'] or '', t['type'], t['buffer'], t['buffer_bytes'], ints(t['shape']),
            '[' + ','.join('%08x' % struct.unpack('<I', struct.pack('<f', s))[0] for s in q['scale']) + ']',
            ints(zp), q['quantized_dimension'] if q['scale'] else 0))
    for i, o in enumerate(d['operators']):
        p = o['options']
        out.append('o%d %d %s %s %d' % (i, o['builtin'], ints(o['inputs']), ints(o['outputs']), o['options_type']))
        out.append(''.join(' %s%d' % (short, p.get(name, dflt)) for name, short, dflt in OPT_FIELDS))
        out.append(' beta%08x ns%s\n' % (struct.unpack('<I', struct.pack('<f', p.get('beta', 0.0)))[0],
                                        ints(p.get('new_shape') or [])))
    out.append('i%s o%s\n' % (ints(d['inputs']), ints(d['outputs'])))
    return ''.join(out)


def fnv1a64(text):
    h = 0xcbf29ce484222325
    for b in text.encode('utf-8'):
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


if __name__ == '__main__':
    d = dump(sys.argv[1])
    if '--digest' in sys.argv:
        text = digest_text(d)
        print('%016x %d' % (fnv1a64(text), len(text)))
        sys.exit(0)
    if '--digest-text' in sys.argv:
        sys.stdout.write(digest_text(d))
        sys.exit(0)
    if '--json' in sys.argv:
        json.dump(d, sys.stdout, indent=1)
        sys.exit(0)
    print('version', d['version'], 'codes', d['codes'], 'buffers', d['n_buffers'], 'tensors', len(d['tensors']),
          'operators', len(d['operators']), 'inputs', d['inputs'], 'outputs', d['outputs'])
    for i, o in enumerate(d['operators']):
        print(i, o['builtin'], o['inputs'], o['outputs'], o['options'])
    for i, t in enumerate(d['tensors']):
        q = t['quant']
        qs = '' if q is None else ' q n=%d s0=%r z0=%r dim=%d' % (len(q['scale']), q['scale'][0],
                                                                  q['zero_point'][0] if q['zero_point'] else None,
                                                                  q['quantized_dimension'])
        print(' t%d %s %s type=%d buf=%d(%d)%s' % (i, t['name'], t['shape'], t['type'], t['buffer'],
                                                   t['buffer_bytes'], qs))
