"""`make faults`: every fault-injection scenario in turn, each in its own process; exit 1 if any failed."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIOS = ["pg_down.py", "redis_down.py", "sms_provider.py", "worker_kill.py"]


def main() -> int:
    results = {}
    for script in SCENARIOS:
        print(f"\n##### {script}", flush=True)
        results[script] = subprocess.run([sys.executable, str(HERE / script)], check=False, timeout=600).returncode
    print("\n##### summary")
    for script, code in results.items():
        print(f"  {script:<18} {'PASS' if code == 0 else 'FAIL'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
