/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.List;

/**
 * A QA network loaded from a file by DJL: ONNX (ONNX Runtime engine; the inputs the model declares are fed by name,
 * and it must declare the descriptor's two outputs, by default {@code start_logits} and {@code end_logits}) or
 * TorchScript (PyTorch engine; the descriptor's inputs, positionally or as a dict; the model returns a tuple or list
 * whose first two tensors are the start and end logits, a dict with the descriptor's output names, or one {@code
 * [batch, tokens, 2]} tensor).
 */
final class DjlQaModel extends GuardedQaModel {

    private final ModelDescriptor descriptor;
    private final Model model;
    private final List<String> onnxInputs; // null for TorchScript

    /**
     * Takes ownership of {@code model} (closed by {@link #close}, not on a failure here).
     *
     * @throws ModelException 500 when an ONNX model's inputs are not what the runtime can make (its outputs are checked
     *                        at each call: DJL does not list the outputs of an ONNX model)
     */
    DjlQaModel(ModelDescriptor descriptor, Model model) {
        super(descriptor.id());
        this.descriptor = descriptor;
        this.model = model;
        if (descriptor.format() == ModelDescriptor.Format.ONNX) {
            this.onnxInputs = Networks.onnxInputs(descriptor, model);
        } else {
            this.onnxInputs = null;
        }
    }

    List<String> onnxInputs() {
        return onnxInputs;
    }

    @Override
    protected float[][][] run(BaseEncoder.Batch batch) {
        float[] start;
        float[] end;
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList outputs = descriptor.format() == ModelDescriptor.Format.ONNX
                ? Networks.forwardOnnx(model, onnxInputs, manager, batch)
                : Networks.forwardTorchScript(model, descriptor, manager, batch);
            NDArray[] pair = select(outputs, batch);
            if (pair.length == 1) {
                // one [batch, tokens, 2] tensor
                float[] both = Networks.floats(pair[0], descriptor.id());
                int n = batch.size() * batch.tokens();
                start = new float[n];
                end = new float[n];
                for (int i = 0; i < n; i++) {
                    start[i] = both[2 * i];
                    end[i] = both[2 * i + 1];
                }
            } else {
                start = Networks.floats(pair[0], descriptor.id());
                end = Networks.floats(pair[1], descriptor.id());
            }
        }
        return rows(start, end, batch);
    }

    /** The start and end logits among the outputs: two [batch, tokens] arrays, or one [batch, tokens, 2] array. */
    private NDArray[] select(NDList outputs, BaseEncoder.Batch batch) {
        long[] expected = { batch.size(), batch.tokens() };
        NDArray start = null;
        NDArray end = null;
        List<String> names = descriptor.reader().outputs();
        for (NDArray array : outputs) {
            if (names.get(0).equals(array.getName())) {
                start = array;
            } else if (names.get(1).equals(array.getName())) {
                end = array;
            }
        }
        if (start == null && end == null && descriptor.format() == ModelDescriptor.Format.TORCHSCRIPT) {
            // a tuple or list: unnamed, start first
            if (outputs.size() >= 2) {
                start = outputs.get(0);
                end = outputs.get(1);
            } else if (outputs.size() == 1) {
                long[] shape = outputs.get(0).getShape().getShape();
                if (shape.length == 3 && shape[0] == expected[0] && shape[1] == expected[1] && shape[2] == 2) {
                    return new NDArray[] { outputs.get(0) };
                }
            }
        }
        if (start == null
            || end == null
            || Arrays.equals(start.getShape().getShape(), expected) == false
            || Arrays.equals(end.getShape().getShape(), expected) == false) {
            throw ModelException.failed(
                "model ["
                    + descriptor.id()
                    + "] returned "
                    + Networks.describe(outputs)
                    + " for "
                    + batch.size()
                    + " window(s) of "
                    + batch.tokens()
                    + " tokens; an extractive_qa model must return the start and end logits "
                    + names
                    + ", each of shape ("
                    + batch.size()
                    + ", "
                    + batch.tokens()
                    + ")"
                    + (descriptor.format() == ModelDescriptor.Format.TORCHSCRIPT
                        ? " (TorchScript: a tuple (start_logits, end_logits), a dict with these names, or one (batch, tokens, 2) tensor)"
                        : ""),
                null
            );
        }
        return new NDArray[] { start, end };
    }

    @Override
    protected void release() {
        model.close();
    }
}
