#!/usr/bin/env bash
# Face analytics benchmarks (docs/benchmarks.md, "Face analytics"):
#   1. time per analysed 720p frame, Lenswire pipeline vs the raw libavcodec/OpenCV calls, one core
#   2. recognition quality per recognizer on the shared photos through H.264
#   3. CPU per camera with analytics on, N = 1 and 3 (the server jar against the test RTSP server)
# Needs what the tests need (ffmpeg, GStreamer RTSP server, ../shared or -Dlenswire.shared.dir).
# Usage: scripts/bench-analytics.sh [ROUNDS] ; SHARED=DIR to use other models/photos.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
shared="$(cd "${SHARED:-../shared}" && pwd)"
./mvnw -B -q -DskipTests package -pl processors
./mvnw -B -q test-compile dependency:build-classpath -pl processors -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test >/dev/null
cp="processors/target/test-classes:processors/target/classes:$(cat processors/target/bench-cp.txt)"

echo "== 1+2. per-frame time (one core) and recognition quality"
taskset -c 0 java -Dlenswire.shared="$shared" -cp "$cp" io.lenswire.analytics.AnalyticsBenchmark "$rounds" 2>/dev/null \
  | grep -E "^(video|round|median|quality)"

echo "== 3. CPU per camera with analytics (N = 1 and 3)"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
i=0
for s in pattern obama2 obama2 biden biden; do
  case $s in
    pattern) ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720 -frames:v 1 "$work/$(printf f_%05d.jpg $i)" ;;
    obama2) ffmpeg -v error -y -i "$shared/faces/obama2.jpg" -f lavfi -i color=c=0x506070:s=1280x720 \
              -filter_complex "[0]scale=-2:720[f];[1][f]overlay=x=120:y=0" -frames:v 1 "$work/$(printf f_%05d.jpg $i)" ;;
    biden) ffmpeg -v error -y -i "$shared/faces/biden.jpg" -f lavfi -i color=c=0x506070:s=1280x720 \
              -filter_complex "[0]crop=970:1100:0:0,scale=-2:720[f];[1][f]overlay=x=700:y=0" -frames:v 1 "$work/$(printf f_%05d.jpg $i)" ;;
  esac
  i=$((i+1))
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sleep 100000 | /usr/bin/python3 integration-tests/src/test/testbed/rtsp_server.py --port "$port" \
  --mount /c1=jpegdir:"$work" --mount /c2=jpegdir:"$work" --mount /c3=jpegdir:"$work" > "$work/rtsp.log" 2>&1 &
sleep 2
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
measure() { # analytics(true|false) N -> CPU % of one core over 30 s
  local analytics=$1 n=$2
  java -Xmx768m -jar processors/target/lenswire/lenswire.jar --server.port="$http" --lenswire.data-dir="$work/data-$analytics-$n" \
    --lenswire.security.api-keys[0]=bench --lenswire.analytics.models-dir="$shared/models" \
    --lenswire.cameras[0].id=demo --lenswire.cameras[0].url=demo: > "$work/app.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 90); do curl -sf "localhost:$http/api/stream/health" >/dev/null && break; sleep 1; done
  curl -s -X DELETE -H 'X-API-Key: bench' "localhost:$http/api/stream/cameras/demo" >/dev/null
  for c in $(seq 1 "$n"); do
    curl -s -H 'X-API-Key: bench' -H 'Content-Type: application/json' \
      -d "{\"camera_id\":\"c$c\",\"rtsp_url\":\"rtsp://127.0.0.1:$port/c$c\",\"enable_analytics\":$analytics}" \
      "localhost:$http/api/stream/cameras/add" >/dev/null
  done
  sleep 15
  local t0; t0=$(cpu_ticks $pid); sleep 30; local t1; t1=$(cpu_ticks $pid)
  local hz; hz=$(getconf CLK_TCK)
  echo "$analytics $n $(( (t1 - t0) * 100 / (30 * hz) ))"
  kill $pid; wait $pid 2>/dev/null || true
}
for n in 1 3; do
  off=$(measure false $n | awk '{print $3}')
  on=$(measure true $n | awk '{print $3}')
  echo "N=$n: server CPU ${off}% of a core without analytics, ${on}% with; analytics $(( (on - off) / n ))% of a core per camera"
done
