/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.ExceptionsHelper;
import org.opensearch.action.support.PlainActionFuture;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;
import org.opensearchrealm.model.Encoder.TextKind;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.containsString;

/**
 * A model that fails during inference for some inputs only (the tiny-raise fixture: a TorchScript encoder that raises
 * for any text holding the word "moon"): the request with such an input fails with an error naming the model and the
 * model's own message; the model stays loaded and the requests after it work.
 */
// real paths: native code opens model files by name
@LuceneTestCase.SuppressFileSystems("*")
public class ThrowingModelTests extends OpenSearchTestCase {

    private ThreadPool threadPool;
    private ModelRegistry registry;
    private InferenceService inference;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-raise");
        Settings settings = Settings.builder().put(InferenceThreadPool.SETTINGS_PREFIX + ".size", 2).build();
        threadPool = new TestThreadPool(getTestName(), settings, InferenceThreadPool.executorBuilders(settings));
        registry = ModelTestSupport.registry(config);
        inference = new InferenceService(registry, threadPool, settings);
    }

    @Override
    public void tearDown() throws Exception {
        registry.close();
        terminate(threadPool);
        super.tearDown();
    }

    private float[][] embed(List<String> texts, TextKind kind) throws Exception {
        PlainActionFuture<float[][]> future = PlainActionFuture.newFuture();
        inference.embed("tiny-raise", texts, kind, future);
        return future.get(30, TimeUnit.SECONDS);
    }

    public void testFailingInputFailsItsRequestOnly() throws Exception {
        float[] before = embed(List.of("the cat sat on the mat"), TextKind.QUERY)[0];
        for (int round = 0; round < 3; round++) {
            List<String> texts = randomBoolean() ? List.of("the moon") : List.of("a dog", "the red moon ran", "tea");
            ExecutionException failed = expectThrows(ExecutionException.class, () -> embed(texts, randomFrom(TextKind.values())));
            ModelException e = (ModelException) ExceptionsHelper.unwrap(failed, ModelException.class);
            assertNotNull("not a ModelException: " + failed.getCause(), e);
            assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
            assertThat(e.getMessage(), containsString("model [tiny-raise] failed to embed"));
            assertThat(e.getMessage(), containsString("tiny-raise: the input holds the trigger word piece"));
            assertTrue("the model stays loaded", registry.isLoaded("tiny-raise"));

            float[] after = embed(List.of("the cat sat on the mat"), TextKind.QUERY)[0];
            assertArrayEquals("later requests get the same vectors as before the failure", before, after, 0f);
            assertEquals(2, embed(List.of("fish swim", "the dog ran in the park"), TextKind.PASSAGE).length);
        }
    }
}
