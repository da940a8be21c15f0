#!/usr/bin/env bash
# Start or stop a Spark standalone cluster on 127.0.0.1 for tests and demos: one master and two
# workers, built from the jars of the pyspark package in .venv (no separate Spark download).
#
#   scripts/spark-cluster.sh start   # master at spark://127.0.0.1:7077, web UI at http://127.0.0.1:8080
#   scripts/spark-cluster.sh stop
#   scripts/spark-cluster.sh status
#
# Settings (environment): DOFC_SPARK_HOME (default: the pyspark package folder), DOFC_SPARK_CLUSTER_DIR
# (pid files, logs and worker folders; default /tmp/dofc-spark-cluster), SPARK_MASTER_PORT (7077),
# SPARK_MASTER_WEBUI_PORT (8080), DOFC_SPARK_WORKERS (2), DOFC_SPARK_WORKER_CORES (1),
# DOFC_SPARK_WORKER_MEMORY (1g).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PYTHON=${DOFC_PYTHON:-$ROOT/.venv/bin/python}
if [ -z "${DOFC_SPARK_HOME:-}" ]; then
  DOFC_SPARK_HOME=$("$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))') || {
    echo "spark-cluster.sh: pyspark is not installed in $PYTHON; run scripts/install.sh or set DOFC_SPARK_HOME." >&2
    exit 1
  }
fi
export SPARK_HOME=$DOFC_SPARK_HOME
# Every daemon and web UI binds to loopback only.
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_LOCAL_HOSTNAME=127.0.0.1

CLUSTER_DIR=${DOFC_SPARK_CLUSTER_DIR:-/tmp/dofc-spark-cluster}
MASTER_PORT=${SPARK_MASTER_PORT:-7077}
MASTER_UI_PORT=${SPARK_MASTER_WEBUI_PORT:-8080}
WORKERS=${DOFC_SPARK_WORKERS:-2}
WORKER_CORES=${DOFC_SPARK_WORKER_CORES:-1}
WORKER_MEMORY=${DOFC_SPARK_WORKER_MEMORY:-1g}
MASTER_URL="spark://127.0.0.1:$MASTER_PORT"
MASTER_JSON="http://127.0.0.1:$MASTER_UI_PORT/json/"

# Start one daemon in the background and record its pid. spark-class execs java, so the pid is the JVM's.
start_daemon() {
  local name=$1
  shift
  nohup "$SPARK_HOME/bin/spark-class" "$@" >"$CLUSTER_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$CLUSTER_DIR/$name.pid"
}

alive_workers() {
  curl -fsS "$MASTER_JSON" 2>/dev/null | "$PYTHON" -c 'import json, sys; print(sum(w["state"] == "ALIVE" for w in json.load(sys.stdin)["workers"]))' 2>/dev/null || echo 0
}

start() {
  if curl -fsS "$MASTER_JSON" >/dev/null 2>&1; then
    echo "spark-cluster.sh: a Spark master already responds at $MASTER_JSON; stop it first (scripts/spark-cluster.sh stop) or choose SPARK_MASTER_WEBUI_PORT." >&2
    exit 1
  fi
  mkdir -p "$CLUSTER_DIR"
  start_daemon master org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$MASTER_UI_PORT"
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$CLUSTER_DIR/worker-$i"
    start_daemon "worker-$i" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" \
      --webui-port $((MASTER_UI_PORT + i)) --work-dir "$CLUSTER_DIR/worker-$i" "$MASTER_URL"
  done

  # JVM start-up and worker registration take a few seconds on two cores.
  for _ in $(seq 1 120); do
    if [ "$(alive_workers)" -ge "$WORKERS" ]; then
      echo "Spark master $MASTER_URL with $WORKERS workers; web UI http://127.0.0.1:$MASTER_UI_PORT"
      return 0
    fi
    sleep 0.5
  done
  echo "spark-cluster.sh: the cluster did not report $WORKERS alive workers within 60 s; see the logs in $CLUSTER_DIR." >&2
  stop
  exit 1
}

stop() {
  [ -d "$CLUSTER_DIR" ] || return 0
  local pidfile pid
  for pidfile in "$CLUSTER_DIR"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
  done
  for pidfile in "$CLUSTER_DIR"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  echo "Spark cluster in $CLUSTER_DIR stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    echo "master $MASTER_URL: $(alive_workers) alive workers"
    ;;
  *)
    echo "usage: scripts/spark-cluster.sh start|stop|status" >&2
    exit 2
    ;;
esac
