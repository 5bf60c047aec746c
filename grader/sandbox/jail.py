"""The sandbox a student's process runs in: the strongest this machine allows, and which one ran.

Three levels, strongest first; none ever runs student code as root:

- ``namespaces``: bubblewrap (``bwrap``, what Flatpak uses) puts the child in new mount, PID,
  network, IPC and UTS namespaces. It sees only the Python installation (read-only), its own
  folder (read-only), a size-capped ``/tmp`` of its own (its ``HOME`` and ``TMPDIR``) and a
  read-only ``/proc/sys``; no other process, no network (not even the host's loopback). When the
  grader is root, bubblewrap starts as root and the student's process becomes an unprivileged
  uid of its own inside it (``setpriv``: no capabilities, no groups, no new privileges);
  otherwise bubblewrap maps the caller into a user namespace.
- ``uid``: root without bubblewrap (e.g. a platform's container). The child becomes an
  unprivileged uid and gid of its own before any student code runs. Where the kernel lets root
  make namespaces, the child first moves into mount, network, IPC and UTS namespaces of its own
  with a root built like bubblewrap's (``grader.sandbox.namespace``): the course is not in it,
  and a Python under a private home is. Where it does not (a container that forbids them), the
  child runs in the host's file system: the grader makes the course, the submissions and the
  output folder unreadable to other users (``protect``), and after each student removes every
  file its uid left in the shared folders (``/tmp``, ``/var/tmp``, ``/dev/shm``, ...), every
  SysV IPC object and kernel key of it; that variant needs a Python that other users can read.
- ``process``: a separate process of the grader's own user, only when the grader is not root
  (e.g. macOS), with a warning. As root it is refused: with no level that drops privileges,
  grading refuses and says what to install.

At every level: a system-call filter (``grader.sandbox.seccomp``; a level that runs without
one says so, and ``strict`` refuses); hard resource limits (soft = hard, so the student cannot
raise them) on address space, file size, open files and CPU time; ``PR_SET_PDEATHSIG`` so the
child dies with the grader; a process-count limit that counts only this student where it has a
uid of its own; when the grader is root and the machine has cgroups, a cgroup per student that
caps memory and processes *across all its processes* and through which every one of them is
killed at the end; and a fresh scratch folder for every start of its process (``Slot.start``),
in which the student owns nothing but its home, and into which the grader changes directory
only after dropping privileges.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import namespace, seccomp

LEVELS = ("namespaces", "uid", "process")
#: the unprivileged uids (and gids) handed to students graded at the same time, one each. Not
#: 61000 on, which graders before issue 21 used: they swept a uid again after releasing it, so
#: on a machine where one still runs, it could kill a student of ours that had claimed the uid
UID_BASE, UID_SLOTS = 62000, 256
#: limits per student
FILE_BYTES = 64 * 1024 * 1024  # RLIMIT_FSIZE: the largest file it may write
OPEN_FILES = 256  # RLIMIT_NOFILE
PROCESSES = 32  # RLIMIT_NPROC (with a uid of its own) and the cgroup's pids.max
TMP_BYTES = 64 * 1024 * 1024  # its /tmp (HOME, TMPDIR) and /dev/shm, where they are its own
CPU_SECONDS = 900  # RLIMIT_CPU of one child process (a restarted child starts again)
#: folders anyone may write to, swept of a student's files where it shares the host's
SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", "/run/shm", "/run/lock", "/dev/mqueue")
#: what the child's PATH is (bwrap and setpriv are run by the absolute path the probe found)
CHILD_PATH = "/usr/bin:/bin"

_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE = 1, 4


class SandboxUnavailable(RuntimeError):
    """The sandbox asked for cannot run here (or none that drops privileges, as root)."""


class SandboxFailed(RuntimeError):
    """The sandbox could not start a student's process: the grader's fault, never the student's."""


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
def python_paths() -> list[str]:
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


def private_ancestor() -> str | None:
    """The first folder on the way to the Python installation that other users cannot pass
    through (e.g. ``/root``, mode 0700), or None."""
    for path in python_paths():
        for folder in _ancestors(path) + [path]:
            with contextlib.suppress(OSError):
                if not os.stat(folder).st_mode & 0o001:
                    return folder
    return None


