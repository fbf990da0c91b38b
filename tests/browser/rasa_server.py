"""The real Rasa dialogue server for the tests that talk through it.

``running_rasa`` starts ``rasa run`` from the project's Rasa environment (``.venv-rasa``) with
the trained model (``nlu_data/models/zhidao.tar.gz``), an endpoints file that sends the custom
actions to the test app's ``/webhook`` and keeps conversations in a throwaway SQLite tracker
store, waits until it answers (TensorFlow's first turn included), and stops it afterwards.

Without the Rasa environment or an up-to-date model the tests are skipped, unless
``REQUIRE_RASA=1`` (``.ci/run``: ``make test`` trains the model before pytest runs).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from assistant.config import PROJECT_ROOT, Settings
from assistant.conversation.cli import training_hash
from assistant.conversation.endpoints import endpoints, prepare_tracker_db

NLU_DIR = PROJECT_ROOT / "nlu_data"
MODEL = NLU_DIR / "models" / "zhidao.tar.gz"
STAMP = NLU_DIR / "models" / "zhidao.fingerprint"
STARTUP_SECONDS = 420  # TensorFlow and the model load in 1–3 min on a busy 2-core machine


def rasa_executable() -> Path:
    venv = Path(os.environ.get("RASA_VENV", PROJECT_ROOT / ".venv-rasa"))
    return venv / "bin" / "rasa"


def unavailable_reason() -> str | None:
    """Why the real Rasa cannot be used here, or None when it can."""
    if not rasa_executable().exists():
        return f"{rasa_executable()} is missing (scripts/rasa.sh install)"
    if not MODEL.exists() or not STAMP.exists():
        return f"{MODEL.relative_to(PROJECT_ROOT)} is missing (scripts/rasa.sh prepare)"
    if STAMP.read_text().strip() != training_hash(NLU_DIR):
        return "the Rasa model is older than nlu_data/ (scripts/rasa.sh prepare retrains it)"
    return None


def require_rasa() -> None:
    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get("REQUIRE_RASA") == "1":
        pytest.fail(f"REQUIRE_RASA=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_rasa(*, app_port: int, workdir: Path) -> Iterator[str]:
    """Rasa on a free loopback port, its actions at ``http://127.0.0.1:{app_port}/webhook``."""
    settings = Settings(environment="test", data_dir=workdir, port=app_port)
    prepare_tracker_db(settings)
    config = workdir / "endpoints.yml"
    config.write_text(yaml.safe_dump(endpoints(settings), allow_unicode=True))
    port = free_port()
    log_path = workdir / "rasa.log"
    env = os.environ | {
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    command = [
        str(rasa_executable()), "run", "--model", str(MODEL), "--endpoints", str(config),
        "--credentials", "credentials.yml", "--interface", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=NLU_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(process, url, log_path)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"Rasa exited with {process.returncode}:\n{_tail(log_path)}")
        try:
            if httpx.get(f"{url}/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"Rasa did not start within {STARTUP_SECONDS} s:\n{_tail(log_path)}")
        time.sleep(2)
    # The first message pays for TensorFlow's graph tracing: spend it here, not in a test.
    httpx.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": "warm-up", "message": "你好"},
        timeout=120,
    ).raise_for_status()


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
