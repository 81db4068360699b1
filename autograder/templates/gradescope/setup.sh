#!/usr/bin/env bash
# Gradescope runs this once, as root with network, when it builds the autograder's image (Ubuntu).
# It installs Python 3.11, the course's dependencies at the versions of constraints.txt into
# /autograder/venv, and bubblewrap if it can; the grader decides at each run whether it can isolate.
set -euo pipefail
SOURCE=/autograder/source
VENV=/autograder/venv
export DEBIAN_FRONTEND=noninteractive

apt-get update -q || echo "setup.sh: apt-get update failed; trying to install anyway"
# Each submission is isolated only where the container allows bubblewrap's namespaces and cgroups;
# otherwise the grader grades with process limits and says so in a hidden test.
apt-get install -y -q bubblewrap \
    || echo "setup.sh: bubblewrap could not be installed; submissions will be graded without isolation"

# constraints.txt was made on Python 3.11: use it, installing it when the image has another version.
PY=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        PY=$(command -v "$candidate")
        break
    fi
done
if [ -z "$PY" ]; then
    if ! apt-get install -y -q python3.11 python3.11-venv; then
        apt-get install -y -q software-properties-common
        add-apt-repository -y ppa:deadsnakes/ppa
        apt-get update -q
        apt-get install -y -q python3.11 python3.11-venv
    fi
    PY=$(command -v python3.11)
fi

"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --no-cache-dir -c "$SOURCE/constraints.txt" -r "$SOURCE/requirements.txt"

# Not isolated, a submission's process runs as "nobody", which must read Python and the course code,
# and never the seed.
chmod -R a+rX "$VENV" "$SOURCE/course"
chmod 711 "$SOURCE"
chmod 600 "$SOURCE/seed.txt"

# Fail the image now, not at the first submission, if the grader cannot start.
cd "$SOURCE/course"
"$VENV/bin/python" -E -s -c "import autograder.gradescope_run"
echo "setup.sh: the autograder is installed ($("$VENV/bin/python" -V))"
