"""Mutation testing of the checks: does every plausible one-token slip in the reference lose points?

    python -m grader mutate [--exercise NAME] [--sample N] [--jobs 2] [--json FILE]

A *mutant* is the reference solutions with one small change inside one solution block (between
``# BEGIN SOLUTION`` and ``# END SOLUTION``) or to one graded answer (a ``NAME = value  # ANSWER``
line): an arithmetic or comparison operator swapped, a constant moved, a sign dropped, a
transpose or an ``abs`` removed, an axis or an index changed, two arguments swapped, a statement
deleted, another letter or a scaled number for an answer. Each mutant is graded with its
exercise's checks, hidden ones included, exactly as a student's file would be (a copy of the
reference with that one file changed, in a forked process with the usual per-call time limit).
It is *killed* when it loses a point, *survives* when it keeps full marks, and *times out* when
its grading runs past ``MUTANT_SECONDS``.

A surviving mutant is a blind spot of the checks, unless it is *equivalent*: it gives the same
results as the reference on every input the contract allows (``axis=-1`` for ``axis=1`` on a
2-D array, say). Equivalent mutants are listed, each with a one-line reason, in
``grader/instructor/equivalent_mutants.toml``; a mutant is keyed by its module, its exercise and
its line before and after the change, so a listed one is not judged again however the file's
lines move.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import tempfile
import time
import tomllib
from pathlib import Path

from .. import engine
from ..catalogue import all_checks
from ..sandbox.runner import ANSWER_MODULES, CLASS_MODULE, FUNCTIONS, MODULES

EQUIVALENT_FILE = Path(__file__).with_name("equivalent_mutants.toml")
#: a mutant whose grading takes longer than this (wall clock) is stopped and counted as timed out
MUTANT_SECONDS = 300.0
#: the address space of a process grading one mutant (a mutant may build huge arrays)
MUTANT_MEMORY = 4 * 1024**3
_ANSWER = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.+?)(?P<tail>\s*# ANSWER\s*)$")


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One change: ``module.py`` line ``line`` (1-based) becomes ``after`` instead of ``before``."""

    module: str
    exercise: str
    line: int
    before: str  # the whole line, stripped
    after: str  # the whole line with the change, stripped
    change: str  # what was done, e.g. "< -> <=" or "delete statement"
    source: str = dataclasses.field(repr=False, compare=False, default="")  # the mutated module

    @property
    def key(self) -> str:
        """Stable across edits elsewhere in the file: module, exercise, the line before and after."""
        text = "\n".join((self.module, self.exercise, " ".join(self.before.split()), " ".join(self.after.split())))
        return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()

    def where(self) -> str:
        return f"{self.module}.py:{self.line}"


@dataclasses.dataclass
class Verdict:
    mutant: Mutant
    status: str  # killed, survived, timeout, equivalent
    detail: str = ""  # the first failed check, or why it is equivalent
    seconds: float = 0.0


# ----------------------------------------------------------------------------- making mutants
_BINOP_SWAPS = {
    ast.Add: (ast.Sub,), ast.Sub: (ast.Add,), ast.Mult: (ast.Div, ast.Add), ast.Div: (ast.Mult,),
    ast.Pow: (ast.Mult,), ast.MatMult: (ast.Mult,), ast.FloorDiv: (ast.Div,), ast.Mod: (ast.FloorDiv,),
}
_CMP_SWAPS = {
    ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt, ast.GtE), ast.Gt: (ast.GtE, ast.Lt), ast.GtE: (ast.Gt, ast.LtE),
    ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,), ast.Is: (ast.IsNot,), ast.IsNot: (ast.Is,), ast.In: (ast.NotIn,), ast.NotIn: (ast.In,),
}
_FUNCTION_SWAPS = {
    "max": "min", "min": "max", "maximum": "minimum", "minimum": "maximum", "argmax": "argmin", "argmin": "argmax",
    "sum": "mean", "mean": "sum", "all": "any", "any": "all", "zeros": "ones", "ones": "zeros", "zeros_like": "ones_like",
    "ones_like": "zeros_like", "cumsum": "sum", "flatnonzero": "argmax", "eigvalsh": "eigvals",
}
_DROP_CALLS = ("abs", "sqrt", "swapaxes", "transpose", "copy", "asarray", "exp", "log")
_OP_TEXT = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not",
    ast.In: "in", ast.NotIn: "not in", ast.And: "and", ast.Or: "or",
}


