#!/usr/bin/env bash
# System calls of one camera's ingest thread, per RTSP reader (lenswire.ingest.rtsp-reader), next
# to the ffmpeg CLI reading the same stream: strace -c on the thread for SECONDS seconds.
#
#   scripts/bench/syscalls.sh [SECONDS]
#
# Needs the build (./mvnw -o -DskipTests package), strace, ffmpeg and the test bed's GStreamer
# RTSP server (python3-gst-1.0, gir1.2-gst-rtsp-server-1.0; the test command installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_COUNT=${1:-20}
JAR=${LENSWIRE_JAR:-processors/target/lenswire/lenswire.jar}
JAVA=${JAVA:-java}
WORK=$(mktemp -d /tmp/lenswire-syscalls-XXXXXX)
RTSP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; pkill -f "^sleep 86399$" || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# the test bed server ends when its standard input does (as when the test that started it dies)
sleep 86399 | /usr/bin/python3 integration-tests/src/test/testbed/rtsp_server.py --port "$RTSP_PORT" --mount /cam=h264 > "$WORK/rtsp.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $RTSP_PORT), 1)" 2>/dev/null && break
  sleep 0.5
done
URL="rtsp://127.0.0.1:$RTSP_PORT/cam"

# prints "<calls per second> <poll+ppoll per second> <recv* per second>" of a strace -c summary
summarise() {
  awk -v s="$SECONDS_TO_COUNT" '
    $1 ~ /^[0-9.]+$/ && $NF != "total" {
      total += $4
      if ($NF ~ /^(poll|ppoll)$/) poll += $4
      if ($NF ~ /^(recvfrom|recvmsg|read)$/) recv += $4
    }
    END {printf "%.0f %.0f %.0f\n", total / s, poll / s, recv / s}' "$1"
}

echo "# $(date -u +%FT%TZ), one 720p25 2 Mbit/s H.264 camera (GStreamer x264), ${SECONDS_TO_COUNT} s each"
echo "| reader | system calls/s | poll/s | recv/s |"
echo "|---|---:|---:|---:|"
for reader in lenswire libavformat; do
  mkdir -p "$WORK/$reader"
  "$JAVA" -Xmx512m -jar "$JAR" --server.port="$HTTP_PORT" --lenswire.data-dir="$WORK/$reader" \
    --lenswire.security.api-keys[0]=bench-key --lenswire.cameras[0].id=cam --lenswire.cameras[0].url="$URL" \
    --lenswire.ingest.rtsp-reader="$reader" > "$WORK/$reader.log" 2>&1 &
  APP=$!
  PIDS+=($APP)
  for _ in $(seq 1 180); do
    grep -q "camera cam: streaming" "$WORK/$reader.log" 2>/dev/null && break
    sleep 1
  done
  grep -q "camera cam: streaming .* read by $reader" "$WORK/$reader.log" || { echo "camera not streaming with $reader:" >&2; tail -20 "$WORK/$reader.log" >&2; exit 1; }
  sleep 5
  # the camera's ingest thread: its name ends in "javacv-cam"; nid is the Linux thread id
  TID=$(jcmd "$APP" Thread.print | grep -E '^".*javacv-cam"' | sed -E 's/.*nid=(0x[0-9a-f]+).*/\1/' | head -1)
  TID=$((TID))
  timeout -s INT "$SECONDS_TO_COUNT" strace -c -p "$TID" -o "$WORK/$reader.strace" > /dev/null 2>&1 || true
  read -r total poll recv < <(summarise "$WORK/$reader.strace")
  echo "| Lenswire, \`$reader\` | $total | $poll | $recv |"
  kill "$APP"; wait "$APP" 2>/dev/null || true
done
ffmpeg -nostdin -loglevel error -rtsp_transport tcp -i "$URL" -c copy -f null - > /dev/null 2>&1 &
FF=$!
PIDS+=($FF)
sleep 5
timeout -s INT "$SECONDS_TO_COUNT" strace -c -f -p "$FF" -o "$WORK/ffmpeg.strace" > /dev/null 2>&1 || true
read -r total poll recv < <(summarise "$WORK/ffmpeg.strace")
echo "| \`ffmpeg -rtsp_transport tcp -i URL -c copy -f null -\` (whole process) | $total | $poll | $recv |"
