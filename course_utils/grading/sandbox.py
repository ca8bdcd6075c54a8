"""One throw-away sandbox per submission: what it can see, and starting a Jupyter kernel inside it.

The mechanism is Linux namespaces, set up by :mod:`course_utils.grading.jail` (standard library
and ``ctypes`` only: no bubblewrap, Docker or root needed). It works as root (CI) and, where the
system allows unprivileged user namespaces (most Linux distributions), as any user.
:func:`unavailable` says, in words, why it does not work on a machine; the grader then refuses to
grade rather than run untrusted code unconfined.

What a sandboxed kernel sees, read-only: the system's ``/usr`` and ``/lib`` (and a few files of
``/etc``), the Python installation and virtual environment, the course's datasets, and a COPY of
``course_utils`` without the instructor's ``course_utils/grading`` and without the modules that
answer the assignment being graded (``Assignment.hidden_modules``). Read-write: a private ``/tmp``
(tmpfs, size-capped, holds the kernel's home and working folder) and the folder of the answer
channel's sockets. Not there at all: the course's repository (source notebooks with solutions),
other submissions, reports, the grader's home, the network. Limits (``setrlimit``): address space,
CPU time, file size, open files, no core files.
"""

import functools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import course_utils
from course_utils import _environment as environment

JAIL = Path(__file__).with_name("jail.py")
PACKAGE = Path(course_utils.__file__).resolve().parent
# course_utils/<these> never reach a sandbox (or the student edition): the grader, and the site builder
# (it reads the homework sources, and its leak check names the solution markers).
INSTRUCTOR_ONLY = ("grading", "tooling/website")
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc/ld.so.cache", "/etc/ld.so.conf",
          "/etc/ld.so.conf.d", "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
          "/etc/hosts", "/etc/fonts", "/etc/alternatives", "/etc/ssl/certs")  # fmt: skip
GiB = 1 << 30
LIMITS = {
    "RLIMIT_AS": 4 * GiB,  # memory (address space): TensorFlow and a small model fit well below it
    "RLIMIT_CPU": 600,  # seconds of CPU per process: far above any honest notebook
    "RLIMIT_FSIZE": 256 << 20,  # the largest file it may write
    "RLIMIT_NOFILE": 1024,
    "RLIMIT_CORE": 0,
}
TMP_SIZE = "512m"  # the sandbox's /tmp (home, working folder, anything it writes)
HOME, WORK = "/tmp/home", "/tmp/work"
KERNEL_ENV = {**environment.KERNEL_ENV,
              "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "agg", "LANG": "C.UTF-8",
              "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": HOME, "IPYTHONDIR": f"{HOME}/.ipython",
              "MPLCONFIGDIR": f"{HOME}/.matplotlib", "KERAS_HOME": f"{HOME}/.keras",
              "JUPYTER_RUNTIME_DIR": f"{HOME}/.jupyter"}  # fmt: skip


ADVICE = (
    "Grading needs Linux user namespaces: run as root, or allow them for users (sysctl "
    "kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also kernel.apparmor_restrict_unprivileged_userns=0)."
)


class SandboxUnavailable(RuntimeError):
    """This machine cannot make the sandbox; the message says why and what to do."""


def course_files(hidden=()):
    """``course_utils``'s files a sandbox (or a student) may have: relative paths, instructor-only ones left out.

    ``hidden`` names further modules or packages (``"numpy_rnn"``, ``"cells"``) to leave out.
    """
    skip = set(INSTRUCTOR_ONLY) | set(hidden)
    files = []
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        top = relative.parts[0].removesuffix(".py")
        nested = any(relative.as_posix().startswith(f"{name}/") for name in skip if "/" in name)
        if path.is_file() and top not in skip and not nested and "__pycache__" not in relative.parts:
            files.append(relative)
    return files


