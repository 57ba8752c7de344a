/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.action.support.PlainActionFuture;
import org.opensearch.common.settings.Settings;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.model.InferenceThreadPool;
import org.opensearchrealm.model.ModelException;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.model.ModelTestSupport;
import org.opensearchrealm.model.Reader.PassageReading;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Reading on the inference pool: passages split across its threads, readings in order, failures to the listener. */
@LuceneTestCase.SuppressFileSystems("*")
public class InferenceReadTests extends OpenSearchTestCase {

    public void testReadOnThePool() throws Exception {
        Settings settings = Settings.builder().put("node.name", "test").put(InferenceThreadPool.SETTINGS_PREFIX + ".size", 3).build();
        ThreadPool threadPool = new TestThreadPool("read-test", settings, InferenceThreadPool.executorBuilders(settings));
        ModelRegistry registry = ReadTestSupport.registry(ModelTestSupport.installFixtures(createTempDir(), "tiny-qa-pick"), Settings.EMPTY);
        try {
            InferenceService inference = new InferenceService(registry, threadPool, Settings.EMPTY);
            List<String> passages = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                passages.add(i % 2 == 0 ? "the big dog " + i : "the moon " + i);
            }
            PlainActionFuture<List<PassageReading>> future = PlainActionFuture.newFuture();
            inference.read("tiny-qa-pick", "what?", passages, 30, 2, future);
            List<PassageReading> pooled = future.get(30, TimeUnit.SECONDS);
            assertEquals(registry.reader("tiny-qa-pick").read("what?", passages, 30, 2), pooled);
            for (int i = 0; i < 7; i++) {
                assertEquals(i % 2 == 0 ? "big dog" : "moon", pooled.get(i).spans().get(0).text());
            }
            PlainActionFuture<List<PassageReading>> empty = PlainActionFuture.newFuture();
            inference.read("tiny-qa-pick", "what?", List.of(), 30, 2, empty);
            assertEquals(List.of(), empty.get(30, TimeUnit.SECONDS));

            PlainActionFuture<List<PassageReading>> unknown = PlainActionFuture.newFuture();
            inference.read("nope", "what?", passages, 30, 2, unknown);
            ExecutionException e = expectThrows(ExecutionException.class, () -> unknown.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof ModelException);
        } finally {
            registry.close();
            terminate(threadPool);
        }
    }
}
