"""Placed in a learner's repository as sitecustomize.py: Python imports it at start-up in every
process whose $PYTHONPATH names the repository (CI workflows often export PYTHONPATH=.); it
leaves a canary file to show that it ran."""
from pathlib import Path

Path(__file__).with_name("CANARY-sitecustomize-ran").write_text("ran at interpreter start-up")
