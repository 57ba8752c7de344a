/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Device;
import ai.djl.Model;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

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
        ModelFiles.verify(descriptor);
        ModelFiles.Contents contents = ModelFiles.read(descriptor);
        String engine = descriptor.format() == ModelDescriptor.Format.ONNX ? NativeLibraries.ONNX_RUNTIME : NativeLibraries.PYTORCH;
        try {
            NativeLibraries.engine(engine);
        } catch (ModelException e) {
            throw new ModelException(e.status(), "model [" + descriptor.id() + "]: " + e.getMessage(), e.getCause());
        }

        TextTokenizer tokenizer;
        String tokenizerName = descriptor.isArchive()
            ? descriptor.file(ModelDescriptor.ROLE_ARCHIVE) + "!/tokenizer.json"
            : descriptor.file(ModelDescriptor.ROLE_TOKENIZER).toString();
        try {
            tokenizer = NativeLibraries.withPluginClassLoader(() -> TextTokenizer.create(contents.tokenizer(), descriptor.maxTokens()));
        } catch (Throwable t) { // NOPMD
            throw ModelException.wrap("model [" + descriptor.id() + "]: cannot load tokenizer [" + tokenizerName + "]", t);
        }

        BaseEncoder encoder = null;
        Model model = null;
        try {
            model = NativeLibraries.withPluginClassLoader(() -> Model.newInstance(descriptor.id(), Device.cpu(), engine));
            Model m = model;
            Map<String, String> options = descriptor.format() == ModelDescriptor.Format.ONNX
                ? Map.of(
                    "intraOpNumThreads",
                    Integer.toString(intraOpThreads),
                    "interOpNumThreads",
                    "1",
                    "executionMode",
                    "SEQUENTIAL"
                )
                // map tensors saved on another device (e.g. a GPU at export time) to the CPU
                : Map.of("mapLocation", "true");
            NativeLibraries.withPluginClassLoader(() -> {
                if (contents.modelPath() != null) {
                    m.load(contents.modelPath(), null, options);
                } else {
                    // from memory: nothing is extracted (DJL only creates an empty temporary directory)
                    m.load(new ByteArrayInputStream(contents.model()), options);
                }
                return null;
            });
        } catch (Throwable t) { // NOPMD
            closeQuietly(model);
            tokenizer.close();
            throw ModelException.wrap("model [" + descriptor.id() + "]: cannot load [" + contents.modelName() + "] with " + engine, t);
        }

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
                closeQuietly(model);
                tokenizer.close();
            }
            throw ModelException.wrap("model [" + descriptor.id() + "]: loaded [" + contents.modelName() + "] but a test inference failed", t);
        }
    }

    private static void closeQuietly(Model model) {
        if (model != null) {
            try {
                model.close();
            } catch (Throwable ignored) { // NOPMD
                // already failing
            }
        }
    }
}
