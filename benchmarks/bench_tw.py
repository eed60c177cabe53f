"""Benchmark for guankao.tw: quantity extraction over the seed report and search folding."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from importlib.resources import files

from guankao.tw import extract_quantities, fold_for_search

SEED = "sources/003_827bf5895b5233fc.txt"
EXTRACT_RUNS = 200
FOLD_RUNS = 5
FOLD_BYTES = 1_000_000

# Traditional Chinese and Vietnamese, as on a bilingual new-resident services page.
_MIXED = (
    "新住民家庭服務中心提供個案管理、法律諮詢及通譯服務，歡迎來電預約。"
    "Trung tâm dịch vụ gia đình di dân mới cung cấp quản lý hồ sơ, tư vấn pháp lý "
    "và phiên dịch; xin vui lòng gọi điện đặt lịch hẹn. "
    "我想參加歸化測試，請問需要準備哪些文件？Tôi muốn tham gia kỳ thi nhập quốc tịch.\n"
)


def _mixed_text(size: int) -> str:
    unit_bytes = len(_MIXED.encode("utf-8"))
    text = _MIXED * (size // unit_bytes + 1)
    # Trim by characters until the UTF-8 size is at most `size` bytes.
    while len(text.encode("utf-8")) > size:
        text = text[: -max(1, (len(text.encode("utf-8")) - size) // 3)]
    return text


def _time(func: Callable[[], object], runs: int) -> list[float]:
    timings: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        timings.append(time.perf_counter() - started)
    return timings


def run() -> str:
    """Run the benchmarks and return a Markdown section with the figures."""
    seed = files("guankao.seeds").joinpath(SEED).read_text(encoding="utf-8")
    found = len(extract_quantities(seed))
    extract = _time(lambda: extract_quantities(seed), EXTRACT_RUNS)
    p95 = statistics.quantiles(extract, n=20)[18]

    text = _mixed_text(FOLD_BYTES)
    megabytes = len(text.encode("utf-8")) / 1_000_000
    fold_for_search("暖身")  # build the OpenCC converter outside the timed runs
    fold = statistics.median(_time(lambda: fold_for_search(text), FOLD_RUNS))

    rows = [
        ("Figure", "Value"),
        ("---", "---:"),
        (
            f"Extract all quantities from the seed report ({len(seed):,} chars, "
            f"{found} quantities), median of {EXTRACT_RUNS}",
            f"{statistics.median(extract) * 1000:.2f} ms",
        ),
        ("Extract all quantities from the seed report, p95", f"{p95 * 1000:.2f} ms"),
        (
            f"Fold {megabytes:.2f} MB of mixed Chinese/Vietnamese text, median of {FOLD_RUNS}",
            f"{fold * 1000:.1f} ms",
        ),
        ("Fold throughput", f"{megabytes / fold:.1f} MB/s"),
    ]
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    return f"## guankao.tw\n\n{table}\n"


if __name__ == "__main__":
    print(run())
