"""The isolation guard says why it cannot isolate, instead of failing inside the sandbox."""
from autograder import isolation


def test_a_python_under_tmp_is_not_isolated_and_says_why(monkeypatch):
    monkeypatch.delenv("AUTOGRADER_ISOLATION", raising=False)
    monkeypatch.setattr(isolation.sys, "platform", "linux")
    monkeypatch.setattr(isolation.os, "geteuid", lambda: 0)
    monkeypatch.setattr(isolation, "_python_folders", lambda: ["/tmp/checkout/.venv", "/usr/lib/python3.11"])
    mode = isolation._detect()
    assert not mode.isolated and "/tmp/checkout/.venv" in mode.reason


def test_isolation_off_by_environment_says_so(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_ISOLATION", "off")
    assert isolation._detect() == isolation.Mode(False, "AUTOGRADER_ISOLATION=off")
