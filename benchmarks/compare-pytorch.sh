#!/usr/bin/env bash
# Side by side in one run: PyTorch (Debian python3-torch) and CoupleGen/TorchSharp on the same unet_256
# weights (exported by CoupleGen as .pth), batch 1 and 8 at 256x256, forward pass only.
# Needs: apt-get install python3-torch. Prints each time and the ratio PyTorch / TorchSharp.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
dotnet run -c Release --project benchmarks/CoupleGen.Benchmarks -- --export-pth "$work/unet_256.pth"
/usr/bin/python3 benchmarks/pytorch_unet.py "$work/unet_256.pth" | tee "$work/pytorch.txt"
dotnet run -c Release --project benchmarks/CoupleGen.Benchmarks -- --filter '*OnnxRuntimeBenchmarks*' --artifacts "$work/bdn" > "$work/bdn.log"
grep -E '^\| (TorchSharp|OnnxRuntime) ' "$work/bdn.log"
for batch in 1 8; do
  torch_ms=$(awk -v b="$batch" '/^pytorch batch/ && $3 == b":" {print $4}' "$work/pytorch.txt")
  sharp=$(awk -F'|' -v b="$batch" '$2 ~ /TorchSharp/ && $3 + 0 == b {print $4}' "$work/bdn.log" | tr -d ' ,')
  sharp_ms=$(echo "$sharp" | sed -E 's/ms$//; s/s$/*1000/' | bc -l)
  echo "batch $batch: PyTorch ${torch_ms} ms, TorchSharp ${sharp_ms} ms, PyTorch/TorchSharp = $(echo "$torch_ms / $sharp_ms" | bc -l | cut -c1-5)"
done
