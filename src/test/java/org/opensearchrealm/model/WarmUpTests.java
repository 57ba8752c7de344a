/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.read.ExtractiveReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/**
 * A model runs its warm-up batch once, while it loads and before any caller gets it; a model that cannot run it (here a
 * reader that fails on a window of full length) fails to load with the reason and takes no memory from the budget.
 */
// real paths: native code opens model files by name
@LuceneTestCase.SuppressFileSystems("*")
public class WarmUpTests extends OpenSearchTestCase {

    private static final String READER = "tiny-qa-pick";

    /** The runtime's reader, counting the reads it is asked for. */
    private static ReaderFactory counting(List<String> questions) {
        return (id, tokenizer, network, maxBatch) -> {
            Reader reader = new ExtractiveReader(id, tokenizer, network, maxBatch);
            return new Reader() {
                @Override
                public String modelId() {
                    return reader.modelId();
                }

                @Override
                public List<PassageReading> read(String question, List<String> passages, int maxAnswerTokens, int topSpans) {
                    questions.add(question);
                    return reader.read(question, passages, maxAnswerTokens, topSpans);
                }

                @Override
                public void close() {
                    reader.close();
                }
            };
        };
    }

    public void testTheFirstCallerGetsAWarmModel() {
        List<String> questions = new ArrayList<>();
        Path config = ModelTestSupport.installFixtures(createTempDir(), READER, "tiny-onnx");
        try (ModelRegistry registry = ModelTestSupport.registry(config, counting(questions))) {
            Reader reader = registry.reader(READER);
            assertEquals(
                "the loader's check and the warm-up read ran before the reader was handed out",
                List.of(ReaderLoader.WARM_UP_QUESTION, WarmUp.QUESTION),
                questions
            );
            reader.read("who?", List.of("a passage"), 5, 1);
            registry.reader(READER);
            assertEquals("no second warm-up", 3, questions.size());

            registry.encoder("tiny-onnx");
            for (LoadedModel model : registry.loadedModels()) {
                assertThat(model.id(), model.warmUpMillis(), greaterThanOrEqualTo(0L));
            }
            assertEquals(2, registry.loadedModels().size());
        }
    }

    public void testAModelThatFailsItsWarmUpDoesNotLoad() {
        Path config = ModelTestSupport.installFixtures(createTempDir(), READER);
        ReaderFactory broken = (id, tokenizer, network, maxBatch) -> new Reader() {
            @Override
            public String modelId() {
                return id;
            }

            @Override
            public List<PassageReading> read(String question, List<String> passages, int maxAnswerTokens, int topSpans) {
                if (passages.get(0).length() > 1000) { // the loader's short check passes, a window of full length fails
                    throw new IllegalStateException("no kernel for this shape");
                }
                return List.of(new PassageReading(List.of(), 1.0));
            }

            @Override
            public void close() {}
        };
        try (ModelRegistry registry = ModelTestSupport.registry(config, broken)) {
            ModelException e = expectThrows(ModelException.class, () -> registry.reader(READER));
            assertThat(e.getMessage(), containsString("[" + READER + "] failed its warm-up batch"));
            assertThat(e.getMessage(), containsString("no kernel for this shape"));
            assertEquals(List.of(), registry.loadedModels());
            assertEquals(0, registry.memoryUsedBytes());
        }
    }
}
