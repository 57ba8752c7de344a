/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.loss.Loss;

/**
 * REALM's objective for an extractive reader, summed over a micro-batch of question groups ({@link TrainBatch}):
 * <ul>
 *   <li>for a question with an answer span in some window: -log sum over its answering windows z and spans (s, e) of
 *       p(z | q) p(s | z, q) p(e | z, q), the marginal likelihood of the answer over the passages read;</li>
 *   <li>for every window without an answer span (a wrong passage, a part of a long paragraph, an unanswerable
 *       question): -log p([CLS] | z, q) for start and end, the reader's "no answer in this passage".</li>
 * </ul>
 * Start and end terms are halved (the mean of the two, as in BERT's SQuAD loss). Probabilities are softmaxes over a
 * window's {@code [CLS]} and passage tokens only, exactly what a node reads ({@code read.SpanDecoder}), so p(no answer
 * | z, q) and the span probabilities are trained as they are used: in REALM's marginal p(y | q) = sum over z of
 * p(z | q) p(y | z, q).
 *
 * <p>Labels: readable mask {@code [B, T]} (1 for {@code [CLS]} and passage tokens), start and end selections
 * {@code [K, B*T]} (one-hot rows, one per answer span), log p(z | q) per span {@code [K]}, the group mask
 * {@code [G, K]} (0 where span k belongs to question g, -10000 elsewhere), the no-answer windows {@code [B]} (1 or 0).
 * K and G may be 0. Predictions: start and end logits {@code [B, T]}.
 */
final class MarginalSpanLoss extends Loss {

    MarginalSpanLoss() {
        super("marginal_span_loss");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray readable = labels.get(0);
        NDArray excluded = readable.neg().add(1f).mul(-10000f);
        NDArray logStart = predictions.get(0).add(excluded).logSoftmax(1);
        NDArray logEnd = predictions.get(1).add(excluded).logSoftmax(1);

        NDArray noAnswer = labels.get(5);
        NDArray loss = logStart.get(new NDIndex(":, 0")).add(logEnd.get(new NDIndex(":, 0"))).mul(noAnswer).sum().mul(-0.5f);

        NDArray startSelect = labels.get(1);
        long spans = startSelect.getShape().get(0);
        if (spans > 0) {
            long flat = logStart.getShape().size();
            NDArray s = startSelect.matMul(logStart.reshape(flat, 1)).reshape(spans);
            NDArray e = labels.get(2).matMul(logEnd.reshape(flat, 1)).reshape(spans);
            NDArray scores = s.add(e).add(labels.get(3)).reshape(1, spans).add(labels.get(4)); // [G, K]
            NDArray max = scores.max(new int[] { 1 }, true).stopGradient();
            NDArray logMarginal = scores.sub(max).exp().sum(new int[] { 1 }).log().add(max.reshape(-1));
            loss = loss.add(logMarginal.sum().mul(-0.5f));
        }
        return loss;
    }
}
