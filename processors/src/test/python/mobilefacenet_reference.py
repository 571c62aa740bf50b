#!/usr/bin/env python3
"""Independent reference for MobileFaceNetRecognizerTest: runs the *published, unpatched*
MobileFaceNet.tflite graph (ABS, constant-first MUL, reshape to [2, 192], batch 2) with plain numpy,
reading the flatbuffer directly, on the aligned 112x112 BGR crops that the test writes with
-Dlenswire.mobilefacenet.dump-aligned=DIR, and prints one line per photo: name and the 192 values of
the L2-normalized embedding (batch element 0), the format of mobilefacenet-reference.txt.

usage: mobilefacenet_reference.py MobileFaceNet.tflite DIR obama.jpg obama-720p.jpg ...
"""
import struct
import sys

import numpy as np

model_path, crops_dir, photos = sys.argv[1], sys.argv[2], sys.argv[3:]
b = open(model_path, 'rb').read()
u32 = lambda p: struct.unpack_from('<I', b, p)[0]
i32 = lambda p: struct.unpack_from('<i', b, p)[0]
u16 = lambda p: struct.unpack_from('<H', b, p)[0]


def field(t, i):
    vt = t - i32(t)
    if 4 + 2 * i >= u16(vt):
        return 0
    o = u16(vt + 4 + 2 * i)
    return t + o if o else 0


def ref(p):
    return p + u32(p)


def tables(t, i):
    p = field(t, i)
    if not p:
        return []
    v = ref(p)
    return [ref(v + 4 + 4 * k) for k in range(u32(v))]


def ints(t, i):
    p = field(t, i)
    if not p:
        return []
    v = ref(p)
    return [i32(v + 4 + 4 * k) for k in range(u32(v))]


def scalar(t, i, fmt, default=0):
    p = field(t, i)
    return struct.unpack_from(fmt, b, p)[0] if p else default


root = u32(0)
codes = [max(scalar(t, 0, '<b'), scalar(t, 3, '<i')) for t in tables(root, 1)]
sg = tables(root, 2)[0]
tensors = tables(sg, 0)
buffers = tables(root, 4)


def const(ti):
    t = tensors[ti]
    buf = buffers[scalar(t, 2, '<I')]
    p = field(buf, 0)
    if not p:
        return None
    v = ref(p)
    raw = b[v + 4:v + 4 + u32(v)]
    dtype = {0: np.float32, 2: np.int32}[scalar(t, 1, '<b')]
    return np.frombuffer(raw, dtype=dtype).reshape(ints(t, 0))


def act(x, a):
    return {0: x, 1: np.maximum(x, 0), 3: np.clip(x, 0, 6)}[a]


def pad_same(x, kh, kw, sh, sw):
    h, w = x.shape[1:3]
    oh, ow = -(-h // sh), -(-w // sw)
    ph = max((oh - 1) * sh + kh - h, 0)
    pw = max((ow - 1) * sw + kw - w, 0)
    return np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))


def patches(x, kh, kw, sh, sw, padding):
    if padding == 0:
        x = pad_same(x, kh, kw, sh, sw)
    n, h, w, c = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.empty((n, oh, ow, kh, kw, c), np.float64)
    for i in range(kh):
        for j in range(kw):
            out[:, :, :, i, j, :] = x[:, i:i + sh * oh:sh, j:j + sw * ow:sw, :]
    return out


def run(x):
    values = {ints(sg, 1)[0]: x}
    for op in tables(sg, 3):
        code = codes[scalar(op, 0, '<I')]
        ins, outs = ints(op, 1), ints(op, 2)
        opts_p = field(op, 4)
        opts = ref(opts_p) if opts_p else None
        get = lambda ti: values[ti] if ti in values else const(ti).astype(np.float64)
        if code == 3:  # CONV_2D: padding, stride_w, stride_h, activation
            w, bias = const(ins[1]).astype(np.float64), const(ins[2])
            p = patches(get(ins[0]), w.shape[1], w.shape[2], scalar(opts, 2, '<i'), scalar(opts, 1, '<i'), scalar(opts, 0, '<b'))
            y = np.einsum('nhwijc,oijc->nhwo', p, w) + bias
            y = act(y, scalar(opts, 3, '<b'))
        elif code == 4:  # DEPTHWISE_CONV_2D: padding, stride_w, stride_h, depth_multiplier, activation
            w, bias = const(ins[1]).astype(np.float64), const(ins[2])
            assert scalar(opts, 3, '<i', 1) == 1
            p = patches(get(ins[0]), w.shape[1], w.shape[2], scalar(opts, 2, '<i'), scalar(opts, 1, '<i'), scalar(opts, 0, '<b'))
            y = np.einsum('nhwijc,ijc->nhwc', p, w[0]) + bias
            y = act(y, scalar(opts, 4, '<b'))
        elif code in (0, 18, 41):  # ADD, MUL, SUB with a fused activation
            a, c = get(ins[0]), get(ins[1])
            y = {0: a + c, 18: a * c, 41: a - c}[code]
            y = act(y, scalar(opts, 0, '<b') if opts else 0)
        elif code == 19:
            y = np.maximum(get(ins[0]), 0)
        elif code == 101:
            y = np.abs(get(ins[0]))
        elif code == 22:
            y = get(ins[0]).reshape(const(ins[1]))
        else:
            raise SystemExit('unexpected operator %d' % code)
        values[outs[0]] = y
    return values[ints(sg, 2)[0]]


for photo in photos:
    bgr = np.frombuffer(open('%s/%s.bgr' % (crops_dir, photo), 'rb').read(), np.uint8).reshape(112, 112, 3)
    rgb = (bgr[:, :, ::-1].astype(np.float64) - 127.5) / 128.0
    e = run(np.stack([rgb, rgb]))[0]
    e = e / np.linalg.norm(e)
    print(photo + ''.join(' %.5f' % v for v in e))
