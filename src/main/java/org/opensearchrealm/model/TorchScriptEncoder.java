/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * An encoder run by DJL's PyTorch engine. The descriptor's {@code inputs} (default {@code input_ids, attention_mask})
 * say which tensors to pass: positionally, in that order, or (input_style "dict") as one {@code Dict[str, Tensor]}
 * argument keyed by name, which is what sentence-transformers models traced for ml-commons take. The model may return a tensor, a tuple or
 * list of tensors, or a dict of tensors; the encoder pools the first one of the shape its pooling needs (preferring
 * the names {@code last_hidden_state}/{@code token_embeddings}, or {@code sentence_embedding} for pooling "none").
 */
final class TorchScriptEncoder extends BaseEncoder {

    TorchScriptEncoder(ModelDescriptor descriptor, TextTokenizer tokenizer, Model model, int maxBatch) {
        super(descriptor, tokenizer, model, maxBatch);
    }

    @Override
    protected NDList forward(NDManager manager, Batch batch) {
        return Networks.forwardTorchScript(model, descriptor(), manager, batch);
    }
}
