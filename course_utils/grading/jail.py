"""Start one program in a throw-away Linux sandbox: ``python jail.py CONFIG.json``.

Standard library only, run as a script (never imported by the kernel it starts). The grader
(:mod:`course_utils.grading.sandbox`) writes CONFIG and starts this file; it then:

1. forks a child that ``unshare``\\ s new user, mount, PID, network, IPC and UTS namespaces;
2. from outside, maps the sandbox user into the new user namespace: the grader's own uid when it
   is not root; when it is, ``nobody`` (65534), so the sandbox never holds root's file permissions
   (root itself is mapped too, only to build the new root, and dropped before ``exec``);
3. forks the namespace's PID 1, which builds a new root on a tmpfs: only CONFIG's ``ro`` paths
   (the interpreter, the virtual environment, the course code students get, the data) bound
   read-only and ``nosuid``, a private ``/tmp`` and ``/dev`` (tmpfs), a fresh ``/proc``, and
   CONFIG's ``rw`` folder (the answer channel's sockets) - then ``pivot_root`` into it, forgets
   the old root, applies resource limits (``setrlimit``), drops to the mapped user and ``exec``\\ s
   CONFIG's ``argv``.

The network namespace has only a loopback interface that is down: no network. Every process of
the sandbox, including children in new sessions, lives in the PID namespace; when the grader
kills this launcher, a ``SIGKILL`` parent-death signal passes to the child and to PID 1, and the
kernel kills the whole namespace with it. Until ``exec``, problems are written to file
descriptor CONFIG["status_fd"], which is close-on-exec: the grader reads ``READY`` then EOF on success.
"""

import ctypes
import json
import os
import resource
import select
import signal
import sys

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MNT_DETACH, PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 2, 1, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
# statvfs flags a remount must repeat (locked in a user namespace) -> the matching mount flags
KEPT_FLAGS = {2: MS_NOSUID, 4: MS_NODEV, 8: MS_NOEXEC, 1024: 1024, 2048: 2048, 4096: 1 << 21}
NOBODY = 65534
READY = b"\0"  # written just before exec; anything after it is why exec failed
INNER_ID = 1000  # the sandbox user's id inside the namespace

libc = ctypes.CDLL(None, use_errno=True)


class JailError(Exception):
    pass


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise JailError(f"{what}: {os.strerror(err)} (errno {err})")


def mount(source, target, fstype, flags, data=None):
    def enc(s):
        return None if s is None else str(s).encode()

    _check(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _die_with_parent():
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")


def _bind(source, target, writable=False):
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    mount(source, target, None, MS_BIND | MS_REC)
    if not writable:  # a bind mount starts writable: remount it read-only, keeping its locked flags
        kept = sum(flag for bit, flag in KEPT_FLAGS.items() if os.statvfs(target).f_flag & bit)
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | kept)


def _tmpfs(target, size, mode, owner=None):
    os.makedirs(target, exist_ok=True)
    ids = f",uid={owner},gid={owner}" if owner is not None else ""
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode={mode:o}{ids}")