def _numbers(value) -> list:
    """Nearby wrong constants for a number."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return sorted({value + 1, value - 1} - {value})
    out = [value * 2.0, value / 2.0]
    if value != 0.0:
        out += [0.0, -value]
    if value != 1.0:
        out.append(1.0)
    return list(dict.fromkeys(out))


def _einsum_variants(spec: str) -> list[tuple[str, str]]:
    """Transposed einsum subscripts: the output's first two letters swapped, and each operand's."""
    if "->" not in spec:
        return []
    inputs, output = spec.split("->")
    found = []
    if len(output) >= 2 and output[-1] != output[-2] and "." not in output[-2:]:
        found.append((f"{inputs}->{output[:-2]}{output[-1]}{output[-2]}", "transposed output"))
    parts = inputs.split(",")
    for i, part in enumerate(parts):
        if len(part) >= 2 and part[-1] != part[-2] and "." not in part[-2:]:
            swapped = parts[:i] + [part[:-2] + part[-1] + part[-2]] + parts[i + 1:]
            found.append((",".join(swapped) + "->" + output, f"operand {i + 1} transposed"))
    if len(parts) == 2 and parts[0] != parts[1]:
        found.append((f"{parts[1]},{parts[0]}->{output}", "operands swapped"))
    return found


def _node_mutations(node: ast.AST):
    """``(replacement node or None for "delete", description)`` for one node."""
    if isinstance(node, ast.BinOp):
        for op in _BINOP_SWAPS.get(type(node.op), ()):
            yield ast.BinOp(node.left, op(), node.right), f"{_OP_TEXT[type(node.op)]} -> {_OP_TEXT[op]}"
        if isinstance(node.op, (ast.Mult, ast.Div)):
            yield node.left, f"drop the factor `{ast.unparse(node.right)}`"
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        for op in _CMP_SWAPS.get(type(node.ops[0]), ()):
            yield ast.Compare(node.left, [op()], node.comparators), f"{_OP_TEXT[type(node.ops[0])]} -> {_OP_TEXT[op]}"
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield ast.BoolOp(other, node.values), f"{_OP_TEXT[type(node.op)]} -> {_OP_TEXT[type(other)]}"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not, ast.Invert)):
        yield node.operand, f"drop the `{ast.unparse(node)[:1]}`"
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, (int, float)) and not isinstance(node.value, complex):
            for value in _numbers(node.value):
                yield ast.Constant(value), f"{node.value!r} -> {value!r}"
        elif isinstance(node.value, str):
            for spec, what in _einsum_variants(node.value):
                yield ast.Constant(spec), f"einsum {what}"
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        yield node.value, "drop the transpose .T"
    elif isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in _FUNCTION_SWAPS and isinstance(node.func, ast.Attribute):
            yield ast.Call(ast.Attribute(node.func.value, _FUNCTION_SWAPS[name]), node.args, node.keywords), f"{name} -> {_FUNCTION_SWAPS[name]}"
        if name in _DROP_CALLS and node.args and not isinstance(node.args[0], ast.Starred):
            yield node.args[0], f"drop the call to {name}"
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        if name == "where" and len(positional) == 3:
            yield ast.Call(node.func, [positional[0], positional[2], positional[1]], node.keywords), "np.where's branches swapped"
        elif len(positional) >= 2 and len(positional) == len(node.args) and ast.dump(positional[0]) != ast.dump(positional[1]) and name not in ("where", "einsum", "range"):
            yield ast.Call(node.func, [positional[1], positional[0], *positional[2:]], node.keywords), "first two arguments swapped"
        for i, kw in enumerate(node.keywords):
            if kw.arg == "axis" and isinstance(kw.value, (ast.Constant, ast.UnaryOp)):
                value = ast.literal_eval(kw.value)
                if isinstance(value, int):  # to neighbouring axes on the same side (axis=-1 for axis=1 is usually the same axis)
                    for other in [o for o in (value + 1, value - 1) if (o >= 0) == (value >= 0)]:
                        keywords = node.keywords[:i] + [ast.keyword("axis", ast.Constant(other))] + node.keywords[i + 1:]
                        yield ast.Call(node.func, node.args, keywords), f"axis={value} -> axis={other}"
    elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)):
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # not a docstring
            yield None, "delete the statement"


def _solution_lines(lines: list[str]) -> set[int]:
    """1-based numbers of the lines inside solution blocks."""
    inside, found = False, set()
    for number, line in enumerate(lines, start=1):
        if line.strip() == "# BEGIN SOLUTION":
            inside = True
        elif line.strip() == "# END SOLUTION":
            inside = False
        elif inside:
            found.add(number)
    return found


def _exercise_at(tree: ast.Module, line: int) -> str | None:
    """The exercise a line belongs to: the class around it, or the exercise function it is in."""
    for node in tree.body:
        if node.lineno <= line <= node.end_lineno:
            if isinstance(node, ast.ClassDef) and node.name in CLASS_MODULE:
                return node.name
            if isinstance(node, ast.FunctionDef) and node.name in FUNCTIONS:
                return node.name
    return None


def _replace(source_lines: list[str], node: ast.AST, text: str) -> list[str]:
    """The module's lines with ``node``'s span replaced by ``text``."""
    first, last = node.lineno - 1, node.end_lineno - 1
    head, tail = source_lines[first][: node.col_offset], source_lines[last][node.end_col_offset:]
    return source_lines[:first] + [head + text + tail] + source_lines[last + 1:]


def module_mutants(module: str, source: str) -> list[Mutant]:
    """Every mutant of the solution blocks of one exercise module."""
    lines = source.splitlines()
    tree = ast.parse(source)
    allowed = _solution_lines(lines)
    found = []
    for node in ast.walk(tree):
        if not hasattr(node, "lineno") or node.lineno not in allowed or node.end_lineno not in allowed:
            continue
        exercise = _exercise_at(tree, node.lineno)
        if exercise is None:
            continue
        for replacement, change in _node_mutations(node):
            if replacement is None:
                text = "pass"
            else:
                text = ast.unparse(replacement)
                text = text if isinstance(node, ast.stmt) or isinstance(replacement, (ast.Constant, ast.Name)) else f"({text})"
            new_lines = _replace(lines, node, text)
            new_source = "\n".join(new_lines) + "\n"
            if ast.dump(ast.parse(new_source)) == ast.dump(tree):
                continue  # the same program (0.0 * 2 is 0.0)
            try:
                compile(new_source, f"{module}.py", "exec")
            except SyntaxError:
                continue
            before = lines[node.lineno - 1].strip() if node.lineno == node.end_lineno else " ".join(l.strip() for l in lines[node.lineno - 1 : node.end_lineno])
            after = new_lines[node.lineno - 1].strip()
            found.append(Mutant(module, exercise, node.lineno, before, after, change, new_source))
    return _unique(found)


def _answer_variants(value, choices: str) -> list[tuple[object, str]]:
    if isinstance(value, str):
        return [(c, f"{value!r} -> {c!r}") for c in choices if c != value.strip().lower()]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    if isinstance(value, int):
        return [(v, f"{value} -> {v}") for v in (value + 1, value - 1, 2 * value, -value) if v != value]
    return [(v, f"{value!r} -> {v!r}") for v in (2 * value, value / 2, 10 * value, -value, value * 1.05) if v != value]


def answer_mutants(module: str, source: str) -> list[Mutant]:
    """Every mutant of the graded answers in one answers module (another letter, a scaled number)."""
    from ..answers import load_key

    choices = {q["name"]: q["choices"] for q in load_key() if q["module"] == module}
    exercise = {q["name"]: q["exercise"] for q in load_key() if q["module"] == module}
    lines, found = source.splitlines(), []
    for number, line in enumerate(lines, start=1):
        match = _ANSWER.match(line)
        if match is None or match["name"] not in exercise:
            continue
        value = ast.literal_eval(match["value"])
        for other, change in _answer_variants(value, choices[match["name"]]):
            new_line = f"{match['name']} = {other!r}{match['tail']}"
            new_source = "\n".join(lines[: number - 1] + [new_line] + lines[number:]) + "\n"
            found.append(Mutant(module, exercise[match["name"]], number, line.strip(), new_line.strip(), change, new_source))
    return found


def _unique(mutants: list[Mutant]) -> list[Mutant]:
    """One mutant per distinct mutated module (two changes that write the same code are one)."""
    seen, out = set(), []
    for m in mutants:
        if m.source not in seen:
            seen.add(m.source)
            out.append(m)
    return out


def all_mutants(exercises: tuple | None = None) -> list[Mutant]:
    """Every mutant of the course, in module and line order (``exercises``: only those)."""
    found = []
    for module in (*MODULES, *ANSWER_MODULES):
        path = engine.SOLUTIONS / f"{module}.py"
        if not path.is_file():
            continue
        source = path.read_text()
        found += module_mutants(module, source) if module in MODULES else answer_mutants(module, source)
    if exercises:
        found = [m for m in found if m.exercise in exercises or (m.exercise.startswith("Questions") and m.exercise in exercises)]
    return sorted(found, key=lambda m: (m.module, m.line, m.change, m.after))


def sample(mutants: list[Mutant], n: int, seed: int = 0) -> list[Mutant]:
    """``n`` mutants drawn without replacement by a fixed seed, the same ``n`` every time."""
    if n >= len(mutants):
        return list(mutants)
    return sorted(random.Random(seed).sample(mutants, n), key=lambda m: (m.module, m.line, m.change, m.after))


# ----------------------------------------------------------------------------- the equivalent ones
def load_equivalent(path: Path = EQUIVALENT_FILE) -> dict[str, str]:
    """``{key: reason}`` of the mutants known to be equivalent."""
    if not Path(path).is_file():
        return {}
    with open(path, "rb") as f:
        data = tomllib.load(f)
    out = {}
    for entry in data.get("equivalent", []):
        reason = str(entry.get("reason", "")).strip()
        if not reason:
            raise ValueError(f"{path}: the equivalent mutant {entry.get('key')} has no reason")
        out[str(entry["key"])] = reason
    return out


def equivalent_entry(m: Mutant, reason: str = "WHY: same results on every input the contract allows, because ...") -> str:
    """The TOML entry that declares ``m`` equivalent (to paste into the file, with a real reason)."""
    return (
        f'[[equivalent]]\nkey = "{m.key}"\nexercise = "{m.exercise}"\nwhere = {json.dumps(m.where())}\n'
        f"before = {json.dumps(m.before)}\nafter = {json.dumps(m.after)}\nreason = {json.dumps(reason)}\n"
    )


# ----------------------------------------------------------------------------- grading mutants
def _checks_for(exercise: str):
    return [c for c in all_checks() if c.exercise == exercise]


def _grade_in_child(m: Mutant, folder: Path) -> tuple[str, str]:
    """In a forked process: grade ``m`` with its exercise's checks; ``(status, first failure)``."""
    import resource
    import warnings

    from ..sandbox.runner import Runner
    from ..target import Target

    resource.setrlimit(resource.RLIMIT_AS, (MUTANT_MEMORY, MUTANT_MEMORY))
    warnings.simplefilter("ignore")
    (folder / f"{m.module}.py").write_text(m.source)
    reference = Runner(engine.SOLUTIONS)
    target = Target(Runner(folder, reference=reference, given=folder), f"mutant {m.key}")
    ref = Target(reference, "reference")
    for c in _checks_for(m.exercise):
        result = engine.run_check(c, target, ref)
        if result.status != "passed":
            return "killed", f"{c.name}: {result.output.splitlines()[0][:200] if result.output else result.kind}"
    return "survived", ""


