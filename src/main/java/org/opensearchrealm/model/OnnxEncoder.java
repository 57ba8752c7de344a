/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * An encoder run by DJL's ONNX Runtime engine. The model's inputs are fed by name, and only those the model declares
 * ({@code input_ids}, and {@code attention_mask} and {@code token_type_ids} where declared).
 */
final class OnnxEncoder extends BaseEncoder {

    private final List<String> inputNames;

    OnnxEncoder(ModelDescriptor descriptor, TextTokenizer tokenizer, Model model, int maxBatch) {
        super(descriptor, tokenizer, model, maxBatch);
        this.inputNames = Networks.onnxInputs(descriptor, model);
    }

    List<String> inputNames() {
        return inputNames;
    }

    @Override
    protected NDList forward(NDManager manager, Batch batch) {
        return Networks.forwardOnnx(model, inputNames, manager, batch);
    }
}
