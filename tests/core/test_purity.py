"""The core is pure: NumPy and the standard library only, and it never reads the clock."""

import re
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "posture_watch" / "core"


def test_core_imports_no_adapter_library():
    modules = sorted(p.stem for p in CORE.glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        + "".join(f"import posture_watch.core.{m}\n" for m in modules)
        + "adapters = ('cv2', 'mediapipe', 'pystray', 'tkinter', 'sqlite3', 'platformdirs', "
        "'matplotlib', 'PIL')\n"
        "bad = [m for m in adapters if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert len(modules) >= 8


def test_core_never_reads_the_clock():
    clock = re.compile(r"\b(time\.(time|monotonic|perf_counter|sleep)|datetime\.now|date\.today)\b")
    offenders = [p.name for p in CORE.glob("*.py") if clock.search(p.read_text())]
    assert offenders == []
