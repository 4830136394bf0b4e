"""numpy behind both walls, each alone: the static wall refuses its file and pointer functions at their place,
and the jail alone, running the same calls unchecked with numpy's whole namespace, lets none of them work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.errors import ProgramError
from engine.jail import Jail, JailLimits
from engine.run import run_program

LIMITS = JailLimits(wall_seconds=3.0, cpu_seconds=3.0, memory_bytes=256 * 2**20, stack_bytes=64 * 2**20)
REFUSED = "PermissionError: [Errno 1] Operation not permitted"  # the system-call filter's EPERM
FORBIDDEN = "the program was stopped by signal 31 (a forbidden system call)"

# name: (program with {marker}, line and column of the static wall's refusal, how the jail alone ends it)
NUMPY_CALLS: dict[str, tuple[str, int, int, str]] = {
    "np.save writes a file": ("import numpy as np\nnp.save('{marker}', np.arange(3))\n", 2, 1, REFUSED),
    "np.load reads a file": ("import numpy as np\nnp.load('/etc/hostname', allow_pickle=True)\n", 2, 1, REFUSED),
    "np.fromfile reads a file": ("import numpy as np\nnp.fromfile('/etc/hostname')\n", 2, 1, REFUSED),
    "np.loadtxt reads a file": ("import numpy as np\nnp.loadtxt('/etc/hostname')\n", 2, 1, REFUSED),
    "np.savetxt writes a file": ("import numpy as np\nnp.savetxt('{marker}', [1.0])\n", 2, 1, REFUSED),
    "np.memmap maps a file": (  # the jail refuses to open mmap's extension module, before any file is mapped
        "import numpy as np\nnp.memmap('{marker}', mode='w+', shape=(3,))\n",
        2,
        1,
        "ModuleNotFoundError: No module named 'mmap'",
    ),
    "an array's tofile": ("import numpy as np\nnp.arange(3).tofile('{marker}')\n", 2, 1, REFUSED),
    "an array's dump": ("import numpy as np\nnp.arange(3).dump('{marker}')\n", 2, 1, REFUSED),
    "libc's system through an array's ctypes": (
        "import numpy as np\nnp.arange(3).ctypes._ctypes.CDLL(None).system(b'touch {marker}')\n",
        2,
        1,
        FORBIDDEN,
    ),
    "np.lib's file format": (
        "import numpy as np\nnp.lib.format.open_memmap('{marker}', mode='w+', shape=(3,))\n",
        2,
        1,
        REFUSED,
    ),
    "from numpy import load": ("from numpy import load\nload('/etc/hostname')\n", 1, 19, REFUSED),
}

# Whatever the static wall would let through, past the memory a run may have: a limit at its line.
ALLOCATIONS = [
    "import numpy as np\nx = np.zeros(10**10)\n",
    "import numpy as np\nx = np.ones((100000, 100000))\n",
    "import numpy as np\nx = np.arange(10**9)\n",
    "import numpy as np\nx = np.tile(np.arange(1000.0), 10**6)\n",
]


@pytest.fixture(scope="module")
def jail() -> Iterator[Jail]:
    """The jail alone, with numpy imported by its parent and programs run with full built-ins."""
    unchecked = Jail("tests.jail_targets:run_code", preload=("numpy", "ctypes"))
    yield unchecked
    unchecked.close()


@pytest.mark.parametrize(("program", "line", "column"), [row[:3] for row in NUMPY_CALLS.values()], ids=NUMPY_CALLS)
def test_the_static_wall_refuses_numpys_file_and_pointer_functions(
    tmp_path: Path, program: str, line: int, column: int
) -> None:
    marker = tmp_path / "written"
    with pytest.raises(ProgramError) as refused:
        run_program(program.format(marker=marker))
    assert (refused.value.kind, refused.value.line, refused.value.column) == ("unsupported", line, column)
    assert not marker.exists()


@pytest.mark.parametrize(("program", "ending"), [(row[0], row[3]) for row in NUMPY_CALLS.values()], ids=NUMPY_CALLS)
def test_the_jail_alone_holds_where_numpys_allow_list_is_bypassed(
    jail: Jail, tmp_path: Path, program: str, ending: str
) -> None:
    marker = tmp_path / "written"
    result = jail.run({"code": program.format(marker=marker)}, LIMITS)
    message: dict[str, Any] = result.message or {}
    assert (result.failure or message.get("error") or "no error").startswith(ending), result
    assert not marker.exists()


@pytest.mark.parametrize("program", ALLOCATIONS)
def test_an_allocation_past_the_memory_limit_is_a_limit_error_at_its_line(program: str) -> None:
    with pytest.raises(ProgramError) as stopped:
        run_program(program)
    assert (stopped.value.kind, stopped.value.line) == ("limit", 2)


@pytest.mark.parametrize(
    "program",
    [
        "import numpy as np\nf = getattr(np, 'lo' + 'ad')\n",
        "import numpy as np\nr = np.random\nr.bit_generator\n",
        "import numpy as np\nm = [np][0]\nm.ctypeslib\n",
    ],
)
def test_a_name_built_or_reached_past_the_static_wall_is_missing_from_numpys_view(program: str) -> None:
    with pytest.raises(ProgramError) as caught:
        run_program(program)
    assert caught.value.kind == "name" and "not available" in caught.value.message
