/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;

import java.util.List;

/** Verifies a model's files and loads them into an {@link OnnxEncoder} or a {@link TorchScriptEncoder}. */
final class EncoderLoader {

    static final String WARM_UP_TEXT = "warm up";

    private EncoderLoader() {}

    /**
     * Verifies the files' hashes, loads the tokenizer and the network, and runs one inference (which also checks the
     * output's shape against the descriptor) before the encoder is handed out.
     *
     * @throws ModelException 500 naming the model and the file on any failure, {@link Error}s included
     */
    static BaseEncoder load(ModelDescriptor descriptor, int intraOpThreads, int maxBatch) {
        if (descriptor.task() != ModelDescriptor.Task.EMBEDDING) {
            throw ModelException.badRequest("model [" + descriptor.id() + "] is an [" + descriptor.task().jsonName() + "] model, not an encoder");
        }
        ModelFiles.Contents contents = ModelLoader.prepare(descriptor);
        TextTokenizer tokenizer = ModelLoader.tokenizer(descriptor, contents, json -> TextTokenizer.create(json, descriptor.maxTokens()));
        Model model;
        try {
            model = ModelLoader.network(descriptor, contents, intraOpThreads);
        } catch (Throwable t) { // NOPMD
            tokenizer.close();
            throw t;
        }

        BaseEncoder encoder = null;
        try {
            encoder = descriptor.format() == ModelDescriptor.Format.ONNX
                ? new OnnxEncoder(descriptor, tokenizer, model, maxBatch)
                : new TorchScriptEncoder(descriptor, tokenizer, model, maxBatch);
            // single-threaded first call: DJL switches a TorchScript module to inference mode on its first forward
            encoder.embed(List.of(WARM_UP_TEXT), Encoder.TextKind.PASSAGE);
            return encoder;
        } catch (Throwable t) { // NOPMD
            if (encoder != null) {
                encoder.close();
            } else {
                ModelLoader.closeQuietly(model);
                tokenizer.close();
            }
            throw ModelException.wrap("model [" + descriptor.id() + "]: loaded [" + contents.modelName() + "] but a test inference failed", t);
        }
    }
}
