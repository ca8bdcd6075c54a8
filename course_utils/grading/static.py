"""Static checks of a submission's source, in the grader's process: what to flag for manual review.

The sandbox decides nothing about points, but a kernel can still compute an answer with code the
homework forbids. These checks read the code cells (IPython syntax turned into Python first) and
flag, with the cell and line:

* everywhere (every question is flagged): ``exec``/``eval``/``compile``/``__import__``, ``importlib``
  and other modules that reach into the interpreter, the kernel or other processes (``inspect``,
  ``ctypes``, ``gc``, ``threading``, ``subprocess``, ``signal``, ``IPython`` ...), ``sys.modules`` and frame
  walks, ``get_ipython()`` (hooks, input transformers, magics) and shell commands, ``getattr`` and friends
  with computed names, dunder attributes such as ``__globals__`` or ``__builtins__``, and assignments to a
  library's attributes (monkeypatching ``np.allclose``, ``keras.layers.RNN``, ``json.dumps`` ...);
* per question: its objects' definitions, and every top-level name they use (transitively), may not
  import or mention the ``course_utils`` modules that answer the assignment (``Assignment.hidden_modules``,
  ``course_utils.grading``) or the question's ``forbidden`` names (Keras' own ``GRU`` for a GRU cell; for a
  formula ``"keras.*"``, anything from Keras, and ``".count_params"``, that method of any object; a
  ``course_utils.*`` module there, such as hw1's gradient checker, is forbidden like a hidden one).
* per question, in every cell: the question's ``anywhere`` names and ``"text:"`` fragments of strings (data
  the question's score must not have seen, such as hw3's held-out sentences: the raw data cache, the
  lectures' loader).

The Colab set-up cell (``trusted(source)`` says which cell is exactly it) is not checked. A finding withholds
the question's points; the report says "flagged for manual review" with the reasons.
"""

import ast

from IPython.core.inputtransformer2 import TransformerManager

DANGEROUS_CALLS = {"exec", "eval", "compile", "__import__", "globals", "locals", "vars", "breakpoint", "get_ipython"}
DYNAMIC_ATTRIBUTES = {"getattr", "setattr", "delattr", "hasattr"}
DANGEROUS_MODULES = {"importlib", "imp", "inspect", "ctypes", "gc", "builtins", "threading", "_thread", "multiprocessing",
                     "concurrent", "subprocess", "signal", "socket", "pty", "runpy", "code", "codeop", "marshal",
                     "pickle", "dill", "cloudpickle", "atexit", "site", "sitecustomize", "IPython", "ipykernel",
                     "traitlets", "zmq", "jupyter_client", "tornado", "asyncio", "sched", "resource", "pdb", "trace",
                     "faulthandler", "copyreg", "mmap"}  # fmt: skip
DANGEROUS_ATTRIBUTES = {"sys": {"modules", "_getframe", "settrace", "setprofile", "meta_path", "path_hooks",
                                "addaudithook", "monitoring", "_current_frames"},
                        "os": {"system", "popen", "fork", "forkpty", "kill", "killpg", "_exit", "setsid", "setpgid",
                               "posix_spawn", "posix_spawnp", "execv", "execve", "execl", "execlp", "execvp", "execvpe",
                               "spawnv", "spawnl", "abort"}}  # fmt: skip
SAFE_DUNDERS = {"__init__", "__name__", "__class__", "__call__", "__len__", "__doc__", "__repr__", "__str__"}
ALLOWED_MAGICS = {"matplotlib"}


def _python(source):
    """The cell as Python (IPython's own transformation), or None if it does not parse."""
    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError, TypeError):
        return None


