"""The class's similarity report: copies pair up at the top, independent work does not.

A class of six on lessons 3 and 4: alice (the reference code), bob (alice's, with every local
name renamed, the classes and functions reordered, comments and docstrings changed), carol (a
partial copy: alice's lesson 3, lesson 4 left as the stub), dave and erin (each their own
implementations, written independently of the reference and of each other), and frank (who
did nothing). The copies must be the top three pairs; no pair of independent authors may be
flagged, and the stub's own code must count for nothing.
"""

from __future__ import annotations

import csv
import re
import textwrap

from grader import engine
from grader.instructor import similarity

#: independent implementations of lesson 3's and 4's longer exercises (by dave and by erin)
DAVE = {
    "backtracking": """
        step = np.full(f0.shape, float(t0)) if np.ndim(t0) == 0 else np.array(t0, dtype=float)
        todo = np.nonzero(slope < 0)[0]
        step[slope >= 0] = 0.0
        k = 0
        while todo.size and k < max_halvings:
            trial = loss(X[todo] + step[todo][:, None] * P[todo])
            good = trial <= f0[todo] + c1 * step[todo] * slope[todo]
            step[todo[~good]] = step[todo[~good]] * shrink
            todo = todo[~good]
            k += 1
        step[todo] = 0.0
        return step
    """,
    "Newton.direction": """
        w, V = np.linalg.eigh(H)
        top = np.abs(w).max(axis=1)
        low = w.min(axis=1)
        shift = np.where(low > 0, 0.0, damping * np.maximum(top, 1e-300) - low)
        inv = 1.0 / (w + shift[:, None])
        coeff = np.einsum('nij,ni->nj', V, g) * inv
        return -np.einsum('nij,nj->ni', V, coeff)
    """,
    "GaussNewton.direction": """
        n, m, d = J.shape
        G = np.matmul(np.transpose(J, (0, 2, 1)), J)
        lam = damping * np.einsum('nii->n', G) / d
        rhs = np.matmul(np.transpose(J, (0, 2, 1)), r[:, :, None])
        A = G + lam[:, None, None] * np.eye(d)[None]
        return -np.linalg.solve(A, rhs).reshape(n, d)
    """,
    "Broyden.inverse_update": """
        Hy = np.matmul(H, y[:, :, None])[:, :, 0]
        den = np.sum(s * Hy, axis=1)
        keep = np.abs(den) <= 1e-12 * np.linalg.norm(s, axis=1) * np.linalg.norm(Hy, axis=1)
        den = np.where(keep, 1.0, den)
        row = np.matmul(s[:, None, :], H)[:, 0, :]
        out = H + (s - Hy)[:, :, None] * row[:, None, :] / den[:, None, None]
        out[keep] = H[keep]
        return out
    """,
    "BFGS.inverse_update": """
        sy = np.sum(s * y, axis=1)
        good = curvature_ok(s, y)
        sy = np.where(good, sy, 1.0)
        Hy = np.matmul(H, y[:, :, None])[:, :, 0]
        yHy = np.sum(y * Hy, axis=1)
        ss = s[:, :, None] * s[:, None, :]
        cross = Hy[:, :, None] * s[:, None, :] + s[:, :, None] * Hy[:, None, :]
        new = H + ((sy + yHy) / sy**2)[:, None, None] * ss - cross / sy[:, None, None]
        return np.where(good[:, None, None], new, H)
    """,
    "LBFGS.two_loop": """
        m = len(S)
        q = np.array(g, dtype=float)
        a = []
        for k in range(m - 1, -1, -1):
            ak = rho[k] * np.sum(S[k] * q, axis=1)
            q = q - ak[:, None] * Y[k]
            a.append(ak)
        a = a[::-1]
        z = q * gamma[:, None]
        for k in range(m):
            bk = rho[k] * np.sum(Y[k] * z, axis=1)
            z = z + S[k] * (a[k] - bk)[:, None]
        return z
    """,
}
ERIN = {
    "backtracking": """
        t = np.zeros_like(f0) + t0
        alive = slope < 0.0
        t = np.where(alive, t, 0.0)
        for _ in range(max_halvings):
            if not alive.any():
                break
            idx = np.where(alive)[0]
            sufficient = loss(X[idx] + t[idx, None] * P[idx]) <= f0[idx] + c1 * t[idx] * slope[idx]
            alive[idx[sufficient]] = False
            t[idx[~sufficient]] *= shrink
        return np.where(alive, 0.0, t)
    """,
    "Newton.direction": """
        d = g.shape[1]
        ev = np.linalg.eigvalsh(H)
        smallest, biggest = ev[:, 0], np.max(np.abs(ev), axis=1)
        biggest = np.where(biggest > 0, biggest, np.finfo(float).tiny)
        lift = np.zeros_like(smallest)
        bad = smallest <= 0
        lift[bad] = damping * biggest[bad] - smallest[bad]
        L = np.linalg.cholesky(H + lift[:, None, None] * np.identity(d))
        z = np.linalg.solve(L, -g[:, :, None])
        return np.linalg.solve(np.swapaxes(L, -1, -2), z)[:, :, 0]
    """,
    "GaussNewton.direction": """
        d = J.shape[2]
        normal = np.einsum('nki,nkj->nij', J, J)
        mu = damping * np.diagonal(normal, axis1=1, axis2=2).sum(axis=1) / d
        grad_half = np.einsum('nk,nki->ni', r, J)
        system = normal.copy()
        system[:, np.arange(d), np.arange(d)] += mu[:, None]
        step = np.linalg.solve(system, grad_half)
        return -step
    """,
    "Broyden.inverse_update": """
        u = np.einsum('nab,nb->na', H, y)
        c = (s * u).sum(-1)
        fine = np.abs(c) > 1e-12 * np.sqrt((s**2).sum(-1) * (u**2).sum(-1))
        v = np.einsum('na,nab->nb', s, H)
        correction = np.einsum('na,nb->nab', s - u, v)
        c = np.where(fine, c, np.inf)
        return H + correction / c[:, None, None]
    """,
    "BFGS.inverse_update": """
        n, d = s.shape
        ok = curvature_ok(s, y)
        inv_sy = np.zeros(n)
        inv_sy[ok] = 1.0 / np.einsum('ni,ni->n', y[ok], s[ok])
        left = np.eye(d)[None] - inv_sy[:, None, None] * s[:, :, None] * y[:, None, :]
        result = np.einsum('nij,njk,nlk->nil', left, H, left)
        result += inv_sy[:, None, None] * np.einsum('ni,nj->nij', s, s)
        result[~ok] = H[~ok]
        return result
    """,
    "LBFGS.two_loop": """
        direction = g.astype(float)
        coefficients = np.empty((len(S), g.shape[0]))
        for j in reversed(range(len(S))):
            coefficients[j] = rho[j] * (S[j] * direction).sum(axis=1)
            direction -= coefficients[j][:, None] * Y[j]
        direction *= gamma[:, None]
        for j, (s_j, y_j) in enumerate(zip(S, Y)):
            b = rho[j] * (y_j * direction).sum(axis=1)
            direction += (coefficients[j] - b)[:, None] * s_j
        return direction
    """,
}
FILES = ("second_order.py", "quasi_newton.py")
STUB = re.compile(r'^(\s*)raise NotImplementedError\("([\w.]+): not implemented yet[^"]*"\)\n', re.M)