def build_root(config):
    """Runs as PID 1 of the new namespaces (with capabilities there): mounts, pivot_root, limits."""
    root = config["new_root"]
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing we mount propagates back to the host
    _tmpfs(root, "16m", 0o755)
    uid = gid = config["inner_id"]
    # The private /tmp first: a course or virtual environment that lives under /tmp (a clone in
    # /tmp/x) is then bound on top of it, read-only, instead of being hidden by it.
    _tmpfs(root + "/tmp", config["tmp_size"], 0o1777, uid)
    for path in config["ro"]:
        _bind(path, root + path)
    for target, source in config.get("ro_at", {}).items():  # e.g. the students' course_utils at its usual path
        _bind(source, root + target)
    for link, target in config.get("links", {}).items():  # /bin -> usr/bin, ...
        os.makedirs(os.path.dirname(root + link), exist_ok=True)
        os.symlink(target, root + link)
    _tmpfs(root + "/dev", "1m", 0o755)
    for device in ("null", "zero", "full", "random", "urandom"):
        _bind("/dev/" + device, f"{root}/dev/{device}", writable=True)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):  # fmt: skip
        os.symlink(target, f"{root}/dev/{name}")
    os.makedirs(root + "/proc", exist_ok=True)
    mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for path in config["rw"]:
        _bind(path, root + path, writable=True)
    for folder in config.get("make_dirs", []):  # home, work folder: inside the sandbox's /tmp
        os.makedirs(root + folder, exist_ok=True)
        os.chown(root + folder, uid, gid)
    os.makedirs(root + "/.old", exist_ok=True)
    machine = os.uname().machine
    if machine not in SYS_PIVOT_ROOT:
        raise JailError(f"pivot_root: unsupported machine {machine}")
    _check(libc.syscall(SYS_PIVOT_ROOT[machine], root.encode(), (root + "/.old").encode()), "pivot_root")
    os.chdir("/")
    _check(libc.umount2(b"/.old", MNT_DETACH), "umount old root")
    os.rmdir("/.old")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
    for name, (soft, hard) in config["rlimits"].items():
        resource.setrlimit(getattr(resource, name), (soft, hard))
    if config["set_groups"]:
        os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    _die_with_parent()  # again: changing the user cleared it
    if select.select([config["parent_alive_fd"]], [], [], 0)[0]:  # EOF: the child outside died meanwhile
        raise JailError("the sandbox's launcher died during set-up")
    os.chdir(config["cwd"])


def _write_maps(pid, root):
    """From outside: map the sandbox user (and group) into ``pid``'s new user namespace."""
    if root:  # root (0) builds the new root, then becomes INNER_ID = nobody outside
        uid_map = gid_map = f"0 0 1\n{INNER_ID} {NOBODY} 1"
    else:  # one's own ids only; setgroups must be denied first
        uid_map, gid_map = f"{INNER_ID} {os.getuid()} 1", f"{INNER_ID} {os.getgid()} 1"
        with open(f"/proc/{pid}/setgroups", "w") as f:
            f.write("deny")
    with open(f"/proc/{pid}/uid_map", "w") as f:
        f.write(uid_map)
    with open(f"/proc/{pid}/gid_map", "w") as f:
        f.write(gid_map)


def _report(fd, message):
    try:
        os.write(fd, message.encode()[:4000])
    finally:
        os._exit(126)


def _wait(pid):
    """Wait for ``pid``; exit with its status (launcher and child stay until the sandbox ends)."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def main(config_path):
    with open(config_path) as f:
        config = json.load(f)
    status = config["status_fd"]
    root = os.getuid() == 0
    config["inner_id"], config["set_groups"] = INNER_ID, root
    _die_with_parent()  # the grader died: so does the sandbox
    ready_r, ready_w = os.pipe()  # child -> launcher: "unshared"
    go_r, go_w = os.pipe()  # launcher -> child: "mapped"
    launcher = os.getpid()
    child = os.fork()
    if child == 0:
        try:
            _die_with_parent()
            if os.getppid() != launcher:
                os._exit(1)
            flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
            _check(libc.unshare(flags), "unshare (user namespaces disabled?)")
            os.write(ready_w, b"u")
            if os.read(go_r, 1) != b"m":
                _report(status, "the launcher could not map the sandbox user")
            alive_r, alive_w = os.pipe()  # EOF for PID 1 once this child is gone
            pid1 = os.fork()
            if pid1 == 0:
                os.close(alive_w)
                config["parent_alive_fd"] = alive_r
                build_root(config)
                os.set_inheritable(status, False)  # closed by exec: "ready", then EOF tells the grader all went well
                os.write(status, READY)
                os.execve(config["argv"][0], config["argv"], config["env"])
            os.close(status)
            _wait(pid1)
        except BaseException as exc:
            _report(status, f"{type(exc).__name__}: {exc}")
    os.close(status)
    try:
        if os.read(ready_r, 1) == b"u":
            _write_maps(child, root)
            os.write(go_w, b"m")
    except OSError:
        os.kill(child, signal.SIGKILL)
    _wait(child)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except BaseException as exc:  # before the fork: no sandbox was made
        print(f"jail: {type(exc).__name__}: {exc}", file=sys.stderr)
        os._exit(126)
