#!/usr/bin/env bash
# A throwaway single-node Slurm on localhost, everything in one directory: its own munge key and
# socket, its own slurm.conf, state, spool, logs and ports, so it touches nothing of the
# machine's (no /etc/slurm, no /run/munge) and any number can run side by side.
#
#   local_slurm.sh start DIR   starts munged, slurmctld and slurmd; waits until the node takes
#                              jobs; prints `export SLURM_CONF=DIR/slurm.conf`; exits 77 when
#                              Slurm cannot start here (packages missing, not root, a daemon that
#                              will not come up), with the reason on stderr
#   local_slurm.sh stop DIR    stops the daemons it started (by their pid files) and waits
#
# Needs root (slurmd launches jobs as their user) and Debian's slurmctld, slurmd and munge.
set -uo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

stop_pidfile() {
  local f=$1 name=$2 pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  # Only our own daemon: the pid is from our pid file and that process is still the daemon
  # (not another process that got the number since).
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
}

stop_all() {
  # slurmd first, so it does not retry a controller that is gone.
  stop_pidfile "$dir/slurmd.pid" slurmd
  stop_pidfile "$dir/slurmctld.pid" slurmctld
  stop_pidfile "$dir/munged.pid" munged
}

# Whatever started before the failure is stopped again.
skip() { echo "local_slurm: cannot start Slurm here: $*" >&2; stop_all; exit 77; }

if [ "$cmd" = stop ]; then
  stop_all
  exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || skip "not root (slurmd must be able to start jobs as their user)"
for b in munged mungekey slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || skip "$b not installed (Debian packages slurmctld, slurmd, slurm-client, munge)"
done
PATH=$PATH:/usr/sbin

mkdir -p "$dir"/{state,spool,munge} || skip "cannot create $dir"
dir=$(cd "$dir" && pwd)
chmod 700 "$dir/munge"

# munge: a fresh key and socket of our own; --force since the key and socket are not in the
# places munged expects and their directory is root's.
mungekey --create --keyfile="$dir/munge/munge.key" --force >/dev/null 2>&1 ||
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$dir/munge/munge.key"
sock="$dir/munge/munge.socket"
munged --force --socket="$sock" --key-file="$dir/munge/munge.key" --pid-file="$dir/munged.pid" \
  --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed" >"$dir/munged.out" 2>&1 ||
  skip "munged did not start: $(tail -n 3 "$dir/munged.out" "$dir/munged.log" 2>/dev/null | tr '\n' ' ')"

# Two free TCP ports on the loopback for the controller and the node daemon.
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
ctld_port=$(free_port) || skip "no free port"
slurmd_port=$(free_port) || skip "no free port"
[ "$ctld_port" != "$slurmd_port" ] || slurmd_port=$((ctld_port + 1))
cpus=$(nproc)

cat >"$dir/slurm.conf" <<EOF
# Written by tests/slurm/local_slurm.sh: a single-node cluster for tests, in $dir.
ClusterName=shiftsimtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmdDebug=info
SlurmctldDebug=info
# No cgroups: a container may have none that it can write.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# Quick turnaround for tests.
SchedulerParameters=sched_interval=1
MinJobAge=60
InactiveLimit=0
KillWait=2
Waittime=0
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"

slurmctld -c -f "$SLURM_CONF" >"$dir/slurmctld.out" 2>&1 ||
  skip "slurmctld did not start: $(tail -n 5 "$dir/slurmctld.log" "$dir/slurmctld.out" 2>/dev/null | tr '\n' ' ')"
slurmd -N localhost -f "$SLURM_CONF" >"$dir/slurmd.out" 2>&1 ||
  skip "slurmd did not start: $(tail -n 5 "$dir/slurmd.log" "$dir/slurmd.out" 2>/dev/null | tr '\n' ' ')"

# Ready when the node is idle (it comes up unknown, then idle once slurmd has registered).
for _ in $(seq 150); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -n 1)
  case "$state" in
    idle|mix|alloc) echo "export SLURM_CONF=$SLURM_CONF"; exit 0 ;;
  esac
  sleep 0.2
done
skip "the node did not come up (sinfo says '${state:-nothing}'): $(tail -n 5 "$dir/slurmd.log" "$dir/slurmctld.log" 2>/dev/null | tr '\n' ' ')"
