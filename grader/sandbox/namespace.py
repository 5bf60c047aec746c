"""A private root for a student's process at the ``uid`` level, without bubblewrap.

Where the kernel lets the (root) grader make new namespaces, the child moves, between fork and
exec and before it drops to the student's uid, into new mount, network, IPC and UTS namespaces
and a root of its own (``pivot_root``), built as bubblewrap builds the ``namespaces`` level's:

- read-only: ``/usr`` and the few ``/etc`` files the loader reads, the Python installation and
  environment (wherever they live: their parent folders are made in the new root, so a Python
  under a private home such as ``/root/.pyenv`` is reachable and nothing else of that home is),
  the runner (``/sandbox/lib``) and the student's files (``/sandbox/work``);
- its own, size-capped and writable by the student alone: ``/tmp`` (its ``HOME`` and
  ``TMPDIR``) and ``/dev/shm``;
- ``/dev`` with ``null``, ``zero``, ``full``, ``random``, ``urandom``; ``/proc`` mounted with
  ``hidepid=2`` (no other uid's processes);
- nothing else: not the course, the grader, the submissions, the output folder or the host's
  ``/tmp``; no network but an unconfigured loopback; no SysV IPC or message queue of anyone else.

Everything it leaves in its ``/tmp`` and ``/dev/shm`` goes with the namespace when its last
process ends. ``Plan`` is computed in the grader; ``Plan.enter`` runs in the child and only
makes folders and system calls.
"""

from __future__ import annotations

import ctypes
import os
import platform
from dataclasses import dataclass, field

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET = 0x20000, 0x04000000, 0x08000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41, "ppc64le": 203, "s390x": 217, "riscv64": 41}
#: the few files of /etc that the dynamic loader and time functions read (as bubblewrap's level binds)
ETC = ("/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime")
DEVICES = ("null", "zero", "full", "random", "urandom")


@dataclass
class Plan:
    """How to build the child's root: ``mount_point`` (an empty host folder the new root is
    mounted on, private to the grader), read-only binds, and the student's ``uid`` (its /tmp
    and /dev/shm belong to it)."""

    mount_point: str
    python_paths: list[str]
    lib: str
    work: str
    uid: int
    tmp_bytes: int
    steps: list[tuple] = field(default_factory=list)

    def __post_init__(self):
        s = self.steps
        # /tmp first: the Python environment may itself live under /tmp (a CI's virtual
        # environment), and a later tmpfs would hide it (bubblewrap's level does the same)
        s.append(("tmpfs", "/tmp", f"size={self.tmp_bytes},mode=0700,uid={self.uid},gid={self.uid}"))
        s.append(("bind", "/usr", "/usr"))
        for top in ("/bin", "/lib", "/lib64", "/lib32", "/sbin"):
            if os.path.islink(top):
                s.append(("symlink", os.readlink(top), top))
            elif os.path.isdir(top):
                s.append(("bind", top, top))
        for path in ETC:
            if os.path.lexists(path):
                s.append(("bind", os.path.realpath(path) if os.path.islink(path) and os.path.isfile(path) else path, path))
        for path in self.python_paths:
            if not any(path == p or path.startswith(p.rstrip("/") + "/") for p in ("/usr", "/bin", "/lib", "/lib64", "/sbin")):
                s.append(("bind", path, path))
        s.append(("bind", self.lib, "/sandbox/lib"))
        s.append(("bind", self.work, "/sandbox/work"))
        s.append(("tmpfs", "/dev", "size=65536,mode=0755"))
        for name in DEVICES:
            s.append(("device", f"/dev/{name}", f"/dev/{name}"))
        for target, link in (("/proc/self/fd", "/dev/fd"), ("/proc/self/fd/0", "/dev/stdin"), ("/proc/self/fd/1", "/dev/stdout"), ("/proc/self/fd/2", "/dev/stderr")):
            s.append(("symlink", target, link))
        s.append(("tmpfs", "/dev/shm", f"size={self.tmp_bytes},mode=0700,uid={self.uid},gid={self.uid}"))
        s.append(("proc", "/proc"))

    # ------------------------------------------------------------------ in the child (root, before exec)
    def enter(self) -> None:
        """Unshare, build the root, pivot into it. Raises ``OSError`` naming the step that failed."""
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]

        def check(rc, what):
            if rc != 0:
                code = ctypes.get_errno()
                raise OSError(code, f"{what}: {os.strerror(code)}")

        def mount(source, target, fstype, flags, data=None):
            enc = lambda v: None if v is None else v.encode()
            check(libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {source} on {target}")

        check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
        mount("none", "/", None, MS_REC | MS_PRIVATE)
        root = self.mount_point
        mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1048576,mode=0755")
        for step in self.steps:
            path = root + step[2 if step[0] in ("bind", "device", "symlink") else 1]
            if step[0] == "symlink":
                _makedirs(os.path.dirname(path), 0o755)
                os.symlink(step[1], path)
            elif step[0] in ("bind", "device"):
                source = step[1]
                _makedirs(os.path.dirname(path), 0o755)
                if os.path.isdir(source):
                    _makedirs(path, 0o755)
                else:
                    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))
                mount(source, path, None, MS_BIND)
                flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (0 if step[0] == "device" else MS_RDONLY | MS_NODEV)
                mount(None, path, None, flags)
            elif step[0] == "tmpfs":
                _makedirs(path, 0o755)
                mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | (MS_NOEXEC if step[1] == "/dev" else 0), step[2])
            elif step[0] == "proc":
                _makedirs(path, 0o555)
                mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
        os.chdir(root)
        number = _PIVOT_ROOT.get(platform.machine())
        if number is None:
            raise OSError(0, f"pivot_root: unknown system call number on {platform.machine()}")
        check(libc.syscall(number, b".", b"."), "pivot_root")
        check(libc.umount2(b".", MNT_DETACH), "umount the old root")
        os.chdir("/")
        mount(None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _makedirs(path: str, mode: int) -> None:
    if os.path.isdir(path):
        return
    _makedirs(os.path.dirname(path), 0o755)
    os.mkdir(path)
    os.chmod(path, mode)
