"""SMS backend for bench/faults/worker_kill.py only: a provider call that takes a while, with a ledger.

Selected by dotted path (SMS_BACKEND=bench.faults.slow_sms.SlowLedgerBackend); never by the product.
Every call appends `start <to> <body>` before and `sent <to> <body>` after, to FAULT_SMS_LEDGER,
so the scenario can count what reached "the provider" and what was sent twice.
"""

import os
import time

from arthomed.sms import SmsMessage, SmsResult


class SlowLedgerBackend:
    def send(self, message: SmsMessage) -> SmsResult:
        ledger = os.environ["FAULT_SMS_LEDGER"]
        line = f"{message.to} {message.body}".replace("\n", " ")
        with open(ledger, "a") as out:
            out.write(f"start {line}\n")
        time.sleep(float(os.environ.get("FAULT_SMS_SECONDS", "2")))
        with open(ledger, "a") as out:
            out.write(f"sent {line}\n")
        return SmsResult(provider_id=f"ledger-{time.monotonic_ns()}")
