#!/usr/bin/env bash
# A throw-away single-node Slurm cluster for the tests (Debian 12's Slurm 22.05), on this machine:
#   bash slurm/local-cluster.sh up [DIR] [CPUS]   # prints `export SLURM_CONF=...`
#   bash slurm/local-cluster.sh down [DIR]
# Needs slurmctld, slurmd, slurm-client and munge (scripts/install-deps.sh installs them). Runs as
# root with munge authentication, proctrack/linuxproc, no task plugin, cons_tres selection and
# PMIx as the default MPI plugin; CPUS (default 4) may exceed the cores (config_overrides), so 4
# tasks run on a 2-core machine. Daemons are stopped by PID. Not for production use.
set -euo pipefail
action=${1:?usage: local-cluster.sh up|down [DIR] [CPUS]}
base=${2:-/tmp/lockstep-slurm}
cpus=${3:-4}

down() {
  for name in slurmd slurmctld munged; do
    [ -f "$base/run/$name.pid" ] || continue
    pid=$(cat "$base/run/$name.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$base/run/$name.pid"
  done
}

up() {
  down
  mkdir -p "$base"/{etc,state,spool,log,run,munge}
  chmod 700 "$base/munge"
  chmod 755 "$base/run" # munged's socket directory must be searchable by everyone
  [ -f "$base/munge/munge.key" ] || mungekey --create --keyfile="$base/munge/munge.key"
  chmod 400 "$base/munge/munge.key"
  # munged forks and writes its PID; it needs every directory above its socket searchable.
  munged --key-file="$base/munge/munge.key" --socket="$base/run/munge.socket" \
    --pid-file="$base/run/munged.pid" --log-file="$base/log/munged.log" \
    --seed-file="$base/munge/munged.seed" || {
    echo "local-cluster: munged did not start (see above)" >&2
    exit 1
  }
  local node port
  node=$(hostname -s)
  # Ports of their own (from this shell's PID), so that two test clusters on one machine never
  # answer each other's commands.
  port=$((20000 + ($$ % 10000) * 2))
  cat >"$base/etc/slurm.conf" <<CONF
ClusterName=lockstep-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$base/run/munge.socket
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
SlurmctldPidFile=$base/run/slurmctld.daemon.pid
SlurmdPidFile=$base/run/slurmd.daemon.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
ReturnToService=2
MinJobAge=600
KillWait=10
InactiveLimit=0
SlurmdParameters=config_overrides
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=16000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$base/etc/slurm.conf"
  # In the foreground of a background job, so that $! is the daemon; every descriptor redirected
  # so that no daemon holds the caller's output open.
  setsid slurmctld -D -f "$SLURM_CONF" </dev/null >"$base/log/slurmctld.out" 2>&1 &
  echo $! >"$base/run/slurmctld.pid"
  setsid slurmd -D -f "$SLURM_CONF" </dev/null >"$base/log/slurmd.out" 2>&1 &
  echo $! >"$base/run/slurmd.pid"
  local state=""
  for _ in $(seq 1 80); do
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.5
  done
  if [ "$state" != idle ]; then
    echo "local-cluster: Slurm did not come up (node state '$state')" >&2
    tail -n 20 "$base"/log/*.log >&2 || true
    down
    exit 1
  fi
  echo "export SLURM_CONF=$SLURM_CONF"
}

case $action in
  up) up ;;
  down) down ;;
  *) echo "usage: local-cluster.sh up|down [DIR] [CPUS]" >&2; exit 2 ;;
esac
