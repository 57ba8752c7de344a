/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

/**
 * Makes the {@link Reader} that runs a loaded QA network. The read stage supplies it (windows and span decoding are
 * reading, not model loading), so that the model runtime depends on no stage above it.
 */
@FunctionalInterface
public interface ReaderFactory {

    Reader create(String modelId, QaTokenizer tokenizer, QaModel network, int maxBatch);
}
