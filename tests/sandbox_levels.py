"""Grading at each sandbox level this machine offers, the way it really runs: from a copy of the
course in ordinary (0755) folders, in a process of its own.

- ``namespaces``: bubblewrap, started as root, an unprivileged uid inside (``--sandbox namespaces``).
- ``uid``: ``--sandbox best`` with bubblewrap hidden (a PATH without it): the uid level in
  namespaces of its own, with this machine's interpreter under a private home (``/root``).
- ``uid-container``: ``--sandbox best`` in a process that plays a platform's container: a
  system-call filter refuses new namespaces and mounts (as Docker's default profile does without
  ``CAP_SYS_ADMIN``), so bubblewrap fails and the uid level runs on the host's files; its
  interpreter is made readable as a platform's is (in a mount namespace of the launcher's own,
  the private folders above it are replaced by empty ones holding only the interpreter).
- ``refused``: as ``uid-container``, but the interpreter left under its private home: grading
  must refuse.

Run this file as a script to launch a command at a level:
``python tests/sandbox_levels.py LEVEL COURSE -- COMMAND...``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: in CI (.ci/run sets it) a level this machine should offer but does not is a failure, not a skip
REQUIRE = os.environ.get("REQUIRE_SANDBOX") == "1"
LEVELS = ("namespaces", "uid", "uid-container")
#: what the launched command's PATH is, per level (no bubblewrap on it but at ``namespaces``)
HIDDEN_PATH = "/nonexistent-grader-test-path"
#: where the course copies go: not /tmp, whose path a sandboxed student can make in its own /tmp
PLACE = "/var/tmp"


def course_copy(parent: Path | None = None) -> Path:
    """A copy of the course (grader, solutions, lessons) in folders anyone may read, as a
    course usually lies; returns its folder."""
    top = Path(parent or PLACE) / f"grader-course-{uuid.uuid4().hex[:8]}"
    course = top / "course"
    for item in ("grader", "solutions", "lessons", "requirements.txt"):
        source = REPO / item
        if source.is_dir():
            shutil.copytree(source, course / item, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "figures", "*.ipynb"))
        else:
            course.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, course / item)
    for folder, dirs, files in os.walk(top):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return course


def command(level: str, argv: list[str]) -> tuple[list[str], dict]:
    """The command line and environment that run ``argv`` at ``level``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    if level == "namespaces":
        return list(argv), env
    env["PATH"] = HIDDEN_PATH
    if level == "uid":
        return list(argv), env
    return [sys.executable, str(Path(__file__).resolve()), level, "--", *argv], env


def why_not(level: str) -> str:
    """"" when this machine offers ``level`` (tested from this, root, process), else why not."""
    sys.path.insert(0, str(REPO))
    from grader.sandbox import jail, seccomp

    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return "the sandbox levels are tested as root on Linux"
    if level == "namespaces":
        try:
            jail.choose("namespaces")
            return ""
        except jail.SandboxUnavailable as exc:
            return str(exc)
    private_root = jail._probe(jail.Sandbox("uid", private_root=True))
    if level == "uid":
        return private_root
    filtered = seccomp.why_unavailable()
    if filtered:
        return filtered
    if jail.private_ancestor() and private_root:
        return "the interpreter is under a private folder and no mount namespace can be made to expose it: " + private_root
    return ""


# ----------------------------------------------------------------------------- the launcher (a script)
def _expose_python(libc) -> None:
    """In a mount namespace of this process's own: replace the private folders above the
    Python installation by empty ones that others may pass through, holding only it."""
    sys.path.insert(0, str(REPO))
    from grader.sandbox import jail, namespace

    paths = jail.python_paths()
    privates = []
    for path in paths:
        for folder in [*jail._ancestors(path), path]:
            if not os.stat(folder).st_mode & 0o001:
                if not any(folder == p or folder.startswith(p.rstrip("/") + "/") for p in privates):
                    privates.append(folder)
                break
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]

    def mount(source, target, fstype, flags, data=None):
        if libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(), flags, data and data.encode()) != 0:
            raise OSError(ctypes.get_errno(), f"mount {source} on {target}")

    if libc.unshare(namespace.CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
    mount("none", "/", None, namespace.MS_REC | namespace.MS_PRIVATE)
    if not privates:
        return
    hold = tempfile.mkdtemp(prefix="grader-hold-")
    for i, path in enumerate(paths):
        os.mkdir(f"{hold}/{i}")
        mount(path, f"{hold}/{i}", None, namespace.MS_BIND | namespace.MS_REC)
    for folder in privates:
        mount("tmpfs", folder, "tmpfs", 0, "mode=0755,size=1048576")
    for i, path in enumerate(paths):
        os.makedirs(path, mode=0o755, exist_ok=True)
        mount(f"{hold}/{i}", path, None, namespace.MS_BIND | namespace.MS_REC)
        libc.umount2(f"{hold}/{i}".encode(), namespace.MNT_DETACH)
    shutil.rmtree(hold, ignore_errors=True)


def _play_a_container() -> None:
    """Refuse new namespaces and mounts from now on, in this process and all it starts, with
    EPERM (as a container's default filter does)."""
    sys.path.insert(0, str(REPO))
    from grader.sandbox import seccomp

    eperm = 0x00050000 | errno.EPERM
    rules = [(eperm, name) for name in ("setns", "mount", "umount2", "pivot_root", "open_tree", "move_mount", "fsopen", "fsmount")]
    for flag in seccomp.NAMESPACE_FLAGS:
        rules += [(eperm, "unshare", (0, 7, flag, flag)), (eperm, "clone", (0, 7, flag, flag))]
    rules.append((0x00050000 | errno.ENOSYS, "clone3"))
    seccomp.Loader(seccomp.compile_rules(rules)).load()


def main(argv: list[str]) -> None:
    level, argv = argv[0], argv[argv.index("--") + 1:]
    libc = ctypes.CDLL(None, use_errno=True)
    if level == "uid-container":
        _expose_python(libc)
    _play_a_container()
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