def _filled(name: str, bodies: dict) -> str:
    """The stub file ``name`` with each exercise's raise replaced by the author's body."""

    def body(match):
        indent, qual = match.groups()
        return textwrap.indent(textwrap.dedent(bodies[qual]).strip("\n") + "\n", indent) if qual in bodies else match.group(0)

    return STUB.sub(body, (engine.LESSONS / name).read_text())


def _disguised(text: str) -> str:
    """alice's file as bob hands it in: local names renamed, top-level definitions reversed,
    comments dropped and docstrings rewritten."""
    for old, new in {"lam": "eigs", "scale": "big", "mu": "shift_amount", "shifted": "regularized", "JTJ": "normal", "JTr": "rhs",
                     "Hy": "h_times_y", "sH": "s_times_h", "denom": "d_s", "usable": "keep", "safe": "den", "update": "corr",
                     "rho": "inv_curv", "alpha": "coef", "beta": "bcoef", "searching": "live", "rows": "who", "ok": "fine"}.items():
        text = re.sub(rf"\b{old}\b", new, text)
    text = re.sub(r"  # .*", "", text)
    text = re.sub(r'"""(.*?)"""', lambda m: '"""' + m.group(1)[::-1].replace('"', "'") + '"""', text, flags=re.S)
    head, *blocks = re.split(r"\n(?=(?:class|def) )", text)
    return "\n".join([head, *reversed(blocks)])


