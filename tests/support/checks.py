"""What the Python end-to-end tests under tests/app share: a check that prints PASS/FAIL and
counts, the exit status those counts give, and waiting for a condition without a fixed sleep.

    sys.path.insert(0, <tests/support>); from checks import check, wait_until, summary
"""
import sys
import time

passed = failed = 0


def check(ok, what, detail=""):
    """Prints the check; `detail` only when it failed."""
    global passed, failed
    print(("PASS  " if ok else "FAIL  ") + what + ("" if ok or not detail else f"\n{detail}"))
    sys.stdout.flush()
    passed, failed = passed + bool(ok), failed + (not ok)


def summary():
    """Prints the counts; the exit status: 1 when a check failed."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def wait_until(condition, seconds, poll=0.05):
    """True as soon as condition() is; its last answer after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return condition()
