"""Drives a command in a pseudo-terminal, as a person at a keyboard would: waits for each expected text on
the screen, types the answer, and reports the transcript and exit code as JSON on stdout.

usage: python3 pty_drive.py STEPS_JSON -- COMMAND [ARG...]
STEPS_JSON: [{"expect": "<regex>", "send": "<keys>"}, ...]; keys may hold \r (Enter) and \x1b[B (down).
Every wait is bounded; a text that never shows up ends the run with "timeout" set.
"""
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][A-Z0-9]|\r")


def main() -> None:
    steps = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A real terminal has a size; spinners and prompts wrap lines by it.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    raw = b""
    consumed = 0  # screen text up to here has been matched already
    result = {"timeout": None}

    def read(deadline: float) -> bool:
        nonlocal raw
        remaining = deadline - time.time()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.2))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            raw += chunk
        return True

    for step in steps:
        pattern = re.compile(step["expect"])
        deadline = time.time() + step.get("timeout", 30)
        while True:
            text = ANSI.sub("", raw.decode("utf-8", "replace"))
            match = pattern.search(text, consumed)
            if match:
                consumed = match.end()
                break
            if not read(deadline):
                result["timeout"] = step["expect"]
                break
        if result["timeout"]:
            break
        time.sleep(step.get("delay", 0.15))
        if "signal" in step:
            os.kill(pid, getattr(signal, step["signal"]))
        if "send" in step:
            os.write(fd, step["send"].encode())

    deadline = time.time() + (10 if result["timeout"] else 120)
    while read(deadline):
        pass
    code = None
    try:
        waited, status = os.waitpid(pid, os.WNOHANG if result["timeout"] else 0)
        if waited == 0:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
    except ChildProcessError:
        pass
    result["code"] = code
    result["transcript"] = ANSI.sub("", raw.decode("utf-8", "replace"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
