/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;

import java.util.List;

/** Verifies an extractive QA model's files and loads them into a {@link Reader}. */
final class ReaderLoader {

    static final String WARM_UP_QUESTION = "warm up";
    static final String WARM_UP_PASSAGE = "warm up";

    private ReaderLoader() {}

    /**
     * Verifies the files' hashes, loads the tokenizer and the network, and reads one passage (which also checks the
     * outputs) before the reader is handed out.
     *
     * @throws ModelException 500 naming the model and the file on any failure, {@link Error}s included
     */
    static Reader load(ModelDescriptor descriptor, int intraOpThreads, int maxBatch, ReaderFactory readers) {
        if (descriptor.task() != ModelDescriptor.Task.EXTRACTIVE_QA) {
            throw ModelException.badRequest("model [" + descriptor.id() + "] is an [" + descriptor.task().jsonName() + "] model, not a reader");
        }
        ModelFiles.Contents contents = ModelLoader.prepare(descriptor);
        QaTokenizer tokenizer = ModelLoader.tokenizer(
            descriptor,
            contents,
            json -> QaTokenizer.create(json, descriptor.maxTokens(), descriptor.reader().docStride(), descriptor.reader().maxQuestionTokens())
        );
        QaModel model;
        try {
            model = network(descriptor, contents, intraOpThreads);
        } catch (Throwable t) { // NOPMD
            tokenizer.close();
            throw t;
        }
        Reader reader = null;
        try {
            reader = readers.create(descriptor.id(), tokenizer, model, maxBatch);
            // single-threaded first call: DJL switches a TorchScript module to inference mode on its first forward
            reader.read(WARM_UP_QUESTION, List.of(WARM_UP_PASSAGE), 1, 1);
            return reader;
        } catch (Throwable t) { // NOPMD
            if (reader != null) {
                reader.close();
            } else {
                model.close();
                tokenizer.close();
            }
            throw ModelException.wrap("model [" + descriptor.id() + "]: loaded [" + contents.modelName() + "] but a test inference failed", t);
        }
    }

    /** The one place that knows the engines: a file DJL loads, or a BERT built in Java from DJL blocks. */
    private static QaModel network(ModelDescriptor descriptor, ModelFiles.Contents contents, int intraOpThreads) {
        if (descriptor.format() == ModelDescriptor.Format.DJL) {
            return BertQaModel.load(descriptor);
        }
        Model network = ModelLoader.network(descriptor, contents, intraOpThreads);
        try {
            return new DjlQaModel(descriptor, network);
        } catch (Throwable t) { // NOPMD
            ModelLoader.closeQuietly(network);
            throw t;
        }
    }
}
