#!/usr/bin/env python3
"""Encode activation batches in the Neurowatch wire format (version 1) and send them to Kafka.

Encoding needs only numpy and the standard library (``struct``); sending needs confluent_kafka
(Debian: ``apt install python3-confluent-kafka``; pip: ``pip install confluent-kafka``).
The byte layout is specified in docs/wire-format.md.

As a library::

    from produce_activations import encode_batch, batch_key
    value = encode_batch("resnet18", "v1", "layer4", sample_ids, activations)   # bytes
    producer.produce("neurowatch.activations", key=batch_key("resnet18", "layer4"), value=value)

As a program (random activations; ``--out`` writes one record to a file and needs no Kafka)::

    python3 produce_activations.py --bootstrap-servers 127.0.0.1:9092 --model resnet18 --layer layer4
    python3 produce_activations.py --out batch.bin --batch-size 4 --shape 8 2 2 --concepts 5
"""

import argparse
import struct
import sys
import time

import numpy as np

MAGIC = b"NWAB"
VERSION = 1
MESSAGE_ACTIVATION_BATCH = 1
MESSAGE_SAMPLE_ANNOTATION = 2
DTYPE_FLOAT32 = 1
DTYPE_FLOAT16 = 2
FLAG_FEATURE_SHAPE = 1 << 0
FLAG_TIMESTAMPS = 1 << 1
FLAG_LABELS = 1 << 2
FLAG_SIMILARITY = 1 << 3
# magic, version u16, message type u8, dtype u8, flags u32, total record length u32: 16 bytes, little-endian.
HEADER = struct.Struct("<4sHBBII")
MAX_STRING_BYTES = 1024
MAX_FEATURE_RANK = 8


def _string(value, name, allow_empty=False):
    data = value.encode("utf-8")
    if not data and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    if len(data) > MAX_STRING_BYTES:
        raise ValueError(f"{name} has {len(data)} UTF-8 bytes, more than {MAX_STRING_BYTES}")
    return struct.pack("<I", len(data)) + data


def _floats(values, float16, name):
    # Cast first, then check: float64 inputs can overflow float32, and float32 inputs can overflow float16.
    with np.errstate(over="ignore", invalid="ignore"):
        cast = np.ascontiguousarray(np.asarray(values).astype("<f2" if float16 else "<f4"))
    if not np.isfinite(cast).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(cast))[0])
        limit = " or exceeds the float16 range (+-65504)" if float16 else ""
        raise ValueError(f"{name} at index {bad} is NaN or infinite{limit}")
    return cast.tobytes()


def _record(message_type, float16, flags, body):
    total = HEADER.size + len(body)
    dtype = DTYPE_FLOAT16 if float16 else DTYPE_FLOAT32
    return HEADER.pack(MAGIC, VERSION, message_type, dtype, flags, total) + body


def _concept_ids(ids, name):
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if (ids < 0).any() or (ids > 2**31 - 1).any():
        raise ValueError(f"{name}: concept ids must be in [0, 2^31)")
    if len(np.unique(ids)) != len(ids):
        raise ValueError(f"{name}: a concept id is repeated")
    return ids.astype("<i4")


def encode_batch(model_id, model_version, layer, sample_ids, activations, *, feature_shape=None,
                 timestamps_ms=None, labels=None, similarity=None, float16=False):
    """Encode one batch of one layer as a Neurowatch ActivationBatch record (message type 1).

    model_id, model_version, layer: str (model_version may be empty).
    sample_ids: B int64 ids, unique within the batch (and per model).
    activations: [B, D] or [B, *feature_shape] (e.g. [B, C, H, W]); flattened in C order to [B, D].
        With more than two dimensions, feature_shape defaults to activations.shape[1:].
    feature_shape: optional ints whose product is D.
    timestamps_ms: optional B int64 epoch milliseconds.
    labels: optional list of B sequences of int32 concept ids (a sample may have none).
    similarity: optional [B, M] concept similarities (CLIP-Dissect).
    float16: write activations and similarities as float16 (half the bytes, about 3 significant digits).
    Returns the record as bytes. Raises ValueError for anything the Java decoder would reject.
    """
    acts = np.asarray(activations)
    if acts.ndim < 2 or acts.shape[0] == 0 or acts[0].size == 0:
        raise ValueError(f"activations must be [B, D] or [B, *feature_shape] with B, D >= 1, got {acts.shape}")
    batch = acts.shape[0]
    if feature_shape is None and acts.ndim > 2:
        feature_shape = acts.shape[1:]
    acts = acts.reshape(batch, -1)
    features = acts.shape[1]
    ids = np.ascontiguousarray(sample_ids, dtype="<i8").reshape(-1)
    if ids.shape != (batch,):
        raise ValueError(f"{ids.size} sample ids for {batch} rows of activations")
    if len(np.unique(ids)) != batch:
        raise ValueError("sample ids must be unique within a batch")

    flags = 0
    parts = [_string(model_id, "model_id"), _string(model_version, "model_version", allow_empty=True),
             _string(layer, "layer"), struct.pack("<II", batch, features), ids.tobytes(),
             _floats(acts, float16, "activations")]
    # Optional sections follow in the order of their flag bits.
    if feature_shape is not None:
        shape = [int(n) for n in feature_shape]
        if not 1 <= len(shape) <= MAX_FEATURE_RANK or min(shape) < 1 or int(np.prod(shape)) != features:
            raise ValueError(f"feature_shape {shape} must have rank 1..8, positive extents and product D={features}")
        flags |= FLAG_FEATURE_SHAPE
        parts.append(struct.pack(f"<I{len(shape)}i", len(shape), *shape))
    if timestamps_ms is not None:
        stamps = np.ascontiguousarray(timestamps_ms, dtype="<i8").reshape(-1)
        if stamps.shape != (batch,):
            raise ValueError(f"{stamps.size} timestamps for {batch} samples")
        flags |= FLAG_TIMESTAMPS
        parts.append(stamps.tobytes())
    if labels is not None:
        if len(labels) != batch:
            raise ValueError(f"labels for {len(labels)} samples, batch has {batch}")
        rows = [_concept_ids(row, f"labels[{i}]") for i, row in enumerate(labels)]
        offsets = np.zeros(batch + 1, dtype="<i4")
        offsets[1:] = np.cumsum([len(row) for row in rows])
        concepts = np.concatenate(rows).astype("<i4")
        flags |= FLAG_LABELS
        parts += [struct.pack("<I", len(concepts)), offsets.tobytes(), concepts.tobytes()]
    if similarity is not None:
        sim = np.asarray(similarity)
        if sim.ndim != 2 or sim.shape[0] != batch or sim.shape[1] == 0:
            raise ValueError(f"similarity must be [B={batch}, M>=1], got {sim.shape}")
        flags |= FLAG_SIMILARITY
        parts += [struct.pack("<I", sim.shape[1]), _floats(sim, float16, "similarity")]
    return _record(MESSAGE_ACTIVATION_BATCH, float16, flags, b"".join(parts))


