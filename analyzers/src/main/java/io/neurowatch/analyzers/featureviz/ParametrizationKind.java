package io.neurowatch.analyzers.featureviz;

/** How a fresh image is parametrised. */
public enum ParametrizationKind {
    /** The torch-dreams Fourier parameter: 1/f^1.5 spectrum, decorrelated colour, sigmoid (spec §3.1–3.5). */
    SPECTRAL,
    /** σ(P) per pixel and channel, no spectral weighting or decorrelation: a baseline for comparisons. */
    PIXEL
}
