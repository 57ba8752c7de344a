/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.opensearchrealm.model.QaTokenizer;
import org.opensearchrealm.train.TrainPlan.Feature;
import org.opensearchrealm.train.TrainPlan.Group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A micro-batch of question groups as arrays: the model's inputs and {@link MarginalSpanLoss}'s labels. */
record TrainBatch(NDList inputs, NDList labels) {

    /** How many terms the loss of these groups sums: one per question with an answer span, one per window without. */
    static int terms(List<Group> groups) {
        int n = 0;
        for (Group g : groups) {
            boolean answered = false;
            for (Feature f : g.windows()) {
                answered |= f.answers();
                n += f.answers() ? 0 : 1;
            }
            n += answered ? 1 : 0;
        }
        return n;
    }

    /** The groups' windows, padded to the longest. */
    static TrainBatch of(NDManager m, List<Group> groups) {
        List<Feature> windows = new ArrayList<>();
        groups.forEach(g -> windows.addAll(g.windows()));
        int b = windows.size();
        int t = 0;
        for (Feature f : windows) {
            t = Math.max(t, f.window().length());
        }
        long[][] ids = new long[b][t];
        long[][] types = new long[b][t];
        long[][] mask = new long[b][t];
        float[][] readable = new float[b][t];
        float[] noAnswer = new float[b];
        List<int[]> spans = new ArrayList<>(); // {flat start index, flat end index, group}
        List<Float> logPz = new ArrayList<>();
        int row = 0;
        int answered = 0;
        for (Group g : groups) {
            boolean any = false;
            for (Feature f : g.windows()) {
                QaTokenizer.Window w = f.window();
                for (int i = 0; i < w.length(); i++) {
                    ids[row][i] = w.ids()[i];
                    types[row][i] = w.typeIds()[i];
                    mask[row][i] = 1;
                    readable[row][i] = i == 0 || w.inPassage(i) ? 1f : 0f;
                }
                noAnswer[row] = f.answers() ? 0f : 1f;
                for (int[] s : f.spans()) {
                    spans.add(new int[] { row * t + s[0], row * t + s[1], answered });
                    logPz.add(f.logPassage());
                }
                any |= f.answers();
                row++;
            }
            answered += any ? 1 : 0;
        }
        float[][] startSelect = new float[spans.size()][b * t];
        float[][] endSelect = new float[spans.size()][b * t];
        float[] logPzArray = new float[spans.size()];
        float[][] groupMask = new float[answered][spans.size()];
        for (float[] r : groupMask) {
            Arrays.fill(r, -10000f);
        }
        for (int k = 0; k < spans.size(); k++) {
            int[] s = spans.get(k);
            startSelect[k][s[0]] = 1f;
            endSelect[k][s[1]] = 1f;
            logPzArray[k] = logPz.get(k);
            groupMask[s[2]][k] = 0f;
        }
        NDList inputs = new NDList(m.create(ids), m.create(types), m.create(mask));
        NDList labels = new NDList(
            m.create(readable),
            spans.isEmpty() ? m.zeros(new Shape(0, b * t)) : m.create(startSelect),
            spans.isEmpty() ? m.zeros(new Shape(0, b * t)) : m.create(endSelect),
            m.create(logPzArray),
            answered == 0 ? m.zeros(new Shape(0, 0)) : m.create(groupMask),
            m.create(noAnswer)
        );
        return new TrainBatch(inputs, labels);
    }
}
