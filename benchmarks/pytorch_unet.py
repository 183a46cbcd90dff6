#!/usr/bin/python3
"""Times PyTorch's pix2pix unet_256 forward pass (eval, no grad) on the weights CoupleGen exported.

Used by compare-pytorch.sh. Protocol: 3 warm-up calls, then the median of 15 timed calls, per batch size,
on all CPU cores, like BenchmarkDotNet's mean over its iterations on the .NET side."""
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures"))
from make_fixtures import Unet  # noqa: E402

net = Unet()
net.load_state_dict(torch.load(sys.argv[1]), strict=True)
net.eval()
torch.set_num_threads(os.cpu_count())
for batch in (1, 8):
    x = torch.rand(batch, 3, 256, 256) * 2 - 1
    with torch.no_grad():
        for _ in range(3):
            net(x)
        times = []
        for _ in range(15):
            start = time.perf_counter()
            net(x)
            times.append(time.perf_counter() - start)
    print(f"pytorch batch {batch}: {statistics.median(times) * 1000:.1f} ms")
