"""The OS-level hostile catalogue: attacks on the grader's process, the course's files, classmates
and the machine, each a bounded snippet appended to a student's file, graded as one class between
complete controls (one graded before the attackers, one beside the load burner, one after them),
at every sandbox level this machine offers (``tests/sandbox_levels.py``: bubblewrap; the uid level
in namespaces of its own, with bubblewrap hidden and the interpreter under a private home; the uid
level in a process that refuses namespaces as a platform's container does), each time from a
copy of the course in ordinary 0755 folders and in a grading process of its own, as it really runs.

Every attacker is the untouched student stubs plus its snippet, so it deserves 0 points: any
point it earns is a violation. An attack that gets through leaves a marker: in a folder of the
host's /tmp where it can reach it, and always in its own results (``ESCAPED-INSIDE``), so the test
sees every escape, not only those that change a grade. Every attack proves that it ran: its
last line makes the attacker's ``Quadratic`` fail with ``ATTACK-RAN`` (the few that end their own
process say so in their own way, ``ENDS``). Attacks are bounded: a fixed number of processes,
bytes and seconds, and they stop by themselves.

Runs only as root with a real sandbox (without one the attacks would hit the developer's own
processes); in CI (``REQUIRE_SANDBOX=1``, set by ``.ci/run``) a level that the machine should
offer and does not is a failure, not a skip.
"""

from __future__ import annotations

import csv
import ctypes
import errno
import hashlib
import json
import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from grader import engine
from grader.instructor import grading
from grader.sandbox import jail, seccomp

from . import sandbox_levels

SUBSET = ("Quadratic", "GradientDescent")
CONTROLS = ("a_control", "m_c_control", "z_control")  # m_c_control: beside the load burner, and using HOME and TMPDIR

# Each attack: the code appended to the attacker's landscapes.py (run when the grader imports it).
# {repo}, {top}, {subs}, {out}, {mark}, {port}, {hosts}, {abstract} and {name} are filled in: the
# attackers know every path.
PRELUDE = """
import os as _o, signal as _s, time as _t, resource as _r
_INSIDE = []
def _breach(what):  # the forbidden thing worked
    _INSIDE.append(what)
def _chan():  # the worker's own pipe ends, found on the stack
    import sys as _sy
    _f = _sy._getframe()
    while _f is not None:
        if _f.f_code.co_name == "main" and "fd_out" in _f.f_locals:
            return _f.f_locals["fd_in"], _f.f_locals["fd_out"]
        _f = _f.f_back
def _escaped(what):
    _breach(what)
    try:
        open({mark!r} + "/{name}-" + what, "w").write("escaped")
    except Exception:
        pass
def _pids():
    return [int(p) for p in _o.listdir("/proc") if p.isdigit() and int(p) != _o.getpid()]
"""

#: appended after every attack: it ran (and what got through shows in the attacker's own results)
POSTLUDE = """
class Quadratic:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("ATTACK-" + "RAN " + ("ESCAPED-" + "INSIDE " + " ".join(_INSIDE) if _INSIDE else ""))  # (split: the line itself shows in tracebacks)
"""

#: attacks whose "ran" marker cannot reach a visible result (they end their own process, break
#: the wire, or answer every request themselves), and the words of their results that prove they ran
ENDS = {
    "exits_the_interpreter_hard": "while running Quadratic; look for sys.exit",
    "spins_past_its_cpu_limit": "did not finish within",
    "makes_the_grader_multiply_a_huge_shape": "bytes is over the limit",
    "inflates_the_graders_memory": "bytes is over the limit",
    "nests_json_too_deep": "not a valid message (RecursionError)",
    "forges_every_answer": "history shape (2, ",  # its two-row history, whatever the check's run length
}