def _copy_reference(dest: Path) -> Path:
    shutil.copytree(engine.SOLUTIONS, dest, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return dest


def grade(mutants: list[Mutant], jobs: int = 1, equivalent: dict | None = None, progress=None) -> list[Verdict]:
    """Grade each mutant in a forked process of its own (``jobs`` at a time): killed, survived,
    timed out, or equivalent (listed, so not graded). Nothing a mutant does outlives its process."""
    equivalent = load_equivalent() if equivalent is None else equivalent
    verdicts: dict[int, Verdict] = {}
    pending = []
    for i, m in enumerate(mutants):
        if m.key in equivalent:
            verdicts[i] = Verdict(m, "equivalent", equivalent[m.key])
        else:
            pending.append(i)
    _checks_for("")  # load the catalogue before forking: every child shares it
    running: dict[int, tuple[int, int, float, str]] = {}  # pid -> (index, read end, start, folder)
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                i = pending.pop(0)
                folder = _copy_reference(Path(tmp) / f"m{i}")
                r, w = os.pipe()
                pid = os.fork()
                if pid == 0:  # the child: grade, report one JSON line, exit without cleanup
                    os.close(r)
                    code = 0
                    try:
                        status, detail = _grade_in_child(mutants[i], folder)
                    except BaseException as exc:  # a mutant that breaks the grading itself is caught
                        status, detail = "killed", f"grading raised {type(exc).__name__}: {exc}"[:300]
                    try:
                        os.write(w, json.dumps({"status": status, "detail": detail}).encode())
                    except OSError:
                        code = 1
                    os._exit(code)
                os.close(w)
                running[pid] = (i, r, time.monotonic(), str(folder))
            finished = _reap(running, verdicts, mutants)
            if not finished:
                time.sleep(0.05)
            for i in finished:
                if progress is not None:
                    progress(verdicts[i], len(verdicts), len(mutants))
    return [verdicts[i] for i in range(len(mutants))]


def _reap(running: dict, verdicts: dict, mutants: list[Mutant]) -> list[int]:
    """Collect the children that finished or ran out of time; the indices done."""
    done = []
    for pid, (i, r, start, folder) in list(running.items()):
        elapsed = time.monotonic() - start
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished == 0 and elapsed <= MUTANT_SECONDS:
            continue
        if finished == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            verdicts[i] = Verdict(mutants[i], "timeout", f"grading ran past {MUTANT_SECONDS:g} s", elapsed)
        else:
            data = b""
            while select.select([r], [], [], 0)[0]:
                chunk = os.read(r, 65536)
                if not chunk:
                    break
                data += chunk
            try:
                answer = json.loads(data)
                verdicts[i] = Verdict(mutants[i], answer["status"], answer["detail"], elapsed)
            except ValueError:  # the child died (memory, a signal): its checks could not pass
                verdicts[i] = Verdict(mutants[i], "killed", f"the grading process died (status {status})", elapsed)
        os.close(r)
        shutil.rmtree(folder, ignore_errors=True)
        del running[pid]
        done.append(i)
    return done


# ----------------------------------------------------------------------------- reports
def report(verdicts: list[Verdict]) -> str:
    """Per exercise: mutants, killed, survived, timed out, equivalent; then every survivor."""
    by_exercise: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by_exercise.setdefault(v.mutant.exercise, []).append(v)
    kinds = ("killed", "survived", "timeout", "equivalent")
    width = max([len(e) for e in by_exercise] + [8])
    lines = [f"{'exercise':<{width}}  {'mutants':>7}  " + "  ".join(f"{k:>10}" for k in kinds)]
    for exercise, vs in by_exercise.items():
        lines.append(f"{exercise:<{width}}  {len(vs):>7}  " + "  ".join(f"{sum(v.status == k for v in vs):>10}" for k in kinds))
    lines.append(f"{'total':<{width}}  {len(verdicts):>7}  " + "  ".join(f"{sum(v.status == k for v in verdicts):>10}" for k in kinds))
    survivors = [v for v in verdicts if v.status in ("survived", "timeout")]
    if survivors:
        lines += ["", "Survivors (a blind spot of the checks, or an equivalent mutant to list with its reason):"]
        for v in survivors:
            m = v.mutant
            lines += [f"  {m.where()} [{m.exercise}] {m.change} (key {m.key}){' TIMED OUT' if v.status == 'timeout' else ''}", f"    - {m.before}", f"    + {m.after}"]
    return "\n".join(lines)


def to_json(verdicts: list[Verdict]) -> list[dict]:
    return [{**{k: v for k, v in dataclasses.asdict(x.mutant).items() if k != "source"}, "key": x.mutant.key, "status": x.status, "detail": x.detail, "seconds": round(x.seconds, 2)} for x in verdicts]
