"""The 20:00 rush: learners of one timezone each open Today, tap Done on a slot (the HTMX POST the page
makes) and open Today again, as fast as the server allows, over CONNECTIONS keep-alive connections.

    bench/rush.py HOST:PORT LEARNERS_FILE CONNECTIONS

Prints one JSON line: learners served, seconds, learners per second, and the p50/p95 of a learner's
three requests together. Every request is checked: a learner whose answers were not all 200 counts
as an error.
"""

import http.client
import json
import queue
import statistics
import sys
import threading
import time
from urllib.parse import urlencode


def main(address, path, connections):
    host, port = address.split(":")
    learners = queue.Queue()
    for line in open(path):
        if line.strip():
            learners.put(line.split())
    took, errors = [], []

    def worker():
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while True:
            try:
                session, csrf, _token, date, _block, _plan = learners.get_nowait()
            except queue.Empty:
                break
            cookie = f"sessionid={session}; csrftoken={csrf}"
            started = time.perf_counter()
            statuses = []
            try:
                for method, url, body, extra in (
                    ("GET", "/", None, {}),
                    ("POST", "/checkins/", urlencode({"date": date, "slot": 3, "status": "done"}),
                     {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf, "HX-Request": "true"}),
                    ("GET", "/", None, {}),
                ):
                    conn.request(method, url, body=body, headers={"Cookie": cookie, "Host": "127.0.0.1", **extra})
                    response = conn.getresponse()
                    response.read()
                    statuses.append(response.status)
            except (OSError, http.client.HTTPException) as error:
                errors.append(repr(error))
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                continue
            if statuses != [200, 200, 200]:
                errors.append(statuses)
            else:
                took.append(time.perf_counter() - started)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    print(json.dumps({
        "learners": len(took), "errors": len(errors), "first_errors": errors[:3], "seconds": round(seconds, 2),
        "learners_per_second": round(len(took) / seconds, 1),
        "p50_ms": round(statistics.median(took) * 1000, 1) if took else None,
        "p95_ms": round(statistics.quantiles(took, n=20)[-1] * 1000, 1) if len(took) > 1 else None,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