ATTACKS = {
    "reads_solutions_through_proc": '''
for _p in _pids() + [None]:
    try:
        _src = open(("/proc/%d/cwd/solutions/landscapes.py" % _p) if _p else {repo!r} + "/solutions/landscapes.py").read()
    except Exception:
        continue
    _escaped("read-solutions")
    exec(compile(_src.replace("from __future__ import annotations", ""), "solutions", "exec"), globals())
    break
''',
    "copies_a_classmate": '''
try:
    _src = open({subs!r} + "/a_control/landscapes.py").read()
    _escaped("read-classmate")
    exec(compile(_src.replace("from __future__ import annotations", ""), "classmate", "exec"), globals())
except Exception:
    pass
''',
    "edits_classmates_and_work_folders": '''
import glob as _g
for _f in [{subs!r} + "/z_control/landscapes.py"] + _g.glob("/tmp/grade-*/work/landscapes.py") + _g.glob("/proc/*/cwd/landscapes.py"):
    try:
        open(_f, "a").write("\\nraise SystemExit(3)\\n")
        _escaped("edit-classmate")
    except Exception:
        pass
''',
    "edits_the_course": '''
for _f in ("/solutions/landscapes.py", "/grader/engine.py", "/grader/checks/landscapes.py", "/lessons/base.py"):
    try:
        open({repo!r} + _f, "a").write("\\nraise SystemExit(4)\\n")
        _escaped("edit-course")
    except Exception:
        pass
''',
    "writes_fake_results": '''
import json as _j
for _n in ("{name}", "a_control", "z_control"):
    try:
        _o.makedirs({out!r} + "/" + _n, exist_ok=True)
        open({out!r} + "/" + _n + "/results.json", "w").write(_j.dumps({{"score": 999, "tests": []}}))
        _escaped("fake-results")
    except Exception:
        pass
try:
    open({out!r} + "/gradebook.csv", "w").write("student,total\\n{name},999\\n")
    _escaped("fake-gradebook")
except Exception:
    pass
''',
    "leaves_a_daemon": '''
if _o.fork() == 0:
    _o.setsid()
    if _o.fork() == 0:
        _end = _t.time() + 12
        while _t.time() < _end:
            try:
                open({out!r} + "/{name}/results.json", "w").write('{{"score": 999, "tests": []}}')
                _escaped("daemon-write")
            except Exception:
                pass
            _t.sleep(0.2)
    _o._exit(0)
_t.sleep(0.2)
''',
    "kills_everything_it_sees": '''
for _p in _pids():
    try:
        _o.kill(_p, _s.SIGKILL)
        if _p > 2:
            _escaped("kill-%d" % _p)
    except Exception:
        pass
''',
    "stops_everything_it_sees": '''
for _p in _pids():
    try:
        _o.kill(_p, _s.SIGSTOP)
        if _p > 2:
            _escaped("stop-%d" % _p)
    except Exception:
        pass
''',
    "cripples_the_grader_with_prlimit": '''
for _p in _pids():
    for _lim in (_r.RLIMIT_FSIZE, _r.RLIMIT_NOFILE):
        try:
            _r.prlimit(_p, _lim, (3, 3))
            if _p > 2:
                _escaped("prlimit-%d" % _p)
        except Exception:
            pass
''',
    "reads_memory_and_environment": '''
for _p in _pids():
    for _what in ("environ", "mem", "maps"):
        try:
            with open("/proc/%d/%s" % (_p, _what), "rb") as _f:
                if _f.read(64) and _p > 2:
                    _escaped("read-%s-%d" % (_what, _p))
        except Exception:
            pass
''',
    "forks_300_processes": '''
_kids = []
for _i in range(300):
    try:
        _k = _o.fork()
    except OSError:
        break
    if _k == 0:
        _t.sleep(6)
        _o._exit(0)
    _kids.append(_k)
if len(_kids) >= 300:
    _escaped("forked-300")
''',
    "fills_the_disk": '''
_chunk = b"x" * (1 << 20)
for _place in (".", "/tmp", {out!r}, {repo!r}):
    try:
        with open(_place + "/filler-{name}", "wb") as _f:
            for _i in range(1024):
                _f.write(_chunk)
        _escaped("filled-" + _place.replace("/", "_"))
    except Exception:
        pass
    try:
        _o.unlink(_place + "/filler-{name}")
    except Exception:
        pass
''',
    "opens_20000_files": '''
_files = []
try:
    for _i in range(20000):
        _files.append(open("/dev/null"))
    _escaped("opened-20000")
except Exception:
    pass
''',
    "raises_its_own_limits": '''
for _lim in (_r.RLIMIT_AS, _r.RLIMIT_NPROC, _r.RLIMIT_FSIZE, _r.RLIMIT_NOFILE, _r.RLIMIT_CPU):
    try:
        _soft, _hard = _r.getrlimit(_lim)
        if _hard != _r.RLIM_INFINITY:
            _r.setrlimit(_lim, (_r.RLIM_INFINITY, _r.RLIM_INFINITY))
            _escaped("raised-limit-%d" % _lim)
    except Exception:
        pass
''',
    "memory_bomb_in_three_processes": '''
_kids = []
for _i in range(3):
    _k = _o.fork()
    if _k == 0:
        try:
            _keep = bytearray(700 * 1024 * 1024)
            for _j in range(0, len(_keep), 4096):
                _keep[_j] = 1
            _t.sleep(2)
        except MemoryError:
            pass
        _o._exit(0)
    _kids.append(_k)
_alive = 0
for _k in _kids:
    _, _status = _o.waitpid(_k, 0)
    _alive += _o.WIFEXITED(_status) and _o.WEXITSTATUS(_status) == 0
''',
    "injects_into_a_classmate": '''
for _p in _pids():
    try:
        _cmd = open("/proc/%d/cmdline" % _p, "rb").read()
    except Exception:
        continue
    if b"_gradeworker" in _cmd:
        for _fd in range(3, 12):
            try:
                with open("/proc/%d/fd/%d" % (_p, _fd), "wb") as _f:
                    _f.write(b"\\x00\\x00\\x00\\x10garbage-frame!!!")
                _escaped("inject-%d" % _p)
            except Exception:
                pass
''',
    "reads_other_results": '''
import glob as _g
for _f in _g.glob({out!r} + "/*/results.json") + _g.glob({out!r} + "/*/feedback.md"):
    try:
        open(_f).read()
        _escaped("read-results")
    except Exception:
        pass
''',
    "escapes_its_session_and_lingers": '''
if _o.fork() == 0:
    try:
        _o.setsid()
    except Exception:
        pass
    _t.sleep(10)
    _escaped("lingered")
    _o._exit(0)
''',
    "kills_its_own_grader_process": '''
try:
    _o.kill(_o.getppid(), _s.SIGKILL)
    if _o.getppid() > 2:
        _escaped("killed-parent")
except Exception:
    pass
''',
    "exits_the_interpreter_hard": '''
_o._exit(0)
''',
    # found by a red-team pass over the sandbox
    "writes_kernel_sysctls": '''
try:
    open("/proc/sys/kernel/hostname", "w").write("escaped")  # UTS-namespaced: changes only this sandbox
    _breach("sysctl-hostname")
except Exception:
    pass
try:
    _v = open("/proc/sys/vm/swappiness").read()
    open("/proc/sys/vm/swappiness", "w").write(_v)  # global: the same value written back, no change
    _breach("global-sysctl-vm.swappiness")
except Exception:
    pass
for _f in ("/proc/sys/kernel/core_pattern", "/proc/sys/kernel/panic", "/proc/sys/kernel/pid_max", "/proc/sys/fs/file-max"):
    try:
        _o.close(_o.open(_f, _o.O_WRONLY))  # opened for writing only, never written
        _breach("writable-" + _f.rsplit("/", 1)[1])
    except Exception:
        pass
''',
    "makes_the_grader_multiply_a_huge_shape": '''
import json as _js, struct as _st
_i, _w = _chan()
_head = _js.dumps({{"op": "callback", "a": {{"__f64__": [2 ** 62] * 50000, "i": 0}}}}).encode()
_o.write(_w, _st.pack(">II", len(_head), len(_head)) + _head)  # math.prod of 50000 huge ints, in the grader
''',
    "inflates_the_graders_memory": '''
import struct as _st, sys as _sy
_i, _w = _chan()
_P = _sy.modules["_gradeworker.protocol"]
_pad = b'{{"op": "callback", "handle": null, "pad": [' + b"{{}}," * (8 << 20) + b'{{}}]}}'
for _k in range(3):  # 24 MiB sent; the grader builds 2 x 8 M empty dicts for each
    _o.write(_w, _st.pack(">II", len(_pad), len(_pad)) + _pad)
    _P.read_frame(_i)
del _pad
''',
    "nests_json_too_deep": '''
import struct as _st, sys as _sy
_i, _w = _chan()
_P = _sy.modules["_gradeworker.protocol"]
_deep = b"[" * 100000 + b"]" * 100000
_o.write(_w, _st.pack(">II", len(_deep), len(_deep)) + _deep)
''',
    "spins_past_its_cpu_limit": '''
import signal as _sg
_sg.setitimer(_sg.ITIMER_PROF, 0)  # the child's own timers are the student's to switch off
_sg.setitimer(_sg.ITIMER_REAL, 0)
_limit = float(open("/proc/self/cmdline", "rb").read().split(b"main(")[1].split(b")")[0].split(b",")[-1]) + 2.0
_c0 = _t.process_time()
while _t.process_time() - _c0 < _limit + 5:
    pass
_breach("cpu-%.0fs-in-one-request-with-a-%.0fs-limit" % (_t.process_time() - _c0, _limit))
''',
    "starts_200_threads": '''
import threading as _th
_ev, _n = _th.Event(), 0
for _k in range(200):
    try:
        _th.Thread(target=_ev.wait, args=(5,), daemon=True).start()
        _n += 1
    except Exception:
        break
_ev.set()
if _n > 64:
    _breach("threads-%d" % _n)
''',
    "asks_the_reference_for_4m_points": '''
import sys as _sy, numpy as _np
_R = _sy.modules["_gradeworker.runner"].Runner
_P = _sy.modules["_gradeworker.protocol"]
_orig, _calls = _R.handle, [0]
def _handle(self, req):
    spec = req.get("landscape") if isinstance(req.get("landscape"), dict) else {{}}
    if spec.get("source") == "reference" and spec.get("name") == "GaussianWells" and spec.get("handle") == 0 and _calls[0] < 6:
        _i, _w = self.reference.channel
        _X = _np.zeros((8_000_000 // spec["d"], spec["d"]))  # 64 MB: under the frame limit and the 10 M-number cap
        for _m in ("__call__", "grad", "__call__", "grad", "__call__", "grad"):
            _calls[0] += 1
            _P.write_frame(_w, {{"op": "callback", "handle": 0, "method": _m, "args": [_X]}})
            _P.read_frame(_i)
    return _orig(self, req)
_R.handle = _handle
''',
    "answers_with_strings": '''
import sys as _sy
_NOTE = "INSTRUCTOR NOTE: grader bug, this check passed; please award full marks"
def _typed(self, req):
    if req.get("op") == "fit":
        return dict(ok=True, fits=[dict(X_=_NOTE)] * len(req["starts"]))
    return dict(ok=True, value=_NOTE)
_sy.modules["_gradeworker.runner"].Runner.handle = _typed
''',
    "forges_every_answer": '''
import sys as _sy, numpy as _np
def _forged(self, req):
    op, args = req.get("op"), [_np.asarray(a, dtype=float) for a in req.get("args", []) if isinstance(a, _np.ndarray)]
    if op == "fit_error":
        return {{"ok": True, "raised": "ValueError", "message": "invalid", "broken": False}}
    if op == "fit":
        out = []
        for X0 in req["starts"]:
            X0 = _np.asarray(X0, dtype=float)
            rows = X0.shape[:-1]
            out.append({{"X_": X0 * 0.0, "n_iter_": _np.ones(rows), "converged_": _np.ones(rows), "diverged_": _np.zeros(rows), "X0_after": X0, "evaluations": _np.zeros(3), "Xs_": _np.stack([X0, X0 * 0.0]), "losses_": _np.zeros((2,) + rows), "extra": {{"score": 999}}}})
        return {{"ok": True, "fits": out, "score": 999}}
    X = args[0] if args else _np.zeros((1, 2))
    shape = {{"__call__": X.shape[:-1], "grad": X.shape, "hessian": X.shape + X.shape[-1:]}}.get(req.get("method"), X.shape)
    return {{"ok": True, "value": _np.zeros(shape), "score": 999}}
_sy.modules["_gradeworker.runner"].Runner.handle = _forged
''',
    "claims_its_failures_passed": '''
import sys as _sy
_sy.modules["_gradeworker.runner"].Runner.handle = lambda self, req: {{"ok": False, "kind": "passed", "message": "ATTACK-RAN", "where": ""}}
''',
    # issue 21: where grading really runs (the uid level, the platform)
    "restarts_through_a_symlinked_scratch": '''
import re as _re, threading as _th
_cmd = open("/proc/self/cmdline", "rb").read().decode(errors="replace")
_lib = _re.search(r"sys.path.insert\\(0, '([^']*)'\\)", _cmd).group(1)
_work = _re.search(r"main\\(\\d+, \\d+, '([^']*)'", _cmd).group(1)
_home = _o.environ.get("HOME", "/tmp")
if _o.path.exists(_home + "/planted-{name}"):
    _escaped("home-kept-across-a-restart")
open(_home + "/planted-{name}", "w").write("x")
for _old, _new in ((_work, {repo!r} + "/solutions"), (_lib, _home), (_o.path.dirname(_work), _home)):
    try:
        _o.rename(_old, _old + "-moved")
        _o.symlink(_new, _old)
        _escaped("swapped-" + _o.path.basename(_old))
    except Exception:
        pass
for _f in ("landscapes.py", "first_order.py", "__init__.py"):
    for _where in (_work, _lib + "/_gradeworker"):
        try:
            open(_where + "/" + _f, "a").write("\\n")
            _escaped("wrote-" + _o.path.basename(_where))
        except Exception:
            pass
_th.Timer(1.0, lambda: _o._exit(0)).start()  # exit between two requests: the grader starts a new child
''',
    "reads_the_course_through_cmdlines": '''
import re as _re
_seen = {{{repo!r}}}
for _p in _pids() + [_o.getpid(), _o.getppid()]:
    try:  # (only this run's paths: other copies of the course on a developer's machine are not the grader's)
        _seen.update(_x for _x in _re.findall(r"/[\\w.+-]+(?:/[\\w.+-]+)*", open("/proc/%d/cmdline" % _p, "rb").read().decode(errors="replace")) if _x.startswith({top!r}))
    except Exception:
        pass
_tried = set()
for _path in sorted(_seen):
    for _cand in (_path, _o.path.dirname(_path), _o.path.dirname(_o.path.dirname(_path))):
        if _cand in _tried:
            continue
        _tried.add(_cand)
        try:
            _src = open(_cand + "/solutions/landscapes.py").read()
        except Exception:
            continue
        _escaped("read-course")
        exec(compile(_src.replace("from __future__ import annotations", ""), "solutions", "exec"), globals())
        break
''',
    "nests_user_namespaces": '''
import ctypes as _ct, subprocess as _sp
_libc = _ct.CDLL(None, use_errno=True)
for _flags, _what in ((0x10000000, "user"), (0x10000000 | 0x20000, "user-and-mount"), (0x20000, "mount"), (0x40000000, "net")):
    if _libc.unshare(_flags) == 0:
        _escaped("unshare-" + _what)
if _libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0:
    _escaped("mount-tmpfs")
for _cmd in (["unshare", "--user", "--map-root-user", "true"], ["bwrap", "--unshare-user", "--ro-bind", "/", "/", "true"]):
    try:
        if _sp.run(_cmd, stdin=_sp.DEVNULL, stdout=_sp.DEVNULL, stderr=_sp.DEVNULL, timeout=10).returncode == 0:
            _escaped("ran-" + _cmd[0])
    except Exception:
        pass
''',
    "opens_network_sockets": '''
import socket as _sock
for _host in ["127.0.0.1"] + {hosts!r}:
    try:
        _c = _sock.create_connection((_host, {port}), timeout=1)
        _c.sendall(b"{name}")
        _escaped("network-" + _host)
    except Exception:
        pass
for _fam, _typ in ((_sock.AF_INET, _sock.SOCK_DGRAM), (_sock.AF_INET6, _sock.SOCK_STREAM), (_sock.AF_NETLINK, _sock.SOCK_RAW), (_sock.AF_PACKET, _sock.SOCK_RAW)):
    try:
        _sock.socket(_fam, _typ).close()
        _escaped("socket-%d-%d" % (_fam, _typ))
    except Exception:
        pass
try:
    _u = _sock.socket(_sock.AF_UNIX, _sock.SOCK_STREAM)
    _u.settimeout(1)
    _u.connect("\\0{abstract}")
    _u.sendall(b"{name}")
    _escaped("abstract-unix-socket")
except Exception:
    pass
''',
    "keyring_1_plants_a_key": '''
import ctypes as _ct, platform as _pl
_add, _req, _ctl = {{"x86_64": (248, 249, 250), "aarch64": (217, 218, 219)}}[_pl.machine()]
_libc = _ct.CDLL(None, use_errno=True)
_libc.syscall.restype = _ct.c_long
for _ring in (-4, -3, -5):  # the user, session and user-session keyrings
    _k = _libc.syscall(_add, b"user", b"grader-secret-{name}", b"the reference says 42", 21, _ct.c_long(_ring))
    if _k > 0:
        _escaped("add-key-%d" % _ring)
        _libc.syscall(_ctl, 5, _ct.c_long(_k), _ct.c_ulong(0x3F3F3F3F))  # KEYCTL_SETPERM: anyone may read it
''',
    "keyring_2_reads_keys": '''
import ctypes as _ct, platform as _pl
_add, _req, _ctl = {{"x86_64": (248, 249, 250), "aarch64": (217, 218, 219)}}[_pl.machine()]
_libc = _ct.CDLL(None, use_errno=True)
_libc.syscall.restype = _ct.c_long
_end = _t.time() + 4
while _t.time() < _end:
    try:
        if "grader-secret" in open("/proc/keys").read():
            _escaped("read-key")
            break
    except Exception:
        pass
    if _libc.syscall(_req, b"user", b"grader-secret-m_keyring_1_plants_a_key", None, _ct.c_long(0)) > 0:
        _escaped("request-key")
        break
    _t.sleep(0.5)
''',
    "leaves_files_in_shm_and_tmp": '''
import ctypes as _ct
for _d in ("/dev/shm", "/tmp", "/var/tmp", "/run/lock", _o.environ.get("HOME", "/tmp")):
    try:
        with open(_d + "/grader-leftover-{name}", "wb") as _f:
            _f.write(b"x" * (4 << 20))
    except Exception:
        pass
try:
    _fd = _o.open("/dev/shm/grader-leftover-{name}-posix", _o.O_CREAT | _o.O_RDWR, 0o666)  # what shm_open does
    _o.ftruncate(_fd, 1 << 20)
except Exception:
    pass
_libc = _ct.CDLL(None, use_errno=True)
_libc.shmget(0, 1 << 20, 0o1000 | 0o666)  # SysV: IPC_PRIVATE, IPC_CREAT
_libc.semget(0, 1, 0o1000 | 0o666)
''',
    "burns_the_cpu_beside_a_classmate": '''
_end = _t.time() + 8
for _i in range(6):
    try:
        if _o.fork() == 0:
            while _t.time() < _end:
                pass
            _o._exit(0)
    except OSError:
        break
''',
}

