/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, bias-corrected) for the reader, through the engine's fused Adam update, with what
 * checkpoints need: the moments are kept by parameter name and can be saved and restored, the step and learning rate
 * are set by the training loop (linear warm-up and decay), and the gradients are rescaled by the loop's global-norm
 * clipping factor. Biases and LayerNorm parameters are not decayed.
 */
public final class ReaderAdamW extends Optimizer {

    private final Map<String, String> names = new HashMap<>(); // parameter id -> HF name
    private final Map<String, NDArray> means = new LinkedHashMap<>(); // by name
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float epsilon = 1e-6f;
    private final float weightDecay;
    private int step;
    private float learningRate;
    private float gradientScale = 1f;

    public ReaderAdamW(Map<String, Parameter> params, float weightDecay) {
        super(new Builder());
        this.weightDecay = weightDecay;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            names.put(e.getValue().getId(), e.getKey());
        }
    }

    /** Sets the (1-based) step for bias correction, its learning rate and the factor applied to the gradients. */
    public void prepare(int step, float learningRate, float gradientScale) {
        this.step = step;
        this.learningRate = learningRate;
        this.gradientScale = gradientScale;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        String name = names.get(parameterId);
        if (name == null) {
            throw new IllegalStateException("unknown parameter " + parameterId);
        }
        double coef1 = 1.0 - Math.pow(beta1, step);
        double coef2 = 1.0 - Math.pow(beta2, step);
        float corrected = (float) (learningRate * Math.sqrt(coef2) / coef1);
        boolean decay = name.endsWith(".weight") && name.contains("LayerNorm") == false && name.contains("embeddings.") == false;
        NDArray m = means.computeIfAbsent(name, k -> weight.zerosLike());
        NDArray v = variances.computeIfAbsent(name, k -> weight.zerosLike());
        weight.getNDArrayInternal()
            .adamUpdate(
                new NDList(weight, grad, m, v),
                new NDList(weight),
                learningRate,
                corrected,
                decay ? weightDecay : 0f,
                gradientScale,
                -1f, // no element-wise clipping: the loop clips the global norm through gradientScale
                beta1,
                beta2,
                epsilon,
                true,
                true
            );
    }

    /** The moments by name ({@code m.<name>}, {@code v.<name>}), for a checkpoint. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        means.forEach((k, v) -> out.put("m." + k, v));
        variances.forEach((k, v) -> out.put("v." + k, v));
        return out;
    }

    /** Restores the moments saved by {@link #state()}; {@code like} gives each parameter's array for shape and manager. */
    public void restore(Map<String, org.opensearchrealm.model.bert.ReaderWeights.Loaded> saved, Map<String, Parameter> params) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            org.opensearchrealm.model.bert.ReaderWeights.Loaded m = saved.get("m." + e.getKey());
            org.opensearchrealm.model.bert.ReaderWeights.Loaded v = saved.get("v." + e.getKey());
            if (m == null || v == null) {
                continue; // not updated yet when the checkpoint was taken (cannot happen after step 1)
            }
            NDArray w = e.getValue().getArray();
            NDArray mm = w.zerosLike();
            mm.set(java.nio.FloatBuffer.wrap(m.data()));
            NDArray vv = w.zerosLike();
            vv.set(java.nio.FloatBuffer.wrap(v.data()));
            means.put(e.getKey(), mm);
            variances.put(e.getKey(), vv);
        }
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
