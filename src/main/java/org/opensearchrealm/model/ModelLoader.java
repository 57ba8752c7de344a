/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Device;
import ai.djl.Model;

import java.io.ByteArrayInputStream;
import java.util.Map;

/**
 * The loading steps every model goes through, encoder or reader: verify the files against the descriptor's hashes,
 * read them, start the engine, load the tokenizer and the network. Each step turns any {@link Throwable} into a
 * {@link ModelException} naming the model and the file.
 */
final class ModelLoader {

    private ModelLoader() {}

    /** What a tokenizer is made from: the bytes of tokenizer.json. */
    @FunctionalInterface
    interface TokenizerFactory<T> {
        T create(byte[] tokenizerJson) throws Exception;
    }

    /** The DJL engine that runs the descriptor's format. */
    static String engineName(ModelDescriptor descriptor) {
        return switch (descriptor.format()) {
            case ONNX -> NativeLibraries.ONNX_RUNTIME;
            case TORCHSCRIPT, DJL -> NativeLibraries.PYTORCH;
        };
    }

    /**
     * Verifies the files' hashes, reads the tokenizer (and an archive's model file) and starts the engine.
     *
     * @throws ModelException 500 naming the model and the file
     */
    static ModelFiles.Contents prepare(ModelDescriptor descriptor) {
        ModelFiles.verify(descriptor);
        ModelFiles.Contents contents = ModelFiles.read(descriptor);
        try {
            NativeLibraries.engine(engineName(descriptor));
        } catch (ModelException e) {
            throw new ModelException(e.status(), "model [" + descriptor.id() + "]: " + e.getMessage(), e.getCause());
        }
        return contents;
    }

    /** Makes the model's tokenizer, with the plugin's class loader (DJL finds its native library through it). */
    static <T> T tokenizer(ModelDescriptor descriptor, ModelFiles.Contents contents, TokenizerFactory<T> factory) {
        String tokenizerName = descriptor.isArchive()
            ? descriptor.file(ModelDescriptor.ROLE_ARCHIVE) + "!/tokenizer.json"
            : descriptor.file(ModelDescriptor.ROLE_TOKENIZER).toString();
        try {
            return NativeLibraries.withPluginClassLoader(() -> factory.create(contents.tokenizer()));
        } catch (Throwable t) { // NOPMD
            throw ModelException.wrap("model [" + descriptor.id() + "]: cannot load tokenizer [" + tokenizerName + "]", t);
        }
    }

    /**
     * Loads the network with the descriptor's engine: ONNX Runtime with {@code intraOpThreads} threads, sequential
     * execution; PyTorch with tensors saved on another device mapped to the CPU. A model file is read from disk, a model
     * in an archive from memory (nothing is extracted).
     *
     * @throws ModelException 500 naming the model and the file; nothing is left open
     */
    static Model network(ModelDescriptor descriptor, ModelFiles.Contents contents, int intraOpThreads) {
        String engine = engineName(descriptor);
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
            return model;
        } catch (Throwable t) { // NOPMD
            closeQuietly(model);
            throw ModelException.wrap("model [" + descriptor.id() + "]: cannot load [" + contents.modelName() + "] with " + engine, t);
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Throwable ignored) { // NOPMD
                // already failing
            }
        }
    }
}