def bwrap_args(bwrap: str, lib: Path, work: Path, drop_to: int | None = None, seccomp_fd: int | None = None, cwd: str = "/sandbox/work") -> list[str]:
    """The bubblewrap command line (``bwrap``: its absolute path) for a child that sees only
    Python, ``lib`` and ``work``, under the filter read from ``seccomp_fd``.

    ``drop_to``: bubblewrap runs as root (no user namespace, so the student is never any kind of
    root) and the command must start with ``setpriv_prefix(drop_to)``, which switches to that
    unprivileged uid with no capabilities before Python starts. Without it bubblewrap runs as
    the caller and maps it into a user namespace of its own.
    """
    args = [bwrap, "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if drop_to is None:
        args += ["--unshare-all"]
    else:
        args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    for top in ("/usr",) + namespace.ETC:
        if os.path.lexists(top):
            args += ["--ro-bind", top, top]
    for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    # /tmp first: the Python environment may itself live under /tmp (a CI's virtual environment),
    # and a later tmpfs would hide it. Writable by the student's uid: its HOME and TMPDIR.
    args += ["--size", str(TMP_BYTES), "--perms", "01777", "--tmpfs", "/tmp"]
    made = set()
    for path in python_paths():
        if path.startswith("/usr/"):
            continue
        for parent in _ancestors(path):  # traversable by the student's uid whatever the host's modes
            if parent not in made and parent not in ("/tmp",):
                args += ["--perms", "0755", "--dir", parent]
                made.add(parent)
        args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys", "--dev", "/dev"]
    args += ["--size", str(TMP_BYTES), "--perms", "01777", "--tmpfs", "/dev/shm"]
    args += ["--perms", "0755", "--dir", "/sandbox", "--ro-bind", str(lib), "/sandbox/lib", "--ro-bind", str(work), "/sandbox/work", "--chdir", cwd]
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
    return args


def setpriv_prefix(setpriv: str, uid: int | None) -> list[str]:
    """The command that, inside bubblewrap started as root, becomes ``uid`` for good (no groups,
    no capabilities, no new privileges) and runs the rest of the command line."""
    if uid is None:
        return []
    return [setpriv, "--reuid", str(uid), "--regid", str(uid), "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


def _can_switch_uid() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and hasattr(os, "setresuid")


def _become(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


@dataclass(frozen=True)
class Sandbox:
    """The chosen level; ``note`` says why nothing stronger ran (empty at the strongest).

    ``as_root``: bubblewrap is started by the root grader and the student's process becomes its
    uid inside it (``setpriv``), with no capabilities and no user namespace. ``bwrap`` and
    ``setpriv``: the absolute paths the probe ran (and the child runs). ``private_root``: at the
    ``uid`` level, the child gets namespaces and a root of its own (``grader.sandbox.namespace``);
    without them the course must be made unreadable (``protect``). ``filtered``: the
    system-call filter loads."""

    level: str
    note: str = ""
    as_root: bool = False
    bwrap: str | None = None
    setpriv: str | None = None
    private_root: bool = False
    filtered: bool = True

    @property
    def own_uid(self) -> bool:
        """Whether each student gets an unprivileged uid of its own."""
        return self.level in ("namespaces", "uid") and _can_switch_uid()

    @property
    def shares_host_files(self) -> bool:
        """Whether the student's processes see the host's file system (the course must then be
        made unreadable to them, and their files swept from the shared folders)."""
        return self.level == "process" or (self.level == "uid" and not self.private_root)

    def describe(self) -> str:
        what = {
            "namespaces": "namespaces (bubblewrap: mount, PID, network and IPC namespaces"
            + (", an unprivileged uid and a cgroup per student" if self.own_uid else ", a user namespace")
            + ")",
            "uid": "an unprivileged uid per student, "
            + ("in mount, network and IPC namespaces of its own (no bubblewrap here)" if self.private_root else "without namespaces (none allowed here): the course unreadable to it, its files swept after it"),
            "process": "a separate process only (no sandbox here)",
        }[self.level]
        what += ", a system-call filter" if self.filtered else ", NO system-call filter"
        return what + (f"; {self.note}" if self.note else "")


@dataclass
class _Probe:
    results: dict = field(default_factory=dict)


_PROBE = _Probe()


def _probe(sandbox: Sandbox) -> str:
    """"" when ``sandbox`` starts Python with NumPy here, through the very code that starts a
    student's process (``Slot.start``), as an unprivileged uid where the grader is root; else
    why not."""
    key = sandbox
    if key in _PROBE.results:
        return _PROBE.results[key]
    why = ""
    check = "import numpy, os, sys; assert os.getuid() != 0 or sys.argv[1] == 'caller'; open('probe.py').read()"
    with tempfile.TemporaryDirectory(prefix="grade-probe-") as tmp:
        os.chmod(tmp, 0o711)  # as a grading process's own temporary folder is
        slot = Slot(sandbox, 1024 * 1024 * 1024, cgroups=False)  # a uid of its own, claimed as a student's is
        root = Path(tmp) / "start"
        (root / "lib").mkdir(parents=True)
        (root / "work").mkdir()
        (root / "work" / "probe.py").write_text("")
        log = tempfile.TemporaryFile()
        try:
            env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
            proc = slot.start(root, [sys.executable, "-I", "-c", check, "uid" if sandbox.own_uid else "caller"], env, stderr=log)
            code = proc.wait(timeout=60)
            if code != 0:
                log.seek(0)
                why = "Python could not start there: " + log.read().decode(errors="replace").strip()[-300:]
        except (OSError, subprocess.SubprocessError, SandboxFailed) as exc:
            log.seek(0)
            why = f"{type(exc).__name__}: {exc} " + log.read().decode(errors="replace").strip()[-300:]
        finally:
            log.close()
            slot.close()
    _PROBE.results[key] = why.strip()
    return _PROBE.results[key]


def _refusal(notes: list[str]) -> str:
    """What to do when, as root, no level can drop privileges."""
    private = private_ancestor()
    fix = "install bubblewrap (apt-get install bubblewrap)"
    if private:
        fix += (
            f", or grade with a Python that other users can read: this one lives under {private}, which they cannot enter"
            " (e.g. /usr/bin/python3 -m venv /opt/grader-venv && /opt/grader-venv/bin/pip install -r requirements.txt,"
            f" then run /opt/grader-venv/bin/python -m grader ...; or let them pass through: chmod o+x {private})"
        )
    return "grading as root needs a sandbox that runs student code as an unprivileged uid, and none works here (" + "; ".join(notes) + f"): {fix}. Student code is never run as root."


def choose(requested: str = "best") -> Sandbox:
    """The sandbox to use: ``best`` (the strongest that works), ``strict`` (the strongest, but
    refuse with ``SandboxUnavailable`` rather than run without a real sandbox or without the
    system-call filter), or a level by name. As root, every choice refuses rather than run
    student code as root."""
    if requested not in ("best", "strict") + LEVELS:
        raise ValueError(f"unknown sandbox {requested!r}: choose best, strict, {', '.join(LEVELS)}")
    root = _can_switch_uid()
    notes = []
    filter_why = seccomp.why_unavailable() if sys.platform.startswith("linux") else "not Linux"
    filtered = not filter_why
    if filter_why:
        if requested == "strict":
            raise SandboxUnavailable(f"no system-call filter: {filter_why}")
        notes.append(f"no system-call filter: {filter_why}")
    if requested == "process" and root:
        raise SandboxUnavailable("--sandbox process would run student code as root; " + _refusal(["process refused"]))
    if requested in ("best", "strict", "namespaces"):
        why = _namespaces_why(root, filtered)
        if not why:
            bwrap, setpriv = _found()
            return Sandbox("namespaces", "; ".join(notes), as_root=root, bwrap=bwrap, setpriv=setpriv if root else None, filtered=filtered)
        notes.append(f"no bubblewrap: {why}")
        if requested == "namespaces":
            raise SandboxUnavailable(notes[-1])
    if requested in ("best", "strict", "uid"):
        if not root:
            why = "the grader is not root"
        else:
            why_private = _probe(Sandbox("uid", private_root=True, filtered=filtered)) if sys.platform.startswith("linux") else "not Linux"
            if not why_private:
                return Sandbox("uid", "; ".join(notes), private_root=True, filtered=filtered)
            why_plain = _probe(Sandbox("uid", filtered=filtered))
            if not why_plain:
                return Sandbox("uid", "; ".join(notes + [f"no namespaces of its own: {why_private}"]), filtered=filtered)
            why = f"with namespaces: {why_private}; without: {why_plain}"
        notes.append(f"no uid of its own: {why}")
        if requested == "uid":
            raise SandboxUnavailable(notes[-1] if not root else _refusal(notes))
    if root:
        raise SandboxUnavailable(_refusal(notes))
    if requested == "strict":
        raise SandboxUnavailable("no real sandbox is available here (" + "; ".join(notes) + "); install bubblewrap, or grade as root")
    return Sandbox("process", "; ".join(notes), filtered=filtered and _probe(Sandbox("process", filtered=True)) == "")


def _found() -> tuple[str | None, str | None]:
    """The absolute paths of ``bwrap`` and ``setpriv`` on the grader's PATH (setpriv resolved:
    it runs inside bubblewrap, where only the system's folders are)."""
    setpriv = shutil.which("setpriv")
    return shutil.which("bwrap"), setpriv and os.path.realpath(setpriv)


def _namespaces_why(root: bool, filtered: bool) -> str:
    if not sys.platform.startswith("linux"):
        return "not Linux"
    bwrap, setpriv = _found()
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed (apt-get install bubblewrap)"
    if root and setpriv is None:
        return "setpriv (util-linux) is not installed"
    return _probe(Sandbox("namespaces", as_root=root, bwrap=bwrap, setpriv=setpriv if root else None, filtered=filtered))


# ----------------------------------------------------------------------------- one student's slot
class Slot:
    """What one student's processes share while graded: a uid (where the grader is root), a
    cgroup (where the machine has one), and the means to start them and to kill every one."""

    def __init__(self, sandbox: Sandbox, memory_bytes: int, cgroups: bool = True):
        self.sandbox, self.memory_bytes = sandbox, memory_bytes
        self.uid = self._lock = None  # the unprivileged uid its processes have on the host (None: the grader's)
        self._closed = False
        if sandbox.own_uid:
            self.uid, self._lock = _claim_uid()
        self.cgroups = _make_cgroups(memory_bytes) if cgroups and _can_switch_uid() else []
        self._bpf = None
        if sandbox.filtered:
            self._bpf = seccomp.program(unix_sockets=sandbox.level == "namespaces" or sandbox.private_root, ipc=sandbox.level == "namespaces" or sandbox.private_root)

    # -------------------------------------------------------------- starting a process
    def seen(self) -> tuple[str, str] | None:
        """Where the child sees its ``lib`` and ``work`` folders, where they are not the host's paths."""
        if self.sandbox.level == "namespaces" or self.sandbox.private_root:
            return "/sandbox/lib", "/sandbox/work"
        return None

    def start(self, root: Path, argv: list[str], env: dict, pass_fds=(), stderr=subprocess.DEVNULL) -> subprocess.Popen:
        """Start ``argv`` (Python, with paths as the child sees them: ``seen()``) on a fresh
        scratch folder ``root`` holding ``lib/`` and ``work/``, which the grader made and the
        student never had. Its files become readable to the student's uid alone, never
        writable by it; its home (``HOME``, ``TMPDIR``) is its own. Returns the process."""
        s = self.sandbox
        if self.uid is None and os.geteuid() == 0:
            raise SandboxFailed("refusing to run student code as root")
        lib, work = root / "lib", root / "work"
        self._prepare(root)
        env = {**env, "PATH": CHILD_PATH}
        fds = list(pass_fds)
        plan = chdir = loader = filter_fd = None
        if s.level == "namespaces":
            env.update(HOME="/tmp", TMPDIR="/tmp")
            drop_to = self.uid if s.as_root else None
            if self._bpf is not None:
                filter_fd = seccomp.memfd(self._bpf)
                fds.append(filter_fd)
            command = bwrap_args(s.bwrap, lib, work, drop_to, filter_fd) + ["--clearenv"] + [a for k, v in env.items() for a in ("--setenv", k, v)] + setpriv_prefix(s.setpriv, drop_to) + argv
        else:
            if s.private_root:
                plan = namespace.Plan(str(root / "mnt"), python_paths(), str(lib), str(work), self.uid, TMP_BYTES)
                env.update(HOME="/tmp", TMPDIR="/tmp")
                chdir = "/sandbox/work"
            else:
                env.update(HOME=str(root / "home"), TMPDIR=str(root / "home"))
                chdir = str(work)
            loader = seccomp.Loader(self._bpf) if self._bpf is not None else None
            command = argv
        try:
            return subprocess.Popen(
                command, cwd="/", env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                pass_fds=tuple(fds), close_fds=True, preexec_fn=lambda: self.enter(plan, chdir, loader),
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SandboxFailed(f"the {s.level} sandbox could not start a process: {type(exc).__name__}: {exc}") from None
        finally:
            if filter_fd is not None:
                os.close(filter_fd)

    def _prepare(self, root: Path) -> None:
        """Modes and owners of a fresh scratch folder: ``lib`` and ``work`` (and all in them)
        owned by root with the student's group, readable by it, writable by nobody but root;
        ``home`` its own (where it shares the host's files); ``mnt`` the private root's mount
        point."""
        s = self.sandbox
        os.chmod(root, 0o711 if s.shares_host_files else 0o700)
        for folder in (root / "lib", root / "work"):
            for p in [folder, *folder.rglob("*")]:
                if self.uid is not None:
                    os.chown(p, 0, self.uid, follow_symlinks=False)
                os.chmod(p, 0o750 if p.is_dir() else 0o640)
        if s.private_root:
            (root / "mnt").mkdir(mode=0o700)
        elif s.level != "namespaces":
            home = root / "home"
            home.mkdir(mode=0o700)
            if self.uid is not None:
                os.chown(home, self.uid, self.uid)

    # -------------------------------------------------------------- the child's side (preexec)
    def enter(self, plan: namespace.Plan | None = None, chdir: str | None = None, loader: seccomp.Loader | None = None) -> None:
        """Run in the child between fork and exec: limits, cgroups, its namespaces and root,
        its uid, the death signal, its folder (entered as the student), then the filter. What
        fails is written to the child's stderr (the grader's start log) before it stops."""
        try:
            self._enter(plan, chdir, loader)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.write(2, f"sandbox: {type(exc).__name__}: {exc}\n".encode())
            raise

    def _enter(self, plan, chdir, loader) -> None:
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
        if plan is not None:
            plan.enter()
        if self.uid is not None and not self.sandbox.as_root:  # (as root, setpriv does it inside bubblewrap)
            _become(self.uid)
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # after the uid changes, which clear it
        if chdir is not None:
            os.chdir(chdir)  # as the student: no path is ever followed with the grader's rights
        if loader is not None:
            loader.load()

    # -------------------------------------------------------------- the grader's side
    def cpu_seconds(self) -> float | None:
        """CPU seconds all of this student's processes have used: from its cgroup (which counts
        the ones that are gone too), else the sum over the living ones of its uid; None where
        neither is known."""
        for path in self.cgroups:
            for name, scale in (("cpuacct.usage", 1e-9), ("cpu.stat", 1e-6)):
                with contextlib.suppress(OSError, ValueError, IndexError, StopIteration):
                    text = Path(path, name).read_text()
                    value = int(text.split()[0]) if name == "cpuacct.usage" else int(next(l for l in text.splitlines() if l.startswith("usage_usec")).split()[1])
                    return value * scale
        if self.uid is not None:
            return sum(cpu_of(pid) or 0.0 for pid in processes_of(self.uid))
        return None

    def kill_all(self) -> None:
        """Kill every process of this student: through its cgroup, and as its uid (kill(-1))."""
        if self._closed:
            return  # the uid is no longer this slot's
        for _ in range(20):
            pids = self._cgroup_pids()
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            swept = self.uid is not None and sweep(self.uid)
            if not pids and not swept:
                return
            time.sleep(0.05)

    def _cgroup_pids(self) -> list[int]:
        pids = []
        for path in self.cgroups:
            with contextlib.suppress(OSError, ValueError):
                pids += [int(p) for p in Path(path, "cgroup.procs").read_text().split()]
        return pids

    def close(self) -> None:
        """Kill every process of the student, then remove what its uid leaves behind: kernel
        keys, SysV IPC objects and (where it shared the host's files) its files in the shared
        folders. Returns once all of that is gone. Once only: the uid is then free for another
        grading process's student, which a second sweep (a late ``__del__``) would kill."""
        if self._closed:
            return
        self.kill_all()
        if self.uid is not None:
            clean_uid(self.uid, files=self.sandbox.shares_host_files)
        for path in self.cgroups:
            with contextlib.suppress(OSError):
                os.rmdir(path)
        self._closed = True
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.close()
            self._lock = None


# ----------------------------------------------------------------------------- what a uid leaves behind
def protect(*roots: Path) -> None:
    """Make ``roots`` (the course, the submissions, the output folder) and everything in them
    unreadable to other users (``chmod o-rwx``, recursively), for the ``uid`` level without
    namespaces. The Python installation, where it lies inside one of them, stays usable:
    its folder and the folders above it keep only ``o+x`` (pass through, never list)."""
    keep = [Path(p) for p in python_paths()]
    for root in roots:
        root = Path(root)
        if not root.exists():
            continue
        for folder, dirs, files in os.walk(root, followlinks=False):
            here = Path(folder)
            if any(here == k or k in here.parents for k in keep):
                dirs[:] = []
                continue
            above_python = any(here in k.parents for k in keep)
            with contextlib.suppress(OSError):
                mode = os.lstat(here).st_mode
                os.chmod(here, (mode & ~0o007) | (0o001 if above_python else 0))
            for name in files:
                with contextlib.suppress(OSError):
                    path = here / name
                    mode = os.lstat(path).st_mode
                    if not stat.S_ISLNK(mode):
                        os.chmod(path, mode & ~0o007)


def processes_of(uid: int) -> list[int]:
    """Pids of the living processes whose real uid is ``uid`` (from ``/proc``)."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError, StopIteration):
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
    _as_uid(uid, lambda: os.kill(-1, signal.SIGKILL))
    return True


def _as_uid(uid: int, action) -> None:
    pid = os.fork()
    if pid == 0:
        try:
            _become(uid)
            action()
        except BaseException:
            pass
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


_KEYCTL = {"x86_64": 250, "aarch64": 219, "arm64": 219}
_KEYCTL_CLEAR, _KEYCTL_INVALIDATE = 7, 21
_KEY_SPEC_USER_KEYRING, _KEY_SPEC_USER_SESSION_KEYRING = -4, -5


def _drop_keys(uid: int) -> None:
    """(As ``uid``.) Invalidate every key it owns and empty its keyrings."""
    import platform

    number = _KEYCTL.get(platform.machine())
    if number is None:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    with contextlib.suppress(OSError):
        for line in Path("/proc/keys").read_text().splitlines():
            fields = line.split()
            if len(fields) > 5 and fields[5] == str(uid):
                libc.syscall(number, _KEYCTL_INVALIDATE, ctypes.c_long(int(fields[0], 16)))
    for ring in (_KEY_SPEC_USER_KEYRING, _KEY_SPEC_USER_SESSION_KEYRING):
        libc.syscall(number, _KEYCTL_CLEAR, ctypes.c_long(ring))


def _remove_ipc(uid: int) -> None:
    """(As root.) Remove the SysV shared memory, semaphores and message queues ``uid`` owns or made."""
    libc = ctypes.CDLL(None, use_errno=True)
    for kind, remove in (("shm", lambda i: libc.shmctl(i, 0, None)), ("sem", lambda i: libc.semctl(i, 0, 0)), ("msg", lambda i: libc.msgctl(i, 0, None))):
        with contextlib.suppress(OSError, ValueError, IndexError):
            lines = Path("/proc/sysvipc", kind).read_text().splitlines()
            head = lines[0].split()
            for line in lines[1:]:
                row = dict(zip(head, line.split()))
                if str(uid) in (row.get("uid"), row.get("cuid")):
                    remove(int(row["shmid" if kind == "shm" else "semid" if kind == "sem" else "msqid"]))


def _remove_files(uid: int, folder: str | int, depth: int = 0) -> None:
    """(As root, once none of ``uid``'s processes lives.) Remove what ``uid`` owns in ``folder``
    (a path, or a descriptor of a folder), and look into the folders there that anyone may write
    to. Works through descriptors opened without following links, so a link planted by anyone
    (another student, still running) leads nowhere."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW) if isinstance(folder, str) else folder
    except OSError:
        return
    try:
        for entry in list(os.scandir(fd)):
            with contextlib.suppress(OSError):
                info = os.stat(entry.name, dir_fd=fd, follow_symlinks=False)
                if info.st_uid == uid:
                    if stat.S_ISDIR(info.st_mode):
                        _remove_tree(fd, entry.name)
                    else:
                        os.unlink(entry.name, dir_fd=fd)
                elif stat.S_ISDIR(info.st_mode) and info.st_mode & 0o002 and depth < 6:
                    _remove_files(uid, os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd), depth + 1)
    finally:
        os.close(fd)


def _remove_tree(parent_fd: int, name: str) -> None:
    """Remove the folder ``name`` of ``parent_fd`` and all in it, through descriptors."""
    fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent_fd)
    try:
        for entry in list(os.scandir(fd)):
            with contextlib.suppress(OSError):
                if stat.S_ISDIR(os.stat(entry.name, dir_fd=fd, follow_symlinks=False).st_mode):
                    _remove_tree(fd, entry.name)
                else:
                    os.unlink(entry.name, dir_fd=fd)
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.rmdir(name, dir_fd=parent_fd)


def clean_uid(uid: int, files: bool = True) -> None:
    """Everything ``uid`` left: its processes, kernel keys, SysV IPC objects and, with ``files``,
    what it owns in the shared folders (``SHARED_FOLDERS``)."""
    def as_student():
        os.kill(-1, signal.SIGKILL)
        _drop_keys(uid)

    _as_uid(uid, as_student)
    sweep(uid)
    _remove_ipc(uid)
    if files:
        for folder in SHARED_FOLDERS:
            _remove_files(uid, folder)


def cpu_of(pid: int) -> float | None:
    """CPU seconds (user + system, and of its children that it waited for) of process ``pid``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _claim_uid():
    """A uid no other grading process holds now (a lock file per uid, kept while grading).

    A uid whose lock is free but which still runs processes is taken last: they are either left by
    a run that was itself killed (cleaned here) or a student of another grader that sees another
    ``/tmp`` (a container's, a private one), whose processes must not be killed while an idle uid
    is free."""
    folder = Path("/tmp", f"grader-uids-{UID_BASE}")  # not TMPDIR: every grading process must see the same locks
    folder.mkdir(mode=0o700, exist_ok=True)
    busy = _uids_with_processes()
    slots = range(UID_SLOTS - 1)  # (the last uid is left out: older graders probed with it)
    for slot in sorted(slots, key=lambda s: UID_BASE + s in busy):
        handle = open(folder / f"{slot}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        uid = UID_BASE + slot
        clean_uid(uid)  # anything left by a run that was itself killed
        return uid, handle
    raise SandboxUnavailable(f"all {UID_SLOTS - 1} student uids are in use")


def _uids_with_processes() -> set[int]:
    """The real uids of the processes this grader can see."""
    uids = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{entry.name}/status", "rb") as f:
                    uids.add(int(next(line for line in f if line.startswith(b"Uid:")).split()[1]))
    return uids


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
