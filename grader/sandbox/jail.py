"""The sandbox a student's process runs in: the strongest this machine allows, and which one ran.

Three levels, strongest first:

- ``namespaces``: bubblewrap (``bwrap``, what Flatpak uses) puts the child in new user, mount,
  PID, network, IPC, UTS and cgroup namespaces. It sees only the Python installation (read-only),
  its own folder (read-only) and a size-capped ``/tmp``; no other process, no ``/proc`` entry but
  its own, no network (not even the host's loopback). When the grader is root, bubblewrap itself
  runs as an unprivileged uid of the student's own (below).
- ``uid``: no namespaces (a container that forbids them), but root: the child switches to an
  unprivileged uid and gid of its own before any student code runs, so it can neither signal nor
  trace the grader or a classmate's process, and reads only what is readable by anyone.
- ``process``: a separate process of the grader's own user, with the limits below; what the grader
  did before this module. Chosen only when nothing stronger works (e.g. macOS), with a warning.

At every level: hard resource limits (soft = hard, so the student cannot raise them) on address
space, file size, open files and CPU time; ``PR_SET_PDEATHSIG`` so the child dies with the
grader; a process-count limit that counts only this student where it has a uid of its own; and,
when the grader is root and the machine has cgroups, a cgroup per student that caps memory and
processes *across all its processes* and through which every one of them is killed at the end.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

LEVELS = ("namespaces", "uid", "process")
#: the unprivileged uids (and gids) handed to students graded at the same time, one each
UID_BASE, UID_SLOTS = 61000, 256
#: limits per student
FILE_BYTES = 64 * 1024 * 1024  # RLIMIT_FSIZE: the largest file it may write
OPEN_FILES = 256  # RLIMIT_NOFILE
PROCESSES = 32  # RLIMIT_NPROC (with a uid of its own) and the cgroup's pids.max
TMP_BYTES = 64 * 1024 * 1024  # its /tmp under bubblewrap
CPU_SECONDS = 900  # RLIMIT_CPU of one child process (a restarted child starts again)

_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE = 1, 4


class SandboxUnavailable(RuntimeError):
    """The sandbox asked for (``--sandbox strict`` or a named level) cannot run here."""


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def protect_grader() -> None:
    """Make this (grader) process non-dumpable: its ``/proc/<pid>/{mem,environ,fd,cwd}`` are then
    closed to other processes of the same uid (the ``process`` level's only shield for them)."""
    if sys.platform.startswith("linux"):
        _prctl(_PR_SET_DUMPABLE, 0)


# ----------------------------------------------------------------------------- what is possible here
def _python_paths() -> list[str]:
    """Folders the child's Python needs, read-only: the installation and the environment."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for name in ("numpy",):
        try:
            module = __import__(name)
            paths.add(str(Path(module.__file__).resolve().parent.parent))
        except ImportError:
            pass
    paths.add(str(Path(sys.executable).resolve().parent.parent))
    out = []
    for p in sorted(paths, key=len):
        if p and Path(p).exists() and not any(p == q or p.startswith(q.rstrip("/") + "/") for q in out):
            out.append(p)
    return out


def bwrap_args(lib: Path, work: Path, inside_uid: int | None = None, cwd: str = "/sandbox/work") -> list[str]:
    """The bubblewrap command line for a child that sees only Python, ``lib`` and ``work``.
    ``inside_uid``: run bubblewrap as root with a user namespace whose only user is that uid
    (for a grader that is root but whose Python the unprivileged uids cannot read)."""
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if inside_uid is not None:
        args += ["--unshare-user", "--uid", str(inside_uid), "--gid", str(inside_uid), "--disable-userns"]
    for top in ("/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime"):
        if os.path.lexists(top):
            args += ["--ro-bind", top, top]
    for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    # /tmp first: the Python environment may itself live under /tmp (a CI's virtual environment),
    # and a later tmpfs would hide it
    args += ["--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    for path in _python_paths():
        if not path.startswith("/usr/"):
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--ro-bind", str(lib), "/sandbox/lib", "--ro-bind", str(work), "/sandbox/work", "--chdir", cwd]
    return args


@dataclass
class _Probe:
    results: dict = field(default_factory=dict)


_PROBE = _Probe()


def _can_switch_uid() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and hasattr(os, "setresuid")


def _probe_namespaces(uid: int | None, as_root: bool = False) -> str:
    """"" when bubblewrap runs Python here (started as ``uid``, or as root with a user namespace
    mapping ``uid`` when ``as_root``), else why not."""
    key = ("namespaces", uid, as_root)
    if key in _PROBE.results:
        return _PROBE.results[key]
    why = ""
    if not sys.platform.startswith("linux"):
        why = "not Linux"
    elif shutil.which("bwrap") is None:
        why = "bubblewrap (bwrap) is not installed (apt-get install bubblewrap)"
    else:
        with tempfile.TemporaryDirectory(prefix="grade-probe-") as tmp:
            lib, work = Path(tmp) / "lib", Path(tmp) / "work"
            lib.mkdir()
            work.mkdir()
            if uid is not None and not as_root:
                for p in (Path(tmp), lib, work):
                    os.chown(p, uid, uid)
            try:
                done = subprocess.run(
                    bwrap_args(lib, work, uid if as_root else None) + [sys.executable, "-I", "-c", "import numpy"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                    preexec_fn=(lambda: _become(uid)) if uid is not None and not as_root else None,
                )
                if done.returncode != 0:
                    why = "bubblewrap could not start Python: " + done.stderr.decode(errors="replace").strip()[:200]
            except (OSError, subprocess.TimeoutExpired) as exc:
                why = f"bubblewrap failed: {exc}"
    _PROBE.results[key] = why
    return why


def _probe_uid(uid: int) -> str:
    """"" when Python (with numpy) starts as the unprivileged ``uid``, else why not (its files
    may be unreadable to other users, e.g. a virtual environment in a private folder)."""
    key = ("uid", uid)
    if key not in _PROBE.results:
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-c", "import numpy"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, timeout=60, preexec_fn=lambda: _become(uid), cwd="/",
            )
            _PROBE.results[key] = "" if done.returncode == 0 else "Python cannot start as an unprivileged uid: " + done.stderr.decode(errors="replace").strip()[-200:]
        except (OSError, subprocess.TimeoutExpired) as exc:
            _PROBE.results[key] = f"Python cannot start as an unprivileged uid ({exc})"
    return _PROBE.results[key]


def _become(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


@dataclass(frozen=True)
class Sandbox:
    """The chosen level; ``note`` says why nothing stronger ran (empty at the strongest).
    ``root_userns``: bubblewrap runs as root and maps the student's uid inside a user namespace
    of its own (the unprivileged uids cannot read this machine's Python); processes and memory
    are then capped by the student's cgroup rather than by a process limit per uid."""

    level: str
    note: str = ""
    root_userns: bool = False

    @property
    def own_uid(self) -> bool:
        """Whether each student gets a uid of its own."""
        return self.level in ("namespaces", "uid") and _can_switch_uid()

    @property
    def unprivileged(self) -> bool:
        """Whether the student's processes run as an unprivileged uid on the host itself."""
        return self.own_uid and not self.root_userns

    def describe(self) -> str:
        what = {
            "namespaces": "namespaces (bubblewrap: user, mount, PID, network and IPC namespaces"
            + (", a uid per student inside its own user namespace, a cgroup per student" if self.root_userns else ", an unprivileged uid per student" if self.own_uid else "")
            + ")",
            "uid": "an unprivileged uid per student (no namespaces here)",
            "process": "a separate process only (no sandbox here)",
        }[self.level]
        return what + (f"; {self.note}" if self.note else "")


def choose(requested: str = "best") -> Sandbox:
    """The sandbox to use: ``best`` (the strongest that works), ``strict`` (the strongest, but
    refuse with ``SandboxUnavailable`` rather than fall back to ``process``), or a level by name."""
    if requested not in ("best", "strict") + LEVELS:
        raise ValueError(f"unknown sandbox {requested!r}: choose best, strict, {', '.join(LEVELS)}")
    probe_uid = UID_BASE + UID_SLOTS - 1 if _can_switch_uid() else None
    notes = []
    if requested in ("best", "strict", "namespaces"):
        why = _probe_namespaces(probe_uid)
        if not why:
            return Sandbox("namespaces")
        if probe_uid is not None and not _probe_namespaces(probe_uid, as_root=True):
            return Sandbox("namespaces", root_userns=True)
        notes.append(f"no namespaces: {why}")
        if requested == "namespaces":
            raise SandboxUnavailable(notes[-1])
    if requested in ("best", "strict", "uid"):
        why = _probe_uid(probe_uid) if _can_switch_uid() else "the grader is not root"
        if not why:
            return Sandbox("uid", "; ".join(notes))
        notes.append(f"no uid of its own: {why}")
        if requested == "uid":
            raise SandboxUnavailable(notes[-1])
    if requested == "strict":
        raise SandboxUnavailable("no real sandbox is available here (" + "; ".join(notes) + "); install bubblewrap, or grade as root")
    return Sandbox("process", "; ".join(notes))


# ----------------------------------------------------------------------------- one student's slot
class Slot:
    """What one student's processes share while graded: a uid (where the grader is root), a
    cgroup (where the machine has one), and the means to kill every one of them."""

    def __init__(self, sandbox: Sandbox, memory_bytes: int):
        self.sandbox, self.memory_bytes = sandbox, memory_bytes
        self.uid = self._lock = None
        if sandbox.own_uid:
            self.uid, self._lock = _claim_uid()
        self.cgroups = _make_cgroups(memory_bytes) if _can_switch_uid() else []

    # -------------------------------------------------------------- the child's side (preexec)
    @property
    def host_uid(self) -> int | None:
        """The uid the child becomes on the host before exec (None: it keeps the grader's)."""
        return self.uid if self.sandbox.unprivileged else None

    def enter(self) -> None:
        """Run in the child between fork and exec: limits, cgroups, death signal, then the uid."""
        import resource

        os.setsid()
        for path in self.cgroups:
            with contextlib.suppress(OSError):
                Path(path, "cgroup.procs").write_text(str(os.getpid()))
        limits = [
            (resource.RLIMIT_AS, self.memory_bytes),
            (resource.RLIMIT_FSIZE, FILE_BYTES),
            (resource.RLIMIT_NOFILE, OPEN_FILES),
            (resource.RLIMIT_CPU, CPU_SECONDS),
            (resource.RLIMIT_CORE, 0),
        ]
        if self.host_uid is not None:
            limits.append((resource.RLIMIT_NPROC, PROCESSES))
        elif os.geteuid() != 0:  # the grader's own uid: allow only PROCESSES more than it runs now
            limits.append((resource.RLIMIT_NPROC, len(processes_of(os.getuid())) + PROCESSES))
        for which, value in limits:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(which, (value, value))
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if self.host_uid is not None:
            _become(self.host_uid)

    # -------------------------------------------------------------- the grader's side
    def own(self, *paths: Path) -> None:
        """Give the slot's uid the folders its child must read (and nobody else)."""
        for root in paths:
            for p in [Path(root), *Path(root).rglob("*")]:
                if self.host_uid is not None:
                    with contextlib.suppress(OSError):
                        os.chown(p, self.uid, self.uid, follow_symlinks=False)
                with contextlib.suppress(OSError):
                    os.chmod(p, 0o700 if p.is_dir() else 0o600)

    def kill_all(self) -> None:
        """Kill every process of this student: through its cgroup, and as its uid (kill(-1))."""
        for _ in range(20):
            pids = self._cgroup_pids()
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            swept = self._sweep_uid()
            if not pids and not swept:
                return
            time.sleep(0.05)

    def _cgroup_pids(self) -> list[int]:
        pids = []
        for path in self.cgroups:
            with contextlib.suppress(OSError, ValueError):
                pids += [int(p) for p in Path(path, "cgroup.procs").read_text().split()]
        return pids

    def _sweep_uid(self) -> bool:
        return self.host_uid is not None and sweep(self.host_uid)

    def close(self) -> None:
        self.kill_all()
        for path in self.cgroups:
            with contextlib.suppress(OSError):
                os.rmdir(path)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.close()

    def peak_memory(self) -> int | None:
        for path in self.cgroups:
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                with contextlib.suppress(OSError, ValueError):
                    return int(Path(path, name).read_text())
        return None


def processes_of(uid: int) -> list[int]:
    """Pids of the living processes whose real uid is ``uid`` (from ``/proc``)."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                status = Path("/proc", entry, "status").read_text()
                line = next(l for l in status.splitlines() if l.startswith("Uid:"))
                state = next((l for l in status.splitlines() if l.startswith("State:")), "")
                if int(line.split()[1]) == uid and "Z" not in state.split()[1:2]:
                    found.append(int(entry))
    return found


def sweep(uid: int) -> bool:
    """Kill every process whose uid is ``uid``; whether there were any. A forked helper becomes
    that uid and sends ``kill(-1, SIGKILL)``, which reaches exactly the processes it may signal."""
    if not processes_of(uid):
        return False
    pid = os.fork()
    if pid == 0:
        try:
            _become(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    return True


def _claim_uid():
    """A uid no other grading process holds now (a lock file per uid, kept while grading)."""
    folder = Path(tempfile.gettempdir(), "grader-uids")
    folder.mkdir(mode=0o700, exist_ok=True)
    for slot in range(UID_SLOTS - 1):  # the last uid is the probe's
        handle = open(folder / f"{slot}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        uid = UID_BASE + slot
        sweep(uid)  # anything left by a run that was itself killed
        return uid, handle
    raise SandboxUnavailable(f"all {UID_SLOTS - 1} student uids are in use")


def _make_cgroups(memory_bytes: int) -> list[str]:
    """A memory and a pids cgroup for one student (v1 or v2), where this machine lets root make them."""
    name = f"grader-{os.getpid()}-{time.monotonic_ns()}"
    made = []
    root = Path("/sys/fs/cgroup")
    if (root / "cgroup.controllers").exists():  # v2: one hierarchy
        group = root / name
        with contextlib.suppress(OSError):
            group.mkdir()
            for f, v in (("memory.max", memory_bytes), ("memory.swap.max", 0), ("pids.max", PROCESSES)):
                with contextlib.suppress(OSError):
                    (group / f).write_text(str(v))
            made.append(str(group))
        return made
    for controller, settings in (("memory", (("memory.limit_in_bytes", memory_bytes), ("memory.memsw.limit_in_bytes", memory_bytes))), ("pids", (("pids.max", PROCESSES),))):
        base = root / controller
        if not base.is_dir():
            continue
        group = base / name
        with contextlib.suppress(OSError):
            group.mkdir()
            for f, v in settings:
                with contextlib.suppress(OSError):
                    (group / f).write_text(str(v))
            made.append(str(group))
    return made
