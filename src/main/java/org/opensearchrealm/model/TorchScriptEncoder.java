/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

/**
 * An encoder run by DJL's PyTorch engine. TorchScript inputs are positional: the descriptor's {@code inputs} (default
 * {@code input_ids, attention_mask}) say which tensors to pass, in order. The model may return a tensor, a tuple or
 * list of tensors, or a dict of tensors; the encoder pools the first one of the shape its pooling needs (preferring
 * the names {@code last_hidden_state}/{@code token_embeddings}, or {@code sentence_embedding} for pooling "none").
 */
final class TorchScriptEncoder extends BaseEncoder {

    TorchScriptEncoder(ModelDescriptor descriptor, TextTokenizer tokenizer, Model model, int maxBatch) {
        super(descriptor, tokenizer, model, maxBatch);
    }

    @Override
    protected NDList forward(NDManager manager, Batch batch) {
        NDList inputs = new NDList(descriptor().inputs().size());
        for (String name : descriptor().inputs()) {
            // unnamed: DJL passes unnamed arrays positionally (names with '.', "[]" or "()" would build dicts/lists)
            inputs.add(manager.create(batch.input(name), batch.shape(), DataType.INT64));
        }
        return model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
    }
}
