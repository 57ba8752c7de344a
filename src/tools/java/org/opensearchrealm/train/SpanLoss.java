/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * The extractive QA loss: the mean of the cross-entropies of the start and end positions. Labels: start targets,
 * end targets (int64 {@code [B]}; 0 = {@code [CLS]}, "no answer in this window") and the attention mask
 * ({@code [B, T]}: padding positions are excluded from the softmax). Predictions: start and end logits {@code [B, T]}.
 */
public final class SpanLoss extends Loss {

    public SpanLoss() {
        super("span_loss");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray mask = labels.get(2).toType(DataType.FLOAT32, false);
        NDArray padding = mask.neg().add(1f).mul(-10000f);
        NDArray start = crossEntropy(predictions.get(0).add(padding), labels.get(0));
        NDArray end = crossEntropy(predictions.get(1).add(padding), labels.get(1));
        return start.add(end).div(2f);
    }

    private static NDArray crossEntropy(NDArray logits, NDArray targets) {
        int classes = (int) logits.getShape().get(1);
        NDArray logp = logits.logSoftmax(1);
        return logp.mul(targets.oneHot(classes)).sum(new int[] { 1 }).neg().mean();
    }
}
