"""Which submissions' exercise code is suspiciously alike: token fingerprints, winnowed.

The method is MOSS's (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for document
fingerprinting", SIGMOD 2003), on Python tokens, written here rather than taken from a library
(copydetect would do; it brings Pygments, Jinja2, tqdm and NumPy along, and this is 150 lines):

1. each exercise (a class or function of the course) is cut out of the student's file by ``ast``
   and turned into tokens; comments, docstrings and layout are dropped, and every name a student
   chooses (a variable, an argument) becomes ``V``, while attribute names (``.solve``,
   ``.einsum``) and keywords stay: renamed variables and reordered functions change nothing;
2. hashes of every ``K`` consecutive tokens are winnowed: in each window of ``W`` hashes the
   smallest is kept, so any match of ``K + W - 1`` tokens or more is found;
3. the stub's own fingerprints (its signatures, docstrings and given code) are removed;
4. two students share an exercise's fingerprints in proportion ``|A & B| / min(|A|, |B|)``;
   exercises too short to tell copying from the one obvious solution (fewer than
   ``MIN_FINGERPRINTS``) are left out, and a pair's overall score pools the rest.

The report is a lead for a person to read, never a verdict: it shows the shared share, not guilt.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import keyword
import tokenize
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from ..engine import LESSONS
from ..sandbox.runner import FUNCTIONS, MODULES

K = 7  # tokens per k-gram
W = 5  # hashes per window
MIN_FINGERPRINTS = 8  # an exercise with fewer (after the stub's are removed) cannot be compared
SUSPICIOUS = 0.6  # the report lists pairs from this overall share up

_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}


def exercise_names() -> dict[str, tuple[str, ...]]:
    """By module, the names of its exercises (classes and functions)."""
    return {m: tuple(classes) + tuple(f for f, mod in FUNCTIONS.items() if mod == m) for m, classes in MODULES.items()}


def exercise_sources(text: str) -> dict[str, str]:
    """The source of every top-level class or function of ``text``, by name ({} if it does not parse)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return {node.name: ast.get_source_segment(text, node) or "" for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))}


def tokens(source: str) -> list[str]:
    """The normalized tokens of ``source``: no comments, docstrings or layout; chosen names as ``V``."""
    out: list[str] = []
    previous = tokenize.NEWLINE
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _SKIP:
                if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                    previous = tokenize.NEWLINE
                continue
            if tok.type == tokenize.STRING and previous == tokenize.NEWLINE:
                continue  # a string standing as a statement: a docstring
            if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string) and (not out or out[-1] != "."):
                out.append("V")
            else:
                out.append(tok.string)
            previous = tok.type
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # what tokenized so far still counts
    return out


def _hash(gram: tuple[str, ...]) -> int:
    return int.from_bytes(hashlib.blake2b("\x00".join(gram).encode(), digest_size=8).digest(), "big")


def fingerprints(source: str) -> set[int]:
    """The winnowed fingerprints of ``source`` (a set: where they sit does not matter)."""
    toks = tokens(source)
    hashes = [_hash(tuple(toks[i : i + K])) for i in range(len(toks) - K + 1)]
    if len(hashes) <= W:
        return set(hashes)
    return {min(hashes[i : i + W]) for i in range(len(hashes) - W + 1)}


def template() -> dict[str, set[int]]:
    """The stub's fingerprints per exercise: signatures, docstrings and given code."""
    found = {}
    for module, names in exercise_names().items():
        path = LESSONS / f"{module}.py"
        sources = exercise_sources(path.read_text()) if path.is_file() else {}
        for name in names:
            found[name] = fingerprints(sources.get(name, ""))
    return found


def submission_prints(folder: Path, stub: dict[str, set[int]] | None = None) -> dict[str, set[int]]:
    """A submission's fingerprints per exercise, without the stub's (``template()``)."""
    stub = template() if stub is None else stub
    found = {}
    for module, names in exercise_names().items():
        path = Path(folder) / f"{module}.py"
        if not path.is_file():
            continue
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        sources = exercise_sources(text)
        for name in names:
            if name in sources:
                found[name] = fingerprints(sources[name]) - stub.get(name, set())
    return found


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    exercise: str  # "(all)" for the pooled score
    shared: int
    size_a: int
    size_b: int

    @property
    def score(self) -> float:
        return self.shared / max(1, min(self.size_a, self.size_b))


def compare(prints: dict[str, dict[str, set[int]]]) -> list[Pair]:
    """Every pair of students, per exercise they both wrote (long enough to compare) and pooled,
    highest pooled score first."""
    pairs = []
    for a, b in combinations(sorted(prints), 2):
        rows = []
        for exercise in sorted(set(prints[a]) & set(prints[b])):
            A, B = prints[a][exercise], prints[b][exercise]
            if min(len(A), len(B)) >= MIN_FINGERPRINTS:
                rows.append(Pair(a, b, exercise, len(A & B), len(A), len(B)))
        if rows:
            pooled = Pair(a, b, "(all)", sum(r.shared for r in rows), sum(min(r.size_a, r.size_b) for r in rows), sum(min(r.size_a, r.size_b) for r in rows))
            pairs.append((pooled, rows))
    pairs.sort(key=lambda p: (-p[0].score, p[0].a, p[0].b))
    return [row for pooled, rows in pairs for row in (pooled, *sorted(rows, key=lambda r: -r.score))]


def write_report(prints: dict[str, dict[str, set[int]]], out: Path) -> list[Pair]:
    """Write ``similarity.csv`` (every pair, pooled and per exercise) and ``similarity.md`` (the
    pairs whose pooled share reaches ``SUSPICIOUS``). Returns the pairs."""
    pairs = compare(prints)
    out = Path(out)
    with open(out / "similarity.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_a", "student_b", "exercise", "shared_fingerprints", "fingerprints_a", "fingerprints_b", "share"])
        for p in pairs:
            writer.writerow([p.a, p.b, p.exercise, p.shared, p.size_a, p.size_b, f"{p.score:.3f}"])
    pooled = [p for p in pairs if p.exercise == "(all)"]
    flagged = [p for p in pooled if p.score >= SUSPICIOUS]
    lines = [
        "# Similarity of the submissions' exercise code",
        "",
        f"Token fingerprints (winnowing, k = {K}, window {W}), with the stub's own code removed, renamed variables and",
        "reordered functions seen through, comments and docstrings ignored. The share is the fraction of the smaller",
        f"submission's fingerprints that the other has too; exercises with fewer than {MIN_FINGERPRINTS} fingerprints (one",
        "obvious line) are left out. A high share is a reason to read both submissions, not a finding.",
        "",
        f"{len(prints)} submissions, {len(pooled)} pairs compared; {len(flagged)} reach a share of {SUSPICIOUS:.0%}.",
        "",
    ]
    for p in flagged:
        lines += [f"## {p.a} and {p.b}: {p.score:.0%} shared", "", "| exercise | share | shared / smaller |", "|---|---|---|"]
        lines += [f"| {r.exercise} | {r.score:.0%} | {r.shared} / {min(r.size_a, r.size_b)} |" for r in pairs if (r.a, r.b) == (p.a, p.b) and r.exercise != "(all)"]
        lines.append("")
    top = pooled[:10]
    if top:
        lines += ["## The closest pairs", "", "| pair | share |", "|---|---|"] + [f"| {p.a}, {p.b} | {p.score:.0%} |" for p in top]
    (out / "similarity.md").write_text("\n".join(lines) + "\n")
    return pairs
