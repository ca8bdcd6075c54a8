"""Lazy package exports (PEP 562): a name's submodule is imported the first time it is used.

This keeps ``import course_utils`` (and its subpackages) instant: TensorFlow is only
imported by the function that needs it.
"""

import sys
from importlib import import_module


def lazy_exports(package, exports):
    """Return ``(__getattr__, __dir__)`` for ``package``, given ``{public name: submodule}``.

    >>> getattr_, dir_ = lazy_exports("course_utils", {"setup_notebook": "session"})
    >>> getattr_("setup_notebook").__name__
    'setup_notebook'
    >>> getattr_("nothing")
    Traceback (most recent call last):
    ...
    AttributeError: module 'course_utils' has no attribute 'nothing'
    """

    def __getattr__(name):
        if name in exports:
            return getattr(import_module(f"{package}.{exports[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
