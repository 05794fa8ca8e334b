# Shared by scripts/start and scripts/test. Sourced, not run.

# A Python >= 3.11 interpreter, or a clear message and exit.
find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "practice-bot needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

# .venv with the project and its development tools, reinstalled only when pyproject.toml changes.
ensure_venv() {
  local python stamp
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python)
    echo "== creating .venv with $python"
    "$python" -m venv .venv
  fi
  stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "== installing practice-bot and its dependencies into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}

# PostgreSQL's server binaries, from Debian's packages when we are allowed to install them.
ensure_postgres_binaries() {
  if command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
  fi
  if [ "$sudo" != "none" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing PostgreSQL from Debian packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  else
    echo "== PostgreSQL is not installed and cannot be installed here: its tests will be skipped" >&2
    echo "   (install the postgresql package to run them; with CI=true they fail instead)" >&2
  fi
}
