"""The kernel's side of the answer channel: look up, call and describe the student's objects.

The grader sends this file's source (after :mod:`course_utils.selfcheck.wire`'s) to the student's
kernel, where it defines one function, ``__course_answer__(request)``: ``request`` is base64 of a
:func:`~course_utils.selfcheck.wire.encode`\\ d dict; the function returns base64 of the encoded
answer. It runs INSIDE the student's process, so the student can change it: nothing it returns is
trusted. It only carries inputs in and raw outputs out; every comparison and point is computed by
the grader. The same code runs in-process for the fast tests (:class:`LocalProbe`).

Requests (``op``):

* ``describe`` ``name``: is it defined, callable, a class (and its base classes), its type;
* ``get`` ``name``: the object itself (data, or a reference to it);
* ``call`` ``target`` (a name, a reference or one of ``BUILTINS``), optional ``method``, ``args``,
  ``kwargs``, ``return_args``: the result, and the arguments afterwards (did the call modify them?);
* ``attr`` ``target`` ``name`` (``keep``): an attribute of a referenced object (``keep``: as a reference).

Answers: ``{"ok": value}``, ``{"error": [exception type, message]}`` when the student's code raised,
or ``{"fault": message}`` for a request that cannot be served (an unknown reference, ...).
"""

import base64

if "encode" not in globals():  # imported (tests, self-checks); in the kernel wire.py's source came first
    from course_utils.selfcheck.wire import Ref, decode, encode


def _summary_rows(model):
    """The rows of ``model.summary()`` but those a functional model adds: its input and its mask (``NotEqual``)."""
    from course_utils.summaries import summary_rows

    rows = [row for row in summary_rows(model) if row.layer_class not in ("InputLayer", "NotEqual")]
    return [[row.layer_class, list(row.output_shape), row.params] for row in rows]


def _keras_rnn(*args, **kwargs):
    import keras

    return keras.layers.RNN(*args, **kwargs)


# callables a request may name as its target (never the student's): Keras' RNN wrapper, a model's summary rows
BUILTINS = {"keras.layers.RNN": _keras_rnn, "summary_rows": _summary_rows}


class LocalProbe:
    """Serves requests on a namespace ``ns`` (a kernel's ``user_ns``, or a dict in the tests)."""

    def __init__(self, ns):
        self.ns, self.refs = ns, {}

    def keep(self, obj):
        self.refs[len(self.refs) + 1] = obj
        return Ref(len(self.refs), type(obj).__name__)

    def _resolve(self, target):
        if isinstance(target, Ref):
            if target.id not in self.refs:
                raise LookupError(f"no object #{target.id}")
            return self.refs[target.id]
        if isinstance(target, str) and target in BUILTINS:
            return BUILTINS[target]
        if isinstance(target, str) and target in self.ns:
            return self.ns[target]
        raise LookupError(f"`{target}` is not defined")

    def _value(self, v):  # arguments: references back to the objects they name
        if isinstance(v, Ref):
            return self._resolve(v)
        if isinstance(v, list):
            return [self._value(x) for x in v]
        if isinstance(v, tuple):
            return tuple(self._value(x) for x in v)
        if isinstance(v, dict):
            return {k: self._value(x) for k, x in v.items()}
        return v

    def describe(self, name):
        if name not in self.ns:
            return {"defined": False}
        obj = self.ns[name]
        info = {
            "defined": True,
            "type": type(obj).__name__,
            "callable": callable(obj),
            "is_class": isinstance(obj, type),
        }
        if info["is_class"]:
            info["bases"] = [f"{c.__module__}.{c.__qualname__}" for c in obj.__mro__[1:]]
        return info

    def serve(self, request):
        op = request.get("op")
        if op == "describe":
            return {"ok": self.describe(request["name"])}
        try:
            target = self._resolve(request.get("target", request.get("name")))
        except LookupError as exc:
            return {"fault": str(exc)}
        if op == "get":
            return {"ok": target}
        if op == "attr":  # with keep: a reference even to data (a Keras variable, to assign to it)
            try:
                value = getattr(target, request["name"])
            except Exception as exc:
                return {"error": [type(exc).__name__, str(exc)[:500]]}
            return {"ok": self.keep(value) if request.get("keep") else value}
        if op != "call":
            return {"fault": f"unknown request {op!r}"}
        args, kwargs = self._value(list(request.get("args", []))), self._value(dict(request.get("kwargs", {})))
        try:
            fn = getattr(target, request["method"]) if request.get("method") else target
            value = fn(*args, **kwargs)
        except (Exception, SystemExit) as exc:  # SystemExit too: the student's code stops, not the kernel
            return {"error": [type(exc).__name__, str(exc)[:500]]}
        return {"ok": {"value": value, "args": args if request.get("return_args") else None}}

    def answer(self, request_b64):
        """base64 request in, base64 answer out (what the grader's kernel client calls)."""
        request = decode(base64.b64decode(request_b64))
        response = self.serve(request)
        try:
            data = encode(response, keep=self.keep)
        except Exception as exc:  # e.g. too large
            data = encode({"fault": f"the answer cannot be sent: {exc}"})
        return base64.b64encode(data).decode()