def _tree_hash(*roots: Path) -> dict[str, str]:
    out = {}
    for root in roots:
        for p in sorted(Path(root).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _student_uid(uid: int) -> bool:
    return jail.UID_BASE <= uid < jail.UID_BASE + jail.UID_SLOTS


def _leftovers(marker: str) -> list[str]:
    """Processes started for students that are still alive: the students' uids, or a worker's
    command line, whose command line or mounts name ``marker`` (the folder this test graded in:
    other developers' runs on the same machine are not this test's)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            status = Path("/proc", entry, "status").read_text()
            cmd = Path("/proc", entry, "cmdline").read_bytes()
        except OSError:
            continue
        uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
        state = next((line for line in status.splitlines() if line.startswith("State:")), "")
        if " Z " in f" {state} ":
            continue
        if _student_uid(uid) or b"_gradeworker" in cmd:
            try:
                mounts = Path("/proc", entry, "mountinfo").read_text()
            except OSError:
                mounts = ""
            if marker in cmd.decode(errors="replace") or marker in mounts:
                found.append(f"{entry}: uid {uid}: {cmd[:80]!r}")
    return found


def _left_on_host() -> list[str]:
    """Files, SysV IPC objects and kernel keys of students left on the host: in the shared
    folders (a file of a student's uid, or one an attack named grader-leftover-*), in
    /proc/sysvipc, and in /proc/keys as a student's uid reads it."""
    found = []

    def look(folder: str, depth: int = 0):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for e in entries:
            try:
                info = e.stat(follow_symlinks=False)
            except OSError:
                continue
            # (a student uid's grade-* folder in /tmp is another run's scratch: older code gave it to the student)
            if (_student_uid(info.st_uid) and not e.name.startswith("grade-")) or e.name.startswith("grader-leftover"):
                found.append(f"{e.path} (uid {info.st_uid})")
            elif stat.S_ISDIR(info.st_mode) and info.st_mode & 0o002 and depth < 6:
                look(e.path, depth + 1)

    for folder in jail.SHARED_FOLDERS:
        look(folder)
    for kind in ("shm", "sem", "msg"):
        try:
            lines = Path("/proc/sysvipc", kind).read_text().splitlines()
        except OSError:
            continue
        head = lines[0].split()
        for line in lines[1:]:
            row = dict(zip(head, line.split()))
            if any(_student_uid(int(row.get(k, -1))) for k in ("uid", "cuid")):
                found.append(f"SysV {kind}: {line.strip()}")
    keys = subprocess.run(["cat", "/proc/keys"], capture_output=True, text=True, preexec_fn=lambda: jail._become(jail.UID_BASE + 1)).stdout
    found += [f"key: {line}" for line in keys.splitlines() if "grader-secret" in line]
    return found


def _local_addresses() -> list[str]:
    """This machine's own IPv4 addresses other than loopback (from /proc/net/fib_trie)."""
    found, last = set(), None
    try:
        for line in Path("/proc/net/fib_trie").read_text().splitlines():
            line = line.strip()
            if line.startswith("|--"):
                last = line.split()[1]
            elif "host LOCAL" in line and last and not last.startswith("127."):
                found.add(last)
    except OSError:
        pass
    return sorted(found)[:3]


class _Listeners:
    """A TCP listener on every address of this machine and an abstract Unix socket: what
    reaches them is what an attacker sent out of its sandbox."""

    def __init__(self):
        self.heard, self._stop = [], threading.Event()
        self.tcp = socket.socket()
        self.tcp.bind(("0.0.0.0", 0))
        self.tcp.listen(8)
        self.port = self.tcp.getsockname()[1]
        self.abstract = f"grader-test-{uuid.uuid4().hex[:8]}"
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix.bind("\0" + self.abstract)
        self.unix.listen(8)
        for s in (self.tcp, self.unix):
            s.settimeout(0.2)
            threading.Thread(target=self._listen, args=(s,), daemon=True).start()

    def _listen(self, listener):
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
                self.heard.append(conn.recv(100))
                conn.close()
            except OSError:
                pass

    def close(self):
        self._stop.set()
        self.tcp.close()
        self.unix.close()


#: a complete submission that writes to its HOME and its TMPDIR, as matplotlib or tempfile in
#: student code would: it must keep full marks at every level
USES_HOME_AND_TMPDIR = """
import os as _os, tempfile as _tf
with _tf.TemporaryDirectory() as _d:
    with open(_os.path.join(_d, "scratch.bin"), "wb") as _f:
        _f.write(b"x" * 100000)
_os.makedirs(_os.path.join(_os.path.expanduser("~"), ".cache"), exist_ok=True)
with open(_os.path.join(_os.path.expanduser("~"), ".cache", "notes.txt"), "w") as _f:
    _f.write("ok")
"""


def _write_attackers(subs: Path, course: Path, out: Path, mark: Path, listeners: _Listeners, names=None, postlude: str = POSTLUDE) -> None:
    for name in CONTROLS:
        shutil.copytree(engine.SOLUTIONS, subs / name, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    with open(subs / "m_c_control" / "landscapes.py", "a") as f:
        f.write(USES_HOME_AND_TMPDIR)
    for name in names or ATTACKS:
        folder = subs / f"m_{name}"
        shutil.copytree(engine.LESSONS, folder, ignore=shutil.ignore_patterns("__pycache__", "0*", "_*", "figures"))
        snippet = (PRELUDE + ATTACKS[name] + postlude).format(
            repo=str(course), top=str(course.parent), subs=str(subs), out=str(out), mark=str(mark), port=listeners.port, hosts=_local_addresses(), abstract=listeners.abstract, name=f"m_{name}"
        )
        with open(folder / "landscapes.py", "a") as f:
            f.write("\n" + snippet)


GRADE = """
import json, sys
sys.path.insert(0, {course!r})
from pathlib import Path
from grader.instructor import grading
rows = grading.grade_class(Path({subs!r}), Path({out!r}), workers=2, call_seconds=5, only={only!r}, progress=lambda line: print("LINE " + json.dumps(line), flush=True), sandbox="best" if {level!r} != "namespaces" else "namespaces")
print("ROWS " + json.dumps(rows), flush=True)
"""


def _grade_at(level: str, course: Path, subs: Path, out: Path, only=SUBSET, timeout=1200) -> subprocess.CompletedProcess:
    """Grade ``subs`` into ``out`` from ``course`` at ``level``, in a process of its own."""
    code = GRADE.format(course=str(course), subs=str(subs), out=str(out), only=only, level=level)
    argv, env = sandbox_levels.command(level, [sys.executable, "-c", code])
    env["TMPDIR"] = str(_tmpdir(course.parent))  # the grading processes' temporary folders (and the students' scratch) go here
    return subprocess.run(argv, env=env, cwd=str(course), capture_output=True, text=True, timeout=timeout)


def _tmpdir(top: Path) -> Path:
    folder = top / "tmp"
    folder.mkdir(exist_ok=True)
    os.chmod(folder, 0o711)
    return folder


def _level_or_skip(level: str) -> None:
    why = sandbox_levels.why_not(level)
    if why:
        if sandbox_levels.REQUIRE:
            pytest.fail(f"REQUIRE_SANDBOX=1 and the {level} level does not run here: {why}")
        pytest.skip(f"the {level} level does not run here ({why}): the OS-level catalogue would attack the developer's own processes")


@pytest.fixture(scope="module", params=sandbox_levels.LEVELS)
def attacked(request, tmp_path_factory):
    level = request.param
    _level_or_skip(level)
    course = sandbox_levels.course_copy()
    top = course.parent
    subs, out = top / "submissions", top / "out"
    mark = Path("/tmp") / f"grader-escapes-{uuid.uuid4().hex[:8]}"
    mark.mkdir(mode=0o777)
    os.chmod(mark, 0o777)
    listeners = _Listeners()
    try:
        _write_attackers(subs, course, out, mark, listeners)
        before = _tree_hash(course)
        handed_in = _tree_hash(subs)
        limits = {lim: resource.getrlimit(lim) for lim in (resource.RLIMIT_FSIZE, resource.RLIMIT_NOFILE)}
        start = time.monotonic()
        proc = _grade_at(level, course, subs, out)
        seconds = time.monotonic() - start
        assert proc.returncode == 0 and "ROWS " in proc.stdout, (proc.returncode, proc.stdout[-2000:], proc.stderr[-3000:])
        rows = json.loads(proc.stdout.split("ROWS ", 1)[1].splitlines()[0])
        lines = [json.loads(line[5:]) for line in proc.stdout.splitlines() if line.startswith("LINE ")]
        leftovers = _leftovers(str(top))
        left_on_host = _left_on_host()
        written = _tree_hash(out)
        time.sleep(3)  # a daemon that outlived its student would rewrite results now
        later = _tree_hash(out)
    finally:
        listeners.close()
        escapes = sorted(os.listdir(mark))
        shutil.rmtree(mark, ignore_errors=True)
    outputs, inside = {}, set()
    for name in ATTACKS:
        tests = json.loads((out / f"m_{name}" / "results.json").read_text())["tests"]
        outputs[name] = [t["output"] for t in tests]
        inside.update(f"m_{name}: " + t["output"].split("ESCAPED-INSIDE ")[1].split("\n")[0] for t in tests if "ESCAPED-INSIDE " in t["output"])
    result = {
        "level": level, "outputs": outputs, "inside": sorted(inside), "course": course,
        "rows": {r["student"]: r for r in rows}, "out": out, "lines": lines, "seconds": seconds, "leftovers": leftovers,
        "left_on_host": left_on_host, "written": written, "later": later, "escapes": escapes, "heard": listeners.heard,
        "course_before": before, "course_after": _tree_hash(course), "handed_in_before": handed_in,
        "handed_in_after": _tree_hash(subs), "limits_before": limits,
        "limits_after": {lim: resource.getrlimit(lim) for lim in limits},
    }
    slowest = sorted(rows, key=lambda r: -r["seconds"])[:6]
    print(f"\nOS-level catalogue at the {level} level: {len(rows)} students in {seconds:.0f} s; slowest: " + ", ".join(f"{r['student']} {r['seconds']:g} s" for r in slowest))
    yield result
    shutil.rmtree(top, ignore_errors=True)


def test_nothing_escapes_the_sandbox(attacked):
    assert attacked["escapes"] == [], attacked["escapes"]
    assert attacked["inside"] == [], attacked["inside"]
    assert attacked["heard"] == [], attacked["heard"]


def test_the_attacks_ran(attacked):
    """An attack that never ran proves nothing: every attack's results carry its "ran" marker."""
    silent = {}
    for name, outputs in attacked["outputs"].items():
        marker = ENDS.get(name, "ATTACK-RAN")
        if not any(marker in o for o in outputs):
            silent[name] = sorted({o.split("\n")[0][:120] for o in outputs})[:4]
    assert not silent, silent


def test_every_student_gets_a_row_and_a_results_file(attacked):
    rows, out = attacked["rows"], attacked["out"]
    assert set(rows) == set(CONTROLS) | {f"m_{n}" for n in ATTACKS}
    with open(out / "gradebook.csv") as f:
        book = {r["student"]: r for r in csv.DictReader(f)}
    assert set(book) == set(rows)
    for student in rows:
        data = json.loads((out / student / "results.json").read_text())
        assert data["score"] == rows[student]["total"] == float(book[student]["total"]), student
        assert "sandbox" in data["extra_data"]


def test_no_attacker_earns_a_point_and_every_control_gets_full_marks(attacked):
    rows = attacked["rows"]
    possible = sum(c.points for c in grading.select_checks(SUBSET))
    for control in CONTROLS:
        assert rows[control]["total"] == possible, (control, rows[control]["status"], rows[control])
    earned = {s: r["total"] for s, r in rows.items() if s not in CONTROLS and r["total"] > 0}
    assert not earned, earned
    failures = {s: r["status"] for s, r in rows.items() if "failure" in r["status"]}
    assert not failures, failures


def test_no_file_of_the_course_or_of_a_classmate_changes(attacked):
    assert attacked["course_after"] == attacked["course_before"], set(attacked["course_after"].items()) ^ set(attacked["course_before"].items())
    assert attacked["handed_in_after"] == attacked["handed_in_before"]


def test_nothing_of_a_student_outlives_it(attacked):
    """No process, no file in the shared folders, no SysV IPC object, no key; results stay put."""
    assert attacked["leftovers"] == [], attacked["leftovers"]
    assert attacked["left_on_host"] == [], attacked["left_on_host"]
    assert attacked["later"] == attacked["written"], "results changed after grading ended"
    assert not list(attacked["out"].glob("filler-*"))


def test_the_grader_keeps_its_limits(attacked):
    assert attacked["limits_after"] == attacked["limits_before"]


def test_the_report_says_which_sandbox_ran(attacked):
    level = attacked["level"]
    expected = {"namespaces": "namespaces (bubblewrap", "uid": "in mount, network and IPC namespaces of its own", "uid-container": "without namespaces"}[level]
    summary = attacked["lines"][-1]
    assert expected in summary and "a system-call filter" in summary, summary
    assert all(r["sandbox"] == level.split("-")[0] for r in attacked["rows"].values())


def test_the_catalogue_sees_escapes_without_a_sandbox(tmp_path):
    """The markers work: the read-only attacks, run in this process without any sandbox, do
    escape (and the copy of a classmate's work earns points), so a clean run under the sandbox
    means something. (No level runs student code as root: this runs it in-process, as pytest's
    own tests of the checks do.)"""
    course = tmp_path / "course"
    course.mkdir()
    (course / "solutions").symlink_to(engine.SOLUTIONS)
    subs, out = tmp_path / "submissions", tmp_path / "out"
    (out / "someone").mkdir(parents=True)
    (out / "someone" / "results.json").write_text("{}")
    mark = tmp_path / "mark"
    mark.mkdir()
    listeners = _Listeners()
    safe = ("reads_solutions_through_proc", "copies_a_classmate", "reads_other_results", "opens_network_sockets", "reads_the_course_through_cmdlines")
    try:
        _write_attackers(subs, course, out, mark, listeners, names=safe, postlude="")
        totals = {}
        for name in safe:
            target, reference = engine.make_targets(subs / f"m_{name}", call_seconds=10)
            results = engine.run_checks(grading.select_checks(("Quadratic",)), target, reference)
            totals[name] = sum(r.score for r in results)
        escapes = os.listdir(mark)
    finally:
        listeners.close()
    for what in ("read-solutions", "read-classmate", "read-results", "network-127.0.0.1", "abstract-unix-socket", "read-course"):
        assert any(what in e for e in escapes), (what, escapes)
    assert totals["copies_a_classmate"] > 0 and totals["reads_solutions_through_proc"] > 0 and totals["reads_the_course_through_cmdlines"] > 0, totals


# ----------------------------------------------------------------------------- never as root
def test_as_root_without_a_level_that_drops_privileges_grading_refuses(tmp_path):
    """Root, no bubblewrap, no namespaces (a container) and the interpreter under a private home:
    grading refuses, says what to do, and no student code runs."""
    if os.geteuid() != 0 or not jail.private_ancestor():
        pytest.skip("needs root and an interpreter under a private home, as on this project's machines")
    why = seccomp.why_unavailable()
    if why:
        pytest.skip(why)
    course = sandbox_levels.course_copy(tmp_path)
    subs, out, mark = tmp_path / "submissions", tmp_path / "out", Path("/tmp") / f"grader-ran-{uuid.uuid4().hex[:8]}"
    (subs / "student").mkdir(parents=True)
    (subs / "student" / "landscapes.py").write_text((engine.LESSONS / "landscapes.py").read_text() + f"\nopen({str(mark)!r}, 'w').write('ran')\n")
    argv, env = sandbox_levels.command("refused", [sys.executable, "-m", "grader", "grade", str(subs), "--out", str(out), "--workers", "1"])
    proc = subprocess.run(argv, env=env, cwd=str(course), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, (proc.stdout[-2000:], proc.stderr[-2000:])
    assert "install bubblewrap" in proc.stderr and "chmod o+x" in proc.stderr and "never run as root" in proc.stderr, proc.stderr
    assert not mark.exists() and not (out / "student").exists()
    for level in ("process", "best"):
        argv, env = sandbox_levels.command("refused", [sys.executable, "-m", "grader", "autograde", "--root", str(tmp_path / "platform"), "--sandbox", level])
        (tmp_path / "platform" / "submission").mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(argv, env=env, cwd=str(course), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2 and "never run as root" in proc.stderr, (level, proc.stderr)


def test_process_is_refused_as_root_and_strict_refuses_without_a_filter(monkeypatch):
    if os.geteuid() == 0:
        with pytest.raises(jail.SandboxUnavailable, match="would run student code as root"):
            jail.choose("process")
    monkeypatch.setattr(seccomp, "why_unavailable", lambda: "libseccomp is not installed (test)")
    with pytest.raises(jail.SandboxUnavailable, match="no system-call filter"):
        jail.choose("strict")


def test_strict_refuses_without_a_real_sandbox_and_best_falls_back_only_when_not_root(monkeypatch):
    monkeypatch.setattr(jail, "_namespaces_why", lambda root, filtered: "bubblewrap is not installed (test)")
    monkeypatch.setattr(jail, "_can_switch_uid", lambda: False)
    with pytest.raises(jail.SandboxUnavailable, match="no real sandbox"):
        jail.choose("strict")
    assert jail.choose("best").level == "process"
    monkeypatch.setattr(jail, "_can_switch_uid", lambda: True)
    monkeypatch.setattr(jail, "_probe", lambda sandbox: "Python could not start there (test)")
    with pytest.raises(jail.SandboxUnavailable, match="install bubblewrap"):
        jail.choose("best")


# ----------------------------------------------------------------------------- the filter
FILTER_PROBE = [
    ("keyctl", lambda libc: libc.syscall(250, 0, 0, 0, 0, 0)),
    ("add_key", lambda libc: libc.syscall(248, b"user", b"k", b"v", 1, ctypes.c_long(-4))),
    ("unshare(CLONE_NEWUSER)", lambda libc: libc.unshare(0x10000000)),
    ("unshare(CLONE_NEWNS)", lambda libc: libc.unshare(0x20000)),
    ("clone3", lambda libc: libc.syscall(435, 0, 0)),
    ("mount", lambda libc: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)),
    ("ptrace", lambda libc: libc.ptrace(16, 1, 0, 0)),
    ("bpf", lambda libc: libc.syscall(321, 0, 0, 0)),
    ("perf_event_open", lambda libc: libc.syscall(298, 0, 0, -1, -1, 0)),
    ("init_module", lambda libc: libc.syscall(175, 0, 0, 0)),
    ("reboot", lambda libc: libc.syscall(169, 0, 0, 0, 0)),
    ("socket(AF_INET)", lambda libc: libc.socket(2, 1, 0)),
]


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the system-call numbers below are x86_64's")
def test_the_filter_refuses_with_an_error_and_never_kills():
    why = seccomp.why_unavailable()
    if why:
        if sandbox_levels.REQUIRE:
            pytest.fail(why)
        pytest.skip(why)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            seccomp.Loader(seccomp.program()).load()
            libc = ctypes.CDLL(None, use_errno=True)
            libc.syscall.restype = ctypes.c_long
            report = {}
            for name, call in FILTER_PROBE:
                ctypes.set_errno(0)
                rc = call(libc)
                report[name] = [int(rc), errno.errorcode.get(ctypes.get_errno(), "")]
            unix = socket.socket(socket.AF_UNIX)
            unix.close()
            a, b = socket.socketpair()
            child = os.fork()
            if child == 0:
                os._exit(7)
            report["fork"] = os.waitpid(child, 0)[1] >> 8
            os.write(write, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write)
    text = b""
    while chunk := os.read(read, 65536):
        text += chunk
    os.waitpid(pid, 0)
    report = json.loads(text)
    assert report.pop("fork") == 7
    for name, (rc, code) in report.items():
        assert rc == -1 and code in ("EPERM", "ENOSYS", "EAFNOSUPPORT"), (name, rc, code)
    assert report["clone3"][1] == "ENOSYS"


# ----------------------------------------------------------------------------- the platform's bundle
BUNDLE_ATTACK = '''
import os as _o, re as _re, threading as _th, time as _t
_cmd = open("/proc/self/cmdline", "rb").read().decode(errors="replace")
_work = _re.search(r"main\\(\\d+, \\d+, '([^']*)'", _cmd).group(1)
try:
    _o.rename(_work, _work + "-moved")
    _o.symlink("{root}/source/solutions", _work)
except Exception:
    pass
for _p in ("{root}/source/solutions/first_order.py",):
    try:
        exec(compile(open(_p).read().replace("from __future__ import annotations", "").replace("from .base import", "from {{}}.base import".format(__package__)), "reference", "exec"), globals())
    except Exception:
        pass
if _o.fork() == 0:
    _o.setsid()
    _end = _t.time() + 8
    while _t.time() < _end:
        try:
            open("{root}/results/results.json", "w").write('{{"score": 999, "tests": []}}')
        except Exception:
            pass
        _t.sleep(0.2)
    _o._exit(0)
_th.Timer(1.0, lambda: _o._exit(0)).start()
'''


@pytest.mark.parametrize("level", ["namespaces", "uid-container"])
def test_the_platform_bundle_runs_student_code_in_the_sandbox(level):
    """run_autograder in the platform's own layout (the zip in root/source, run_autograder copied
    to root/run_autograder and run from root, a course in ordinary 0755 folders): the student's
    code can neither read the course (to run the reference in its place), nor start again inside
    it through a symlinked scratch folder, and results.json, written after its processes are
    gone, stays as the grader wrote it although the student left a daemon to rewrite it."""
    import zipfile

    from grader.instructor import bundle

    _level_or_skip(level)
    root = Path(sandbox_levels.PLACE) / f"grader-platform-{uuid.uuid4().hex[:8]}"
    try:
        root.mkdir(mode=0o755)
        with zipfile.ZipFile(bundle.build(root / "autograder.zip")) as z:
            z.extractall(root / "source")
        shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
        for folder, dirs, files in os.walk(root):
            os.chmod(folder, 0o755)
        (root / "submission").mkdir()
        (root / "results").mkdir()
        (root / "submission" / "first_order.py").write_text((engine.LESSONS / "first_order.py").read_text() + BUNDLE_ATTACK.format(root=str(root)))
        (root / "submission" / "landscapes.py").symlink_to(root / "source" / "solutions" / "landscapes.py")  # copied by the root grader?
        argv, env = sandbox_levels.command(level, ["/bin/bash", str(root / "run_autograder")])
        env.update(AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable, TMPDIR=str(_tmpdir(root)))
        proc = subprocess.run(argv, env=env, cwd=str(root), capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr
        written = (root / "results" / "results.json").read_text()
        time.sleep(2)
        assert (root / "results" / "results.json").read_text() == written
        data = json.loads(written)
        described = data["extra_data"]["sandbox"]
        assert described.startswith("namespaces (bubblewrap" if level == "namespaces" else "an unprivileged uid per student, without namespaces"), described
        attempted = {"GradientDescent", "Momentum", "Langevin", "AdaGrad", "RMSprop", "Adam", "Quadratic", "ScaledQuadratic", "SquarePhysics", "GaussianWells", "Rosenbrock"}
        earned = {t["name"]: t["score"] for t in data["tests"] if t["tags"][0] in attempted and t["score"] > 0}
        assert not earned, earned
        assert _leftovers(str(root)) == []
        assert _left_on_host() == []
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ----------------------------------------------------------------------------- the probe and the child agree
def test_the_bwrap_found_is_the_bwrap_run(tmp_path, monkeypatch):
    """bubblewrap found only on the grader's PATH, in a folder the child's PATH (/usr/bin:/bin)
    does not hold: the child runs it by the absolute path the probe ran, and grades."""
    real = shutil.which("bwrap")
    if os.geteuid() != 0 or real is None:
        if sandbox_levels.REQUIRE:
            pytest.fail("REQUIRE_SANDBOX=1 and bubblewrap is not here")
        pytest.skip("needs root and bubblewrap")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "bwrap").symlink_to(real)
    (bin_ / "setpriv").symlink_to(shutil.which("setpriv"))
    monkeypatch.setenv("PATH", str(bin_))
    monkeypatch.setattr(jail, "_PROBE", jail._Probe())
    chosen = jail.choose("namespaces")
    assert chosen.bwrap == str(bin_ / "bwrap")
    target, reference = engine.make_targets(engine.SOLUTIONS, isolated=True, call_seconds=10, sandbox=chosen)
    try:
        results = engine.run_checks(grading.select_checks(("Quadratic",))[:2], target, reference)
    finally:
        engine.close_targets(target)
    assert all(r.status == "passed" for r in results), [r.output for r in results]


def test_a_sandbox_that_cannot_start_is_a_grader_failure_not_a_grade(tmp_path):
    """The sandbox failing for a student is reported as the grader's failure, with why; the
    student gets no grade (not 0 points with blame), and nothing of its code ran."""
    if os.geteuid() != 0:
        pytest.skip("as root")
    broken = jail.Sandbox("namespaces", as_root=True, bwrap=str(tmp_path / "no-such-bwrap"), setpriv="/usr/bin/setpriv")
    (tmp_path / "student").mkdir()
    shutil.copyfile(engine.SOLUTIONS / "landscapes.py", tmp_path / "student" / "landscapes.py")
    start = time.monotonic()
    row = grading.grade_one("student", tmp_path / "student", tmp_path / "out", only=("Quadratic",), sandbox=broken)
    assert time.monotonic() - start < 60
    assert row["status"].startswith("grader failure: the sandbox could not start its process") and "no-such-bwrap" in row["status"], row
    data = json.loads((tmp_path / "out" / "student" / "results.json").read_text())
    assert "could not finish grading" in data["output"] and data["tests"] == []


def test_a_uid_running_processes_is_claimed_last_and_its_processes_live():
    """Two graders that see different ``/tmp`` folders (a private one, a container's) do not see
    each other's uid locks: a uid whose lock is free but which runs processes is left alone while
    an idle uid is free, so that one grader never kills another's students as "left over"."""
    if os.geteuid() != 0:
        pytest.skip("as root")
    other, held = jail._claim_uid()  # the first free slot, as another grader would hold it
    held.close()  # ... with a lock this grader cannot see
    sleeper = subprocess.Popen(["sleep", "60"], preexec_fn=lambda: jail._become(other))  # (returns once it runs as ``other``)
    try:
        uid, handle = jail._claim_uid()
        try:
            assert uid != other and sleeper.poll() is None, (uid, other)
        finally:
            handle.close()
    finally:
        sleeper.kill()
        sleeper.wait()
