#!/usr/bin/env bash
# Runs the engine for real on ARM64, under qemu-user emulation, and checks its heatmaps against this x64 machine's
# (docs/benchmarks.md, "ARM64"). Usage: tools/arm64-check.sh [model.hgw] (default: the shipped demo model).
# Needs qemu-user and the arm64 libraries .NET loads (the C and C++ runtimes, and OpenSSL for the model file's
# SHA-256); on Debian or Ubuntu, as root:
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install qemu-user-static libc6:arm64 libstdc++6:arm64 libssl3:arm64
# The .NET runtime for linux-arm64 comes from NuGet like any package (a self-contained publish).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=$(realpath "${1:-$root/models/hourglass-demo.hgw}")
qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
if [ -z "$qemu" ] || [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
  echo "error: needs qemu-aarch64(-static) and the arm64 C runtime (see the comment at the top of $0)." >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
app=tools/HourglassSimd.AotSmoke
cd "$root"
# JIT builds, not NativeAOT: cross-compiling NativeAOT needs an arm64 linker; the managed code and its paths are the same.
dotnet publish "$app" -c Release -r linux-arm64 --self-contained -p:PublishAot=false -o "$out/arm64" > "$out/publish-arm64.log"
dotnet publish "$app" -c Release -r linux-x64 --self-contained -p:PublishAot=false -o "$out/x64" > "$out/publish-x64.log"

echo "== x64 (this machine)"
HOURGLASS_ISA=Vector128 "$out/x64/HourglassSimd.AotSmoke" --heatmaps "$out/x64-vector128.f32" "$model"
HOURGLASS_ISA=Scalar "$out/x64/HourglassSimd.AotSmoke" --heatmaps "$out/x64-scalar.f32" "$model"
"$out/x64/HourglassSimd.AotSmoke" --heatmaps "$out/x64-auto.f32" "$model"

# The JIT's W^X double mapping is slow and fragile under qemu-user.
run_arm64() { DOTNET_EnableWriteXorExecute=0 "$qemu" "$out/arm64/HourglassSimd.AotSmoke" "$@"; }
echo "== linux-arm64 under $(basename "$qemu") (Auto: the Vector128 path on AdvSimd)"
run_arm64 --require-simd --compare "$out/x64-vector128.f32" "$model"
run_arm64 --compare "$out/x64-auto.f32" "$model"
echo "== linux-arm64, scalar reference path"
HOURGLASS_ISA=Scalar run_arm64 --compare "$out/x64-scalar.f32" "$model"
echo "arm64 check passed"
