"""What checking a model file against its pinned size and sha256 costs at start-up.

Run ``.venv/bin/python benchmarks/bench_model_check.py [--repeats 20]``.

Every command that loads the pose model first checks the file (issue 11, item 10): its
size, then its sha256, against the pinned variant. The hash is cached in-process per
(path, inode, mtime, size), so it is paid once per process; this measures that first,
uncached check (the file itself is in the page cache after the first round, as it is when a
user runs commands one after another) and the cached one.

Latest figures (2 cores, Intel Xeon, page cache warm; median of 20): lite (5.8 MB) 5.0 ms
uncached, 0.1 ms cached. The full and heavy variants are timed too when they have been
pulled into the user's models folder (about 9 and 30 MB: expect roughly 1.6 and 5 times
the lite figure). For comparison, creating the lite landmarker takes 60-90 ms and importing
MediaPipe about a second, so the check adds well under 1% to a command's start; a cache on
disk would not be worth the risk of trusting a stale entry.
"""

from __future__ import annotations

import argparse
import statistics
import time

from posture_watch import model
from posture_watch.paths import BUNDLED_MODELS_DIR, user_models_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    for variant in model.VARIANTS.values():
        path = next(
            (
                p
                for p in (
                    user_models_dir() / variant.filename,
                    BUNDLED_MODELS_DIR / variant.filename,
                )
                if p.is_file()
            ),
            None,
        )
        if path is None:
            print(f"{variant.name:<6} not present (posture-watch model pull {variant.name})")
            continue
        cold, warm = [], []
        for _ in range(args.repeats):
            model._hash_cache.clear()
            start = time.perf_counter()
            model.check_model(path, variant)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            model.check_model(path, variant)
            warm.append(time.perf_counter() - start)
        cold_ms, warm_ms = statistics.median(cold) * 1e3, statistics.median(warm) * 1e3
        print(
            f"{variant.name:<6} {variant.size / 1e6:5.1f} MB  "
            f"uncached {cold_ms:6.1f} ms  cached {warm_ms:6.2f} ms"
        )


if __name__ == "__main__":
    main()