def _class(tmp_path):
    root = tmp_path / "class"
    authors = {
        "alice": {n: (engine.SOLUTIONS / n).read_text() for n in FILES},
        "dave": {n: _filled(n, DAVE) for n in FILES},
        "erin": {n: _filled(n, ERIN) for n in FILES},
        "frank": {n: (engine.LESSONS / n).read_text() for n in FILES},
    }
    authors["bob"] = {n: _disguised(t) for n, t in authors["alice"].items()}
    authors["carol"] = {"second_order.py": re.sub(r"  # .*", "", authors["alice"]["second_order.py"]), "quasi_newton.py": authors["frank"]["quasi_newton.py"]}
    for student, files in authors.items():
        (root / student).mkdir(parents=True)
        for name, text in files.items():
            (root / student / name).write_text(text)
    return root


def test_the_independent_implementations_really_are_other_code():
    reference = "".join((engine.SOLUTIONS / n).read_text() for n in FILES)
    for bodies in (DAVE, ERIN):
        for qual, text in bodies.items():
            long_lines = [line.strip() for line in textwrap.dedent(text).splitlines() if len(line.strip()) > 30]
            assert long_lines and not [line for line in long_lines if line in reference], qual


def test_copies_pair_up_at_the_top_and_independent_work_does_not(tmp_path):
    root = _class(tmp_path)
    prints = {s.name: similarity.submission_prints(s) for s in sorted(root.iterdir())}
    assert all(not v for v in prints["frank"].values()), "the stub's own code counted"
    pairs = similarity.write_report(prints, tmp_path)
    pooled = [p for p in pairs if p.exercise == "(all)"]
    ranking = [(p.a, p.b) for p in pooled]
    assert set(ranking[:3]) == {("alice", "bob"), ("alice", "carol"), ("bob", "carol")}, [(p.a, p.b, round(p.score, 2)) for p in pooled]
    share = {(p.a, p.b): p.score for p in pooled}
    assert share[("alice", "bob")] > 0.9 and share[("alice", "carol")] > 0.9
    independent = [k for k in share if "frank" not in k and set(k) & {"dave", "erin"}]
    assert independent and max(share[k] for k in independent) < similarity.SUSPICIOUS, {k: round(share[k], 2) for k in independent}
    assert max(share[k] for k in independent) < 0.5 * min(share[("alice", "bob")], share[("alice", "carol")])
    # the partial copy is flagged on the exercises it copied, and only those
    carol = {p.exercise for p in pairs if (p.a, p.b) == ("alice", "carol") and p.exercise != "(all)"}
    assert {"backtracking", "Newton", "GaussNewton"} <= carol <= {"backtracking", "Newton", "GaussNewton", "ConditionScaledGD"}
    report = (tmp_path / "similarity.md").read_text()
    assert "alice and bob" in report and "alice and carol" in report and "dave and erin" not in report
    rows = list(csv.DictReader(open(tmp_path / "similarity.csv")))
    assert {r["exercise"] for r in rows} >= {"(all)", "Newton", "BFGS", "LBFGS"}


def test_renaming_and_reordering_change_no_fingerprint():
    text = (engine.SOLUTIONS / "second_order.py").read_text()
    for name, source in similarity.exercise_sources(text).items():
        renamed = similarity.exercise_sources(_disguised(text))[name]
        assert similarity.fingerprints(source) == similarity.fingerprints(renamed), name


def test_unparsable_or_strange_files_cost_nothing(tmp_path):
    (tmp_path / "second_order.py").write_text("def (:\n" + "(" * 5000)
    (tmp_path / "quasi_newton.py").write_bytes(b"\xff\xfe binary \x00 junk")
    assert similarity.submission_prints(tmp_path) == {}
