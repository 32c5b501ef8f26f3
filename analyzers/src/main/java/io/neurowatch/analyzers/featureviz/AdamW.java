package io.neurowatch.analyzers.featureviz;

import static io.neurowatch.analyzers.featureviz.Tensors.number;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * torch's {@code AdamW} step (spec §3.9), written on NDArrays because DJL's own AdamW defaults to weight decay 0.01
 * and clips element-wise. The operation order follows torch 1.13's single-tensor implementation so that float32
 * trajectories agree to rounding:
 *
 * <pre>
 *   p ← p·(1 − lr·wd);  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g·g
 *   p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)
 * </pre>
 *
 * Each image owns one {@link State}; nothing is shared between images.
 */
public record AdamW(double lr, double beta1, double beta2, double eps, double weightDecay) {
    public static final double DEFAULT_LR = 9e-3;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPS = 1e-8;

    public AdamW {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("lr must be positive and finite, got " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must lie in [0,1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("eps must be positive and weight decay non-negative, got " + eps
                    + ", " + weightDecay);
        }
    }

    /** torch's betas (0.9, 0.999) and ε 1e-8 with the given lr and decoupled weight decay. */
    public static AdamW of(double lr, double weightDecay) {
        return new AdamW(lr, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, weightDecay);
    }

    /** Zero moments shaped like {@code parameter}, on its manager. */
    public State newState(NDArray parameter) {
        return new State(parameter.zerosLike(), parameter.zerosLike());
    }

    /** One step in place on {@code parameter}, which must not require gradients. */
    public void step(NDArray parameter, NDArray gradient, State state) {
        if (!parameter.getShape().equals(gradient.getShape())) {
            throw new IllegalArgumentException("gradient shape " + gradient.getShape() + " differs from parameter "
                    + parameter.getShape());
        }
        state.step++;
        int t = state.step;
        // Temporaries would otherwise land on the long-lived managers of p, m and v.
        try (NDManager tmp = gradient.getManager().newSubManager()) {
            new NDList(parameter, state.m, state.v, gradient).tempAttach(tmp);
            parameter.muli(number(parameter, 1 - lr * weightDecay));
            state.m.muli(number(parameter, beta1)).addi(gradient.mul(number(parameter, 1 - beta1)));
            state.v.muli(number(parameter, beta2)).addi(gradient.mul(number(parameter, 1 - beta2)).muli(gradient));
            double biasCorrection1 = 1 - Math.pow(beta1, t);
            double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
            double stepSize = lr / biasCorrection1;
            NDArray denom = state.v.sqrt().divi(number(parameter, biasCorrection2Sqrt)).addi(number(parameter, eps));
            parameter.subi(state.m.mul(number(parameter, stepSize)).divi(denom));
        }
    }

    /**
     * torch's {@code clip_grad_norm_} for one parameter, in place: g ← g·min(1, c/(‖g‖₂ + 1e-6)). Returns the norm
     * before clipping. The coefficient is formed in the gradient's precision, as torch does.
     */
    public static double clipByNorm(NDArray gradient, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("grad clip must be positive, got " + maxNorm);
        }
        double norm;
        try (NDArray n = gradient.norm()) {
            norm = Tensors.scalar(n);
        }
        double coefficient;
        if (gradient.getDataType() == DataType.FLOAT64) {
            coefficient = Math.min(1.0, maxNorm / (norm + 1e-6));
        } else {
            coefficient = Math.min(1.0f, (float) maxNorm / ((float) norm + 1e-6f));
        }
        gradient.muli(number(gradient, coefficient));
        return norm;
    }

    /** First and second moments and the step count of one parameter. */
    public static final class State implements AutoCloseable {
        private final NDArray m;
        private final NDArray v;
        private int step;

        State(NDArray m, NDArray v) {
            this.m = m;
            this.v = v;
        }

        public int steps() {
            return step;
        }

        @Override
        public void close() {
            m.close();
            v.close();
        }
    }
}
