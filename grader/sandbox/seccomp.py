"""The system-call filter every student process runs under, built by libseccomp.

libseccomp (``libseccomp.so.2``, the library Docker, Flatpak and systemd build their filters
with) compiles the rules below into a BPF program once per grading process (``program()``);
bubblewrap loads it with ``--seccomp FD`` (the ``namespaces`` level), and the child loads it
itself between fork and exec (``load``: ``PR_SET_NO_NEW_PRIVS``, then ``PR_SET_SECCOMP``) at the
``uid`` level. The grader calls six of libseccomp's functions through ctypes, as the
``pyseccomp`` binding does, rather than depend on a package for them (the bundle's platform
image has ``libseccomp2``: apt itself depends on it).

The filter allows everything but what student code never needs, and a refused call fails with
an error (``EPERM``, or ``ENOSYS`` where the C library must fall back), never a kill:

- ``keyctl``, ``add_key``, ``request_key``: the kernel keyring is shared by every process of a
  uid and outlives them (a channel between students);
- new namespaces (``unshare``, ``clone`` with any ``CLONE_NEW*`` flag, ``setns``), and
  ``clone3`` with ``ENOSYS`` (its flags sit in memory a filter cannot read; the C library then
  falls back to ``clone``): a user namespace would give the student every capability in it;
- ``mount``, ``umount2``, ``pivot_root``, ``chroot`` and the new mount API: the file system
  view is the grader's to set;
- ``ptrace``, ``process_vm_readv``/``writev``, ``kcmp``: other processes' memory;
- ``bpf``, ``perf_event_open``, ``userfaultfd``, ``io_uring_*``: large kernel attack surface;
- module, ``kexec``, ``reboot``, swap, clock, ``acct``, ``quotactl``, ``syslog`` calls;
- sockets of any family but ``AF_UNIX`` (no network, whatever the level), and with
  ``unix_sockets=False`` any new socket at all (without a network namespace of its own an
  abstract Unix socket reaches the host's services): ``socketpair`` stays;
- SysV IPC (``shmget``, ``semget``, ``msgget``) and POSIX message queues (``mq_open``) where the
  child has no IPC namespace of its own (they would outlive the student).

System calls of other architectures (32-bit ``int 0x80``) fail with ``ENOSYS``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from functools import lru_cache

_ALLOW = 0x7FFF0000
_ATTR_ACT_BADARCH = 2
_ATTR_CTL_NNP = 3
_CMP_NE, _CMP_MASKED_EQ = 1, 7
_AF_UNIX = 1
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
#: every CLONE_NEW* flag: NEWTIME, NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
NAMESPACE_FLAGS = (0x80, 0x20000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)

#: refused outright with EPERM
REFUSED = (
    "keyctl", "add_key", "request_key",
    "setns", "mount", "umount2", "pivot_root", "chroot",
    "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "syslog", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "lookup_dcookie", "open_by_handle_at", "name_to_handle_at", "personality", "vhangup", "uselib", "iopl", "ioperm",
)
#: refused where the child has no IPC namespace of its own
IPC = ("shmget", "semget", "msgget", "mq_open")


class FilterUnavailable(RuntimeError):
    """libseccomp cannot build the filter here."""


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _errno(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


@lru_cache(maxsize=1)
def _library():
    """libseccomp, with the prototypes used; ``FilterUnavailable`` where it is not installed."""
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError as exc:
        raise FilterUnavailable(f"libseccomp is not installed ({exc}; apt-get install libseccomp2)") from None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_attr_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(_ArgCmp)]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    return lib


def _rule(lib, ctx, action: int, name: str, *conditions: tuple[int, int, int, int]) -> None:
    number = lib.seccomp_syscall_resolve_name(name.encode())
    if number < 0:
        return  # unknown to this libseccomp, or not a call of this architecture: nothing to refuse
    array = (_ArgCmp * max(1, len(conditions)))(*[_ArgCmp(*c) for c in conditions])
    rc = lib.seccomp_rule_add_array(ctx, action, number, len(conditions), array)
    if rc < 0:
        raise FilterUnavailable(f"libseccomp refused the rule for {name}: {os.strerror(-rc)}")


@lru_cache(maxsize=None)
def program(unix_sockets: bool = True, ipc: bool = True) -> bytes:
    """The filter as a BPF program (``struct sock_filter`` records, 8 bytes each), as
    bubblewrap's ``--seccomp`` reads it. ``unix_sockets``: allow new ``AF_UNIX`` sockets (the
    child has a network namespace of its own); ``ipc``: allow SysV IPC and POSIX message queues
    (it has an IPC namespace of its own)."""
    eperm = _errno(errno.EPERM)
    rules = [(eperm, name) for name in REFUSED + (() if ipc else IPC)]
    rules.append((_errno(errno.ENOSYS), "clone3"))
    for flag in NAMESPACE_FLAGS:
        rules += [(eperm, "unshare", (0, _CMP_MASKED_EQ, flag, flag)), (eperm, "clone", (0, _CMP_MASKED_EQ, flag, flag))]
    if unix_sockets:
        rules.append((_errno(errno.EAFNOSUPPORT), "socket", (0, _CMP_NE, _AF_UNIX, 0)))
    else:
        rules.append((_errno(errno.EAFNOSUPPORT), "socket"))
    return compile_rules(rules)


def compile_rules(rules: list[tuple]) -> bytes:
    """A BPF program that allows every call but those of ``rules``: ``(action, name, *conditions)``
    with conditions ``(argument, comparison, a, b)`` that must all hold."""
    lib = _library()
    ctx = lib.seccomp_init(_ALLOW)
    if not ctx:
        raise FilterUnavailable("seccomp_init failed")
    try:
        lib.seccomp_attr_set(ctx, _ATTR_ACT_BADARCH, _errno(errno.ENOSYS))
        lib.seccomp_attr_set(ctx, _ATTR_CTL_NNP, 0)  # loaded by us or bubblewrap, which set it themselves
        for action, name, *conditions in rules:
            _rule(lib, ctx, action, name, *conditions)
        read_fd, write_fd = os.pipe()
        try:
            rc = lib.seccomp_export_bpf(ctx, write_fd)
            os.close(write_fd)
            write_fd = -1
            if rc < 0:
                raise FilterUnavailable(f"seccomp_export_bpf failed: {os.strerror(-rc)}")
            chunks = []
            while chunk := os.read(read_fd, 65536):
                chunks.append(chunk)
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
    finally:
        lib.seccomp_release(ctx)
    bpf = b"".join(chunks)
    if not bpf or len(bpf) % 8:
        raise FilterUnavailable("libseccomp exported an empty or malformed program")
    return bpf


def why_unavailable() -> str:
    """"" when the filter can be built here, else why not."""
    try:
        program()
        return ""
    except FilterUnavailable as exc:
        return str(exc)


def memfd(bpf: bytes) -> int:
    """A descriptor holding ``bpf`` from its start, for bubblewrap's ``--seccomp FD``."""
    fd = os.memfd_create("grader-seccomp", 0) if hasattr(os, "memfd_create") else _tmpfd()
    os.write(fd, bpf)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _tmpfd() -> int:
    import tempfile

    return os.dup(tempfile.TemporaryFile().fileno())


class Loader:
    """Loads a program into the calling process; built in the grader, called in the child
    between fork and exec (nothing is allocated there but the two ``prctl`` calls)."""

    def __init__(self, bpf: bytes):
        self._buffer = ctypes.create_string_buffer(bpf, len(bpf))
        self._prog = _SockFprog(len(bpf) // 8, ctypes.cast(self._buffer, ctypes.c_void_p))
        self._prctl = ctypes.CDLL(None, use_errno=True).prctl
        self._prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

    def load(self) -> None:
        """No new privileges, then the filter, for this process and every child it starts."""
        if self._prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if self._prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(self._prog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
