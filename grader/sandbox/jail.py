"""The sandbox a student's process runs in: the strongest this machine allows, and which one ran.

Three levels, strongest first:

- ``namespaces``: bubblewrap (``bwrap``, what Flatpak uses) puts the child in new mount, PID,
  network, IPC and UTS namespaces. It sees only the Python installation (read-only), its own
  folder (read-only), a size-capped ``/tmp`` and a read-only ``/proc/sys``; no other process, no
  ``/proc`` entry but its own, no network (not even the host's loopback). When the grader is
  root, bubblewrap starts as root and the student's process becomes an unprivileged uid of its
  own inside it (``setpriv``: no capabilities, no groups, no new privileges), so it is never any
  kind of root; otherwise bubblewrap maps the caller into a user namespace.
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


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def bwrap_args(lib: Path, work: Path, drop_to: int | None = None, cwd: str = "/sandbox/work") -> list[str]:
    """The bubblewrap command line for a child that sees only Python, ``lib`` and ``work``.

    ``drop_to``: bubblewrap runs as root (no user namespace, so the student is never any kind of
    root) and the command must start with ``setpriv_prefix(drop_to)``, which switches to that
    unprivileged uid with no capabilities before Python starts. Without it bubblewrap runs as
    the caller and maps it into a user namespace of its own.
    """
    args = ["bwrap", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if drop_to is None:
        args += ["--unshare-all"]
    else:
        args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
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
    made = set()
    for path in _python_paths():
        if path.startswith("/usr/"):
            continue
        for parent in _ancestors(path):  # traversable by the student's uid whatever the host's modes
            if parent not in made and parent not in ("/tmp",):
                args += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys", "--dev", "/dev"]
    args += ["--perms", "0755", "--dir", "/sandbox", "--ro-bind", str(lib), "/sandbox/lib", "--ro-bind", str(work), "/sandbox/work", "--chdir", cwd]
    return args


def setpriv_prefix(uid: int | None) -> list[str]:
    """The command that, inside bubblewrap started as root, becomes ``uid`` for good (no groups,
    no capabilities, no new privileges) and runs the rest of the command line."""
    if uid is None:
        return []
    return ["setpriv", "--reuid", str(uid), "--regid", str(uid), "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


@dataclass
class _Probe:
    results: dict = field(default_factory=dict)


_PROBE = _Probe()


def _can_switch_uid() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and hasattr(os, "setresuid")


def _probe_namespaces(uid: int | None, as_root: bool = False) -> str:
    """"" when bubblewrap runs Python here, else why not: started as root and dropping to
    ``uid`` inside (``as_root``), or started as ``uid`` (or as the caller when ``uid`` is None)."""
    key = ("namespaces", uid, as_root)
    if key in _PROBE.results:
        return _PROBE.results[key]
    why = ""
    if not sys.platform.startswith("linux"):
        why = "not Linux"
    elif shutil.which("bwrap") is None:
        why = "bubblewrap (bwrap) is not installed (apt-get install bubblewrap)"
    elif as_root and shutil.which("setpriv") is None:
        why = "setpriv (util-linux) is not installed"
    else:
        with tempfile.TemporaryDirectory(prefix="grade-probe-") as tmp:
            lib, work = Path(tmp) / "lib", Path(tmp) / "work"
            lib.mkdir()
            work.mkdir()
            if uid is not None:
                for p in (Path(tmp), lib, work):
                    os.chown(p, uid, uid)
            drop_to = uid if as_root else None
            try:
                done = subprocess.run(
                    bwrap_args(lib, work, drop_to) + setpriv_prefix(drop_to) + [sys.executable, "-I", "-c", "import numpy, os; assert os.getuid() != 0"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                    preexec_fn=(lambda: _become(uid)) if uid is not None and not as_root else None,
                )
                if done.returncode != 0:
                    why = "bubblewrap could not start Python: " + done.stderr.decode(errors="replace").strip()[-200:]
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
    ``as_root``: bubblewrap is started by the root grader and the student's process becomes its
    uid inside it (``setpriv``), with no capabilities and no user namespace."""

    level: str
    note: str = ""
    as_root: bool = False

    @property
    def own_uid(self) -> bool:
        """Whether each student gets an unprivileged uid of its own."""
        return self.level in ("namespaces", "uid") and _can_switch_uid()

    def describe(self) -> str:
        what = {
            "namespaces": "namespaces (bubblewrap: mount, PID, network and IPC namespaces"
            + (", an unprivileged uid and a cgroup per student" if self.own_uid else ", a user namespace")
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
        if probe_uid is not None and not _probe_namespaces(probe_uid, as_root=True):
            return Sandbox("namespaces", as_root=True)
        why = _probe_namespaces(probe_uid)
        if not why:
            return Sandbox("namespaces")
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
        self.uid = self._lock = None  # the unprivileged uid its processes have on the host (None: the grader's)
        if sandbox.own_uid:
            self.uid, self._lock = _claim_uid()
        self.cgroups = _make_cgroups(memory_bytes) if _can_switch_uid() else []

    # -------------------------------------------------------------- the child's side (preexec)
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
        if self.uid is not None:
            limits.append((resource.RLIMIT_NPROC, PROCESSES))
        elif os.geteuid() != 0:  # the grader's own uid: allow only PROCESSES more than it runs now
            limits.append((resource.RLIMIT_NPROC, len(processes_of(os.getuid())) + PROCESSES))
        for which, value in limits:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(which, (value, value))
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if self.uid is not None and not self.sandbox.as_root:  # (as root, setpriv does it inside bubblewrap)
            _become(self.uid)

    # -------------------------------------------------------------- the grader's side
    def cpu_seconds(self) -> float | None:
        """CPU seconds all of this student's processes have used: from its cgroup (which counts
        the ones that are gone too), else the sum over the living ones of its uid; None where
        neither is known."""
        for path in self.cgroups:
            for name, scale in (("cpuacct.usage", 1e-9), ("cpu.stat", 1e-6)):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    text = Path(path, name).read_text()
                    value = int(text.split()[0]) if name == "cpuacct.usage" else int(next(l for l in text.splitlines() if l.startswith("usage_usec")).split()[1])
                    return value * scale
        if self.uid is not None:
            return sum(cpu_of(pid) or 0.0 for pid in processes_of(self.uid))
        return None

    def own(self, *paths: Path) -> None:
        """Give the slot's uid the folders its child must read (and nobody else)."""
        for root in paths:
            for p in [Path(root), *Path(root).rglob("*")]:
                if self.uid is not None:
                    with contextlib.suppress(OSError):
                        os.chown(p, self.uid, self.uid, follow_symlinks=False)
                with contextlib.suppress(OSError):  # folders: others may pass through (bubblewrap's chdir), never list or read
                    os.chmod(p, 0o711 if p.is_dir() else 0o600)

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
        return self.uid is not None and sweep(self.uid)

    def close(self) -> None:
        self.kill_all()
        for path in self.cgroups:
            with contextlib.suppress(OSError):
                os.rmdir(path)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.close()


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


def cpu_of(pid: int) -> float | None:
    """CPU seconds (user + system, and of its children that it waited for) of process ``pid``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _claim_uid():
    """A uid no other grading process holds now (a lock file per uid, kept while grading)."""
    folder = Path("/tmp", "grader-uids")  # not TMPDIR: every grading process must see the same locks
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


def _clear_stale_cgroups(root: Path) -> None:
    """Remove the cgroups of grading processes that died without removing their own."""
    for group in root.glob("grader-*-*"):
        with contextlib.suppress(OSError, ValueError):
            owner = int(group.name.split("-")[1])
            if not Path("/proc", str(owner)).exists():
                for pid in Path(group, "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), signal.SIGKILL)
                group.rmdir()


def _make_cgroups(memory_bytes: int) -> list[str]:
    """Memory, pids and CPU cgroups for one student (v1 or v2), where this machine lets root make
    them: memory and processes capped across all its processes, at most one core between them,
    and its CPU time counted (``Slot.cpu_seconds``)."""
    name = f"grader-{os.getpid()}-{time.monotonic_ns()}"
    made = []
    root = Path("/sys/fs/cgroup")
    if (root / "cgroup.controllers").exists():  # v2: one hierarchy
        _clear_stale_cgroups(root)
        group = root / name
        with contextlib.suppress(OSError):
            group.mkdir()
            for f, v in (("memory.max", memory_bytes), ("memory.swap.max", 0), ("pids.max", PROCESSES), ("cpu.max", "100000 100000")):
                with contextlib.suppress(OSError):
                    (group / f).write_text(str(v))
            made.append(str(group))
        return made
    cpu = (("cpu.cfs_period_us", 100000), ("cpu.cfs_quota_us", 100000))
    for controller, settings in (("cpuacct", ()), ("memory", (("memory.limit_in_bytes", memory_bytes), ("memory.memsw.limit_in_bytes", memory_bytes))), ("pids", (("pids.max", PROCESSES),)), ("cpu", cpu)):
        base = root / controller
        if not base.is_dir() or str(base.resolve()) in {str(Path(m).parent.resolve()) for m in made}:
            continue  # (cpu and cpuacct may be one hierarchy)
        _clear_stale_cgroups(base)
        group = base / name
        with contextlib.suppress(OSError):
            group.mkdir()
            for f, v in settings:
                with contextlib.suppress(OSError):
                    (group / f).write_text(str(v))
            made.append(str(group))
    return made
