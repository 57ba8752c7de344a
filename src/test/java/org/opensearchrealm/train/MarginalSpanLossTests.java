/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.NativeLibraries;
import org.opensearchrealm.model.ModelTestSupport;
import org.opensearchrealm.model.QaTokenizer;
import org.opensearchrealm.train.TrainPlan.Feature;
import org.opensearchrealm.train.TrainPlan.Group;

import java.util.List;

/**
 * The loss is REALM's marginal likelihood over the windows that hold an answer plus "no answer" for the others,
 * computed over [CLS] and passage tokens only: checked against the same sums written out in doubles.
 */
public class MarginalSpanLossTests extends OpenSearchTestCase {

    /** Tokens: [CLS], a question token, [SEP], three passage tokens. */
    private static QaTokenizer.Window window() {
        return new QaTokenizer.Window(new long[6], new long[6], new int[] { -1, -1, -1, 0, 5, 10 }, new int[] { -1, -1, -1, 4, 9, 14 });
    }

    public void testLossIsTheMarginalLikelihoodPlusNoAnswerTerms() {
        NativeLibraries.configure(ModelTestSupport.pluginHome(), ModelTestSupport.cacheDir(), 1);
        float[][] start = { { 0.5f, 9f, 9f, 1f, 2f, 0f }, { 2f, 9f, 9f, 0f, 1f, -1f }, { 1f, 9f, 9f, 3f, 0f, 0f } };
        float[][] end = { { 0f, 9f, 9f, 0f, 1f, 3f }, { 1f, 9f, 9f, 2f, 0f, 0f }, { 0f, 9f, 9f, 1f, 1f, 1f } };
        double logPzGold = Math.log(0.7);
        double logPzOther = Math.log(0.3);
        // question 1: its gold window answers with tokens [4, 5] and [3, 3]; a retrieved window answers with [3, 4]
        Group answered = new Group(
            List.of(
                new Feature(window(), List.of(new int[] { 4, 5 }, new int[] { 3, 3 }), (float) logPzGold),
                new Feature(window(), List.of(new int[] { 3, 4 }), (float) logPzOther)
            )
        );
        // question 2: unanswerable
        Group unanswerable = new Group(List.of(new Feature(window(), List.of(), 0f)));
        assertEquals(2, TrainBatch.terms(List.of(answered, unanswerable)));

        double marginal = Math.exp(logPzGold) * (p(start[0], 4) * p(end[0], 5) + p(start[0], 3) * p(end[0], 3))
            + Math.exp(logPzOther) * p(start[1], 3) * p(end[1], 4);
        double expected = -0.5 * Math.log(marginal) - 0.5 * (Math.log(p(start[2], 0)) + Math.log(p(end[2], 0)));

        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            TrainBatch batch = TrainBatch.of(m, List.of(answered, unanswerable));
            NDArray loss = new MarginalSpanLoss().evaluate(batch.labels(), new NDList(m.create(start), m.create(end)));
            assertEquals(expected, loss.getFloat(), 1e-4);

            // a batch of unanswerable questions only has no span term
            TrainBatch none = TrainBatch.of(m, List.of(unanswerable));
            NDArray noneLoss = new MarginalSpanLoss().evaluate(none.labels(), new NDList(m.create(new float[][] { start[2] }), m.create(new float[][] { end[2] })));
            assertEquals(-0.5 * (Math.log(p(start[2], 0)) + Math.log(p(end[2], 0))), noneLoss.getFloat(), 1e-4);
        }
    }

    /** Softmax over [CLS] and the passage tokens 3..5, the question and separator tokens excluded. */
    private static double p(float[] logits, int t) {
        double sum = Math.exp(logits[0]);
        for (int i = 3; i < 6; i++) {
            sum += Math.exp(logits[i]);
        }
        return Math.exp(logits[t]) / sum;
    }
}
