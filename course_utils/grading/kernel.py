"""A Jupyter kernel in a sandbox, driven by the grader: run cells, ask questions, survive anything.

:class:`SandboxKernel` starts ``ipykernel`` inside :mod:`course_utils.grading.sandbox`, connected to
the grader over ZeroMQ ``ipc`` sockets (files in the channel folder, which is how they cross the
sandbox's network namespace). Only the shell and control channels are connected: the kernel's
printed output (iopub) is never read, so a flood of output costs the grader nothing. Each message
is capped (``MAX_MESSAGE``) by ZeroMQ itself.

:meth:`~SandboxKernel.execute` runs one cell with a time limit; on time-out it interrupts the
kernel, and if that does not stop it within ``GRACE`` seconds the kernel is killed. A dead kernel
(``os._exit``, a crash, the memory limit) is noticed within ``POLL`` seconds; a kernel that stops answering
even on its control channel (a notebook that broke the kernel's messaging) within ``SILENCE`` seconds. The grader restarts
the kernel (a new sandbox) when it needs one: :class:`~course_utils.grading.runner` decides.
"""

import ast
import base64
import os
import sys
import tempfile
import time
from pathlib import Path

from course_utils.grading import sandbox
from course_utils.selfcheck.wire import WireError, decode, encode

MAX_MESSAGE = 64 << 20
POLL, GRACE = 0.2, 2.0
PING_EVERY, SILENCE = 2.0, 15.0  # control-channel pings while waiting; silence that counts as a hang
PROBE_DIR = Path(__file__).resolve().parents[1] / "selfcheck"
_PROBE_SOURCES = ("wire.py", "probe.py")  # sent as text: the kernel's own imports play no part
BOOT = """\
def __course_boot__(sources):
    namespace = {"__name__": "__course_probe__"}
    for source in sources:
        exec(compile(source, "<grader>", "exec"), namespace)
    return namespace["LocalProbe"](get_ipython().user_ns).answer
__course_answer__ = __course_boot__(SOURCES)
del __course_boot__
"""


class KernelDied(Exception):
    """The kernel process ended (``os._exit``, a crash, a limit); the message says when."""


class Outcome:
    """How one execution ended: ``status`` is ok, error, timeout or died; ``ename``/``evalue`` for errors."""

    def __init__(self, status, seconds, ename=None, evalue=None, reply=None):
        self.status, self.seconds, self.ename, self.evalue, self.reply = status, seconds, ename, evalue, reply


