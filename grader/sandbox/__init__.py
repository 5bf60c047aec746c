"""Where student code runs, and the wire it answers on.

- ``runner``: the student's side of the narrow door (imports and calls the student's files,
  answers plain requests with plain data); the only module that touches student code.
- ``protocol``: the wire format between the grader and a student's process (a JSON header and
  raw float64 bytes; nothing is ever unpickled).
- ``worker``: the entry point of a student's process: a copy of ``runner``, ``protocol`` and
  itself is all of the grader it holds.
- ``jail``: the sandbox around that process (namespaces, a uid and a cgroup of its own, limits),
  which level runs, and what a student's uid leaves behind.
- ``seccomp``: the system-call filter every student process runs under (built by libseccomp).
- ``namespace``: the private root of the ``uid`` level where the kernel allows namespaces.
- ``isolation``: the grader's end: starts, feeds, times and stops the student's process.
"""
