/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

import java.util.List;

/**
 * An encoder run by DJL's ONNX Runtime engine. The model's inputs are fed by name, and only those the model declares
 * ({@code input_ids}, and {@code attention_mask} and {@code token_type_ids} where declared).
 */
final class OnnxEncoder extends BaseEncoder {

    private final List<String> inputNames;

    OnnxEncoder(ModelDescriptor descriptor, TextTokenizer tokenizer, Model model, int maxBatch) {
        super(descriptor, tokenizer, model, maxBatch);
        this.inputNames = List.copyOf(model.getBlock().describeInput().keys());
        if (inputNames.contains(ModelDescriptor.INPUT_IDS) == false || ModelDescriptor.KNOWN_INPUTS.containsAll(inputNames) == false) {
            throw ModelException.failed(
                "ONNX model ["
                    + descriptor.id()
                    + "] declares the inputs "
                    + inputNames
                    + "; supported are "
                    + ModelDescriptor.KNOWN_INPUTS
                    + ", and [input_ids] is required",
                null
            );
        }
    }

    List<String> inputNames() {
        return inputNames;
    }

    @Override
    protected NDList forward(NDManager manager, Batch batch) {
        NDList inputs = new NDList(inputNames.size());
        for (String name : inputNames) {
            NDArray array = manager.create(batch.input(name), batch.shape(), DataType.INT64);
            array.setName(name);
            inputs.add(array);
        }
        return model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
    }
}
