"""Test driver for CrossLanguageWireTest: encodes records with docs/examples/produce_activations.py.

Usage: wire_driver.py EXAMPLES_DIR OUT_DIR. The values follow formulas that the Java test recomputes; the float16
case uses random values and also writes numpy's own float32 -> float16 -> float32 results for a bitwise comparison.
"""
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
from produce_activations import encode_annotation, encode_batch  # noqa: E402

out = sys.argv[2]


def write(name, data):
    with open(f"{out}/{name}", "wb") as f:
        f.write(data)


# Full batch: [3, 2, 2, 3] activations (feature shape inferred), every optional section, float64 input.
b, c, h, w = 3, 2, 2, 3
d = c * h * w
acts = (np.arange(b * d, dtype=np.float64).reshape(b, c, h, w) / 8) - 2
ids = [1_000_000_000_000 + 7 * i for i in range(b)]
stamps = [1_700_000_000_000 + i for i in range(b)]
labels = [[3, 1], [], [7]]
sim = np.arange(b * 4, dtype=np.float32).reshape(b, 4) / 16
write("batch_full.bin", encode_batch("resnet18/imagenet", "v2", "layer4.1.conv2", ids, acts,
                                     timestamps_ms=stamps, labels=labels, similarity=sim))

# Minimal batch: [2, 5], non-ASCII model id, empty version, no optional section.
acts2 = np.array([[0.5, -0.0, 1e-30, 3.4e38, -1.0], [2, 4, 8, 16, 32]], dtype=np.float32)
write("batch_min.bin", encode_batch("modèle-β", "", "fc", np.array([-5, 9], dtype=np.int64), acts2))

# Float16 batch: random values over the whole half range (subnormals, rounding ties, the largest finite values).
rng = np.random.default_rng(11)
raw = np.concatenate([
    rng.standard_normal(200) * 10,
    rng.standard_normal(100) * 1e-5,
    rng.uniform(-65504, 65504, 100),
    np.array([65519.0, -65519.0, 2.0**-25, 2.0**-24 * 1.5, 1 + 2.0**-11, 1 + 3 * 2.0**-11, 0.0, -0.0]),
]).astype(np.float32)
raw = raw[: (len(raw) // 8) * 8]
acts16 = raw.reshape(-1, 8)
sim16 = rng.standard_normal((acts16.shape[0], 3)).astype(np.float32)
write("f16_input.f32", acts16.astype("<f4").tobytes())
write("f16_sim_input.f32", sim16.astype("<f4").tobytes())
write("f16_expected.f32", acts16.astype(np.float16).astype("<f4").tobytes())
write("batch_f16.bin", encode_batch("m", "1", "l", np.arange(acts16.shape[0]), acts16, feature_shape=(2, 4),
                                    similarity=sim16, float16=True))

# Annotations.
write("annotation.bin", encode_annotation("resnet18/imagenet", 1_000_000_000_007, [5, 0, 12],
                                          similarity=np.array([0.25, -0.5, 0.75])))
write("annotation_empty.bin", encode_annotation("m", -3, []))

# The encoder refuses what the Java decoder would reject.
refusals = {
    "nan": lambda: encode_batch("m", "v", "l", [1], np.array([[np.nan]])),
    "duplicate ids": lambda: encode_batch("m", "v", "l", [1, 1], np.ones((2, 2))),
    "float16 overflow": lambda: encode_batch("m", "v", "l", [1], np.array([[70000.0]]), float16=True),
    "negative concept": lambda: encode_batch("m", "v", "l", [1], np.ones((1, 1)), labels=[[-1]]),
    "shape product": lambda: encode_batch("m", "v", "l", [1], np.ones((1, 6)), feature_shape=(2, 2)),
    "empty model": lambda: encode_batch("", "v", "l", [1], np.ones((1, 1))),
}
for name, call in refusals.items():
    try:
        call()
    except ValueError:
        continue
    raise SystemExit(f"encoder accepted invalid input: {name}")
print("ok")
