#!/usr/bin/env bash
# Install the Debian packages listed in scripts/debian-packages.txt that are not installed yet.
# Does nothing (and needs no root) when everything is present.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
while read -r package; do
    case "$package" in ''|'#'*) continue ;; esac
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done < debian-packages.txt
# python3-venv only matters when the interpreter the Makefile chose (PYTHON) cannot make a venv
# by itself (pyenv builds can; Debian's python3.11 needs the package).
if "${PYTHON:-python3}" -c "import ensurepip, venv" 2>/dev/null; then
    missing=("${missing[@]/python3-venv}")
fi
packages=$(printf '%s ' "${missing[@]}" | xargs)
[ -z "$packages" ] && exit 0
echo "guankao: installing Debian packages: $packages"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends $packages
