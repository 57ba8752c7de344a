/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

/**
 * The network of an extractive QA model: start and end logits for each token of a batch of windows. This is the
 * extension point for engines: the ONNX Runtime and PyTorch (TorchScript) implementations are made by the registry
 * from a model's files; a model built in Java from DJL blocks implements this interface the same way and is handed to
 * {@link org.opensearchrealm.read.ExtractiveReader} with the model's {@link QaTokenizer}.
 *
 * <p>Implementations are thread-safe and throw only {@link ModelException}s (every {@link Throwable} of the engine
 * converted); {@link #close} waits for calls in flight.
 */
public interface QaModel extends AutoCloseable {

    /**
     * Runs the network on a batch of windows. The three arrays are {@code [batch][tokens]}, every row of the same
     * length, shorter windows padded with 0 (id, mask and type).
     *
     * @param tokenTypeIds 0 for the question part, 1 for the passage part (fed only to models that take it)
     * @return {@code [batch][2][tokens]}: the start logits ({@code [b][0]}) and end logits ({@code [b][1]}) of each row
     * @throws ModelException when inference fails or the model returns something else than two {@code [batch, tokens]}
     *                        arrays
     */
    float[][][] logits(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds);

    @Override
    void close();
}
