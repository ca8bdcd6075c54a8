"""How much a piece of code is a transcription of another: normalised ASTs compared as 4-gram shingles.

Normalising forgets what a copy would change - names of variables, arguments and functions, constants (their
type only), docstrings and comments - and keeps the structure: the node types in source order, the operators,
and attribute names (``np.tanh`` stays ``tanh``: the maths is the answer). The score
of a solution against a candidate is the share of the solution's 4-grams of node labels that the candidate
also has (containment: a lecture cell that holds the whole solution among other code still scores 1).
"""

import ast
import textwrap

from IPython.core.inputtransformer2 import TransformerManager

K = 4


def labels(tree):
    """The normalised node labels of ``tree`` in depth-first (source) order."""
    out = []

    def visit(node):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring
        label = type(node).__name__
        if isinstance(node, ast.Attribute):
            label += "." + node.attr
        elif isinstance(node, ast.Constant):
            label += ":" + type(node.value).__name__
        elif isinstance(node, (ast.BinOp, ast.UnaryOp, ast.AugAssign, ast.BoolOp)):
            label += ":" + type(node.op).__name__
        elif isinstance(node, ast.Compare):
            label += ":" + ",".join(type(op).__name__ for op in node.ops)
        if not isinstance(node, (ast.Load, ast.Store, ast.Del, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
            out.append(label)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def shingles(code):
    """The set of 4-grams of normalised labels of ``code`` (IPython syntax allowed), or an empty set."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(textwrap.dedent(code)))
    except SyntaxError:
        return set()
    seq = labels(tree)
    return {tuple(seq[i : i + K]) for i in range(len(seq) - K + 1)}


def containment(solution, candidate):
    """Share of ``solution``'s shingles found in ``candidate`` (0 for a solution too short to judge)."""
    if len(solution) < 8:
        return 0.0
    return len(solution & candidate) / len(solution)


def functions(source):
    """The source of every function and class defined in ``source`` (a module or a cell)."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return []
    return [ast.get_source_segment(source, n) or "" for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.ClassDef))]  # fmt: skip
