#!/usr/bin/env bash
# A single-node Slurm cluster of its own for the tests: munged, slurmctld and slurmd, every
# file (key, socket, state, spool, logs, pids, slurm.conf) under DIR, on free ports, so that
# two clusters (two test runs) and a real Slurm of the machine do not meet.
#
#   tests/support/slurm_cluster.sh start DIR   # prints SLURM_CONF=DIR/slurm.conf when the node is idle
#   tests/support/slurm_cluster.sh stop DIR    # stops the three daemons it started, by pid
#
# Needs root (SlurmUser=root; munged reads a key owned by munge) and Debian 12's slurmctld,
# slurmd, slurm-client and munge (packaging/debian-packages.txt). Exit status 77 (with the
# reason on stderr) when either is missing, so that a caller can skip; 1 when a daemon does
# not come up (its log is printed).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action="$1"
dir="$(realpath -m "$2")"

# The daemons' pids, from their own pid files: stopped by pid, never by name. All three are
# told at once (each takes 1-2 s to go), then waited for; whatever is left after 10 s is killed.
stop_cluster() {
  local name pid pids=()
  for name in slurmd slurmctld munged; do
    pid="$(cat "$dir/$name.pid" 2>/dev/null || true)"
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  done
  for _ in $(seq 200); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.05
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -f "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munged.pid
}

if [ "$action" = stop ]; then
  stop_cluster
  exit 0
fi
[ "$action" = start ] || usage

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm_cluster: needs root (SlurmUser=root, munged as root)" >&2
  exit 77
fi
for tool in munged slurmctld slurmd sbatch squeue sinfo; do
  if ! command -v "$tool" >/dev/null; then
    echo "slurm_cluster: $tool not found: install slurmctld slurmd slurm-client munge" \
      "(packaging/install-deps.sh)" >&2
    exit 77
  fi
done

mkdir -p "$dir"/munge "$dir"/state "$dir"/spool
# munged refuses folders others may write into.
chmod 700 "$dir" "$dir"/munge
trap 'stop_cluster' ERR

# A key of its own: 1024 random bytes, owner munge, mode 400.
key="$dir/munge/munge.key"
if [ ! -f "$key" ]; then
  head -c 1024 /dev/urandom >"$key"
  chown munge:munge "$key" 2>/dev/null || true
  chmod 400 "$key"
fi
socket="$dir/munge/munge.socket"
munged --force --key-file="$key" --socket="$socket" --pid-file="$dir/munged.pid" \
  --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed" 2>"$dir/munged.err" || {
  echo "slurm_cluster: munged did not start:" >&2
  cat "$dir/munged.err" "$dir/munged.log" >&2 2>/dev/null || true
  exit 1
}

# Two free ports, for slurmctld and slurmd.
read -r ctld_port slurmd_port < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

host="$(hostname -s)"
conf="$dir/slurm.conf"
cat >"$conf" <<EOF
# Written by tests/support/slurm_cluster.sh: a single-node cluster for the tests.
ClusterName=wavebench-test
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
# Jobs start at once and a finished array leaves squeue at once.
MinJobAge=2
SchedulerParameters=sched_interval=1
NodeName=$host CPUs=$(nproc) RealMemory=4000 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"

# -i: a fresh state, whatever an earlier cluster in DIR left.
slurmctld -f "$conf" -i 2>"$dir/slurmctld.err" || {
  echo "slurm_cluster: slurmctld did not start:" >&2
  cat "$dir/slurmctld.err" "$dir/slurmctld.log" >&2 2>/dev/null || true
  stop_cluster
  exit 1
}
slurmd -f "$conf" 2>"$dir/slurmd.err" || {
  echo "slurm_cluster: slurmd did not start:" >&2
  cat "$dir/slurmd.err" "$dir/slurmd.log" >&2 2>/dev/null || true
  stop_cluster
  exit 1
}

# Idle within a second or two; 30 s on a loaded machine before giving up.
for _ in $(seq 300); do
  state="$(sinfo -h -n "$host" -o %T 2>/dev/null || true)"
  if [ "$state" = idle ]; then
    echo "SLURM_CONF=$conf"
    exit 0
  fi
  sleep 0.1
done
echo "slurm_cluster: the node did not become idle (sinfo: ${state:-nothing})" >&2
tail -20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 2>/dev/null || true
stop_cluster
exit 1