def _dotted(node):
    """``a.b.c`` for an attribute chain on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


class _Cell:
    """One parsed cell: its import aliases (local name -> module path) and top-level bindings."""

    def __init__(self, index, tree):
        self.index, self.tree = index, tree


def _imports(tree):
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def _resolve(name, aliases):
    head, _, rest = name.partition(".")
    if head in aliases:
        return aliases[head] + (f".{rest}" if rest else "")
    return name


def _global_findings(index, tree, aliases):
    """Reasons (with the line) found anywhere in one cell."""
    found = []

    def flag(node, text):
        found.append(f"cell {index}, line {getattr(node, 'lineno', '?')}: {text}")

    allowed = {id(n.func.value) for n in ast.walk(tree) if isinstance(n, ast.Call) and _magic(n) in ALLOWED_MAGICS}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in modules:
                if module.split(".")[0] in DANGEROUS_MODULES:
                    flag(node, f"imports `{module}`, which can reach into the interpreter, the kernel or processes")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if id(node) in allowed:  # get_ipython().run_line_magic("matplotlib", ...): %matplotlib inline
                continue
            if name in DANGEROUS_CALLS:
                flag(node, f"calls `{name}()` (code or names the grader cannot see, or the kernel's hooks)")
            elif name in DYNAMIC_ATTRIBUTES and not (len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                flag(node, f"`{name}` with a computed attribute name")
        elif isinstance(node, ast.Attribute):
            dotted = _resolve(_dotted(node) or "", aliases)
            module, _, attribute = dotted.rpartition(".")
            if attribute in DANGEROUS_ATTRIBUTES.get(module, ()):
                flag(node, f"uses `{dotted}`")
            if node.attr.startswith("__") and node.attr.endswith("__") and node.attr not in SAFE_DUNDERS:
                flag(node, f"uses the attribute `{node.attr}`")
        elif isinstance(node, ast.Name) and node.id.startswith("__") and node.id not in SAFE_DUNDERS | {"__file__"}:
            flag(node, f"uses `{node.id}`")
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                dotted = _dotted(target) if isinstance(target, ast.Attribute) else None
                if dotted and dotted.split(".")[0] in aliases:
                    flag(node, f"changes `{_resolve(dotted, aliases)}` (a library's attribute)")
    return found


def _magic(call):
    """``matplotlib`` for ``get_ipython().run_line_magic('matplotlib', ...)``, else None."""
    func = call.func
    if (isinstance(func, ast.Attribute) and func.attr == "run_line_magic" and call.args
            and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)):  # fmt: skip
        first = call.args[0]
        return first.value if isinstance(first, ast.Constant) else None
    return None


def _bindings(tree):
    """Top-level statements and the names each binds."""
    for stmt in tree.body:
        names = set()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {a.asname or a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.Global):
                names |= set(node.names)
        yield stmt, names


def _params(args):
    every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    return {a.arg for a in every}


def _free_names(node, bound=frozenset()):
    """Names ``node`` reads that are not local to a function inside it (the globals it depends on)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        outer = node.decorator_list if not isinstance(node, ast.Lambda) else []
        for child in [*outer, *node.args.defaults, *[d for d in node.args.kw_defaults if d]]:
            yield from _free_names(child, bound)
        body = node.body if isinstance(node.body, list) else [node.body]
        declared = {n for child in body for g in ast.walk(child) if isinstance(g, ast.Global) for n in g.names}
        stored = {
            n.id for child in body for n in ast.walk(child) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        inner = bound | _params(node.args) | (stored - declared)
        for child in body:
            yield from _free_names(child, inner)
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
        yield node.id
    for child in ast.iter_child_nodes(node):
        yield from _free_names(child, bound)


def scan(cells, questions, hidden_modules=(), trusted=lambda source: False):
    """``{question id: [reasons]}`` for a submission's code cells ``[(index, source), ...]``."""
    parsed, aliases, everywhere = [], {}, []
    for index, source in cells:
        if trusted(source):
            continue
        tree = _python(source)
        if tree is not None:
            parsed.append((index, tree))
            aliases.update(_imports(tree))
    for index, tree in parsed:
        everywhere += _global_findings(index, tree, aliases)
    definitions = {}  # name -> [(cell, statement)]
    for index, tree in parsed:
        for stmt, names in _bindings(tree):
            for name in names:
                definitions.setdefault(name, []).append((index, stmt))
    forbidden_modules = ["course_utils.grading", *(f"course_utils.{m}" for m in hidden_modules)]
    findings = {}
    for q in questions:
        reasons = list(everywhere)
        seen, todo, statements = set(), list(q.names), []
        while todo:  # the question's definitions and every top-level name they use, transitively
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for index, stmt in definitions.get(name, []):
                statements.append((index, stmt))
                todo += list(_free_names(stmt))
        modules = [*forbidden_modules, *(f for f in q.forbidden if f.startswith("course_utils."))]
        names = tuple(f for f in q.forbidden if not f.startswith("course_utils."))
        for index, stmt in statements:
            reasons += _delegation(index, stmt, aliases, modules, names)
        for index, tree in parsed if q.anywhere else ():
            reasons += _reads(index, tree, aliases, q.anywhere)
        if reasons:
            findings[q.id] = sorted(set(reasons), key=reasons.index)
    return findings


def _not_a_formula(index, stmt, aliases, forbidden_names):
    """Findings for the forbidden ``".count_params"`` (that attribute, of any object) and ``"keras.*"`` (any name
    from Keras or TensorFlow): a question that asks for a formula, not for a model to count."""
    attributes = {f[1:] for f in forbidden_names if f.startswith(".")}
    libraries = {f[:-2] for f in forbidden_names if f.endswith(".*")}
    libraries |= {"tensorflow", "tf_keras"} if libraries else set()
    found = []
    for node in ast.walk(stmt):
        where, used = f"cell {index}, line {getattr(node, 'lineno', '?')}", None
        if isinstance(node, ast.Attribute) and node.attr in attributes:
            used = f".{node.attr}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip() in attributes:
            used = f"the string {node.value!r}"
        elif isinstance(node, ast.Name) and _resolve(node.id, aliases).split(".")[0] in libraries:
            used = _resolve(node.id, aliases)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            used = next((m for m in modules if m.split(".")[0] in libraries), None)
        if used:
            found.append(f"{where}: uses `{used}`; the answer must be a formula of the sizes, not a model's count")
    return found


def _delegation(index, stmt, aliases, forbidden_modules, forbidden_names):
    found = _not_a_formula(index, stmt, aliases, forbidden_names)
    forbidden_names = [f for f in forbidden_names if not (f.startswith(".") or f.endswith(".*"))]
    last_names = {f.rsplit(".", 1)[-1] for f in forbidden_names}
    roots = {f.split(".")[0] for f in forbidden_names} | {"tensorflow", "tf_keras"} if forbidden_names else set()
    for node in ast.walk(stmt):
        mentioned = []
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            base = node.module if isinstance(node, ast.ImportFrom) else ""
            mentioned = [f"{base}.{a.name}" if base else a.name for a in node.names]
        elif isinstance(node, (ast.Attribute, ast.Name)):
            dotted = _dotted(node)
            mentioned = [_resolve(dotted, aliases)] if dotted else []
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip() in last_names:
            mentioned = [f"the string {node.value!r}"]
        for name in mentioned:
            where = f"cell {index}, line {getattr(node, 'lineno', '?')}"
            if any(name == m or name.startswith(m + ".") for m in forbidden_modules):
                found.append(f"{where}: uses the course's reference `{name}`")
            elif name.startswith("the string") or (
                name.split(".")[0] in roots and name.rsplit(".", 1)[-1] in last_names
            ):
                found.append(f"{where}: uses Keras' own {' / '.join(sorted(last_names))} ({name})")
    return found


def _reads(index, tree, aliases, anywhere):
    """Mentions of ``anywhere``'s names (a dotted name or a module under it; a bare name wherever it is the last
    part) and of its ``"text:"`` fragments inside string constants."""
    fragments = [a.removeprefix("text:") for a in anywhere if a.startswith("text:")]
    names = [a for a in anywhere if not a.startswith("text:")]
    last_parts = {n for n in names if "." not in n}
    found = []
    for node in ast.walk(tree):
        mentioned = []
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            base = node.module if isinstance(node, ast.ImportFrom) else ""
            mentioned = [f"{base}.{a.name}" if base else a.name for a in node.names] + ([base] if base else [])
        elif isinstance(node, (ast.Attribute, ast.Name)) and (dotted := _dotted(node)):
            mentioned = [_resolve(dotted, aliases), dotted.rsplit(".", 1)[-1]]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            hits = [f for f in fragments if f in node.value]
            if hits:
                found.append(
                    f"cell {index}, line {node.lineno}: the text {hits[0]!r} (data this question must not see)"
                )
            continue
        for name in mentioned:
            if name.rsplit(".", 1)[-1] in last_parts or any(name == n or name.startswith(n + ".") for n in names):
                found.append(f"cell {index}, line {getattr(node, 'lineno', '?')}: reads `{name}` (data this question "
                             "must not see)")  # fmt: skip
                break
    return found
