"""The OS-level hostile catalogue: attacks on the grader's process, the course's files, classmates
and the machine, each a bounded snippet appended to a student's file, graded as one class with a
complete control graded before the attackers and another after them.

Every attacker is the untouched student stubs plus its snippet, so it deserves 0 points: any
point it earns is a violation. An attack that gets through where it should not leaves a marker
file in a folder of the host's /tmp that only an escaped process can reach (the sandbox's /tmp
is its own), so the test sees every escape, not only those that change a grade. Attacks are
bounded: a fixed number of processes, bytes and seconds, and they stop by themselves.

Runs only where a real sandbox is available (namespaces, or a uid of its own): without one the
attacks would hit the developer's own processes. CI runs as root with bubblewrap installed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import resource
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

from grader import engine
from grader.instructor import grading
from grader.sandbox import jail

SUBSET = ("Quadratic", "GradientDescent")

# Each attack: the code appended to the attacker's landscapes.py (run when the grader imports it).
# {repo}, {subs}, {out}, {mark}, {port} and {name} are filled in: the attackers know every path.
PRELUDE = '''
import os as _o, signal as _s, time as _t, resource as _r
_INSIDE = []
def _breach(what):  # the forbidden thing worked inside, where the host's marker folder is out of reach
    _INSIDE.append(what)
def _chan():  # the worker's own pipe ends, found on the stack
    import sys as _sy
    _f = _sy._getframe()
    while _f is not None:
        if _f.f_code.co_name == "main" and "fd_out" in _f.f_locals:
            return _f.f_locals["fd_in"], _f.f_locals["fd_out"]
        _f = _f.f_back
def _escaped(what):
    try:
        open({mark!r} + "/{name}-" + what, "w").write("escaped")
    except Exception:
        pass
def _pids():
    return [int(p) for p in _o.listdir("/proc") if p.isdigit() and int(p) != _o.getpid()]
'''

#: appended after every attack: what got through inside the sandbox shows in the attacker's own results
POSTLUDE = '''
if _INSIDE:
    class Quadratic:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("ESCAPED-INSIDE " + " ".join(_INSIDE))
'''

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
    "opens_network_sockets": '''
import socket as _sock
try:
    _c = _sock.create_connection(("127.0.0.1", {port}), timeout=1)
    _c.sendall(b"{name}")
    _escaped("network")
except Exception:
    pass
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
_sy.modules["_gradeworker.runner"].Runner.handle = lambda self, req: {{"ok": False, "kind": "passed", "message": "", "where": ""}}
''',
}


def _tree_hash(*roots: Path) -> dict[str, str]:
    out = {}
    for root in roots:
        for p in sorted(Path(root).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _leftovers() -> list[str]:
    """Processes started for students that are still alive: the students' uids, or a worker's command line."""
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
        if jail.UID_BASE <= uid < jail.UID_BASE + jail.UID_SLOTS or b"_gradeworker" in cmd:
            found.append(f"{entry}: uid {uid}: {cmd[:80]!r}")
    return found


@pytest.fixture(scope="module")
def sandbox():
    chosen = jail.choose("best")
    if chosen.level == "process":
        pytest.skip(f"no real sandbox on this machine ({chosen.note}): the OS-level catalogue would attack the developer's own processes")
    return chosen


@pytest.fixture(scope="module")
def attacked(sandbox, tmp_path_factory):
    root = tmp_path_factory.mktemp("attacked")
    subs, out = root / "submissions", root / "out"
    mark = Path("/tmp") / f"grader-escapes-{uuid.uuid4().hex[:8]}"
    mark.mkdir(mode=0o777)
    os.chmod(mark, 0o777)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    port, heard, stop = listener.getsockname()[1], [], threading.Event()

    def listen():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                heard.append(conn.recv(100))
                conn.close()
            except OSError:
                pass

    threading.Thread(target=listen, daemon=True).start()
    for name in ("a_control", "z_control"):
        shutil.copytree(engine.SOLUTIONS, subs / name, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    for name, code in ATTACKS.items():
        folder = subs / f"m_{name}"
        shutil.copytree(engine.LESSONS, folder, ignore=shutil.ignore_patterns("__pycache__", "0*", "_*", "figures"))
        snippet = (PRELUDE + code + POSTLUDE).format(repo=str(engine.REPO), subs=str(subs), out=str(out), mark=str(mark), port=port, name=f"m_{name}")
        with open(folder / "landscapes.py", "a") as f:
            f.write("\n" + snippet)
    course = _tree_hash(engine.SOLUTIONS, engine.REPO / "grader", engine.LESSONS)
    handed_in = _tree_hash(subs)
    limits = {lim: resource.getrlimit(lim) for lim in (resource.RLIMIT_FSIZE, resource.RLIMIT_NOFILE)}
    lines = []
    start = time.monotonic()
    rows = grading.grade_class(subs, out, workers=2, call_seconds=10, only=SUBSET, progress=lines.append, sandbox="best")
    seconds = time.monotonic() - start
    leftovers = _leftovers()
    written = _tree_hash(out)
    time.sleep(3)  # a daemon that outlived its student would rewrite results now
    later = _tree_hash(out)
    stop.set()
    listener.close()
    escapes = sorted(os.listdir(mark))
    shutil.rmtree(mark, ignore_errors=True)
    kinds, inside = {}, set()
    for name in ATTACKS:
        tests = json.loads((out / f"m_{name}" / "results.json").read_text())["tests"]
        kinds[name] = sorted({t["output"].split(":")[0][:40] for t in tests})
        inside.update(f"m_{name}: " + t["output"].split("ESCAPED-INSIDE ")[1].split("\n")[0] for t in tests if "ESCAPED-INSIDE " in t["output"])
    return {
        "kinds": kinds, "inside": sorted(inside),
        "rows": {r["student"]: r for r in rows}, "out": out, "lines": lines, "seconds": seconds, "leftovers": leftovers,
        "written": written, "later": later, "escapes": escapes, "heard": heard, "course_before": course,
        "course_after": _tree_hash(engine.SOLUTIONS, engine.REPO / "grader", engine.LESSONS), "handed_in_before": handed_in,
        "handed_in_after": _tree_hash(subs), "limits_before": limits,
        "limits_after": {lim: resource.getrlimit(lim) for lim in limits},
    }


def test_nothing_escapes_the_sandbox(attacked):
    assert attacked["escapes"] == [], attacked["escapes"]
    assert attacked["inside"] == [], attacked["inside"]
    assert attacked["heard"] == [], attacked["heard"]


def test_every_student_gets_a_row_and_a_results_file(attacked):
    rows, out = attacked["rows"], attacked["out"]
    assert set(rows) == {"a_control", "z_control"} | {f"m_{n}" for n in ATTACKS}
    with open(out / "gradebook.csv") as f:
        book = {r["student"]: r for r in csv.DictReader(f)}
    assert set(book) == set(rows)
    for student in rows:
        data = json.loads((out / student / "results.json").read_text())
        assert data["score"] == rows[student]["total"] == float(book[student]["total"]), student
        assert "sandbox" in data["extra_data"]


def test_no_attacker_earns_a_point_and_both_controls_get_full_marks(attacked):
    rows = attacked["rows"]
    possible = sum(c.points for c in grading.select_checks(SUBSET))
    for control in ("a_control", "z_control"):
        assert rows[control]["total"] == possible, (control, rows[control])
    earned = {s: r["total"] for s, r in rows.items() if s.startswith("m_") and r["total"] > 0}
    assert not earned, earned
    failures = {s: r["status"] for s, r in rows.items() if "failure" in r["status"]}
    assert not failures, failures


def test_no_file_of_the_course_or_of_a_classmate_changes(attacked):
    assert attacked["course_after"] == attacked["course_before"], set(attacked["course_after"].items()) ^ set(attacked["course_before"].items())
    assert attacked["handed_in_after"] == attacked["handed_in_before"]


def test_no_process_outlives_its_student_and_results_stay_put(attacked):
    assert attacked["leftovers"] == [], attacked["leftovers"]
    assert attacked["later"] == attacked["written"], "results changed after grading ended"
    assert not list(attacked["out"].glob("filler-*"))


def test_the_grader_keeps_its_limits(attacked):
    assert attacked["limits_after"] == attacked["limits_before"]


def test_the_report_says_which_sandbox_ran(attacked, sandbox):
    assert f"Sandbox: {sandbox.describe()}" in attacked["lines"][-1]
    assert all(r["sandbox"] == sandbox.level for r in attacked["rows"].values())


def test_strict_refuses_without_a_real_sandbox(monkeypatch, tmp_path):
    monkeypatch.setattr(jail, "_probe_namespaces", lambda uid, as_root=False: "bubblewrap is not installed (test)")
    monkeypatch.setattr(jail, "_can_switch_uid", lambda: False)
    with pytest.raises(jail.SandboxUnavailable, match="no real sandbox"):
        jail.choose("strict")
    assert jail.choose("best").level == "process"


def test_the_attacks_ran(attacked):
    """An attack that never ran proves nothing: no attacker's module failed to compile."""
    broken = {name: kinds for name, kinds in attacked["kinds"].items() if any("could not import" in k and "SyntaxError" in k for k in kinds)}
    assert not broken, broken