def copy_course(dest, hidden=()):
    """Copy the visible ``course_utils`` files into ``dest`` (made readable for the sandbox user)."""
    dest = Path(dest)
    for relative in course_files(hidden):
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PACKAGE / relative, target)
    for folder in [dest, *(p for p in dest.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    return dest


def _data_dir():
    from course_utils.datasets.cache import cache_dir

    return cache_dir()


def jail_config(private, channel, argv, hidden=()):
    """The jail's configuration for one sandbox; ``private`` is the grader's folder for it."""
    links = {p: os.readlink(p) for p in SYSTEM if os.path.islink(p)}
    readonly = [p for p in SYSTEM if os.path.exists(p) and p not in links]
    prefixes = sorted({sys.base_prefix, sys.prefix, os.path.realpath(sys.base_prefix)})
    readonly += [p for p in prefixes if not any(p != q and p.startswith(q + os.sep) for q in prefixes)]
    if _data_dir().is_dir():
        readonly.append(str(_data_dir()))
    course = copy_course(Path(private) / "course_utils", hidden)
    env = dict(KERNEL_ENV, COURSE_DATA_DIR=str(_data_dir()))
    env.update({k: v for k, v in os.environ.items() if k in ("KERAS_BACKEND",)})
    return {"new_root": str(Path(private) / "root"), "ro": readonly, "ro_at": {str(PACKAGE): str(course)},
            "links": links, "rw": [str(channel)], "tmp_size": TMP_SIZE, "make_dirs": [HOME, WORK], "cwd": WORK,
            "rlimits": {k: [v, v] for k, v in LIMITS.items()}, "argv": argv, "env": env}  # fmt: skip


def start(private, argv, hidden=(), timeout=20.0):
    """Start ``argv`` in a new sandbox; returns the launcher's ``Popen`` (kill it to end the sandbox).

    ``private`` is a fresh folder of the grader's; ``private/channel`` is the only host folder the
    sandbox may write (made for it here). Raises :class:`SandboxUnavailable` if set-up fails.
    The launcher dies with the THREAD that called this (a parent-death signal): call it from a thread
    that outlives the sandbox (the main thread, or a batch grader's worker process).
    """
    private = Path(private)
    (private / "root").mkdir()
    channel = private / "channel"
    channel.mkdir(exist_ok=True)
    config = jail_config(private, channel, argv, hidden)
    read_end, write_end = os.pipe()
    config["status_fd"] = write_end
    (private / "jail.json").write_text(json.dumps(config))
    if os.getuid() == 0:  # the sandbox user is nobody: let it use the channel
        os.chown(channel, 65534, 65534)
        for path in channel.iterdir():
            os.chown(path, 65534, 65534)
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(JAIL), str(private / "jail.json")],
            pass_fds=[write_end], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
    finally:
        os.close(write_end)
    status = _read_status(read_end, timeout)
    if status != "\0":  # READY alone: the program was started
        process.kill()
        error = (process.communicate(timeout=5)[1] or b"").decode(errors="replace").strip()
        message = status.lstrip("\0") or error.splitlines()[-1:] or ["the launcher stopped"]
        raise SandboxUnavailable(f"the sandbox could not be set up: {''.join(message)[:500]}")
    process.stderr.close()  # anything the kernel writes to stderr is not read (and not needed)
    return process


def _read_status(fd, timeout):
    """What the jail wrote before ``exec`` (empty: it started), read until EOF or ``timeout``."""
    import select

    chunks, deadline = [], time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return "no answer from the sandbox launcher within the time limit"
            chunk = os.read(fd, 4096)
            if not chunk:
                return b"".join(chunks).decode(errors="replace")
            chunks.append(chunk)
    finally:
        os.close(fd)


@functools.cache
def unavailable():
    """None when sandboxes work here; else a message saying why not and what to do."""
    if sys.platform != "linux":
        return ("grading runs submissions in a Linux sandbox (namespaces); this is "
                f"{sys.platform}: grade on Linux (a VM or container) or with the Gradescope autograder.")  # fmt: skip
    import tempfile

    with tempfile.TemporaryDirectory(prefix="grading-probe-") as private:
        try:
            process = start(private, [sys.executable, "-S", "-c", "pass"], timeout=20)
            process.wait(timeout=20)
        except (SandboxUnavailable, OSError, subprocess.TimeoutExpired) as exc:
            return f"{exc}. {ADVICE}"
    return None
