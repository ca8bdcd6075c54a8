"""N grader processes, each grading one submission at a time: ``Pool(n).run(jobs, on_done)``.

Each worker is a long-lived ``python -m course_utils.grading.workers`` process that imports the
grader once (Keras too, for hw2 and hw3) and calls
:func:`~course_utils.grading.runner.grade_notebook` for one job at a time; every submission still
gets its own fresh sandbox and kernel (that is ``grade_notebook``'s job), so keeping the grader
process warm shares nothing a student can reach. Jobs go in as JSON lines on the worker's stdin;
reports come back as JSON lines on a pipe of their own (a library printing to stdout cannot corrupt
them). The parent never trusts a worker to finish:

* a job that takes longer than its wall-clock limit: the worker is killed (its sandboxes die with it:
  they hold a parent-death signal) and the job ends with a failure;
* a worker that dies (a grader crash): the job ends with a failure and a new worker takes over;
* Ctrl-C or SIGTERM in the parent: workers get SIGTERM, close their sandboxes and exit; finished
  jobs were already handed to ``on_done``, unfinished ones are not.

Workers run in their own session, so a Ctrl-C in the terminal reaches only the parent.
"""

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque


class Interrupted(BaseException):
    pass


class _Worker:
    def __init__(self, log):
        read_end, write_end = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "course_utils.grading.workers", str(write_end)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, pass_fds=[write_end],
            start_new_session=True,
        )  # fmt: skip
        os.close(write_end)
        self.results, self.buffer, self.job, self.deadline = read_end, b"", None, None

    def send(self, job, limit):
        self.job, self.deadline = job, time.monotonic() + limit
        self.process.stdin.write((json.dumps(job) + "\n").encode())
        self.process.stdin.flush()

    def lines(self):
        """Complete result lines read so far; None at EOF (the worker is gone)."""
        chunk = os.read(self.results, 1 << 20)
        if not chunk:
            return None
        self.buffer += chunk
        *done, self.buffer = self.buffer.split(b"\n")
        return done

    def stop(self, grace=5.0):
        """SIGTERM (the worker closes its sandbox), then SIGKILL after ``grace`` seconds."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for closing in (self.process.stdin.close, lambda: os.close(self.results)):
            try:
                closing()
            except OSError:
                pass


class Pool:
    """``workers`` grader processes; stderr of all of them goes to the open file ``log``."""

    def __init__(self, workers, log=None):
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a whole number, at least 1, got {workers!r}.")
        self.size, self.log = workers, log if log is not None else subprocess.DEVNULL

    def run(self, jobs, on_done, limit):
        """Grade every job (dicts with ``id``, ``assignment``, ``path``, optional ``time_limit``).

        ``on_done(job, result)`` is called in this process as each finishes: ``result`` is the
        report's JSON, or ``{"failure": reason}``. ``limit(job)`` is a job's wall-clock limit.
        KeyboardInterrupt (Ctrl-C, and SIGTERM, which is turned into it) stops everything and is re-raised.
        """
        queue, selector, workers = deque(jobs), selectors.DefaultSelector(), []
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            while queue or any(w.job for w in workers):
                while queue and len([w for w in workers if w.job]) < self.size:
                    worker = next((w for w in workers if not w.job), None)
                    if worker is None:
                        worker = _Worker(self.log)
                        workers.append(worker)
                        selector.register(worker.results, selectors.EVENT_READ, worker)
                    job = queue.popleft()
                    worker.send(job, limit(job))
                timeout = max(0.0, min(w.deadline for w in workers if w.job) - time.monotonic())
                for key, _ in selector.select(timeout):
                    worker = key.data
                    lines = worker.lines()
                    if lines is None:  # the worker died: a crash of the grader's, or killed from outside
                        code = worker.process.wait()
                        self._replace(worker, workers, selector)
                        on_done(worker.job, {"failure": f"the grader process ended unexpectedly (exit status {code})"})
                        continue
                    for line in lines:
                        message = json.loads(line)
                        job, worker.job = worker.job, None
                        on_done(job, message["result"])
                for worker in [w for w in workers if w.job and time.monotonic() > w.deadline]:
                    job = worker.job
                    self._replace(worker, workers, selector)
                    on_done(job, {"failure": f"grading took longer than {limit(job):.0f} s and was stopped"})
        finally:
            signal.signal(signal.SIGTERM, previous)
            for worker in workers:  # all at once: they close their sandboxes in parallel
                if worker.process.poll() is None:
                    worker.process.terminate()
            for worker in workers:
                worker.stop()

    def _replace(self, worker, workers, selector):
        selector.unregister(worker.results)
        worker.stop()  # SIGTERM: it closes its sandbox (and cleans its folder); SIGKILL if it does not
        workers.remove(worker)
        worker.job = None


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _die_with_parent():
    """Linux: SIGTERM this worker when the batch process dies (a ``kill -9`` leaves no worker behind)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve(result_fd):
    """The worker's loop: a job per stdin line, a result per line on ``result_fd``, until stdin closes."""
    from course_utils.grading.runner import grade_notebook

    def stop(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it sends SIGTERM
    _die_with_parent()
    out = os.fdopen(result_fd, "w", encoding="utf-8")
    try:
        for line in sys.stdin:
            job = json.loads(line)
            try:
                report = grade_notebook(job["assignment"], job["path"], time_limit=job.get("time_limit"))
                result = report.to_json()
            except Exception as exc:  # grade_notebook reports everything about the notebook; this is ours
                result = {"failure": f"the grader failed ({type(exc).__name__}: {str(exc)[:300]})"}
            out.write(json.dumps({"id": job["id"], "result": result}, ensure_ascii=False) + "\n")
            out.flush()
    except Interrupted:
        pass  # the sandbox was closed on the way out (grade_notebook's context manager)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
