#!/usr/bin/env bash
# Runs every test on a fresh Debian machine with JDK 17+: installs the system packages the test bed
# needs when missing (GStreamer RTSP server, FFmpeg, Chromium, PostgreSQL and ZooKeeper: the tests
# start their own servers under temporary directories), fetches the face model and photos
# when ../shared is absent, then builds and runs unit and integration tests with ./mvnw -B verify.
# Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base
          gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
          ffmpeg chromium chromium-driver postgresql zookeeper maven curl ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-all: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Face analytics tests read the YuNet and MobileFaceNet models and four photos from ../shared (beside
# the repository).
# Where that is absent, fetch the official files (checksums checked) into .cache/shared instead.
shared="../shared"
if [ ! -f "$shared/models/face_detection_yunet_2023mar.onnx" ] || [ ! -f "$shared/models/MobileFaceNet.tflite" ] \
    || [ ! -f "$shared/faces/obama2.jpg" ]; then
  echo "test-all: $shared has no face model or photos; fetching them into .cache/shared"
  ./scripts/fetch-models.sh --faces .cache/shared
  set -- "-Dlenswire.shared.dir=$PWD/.cache/shared" "$@"
fi

exec ./mvnw -B verify "$@"
