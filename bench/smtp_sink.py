"""An SMTP sink in its own process for the fan-out benchmark: accepts everything and appends one line per
message (arrival time and recipients) to a file, so the benchmark can count arrivals and duplicates."""

import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the process's life

    async def handle_DATA(self, server, session, envelope):
        self.out.write(f"{time.time():.6f} {','.join(envelope.rcpt_tos)}\n")
        return "250 OK"


if __name__ == "__main__":
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"sink listening on 127.0.0.1:{port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()
