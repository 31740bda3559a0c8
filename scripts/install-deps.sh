#!/usr/bin/env bash
# Installs every Debian 12 package that Lockstep's build, tests and demo need.
# Idempotent and non-interactive; run as root (or with sudo available). Says what it installs.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git time
  # the required stack
  openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools
  libboost-serialization-dev libtbb-dev libgtest-dev
  # helper libraries
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libxxhash-dev
  libips4o-dev libutf8proc-dev libzstd-dev zlib1g-dev libigraph-dev libsimdjson-dev
  # the HTML report's chart libraries (inlined at build time)
  libjs-d3 libjs-chart.js
  # tests: well-formed XML of the GEXF output; a single-node Slurm cluster for the batch scripts;
  # a headless browser for the report; Python's csv module, an independent reader of the CSVs
  libxml2-utils slurmctld slurmd slurm-client munge chromium python3
  # style checks (scripts/check-format.sh, scripts/tidy.sh) and the fuzzer's compiler
  clang-format clang-tidy clang libclang-rt-14-dev
  # installing as clusters do: the man page (help2man), the modulefile's test (Lmod), completion
  help2man lmod bash-completion man-db
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
