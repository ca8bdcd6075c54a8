"""What a sandboxed kernel can and cannot do: one kernel, many probes (each a few milliseconds)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course_utils.grading import sandbox
from course_utils.grading.assignments import NUMPY_REFERENCES
from course_utils.grading.kernel import SandboxKernel

from .nbexec import HOMEWORK, ROOT
from .sandboxed import requires_sandbox

pytestmark = requires_sandbox
SITE = next(p for p in sys.path if p.endswith("site-packages"))


@pytest.fixture(scope="module")
def kernel():
    with SandboxKernel(hidden=NUMPY_REFERENCES) as k:
        k.start()
        yield k


def run(kernel, code, timeout=20):
    """Run ``code`` in the kernel; the value of its last line ``result = ...`` (via the answer channel)."""
    outcome = kernel.execute(code, timeout)
    assert outcome.status == "ok", (outcome.status, outcome.ename, outcome.evalue)
    return kernel.ask({"op": "get", "name": "result"}, 10)["ok"]


def test_it_runs_as_an_unprivileged_user_in_its_own_pid_namespace(kernel):
    uid, pid, ppid = run(kernel, "import os\nresult = (os.getuid(), os.getpid(), os.getppid())")
    assert uid != 0 and pid == 1 and ppid == 0  # the kernel is PID 1; nothing outside is visible
    assert run(kernel, "import os\nresult = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())")[0] == 1


@pytest.mark.parametrize(
    "path",
    [
        f"{SITE}/poison.pth",
        f"{SITE}/sitecustomize.py",
        str(sandbox.PACKAGE / "selfcheck" / "public.py"),
        str(sandbox.PACKAGE / "poison.py"),
        "/usr/lib/poison",
        str(ROOT / "reports" / "poison.json"),
    ],
)
def test_it_cannot_write_to_the_environment_or_the_course(kernel, path):
    code = f"try:\n    open({path!r}, 'a').close()\n    result = 'written'\nexcept OSError as exc:\n    result = type(exc).__name__"
    assert run(kernel, code) in ("OSError", "PermissionError", "FileNotFoundError")
    assert not os.path.exists(path) or path.endswith("public.py")


def test_it_cannot_see_solutions_references_or_other_graders(kernel):
    code = ("import os\nresult = [os.path.exists(p) for p in PATHS]").replace(
        "PATHS", repr([str(HOMEWORK), str(sandbox.PACKAGE / "grading"), str(ROOT / "tests"), "/root", "/work"])
    )
    exists = run(kernel, code)
    assert exists[:3] == [False, False, False]
    listing = run(kernel, "import os\nresult = sorted(os.listdir('/tmp'))")
    # besides its own folders, /tmp shows only the read-only environment and data when they live under /tmp
    under_tmp = {Path(p).resolve().relative_to("/tmp").parts[0] for p in (sys.prefix, ROOT / "data")
                 if Path(p).resolve().is_relative_to("/tmp")}  # fmt: skip
    assert set(listing) <= {"home", "work", os.path.basename(os.path.dirname(kernel.process.args[-1]))} | under_tmp
    missing = run(
        kernel,
        "try:\n    import course_utils.numpy_rnn\n    result = 'imported'\nexcept ImportError as e:\n    result = str(e)",
    )
    assert "No module named 'course_utils.numpy_rnn'" in missing
    assert run(kernel, "import course_utils.selfcheck, course_utils.datasets\nresult = 'ok'") == "ok"


def test_it_can_write_its_own_tmp_and_has_no_network(kernel):
    assert run(kernel, "open('/tmp/work/x.txt', 'w').write('hello')\nresult = open('x.txt').read()") == "hello"
    code = ("import socket\ntry:\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n    result = 'connected'\n"
            "except OSError as exc:\n    result = str(exc)")  # fmt: skip
    assert "unreachable" in run(kernel, code).lower()


def test_memory_and_file_size_are_capped(kernel):
    code = "import numpy as np\ntry:\n    np.ones(6 * 2**30, dtype=np.uint8)\n    result = 'allocated'\nexcept MemoryError:\n    result = 'MemoryError'"
    assert run(kernel, code) == "MemoryError"
    code = "try:\n    open('/tmp/work/big', 'wb').write(bytes(300 * 2**20))\n    result = 'written'\nexcept OSError as e:\n    result = e.errno"
    assert run(kernel, code) == 27  # EFBIG: over the file-size limit


def test_processes_it_starts_in_new_sessions_die_with_it():
    marker = f"sleep {4000 + os.getpid() % 1000}"
    with SandboxKernel() as k:
        k.start()
        code = f"import subprocess\nsubprocess.Popen({marker.split()!r}, start_new_session=True)"
        assert k.execute(code, 10).status == "ok"
        time.sleep(0.3)
        assert subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 0
    time.sleep(0.3)
    assert subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 1, (
        "a process outlived the sandbox"
    )


def test_a_sandbox_that_cannot_be_made_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "JAIL", tmp_path / "missing.py")
    with pytest.raises(sandbox.SandboxUnavailable, match="could not be set up"):
        sandbox.start(tmp_path, [sys.executable, "-c", "pass"], timeout=10)