def test_no_attack_is_reported_as_a_grader_bug(attacked):
    """What a student's process sends is the student's fault, never "the grader failed ... please report it"."""
    blamed = {name: kinds for name, kinds in attacked["kinds"].items() if any(k.startswith("the grader failed") for k in kinds)}
    assert not blamed, blamed


SAFE = ("reads_solutions_through_proc", "copies_a_classmate", "reads_other_results", "opens_network_sockets", "reads_memory_and_environment")


def test_the_catalogue_sees_escapes_without_a_sandbox(tmp_path):
    """The markers work: the read-only attacks, graded without a sandbox, do escape (and the copy
    of a classmate's work earns points), so a clean run under the sandbox means something."""
    subs, out = tmp_path / "submissions", tmp_path / "out"
    mark = Path("/tmp") / f"grader-escapes-{uuid.uuid4().hex[:8]}"
    mark.mkdir(mode=0o777)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    shutil.copytree(engine.SOLUTIONS, subs / "a_control", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    for name in SAFE:
        folder = subs / f"m_{name}"
        shutil.copytree(engine.LESSONS, folder, ignore=shutil.ignore_patterns("__pycache__", "0*", "_*", "figures"))
        with open(folder / "landscapes.py", "a") as f:
            f.write("\n" + (PRELUDE + ATTACKS[name]).format(repo=str(engine.REPO), subs=str(subs), out=str(out), mark=str(mark), port=port, name=f"m_{name}"))
    try:
        rows = {r["student"]: r for r in grading.grade_class(subs, out, workers=1, call_seconds=10, only=("Quadratic",), progress=lambda line: None, sandbox="process")}
        escapes = os.listdir(mark)
    finally:
        listener.close()
        shutil.rmtree(mark, ignore_errors=True)
    for what in ("read-solutions", "read-classmate", "read-results", "network"):
        assert any(what in e for e in escapes), (what, escapes)
    assert rows["m_copies_a_classmate"]["total"] > 0 and rows["m_reads_solutions_through_proc"]["total"] > 0


def test_the_platform_bundle_runs_student_code_in_the_sandbox(sandbox, tmp_path):
    """run_autograder in a platform-like root: the student's code cannot read /autograder/source
    (to run the reference in its place), and results.json, written after its processes are gone,
    stays as the grader wrote it although the student left a daemon to rewrite it."""
    import subprocess
    import sys
    import zipfile

    from grader.instructor import bundle

    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle.build(tmp_path / "autograder.zip")) as z:
        z.extractall(root / "source")
    (root / "submission").mkdir()
    attack = f'''
import os as _o, time as _t
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
'''
    (root / "submission" / "first_order.py").write_text((engine.LESSONS / "first_order.py").read_text() + attack)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    written = (root / "results" / "results.json").read_text()
    time.sleep(2)
    assert (root / "results" / "results.json").read_text() == written
    data = json.loads(written)
    assert data["extra_data"]["sandbox"].startswith(sandbox.level)
    first_order = {"GradientDescent", "Momentum", "Langevin", "AdaGrad", "RMSprop", "Adam"}
    earned = {t["name"]: t["score"] for t in data["tests"] if t["tags"][0] in first_order and t["score"] > 0}
    assert not earned, earned
    assert _leftovers() == []