class SandboxKernel:
    """One sandboxed kernel; :meth:`close` (or the ``with`` block) ends it and everything it started."""

    def __init__(self, hidden=(), start_timeout=60.0):
        self.hidden, self.start_timeout = tuple(hidden), start_timeout
        self.process = self.client = self._tmp = None
        self.starts = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- life cycle ------------------------------------------------------------------------

    def start(self):
        import zmq
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        self.close()
        self.starts += 1
        self._tmp = tempfile.TemporaryDirectory(prefix="grading-")
        channel = Path(self._tmp.name) / "channel"
        channel.mkdir()
        connection, _ = write_connection_file(
            str(channel / "kernel.json"), ip=str(channel / "k"), transport="ipc", key=os.urandom(32).hex().encode()
        )
        argv = [sys.executable, "-s", "-m", "ipykernel_launcher", "-f", connection,
                "--HistoryManager.enabled=False", "--IPKernelApp.quiet=True"]  # fmt: skip
        self.process = sandbox.start(self._tmp.name, argv, self.hidden)
        context = zmq.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)  # a default for every socket made by this context
        context.setsockopt(zmq.LINGER, 0)
        self.client = BlockingKernelClient(context=context)
        self.client.load_connection_file(connection)
        self.client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=True)
        deadline = time.monotonic() + self.start_timeout
        while True:  # kernel_info until it answers: then it listens
            msg_id = self.client.kernel_info()
            if self._reply(msg_id, min(deadline, time.monotonic() + 1.0)) is not None:
                break
            if time.monotonic() > deadline:
                self.close()
                raise KernelDied("the kernel did not start within the time limit")
        sources = [(PROBE_DIR / name).read_text(encoding="utf-8") for name in _PROBE_SOURCES]
        outcome = self.execute(BOOT.replace("SOURCES", repr(sources)), 30, silent=True)
        if outcome.status != "ok":
            raise KernelDied(f"the answer channel could not be set up ({outcome.status} {outcome.ename or ''})")

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def close(self):
        """Kill the sandbox (its launcher; the kernel and every process it started die with it)."""
        if self.client is not None:
            try:
                self.client.stop_channels()
                self.client.context.destroy(linger=0)
            except Exception:
                pass
            self.client = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            self.process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # ---- messages --------------------------------------------------------------------------

    def _heard(self):
        """True if a well-formed message came on the control channel (drained here)."""
        heard = False
        while True:
            try:
                msg = self.client.control_channel.get_msg(timeout=0)
            except Exception:  # nothing there (queue.Empty), or a message that does not parse
                return heard
            heard = heard or (isinstance(msg, dict) and msg.get("msg_type") == "kernel_info_reply")

    def _reply(self, msg_id, deadline):
        """The shell reply to ``msg_id``, or None at ``deadline`` (or when the kernel stopped answering even
        on its control channel, which ipykernel serves while a cell runs); raises :class:`KernelDied`."""
        last_heard = next_ping = time.monotonic()
        while True:
            if not self.alive():
                raise KernelDied("the kernel died")
            now = time.monotonic()
            left = deadline - now
            if left <= 0 or now - last_heard > SILENCE:
                return None
            if now >= next_ping:  # a busy kernel still answers this; a kernel whose messaging broke does not
                self.client.control_channel.send(self.client.session.msg("kernel_info_request", {}))
                next_ping = now + PING_EVERY
            if self._heard():
                last_heard = now
            try:
                msg = self.client.get_shell_msg(timeout=min(POLL, left))
            except Exception:  # queue.Empty, or a message that does not parse (nothing is trusted)
                continue
            if isinstance(msg, dict) and msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    def execute(self, code, timeout, silent=False, user_expressions=None):
        """Run ``code``; an :class:`Outcome`. Never raises for what the code does (a dead kernel: ``died``)."""
        start = time.monotonic()
        try:
            msg_id = self.client.execute(code, silent=silent, store_history=not silent, allow_stdin=False,
                                         user_expressions=user_expressions or {}, stop_on_error=False)  # fmt: skip
            reply = self._reply(msg_id, start + timeout)
            if reply is None:  # time is up: interrupt, then kill if it does not stop
                self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))
                reply = self._reply(msg_id, time.monotonic() + GRACE)
                if reply is None:
                    self.close()
                return Outcome("timeout", time.monotonic() - start)
        except KernelDied:
            return Outcome("died", time.monotonic() - start)
        content = reply.get("content") if isinstance(reply.get("content"), dict) else {}
        seconds = time.monotonic() - start
        if content.get("status") == "ok":
            return Outcome("ok", seconds, reply=content)
        return Outcome("error", seconds, str(content.get("ename", "Error"))[:100], str(content.get("evalue", ""))[:300])

    def ask(self, request, timeout, refs=None):
        """Send one request to the probe; the decoded answer dict (``refs`` makes references), or an
        :class:`Outcome` if none came."""
        payload = base64.b64encode(encode(request)).decode()
        code = f"__course_reply__ = __course_answer__({payload!r})"
        outcome = self.execute(code, timeout, silent=True, user_expressions={"a": "__course_reply__"})
        if outcome.status != "ok":
            return outcome
        try:
            expression = outcome.reply["user_expressions"]["a"]["data"]["text/plain"]
            if not isinstance(expression, str) or len(expression) > 2 * MAX_MESSAGE:
                raise WireError("not text")
            text = ast.literal_eval(expression)
            answer = decode(base64.b64decode(text, validate=True), refs=refs)
            if not isinstance(answer, dict):
                raise WireError("not a dict")
            return answer
        except Exception as exc:
            return {"fault": f"a malformed answer ({type(exc).__name__})"}
