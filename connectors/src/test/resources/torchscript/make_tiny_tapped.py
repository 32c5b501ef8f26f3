"""Writes the TorchScript fixture of TorchScriptTappedModelTest (run with Debian's /usr/bin/python3 + python3-torch).

    /usr/bin/python3 make_tiny_tapped.py OUT_DIR

A scripted (not traced) module, so that train/eval mode stays a run-time switch: BatchNorm with non-trivial running
statistics and an active-in-training Dropout make the outputs differ unless the Java side really runs it in eval mode.
forward returns (logits, block1, pool), the names in the sidecar tiny_tapped.pt.taps.json. Also writes the input and
the expected eval-mode outputs as .npy files.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn


class TinyTapped(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        block1 = torch.relu(self.bn(self.conv(x)))
        pool = block1.mean(dim=(2, 3))
        logits = self.fc(self.drop(pool))
        return logits, block1, pool


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    net = TinyTapped()
    net.train()
    with torch.no_grad():
        for _ in range(5):  # move the BatchNorm running statistics away from 0 / 1
            net(torch.rand(16, 3, 8, 8) * 3 + 1)
    net.eval()
    scripted = torch.jit.script(net)
    scripted.save(os.path.join(out, "tiny_tapped.pt"))
    with open(os.path.join(out, "tiny_tapped.pt.taps.json"), "w") as f:
        json.dump({"outputs": ["logits", "block1", "pool"]}, f)
    x = torch.from_numpy(np.random.default_rng(1).random((2, 3, 8, 8), dtype=np.float32))
    with torch.no_grad():
        logits, block1, pool = scripted(x)
    np.save(os.path.join(out, "tiny_tapped_input.npy"), x.numpy())
    np.save(os.path.join(out, "tiny_tapped_logits.npy"), logits.numpy())
    np.save(os.path.join(out, "tiny_tapped_block1.npy"), block1.numpy())
    np.save(os.path.join(out, "tiny_tapped_pool.npy"), pool.numpy())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
