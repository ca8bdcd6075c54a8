"""Plain data across the answer channel: nested lists, tuples, dicts, numbers, strings and arrays.

:func:`encode` turns a value into bytes: a JSON tree plus each array as a ``.npy`` blob (``np.save``,
no pickle); :func:`decode` turns bytes back into PLAIN Python and NumPy objects - whatever class
the sender's objects had (a ``str`` subclass, an ``ndarray`` subclass whose ``==`` is always true,
an object with a lying ``__eq__``), the receiver gets ``str``, ``int``, ``float``, ``list``,
``tuple``, ``dict`` and ``np.ndarray``. Objects that are not data (a Keras layer, a closure) are
replaced by ``keep(obj)``: a :class:`Ref` naming an object that stays on the sender's side.

Both ends use this file: the grader imports it, and sends its source text to the student's kernel
(with :mod:`course_utils.selfcheck.probe`), so it needs NumPy and the standard library only.
Decoding is bounded: size, nesting depth, number of nodes; anything else raises :class:`WireError`.

>>> import numpy as np
>>> class Liar(np.ndarray):
...     def __eq__(self, other): return True
>>> value = decode(encode({"h": np.zeros(2).view(Liar), "n": (1, 2.5, "s")}))
>>> type(value["h"]).__name__, value["n"]
('ndarray', (1, 2.5, 's'))
"""

import io
import json
import struct

import numpy as np

MAX_BYTES = 64 << 20
MAX_DEPTH = 16
MAX_NODES = 100_000
ARRAY_KINDS = "biufcUS"  # bool, integers, floats, complex, strings; never objects


class WireError(ValueError):
    """A value that cannot be sent, or bytes that are not a well-formed message."""


class Ref:
    """An object that stayed on the other side (``id``), and the name of its type (for hints)."""

    def __init__(self, id, type_name=""):
        self.id, self.type_name = int(id), str(type_name)

    def __repr__(self):
        return f"<{self.type_name or 'object'} #{self.id}>"


def encode(value, keep=None):
    """``value`` as bytes; objects that are not data become ``keep(obj)`` (a :class:`Ref`), else an error."""
    arrays, count = [], [0]

    def enc(v, depth):
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_NODES:
            raise WireError("the value is nested too deeply or has too many parts")
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, str):
            return str.__str__(v)
        if isinstance(v, int):
            return {"t": "int", "v": int.__repr__(v)}
        if isinstance(v, float):
            return {"t": "float", "v": float.__repr__(v)}
        if isinstance(v, Ref):
            return {"t": "ref", "id": v.id, "type": v.type_name}
        if isinstance(v, (list, tuple)):
            return {"t": type(v).__name__ if type(v) in (list, tuple) else "list", "v": [enc(x, depth + 1) for x in v]}
        if isinstance(v, dict):
            keys = list(v)
            if not all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in keys):
                raise WireError("dict keys must be strings or integers")
            return {"t": "dict", "k": [enc(k, depth + 1) for k in keys], "v": [enc(v[k], depth + 1) for k in keys]}
        if isinstance(v, (np.ndarray, np.generic)) or (hasattr(v, "__array__") and not isinstance(v, type)):
            try:
                array = np.asarray(v)
            except Exception:
                array = None
            if array is not None and array.dtype.kind in ARRAY_KINDS:
                arrays.append(np.ascontiguousarray(array))
                return {"t": "nd", "i": len(arrays) - 1}
        if keep is None:
            raise WireError(f"cannot send a {type(v).__name__}")
        ref = keep(v)
        return {"t": "ref", "id": ref.id, "type": ref.type_name}

    tree = json.dumps(enc(value, 0)).encode()
    blobs = []
    for array in arrays:
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        blobs.append(buffer.getvalue())
    header = json.dumps({"tree": len(tree), "arrays": [len(b) for b in blobs]}).encode()
    data = struct.pack("<I", len(header)) + header + tree + b"".join(blobs)
    if len(data) > MAX_BYTES:
        raise WireError(f"the value is too large to send ({len(data) >> 20} MiB)")
    return data


def decode(data, refs=None):
    """The plain value ``data`` holds; a ref becomes ``refs(id, type)`` (default: :class:`Ref`)."""
    if not isinstance(data, bytes) or len(data) > MAX_BYTES or len(data) < 4:
        raise WireError("not a message")
    try:
        (size,) = struct.unpack("<I", data[:4])
        header = json.loads(data[4 : 4 + size])
        tree_size, sizes = int(header["tree"]), [int(s) for s in header["arrays"]]
        start = 4 + size
        tree = json.loads(data[start : start + tree_size])
        offset, arrays = start + tree_size, []
        for s in sizes:
            if s < 0 or offset + s > len(data):
                raise WireError("truncated message")
            array = np.load(io.BytesIO(data[offset : offset + s]), allow_pickle=False)
            if type(array) is not np.ndarray or array.dtype.kind not in ARRAY_KINDS:
                raise WireError("an array of a type that is not data")
            arrays.append(array)
            offset += s
    except WireError:
        raise
    except Exception as exc:
        raise WireError(f"malformed message ({type(exc).__name__}: {str(exc)[:100]})") from None
    count = [0]
    make_ref = refs or Ref

    def dec(node, depth):
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_NODES:
            raise WireError("the message is nested too deeply or has too many parts")
        if node is None or type(node) in (bool, str):
            return node
        if type(node) is not dict:
            raise WireError(f"unexpected {type(node).__name__} in the message")
        kind = node.get("t")
        if kind == "int":
            return int(node["v"])
        if kind == "float":
            return float(node["v"])
        if kind == "nd":  # a 0-d array is a NumPy scalar again (np.float64, np.int64, np.bool_)
            array = arrays[int(node["i"])]
            return array[()] if array.ndim == 0 else array
        if kind == "ref":
            return make_ref(int(node["id"]), str(node.get("type", ""))[:100])
        if kind in ("list", "tuple"):
            items = [dec(x, depth + 1) for x in node["v"]]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            keys = [dec(k, depth + 1) for k in node["k"]]
            if not all(type(k) in (str, int) for k in keys) or len(keys) != len(node["v"]):
                raise WireError("malformed dict in the message")
            return {k: dec(v, depth + 1) for k, v in zip(keys, node["v"])}
        raise WireError(f"unknown kind {kind!r} in the message")

    try:
        return dec(tree, 0)
    except WireError:
        raise
    except Exception as exc:
        raise WireError(f"malformed message ({type(exc).__name__})") from None