def encode_annotation(model_id, sample_id, concept_ids, *, similarity=None, float16=False):
    """Encode late labels of one sample as a Neurowatch SampleAnnotation record (message type 2)."""
    concepts = _concept_ids(concept_ids, "concept_ids")
    flags = 0
    parts = [_string(model_id, "model_id"), struct.pack("<qI", int(sample_id), len(concepts)), concepts.tobytes()]
    if similarity is not None:
        sim = np.asarray(similarity).reshape(-1)
        if sim.size == 0:
            raise ValueError("similarity must have at least one value")
        flags |= FLAG_SIMILARITY
        parts += [struct.pack("<I", sim.size), _floats(sim, float16, "similarity")]
    return _record(MESSAGE_SAMPLE_ANNOTATION, float16, flags, b"".join(parts))


def batch_key(model_id, layer):
    """Kafka key of a batch: "model/layer", so that one layer's batches stay in order."""
    return f"{model_id}/{layer}".encode("utf-8")


def annotation_key(model_id, sample_id):
    """Kafka key of an annotation: "model/sample", so that the latest annotation of a sample wins."""
    return f"{model_id}/{int(sample_id)}".encode("utf-8")


def _random_batches(args):
    rng = np.random.default_rng(args.seed)
    for n in range(args.batches):
        first = args.first_sample_id + n * args.batch_size
        ids = np.arange(first, first + args.batch_size, dtype=np.int64)
        # ReLU of a Gaussian: sparse and non-negative, like a real post-activation conv layer.
        acts = np.maximum(rng.standard_normal((args.batch_size, *args.shape)), 0).astype(np.float32)
        labels = None
        if args.concepts:
            labels = [np.flatnonzero(rng.random(args.concepts) < 0.2) for _ in range(args.batch_size)]
        now_ms = int(time.time() * 1000)
        yield encode_batch(args.model, args.model_version, args.layer, ids, acts,
                           timestamps_ms=np.full(args.batch_size, now_ms), labels=labels, float16=args.float16)


def _send(records, args):
    from confluent_kafka import Producer  # imported here: encoding and --out need no Kafka client

    records = list(records)
    producer = Producer({
        "bootstrap.servers": args.bootstrap_servers,
        # librdkafka refuses records above message.max.bytes (default 1 MB); the topic's max.message.bytes
        # must allow them too.
        "message.max.bytes": max(1_000_000, max(len(r) for r in records) + 1024),
    })
    failures = []

    def on_delivery(err, msg):
        if err is not None:
            failures.append(err)

    key = batch_key(args.model, args.layer)
    for value in records:
        while True:
            try:
                producer.produce(args.topic, key=key, value=value, on_delivery=on_delivery)
                break
            except BufferError:  # local queue full: serve delivery reports, then retry
                producer.poll(0.5)
        producer.poll(0)
    undelivered = producer.flush(args.timeout)
    if failures or undelivered:
        print(f"{len(failures)} failed, {undelivered} undelivered: {failures[:3]}", file=sys.stderr)
        return 1
    print(f"sent {len(records)} batches ({sum(map(len, records))} bytes) to {args.topic}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Send random activation batches to Neurowatch over Kafka.")
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="neurowatch.activations")
    parser.add_argument("--model", default="demo-cnn")
    parser.add_argument("--model-version", default="1")
    parser.add_argument("--layer", default="features.conv3")
    parser.add_argument("--batches", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--shape", type=int, nargs="+", default=[64, 7, 7], help="per-sample shape, e.g. C H W")
    parser.add_argument("--concepts", type=int, default=0, help="attach random labels over this many concepts")
    parser.add_argument("--first-sample-id", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--float16", action="store_true")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for delivery")
    parser.add_argument("--out", help="write the first batch to this file instead of sending (no Kafka needed)")
    args = parser.parse_args(argv)
    batches = _random_batches(args)
    if args.out:
        with open(args.out, "wb") as f:
            f.write(next(batches))
        return 0
    return _send(batches, args)


if __name__ == "__main__":
    sys.exit(main())
