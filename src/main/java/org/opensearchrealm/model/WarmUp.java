/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearchrealm.model.Encoder.TextKind;

import java.util.Collections;
import java.util.List;

/**
 * The dummy batches a model runs right after it loads, so that the engine's first passes (memory pools, kernel and
 * primitive selection, lazy initialisation in ONNX Runtime and PyTorch: ~2.8 s for the first read of the default
 * reader on two cores, against ~0.2 s for the next) are not paid by a request. One batch per shape class a node
 * sees: an encoder embeds a short query and a batch of passages of full length; a reader reads a passage that needs
 * a full window and a partial one.
 */
final class WarmUp {

    static final String QUESTION = "What happens to the passage that is read first after a node starts?";

    /** ~180 words of plain prose, about 230 word pieces: a full passage for every bundled encoder. */
    static final String PASSAGE = """
        When a node starts, the models that its indices name are loaded from the plugin's directory and checked \
        against the hashes in their descriptors. Each one then runs a small batch of text through its network, \
        because the first pass of an inference engine is much slower than the ones that follow it: memory pools are \
        allocated, kernels are chosen for the machine's instruction set, and weights are packed into the layout the \
        matrix products prefer. Doing that work before the first request arrives means that the first question a \
        user asks after a restart is answered about as fast as the hundredth. The batch is made of ordinary English \
        sentences of the length a passage has, so that the shapes it exercises are the shapes real passages have. \
        Nothing of it is kept: the vectors and spans it produces are thrown away, and the counters of the node do not \
        count it as a request. A model that cannot run this batch is reported as failed to load, with the reason, \
        rather than failing the first request that needs it.""";

    /** Passages in the encoder's warm-up batch: a typical bulk sub-batch. */
    static final int PASSAGE_BATCH = 8;

    private WarmUp() {}

    /** Runs the warm-up batches of an {@link Encoder} or a {@link Reader}; anything else is left alone. */
    static void run(Object model) {
        if (model instanceof Encoder encoder) {
            encoder.embed(List.of(QUESTION), TextKind.QUERY);
            encoder.embed(Collections.nCopies(PASSAGE_BATCH, PASSAGE), TextKind.PASSAGE);
        } else if (model instanceof Reader reader) {
            // three copies: longer than one window of 384 word pieces, so a full window and a partial one
            reader.read(QUESTION, List.of(PASSAGE + " " + PASSAGE + " " + PASSAGE), 30, 1);
        }
    }
}
