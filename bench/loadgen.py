"""A small closed-loop HTTP load generator: N connections, keep-alive, latencies recorded."""
from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict:
        return {"rps": round(self.rps, 1), "p50_ms": round(statistics.median(self.latencies_ms), 2),
                "p99_ms": round(self.pct(0.99), 2), "statuses": self.statuses}


def run_load(port: int, path: str, make_request: Callable[[int], tuple[bytes, dict]],
             total: int, connections: int) -> LoadResult:
    """Send `total` POSTs over `connections` keep-alive connections.

    Request i is built by make_request(i).
    """
    prepared = [make_request(i) for i in range(total)]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, codes = [], {}
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            body, headers = prepared[i]
            started = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            codes[response.status] = codes.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(total, time.perf_counter() - started, latencies, statuses)
