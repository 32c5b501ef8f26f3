package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;

/**
 * torch-dreams' {@code CaricatureLoss} for one layer (spec §3.10), with y detached:
 * num = Σ x·y, cs = max(0.1, num/(‖y‖₂ + 1e-6)), loss = −cs·num^power. Not a true cosine: ‖x‖ is not used.
 *
 * <p>Divergence (quirk F9): num^power is computed as sign(num)·|num|^power, which is finite for every power.
 * It equals the reference for num ≥ 0 and for odd integer powers; the reference gives NaN for a non-integer power
 * and num &lt; 0, and +|num|^power for even powers.
 */
public final class CaricatureLoss {
    static final double FLOOR = 0.1;
    static final double EPS = 1e-6;

    private CaricatureLoss() {
    }

    public static NDArray layerLoss(NDArray x, NDArray y, double power) {
        if (!x.getShape().equals(y.getShape())) {
            throw new IllegalArgumentException("activation " + x.getShape() + " and target " + y.getShape()
                    + " differ in shape");
        }
        NDArray target = y.stopGradient();
        NDArray numerator = x.mul(target).sum();
        NDArray denominator = target.square().sum().sqrt().add(Tensors.number(x, EPS));
        NDArray cosine = numerator.div(denominator).maximum(Tensors.number(x, FLOOR));
        NDArray powered = power == 1 ? numerator
                : numerator.abs().pow(Tensors.number(x, power)).mul(numerator.sign());
        return cosine.mul(powered).neg();
    }
}
