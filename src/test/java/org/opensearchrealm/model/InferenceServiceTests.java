/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.ExceptionsHelper;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

public class InferenceServiceTests extends OpenSearchTestCase {

    private ThreadPool threadPool;
    private InferenceService inference;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        Settings settings = Settings.builder()
            .put(InferenceThreadPool.SETTINGS_PREFIX + ".size", 1)
            .put(InferenceThreadPool.SETTINGS_PREFIX + ".queue_size", 1)
            .build();
        threadPool = new TestThreadPool(getTestName(), settings, InferenceThreadPool.executorBuilder(settings));
        inference = new InferenceService(null, threadPool, settings);
    }

    @Override
    public void tearDown() throws Exception {
        terminate(threadPool);
        super.tearDown();
    }

    public void testWorkRunsOnTheInferencePool() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        inference.execute(() -> Thread.currentThread().getName(), ActionListener.wrap(name -> {
            thread.set(name);
            done.countDown();
        }, e -> fail(e.toString())));
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(thread.get(), thread.get().contains("[" + InferenceThreadPool.NAME + "]"));
    }

    public void testFullQueueRejectsWith429() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        inference.execute(() -> {
            started.countDown();
            return release.await(10, TimeUnit.SECONDS);
        }, ActionListener.wrap(r -> {}, e -> {}));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        inference.execute(() -> true, ActionListener.wrap(r -> {}, e -> {})); // fills the queue of one
        AtomicReference<Exception> rejected = new AtomicReference<>();
        inference.execute(() -> true, ActionListener.wrap(r -> fail("must be rejected"), rejected::set));
        release.countDown();
        assertNotNull(rejected.get());
        assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(rejected.get()));
        ModelException overloaded = (ModelException) rejected.get();
        assertEquals("sent as an HTTP header by the REST layer", List.of("1"), overloaded.getHeader("Retry-After"));
        assertTrue(overloaded.getMessage(), overloaded.getMessage().contains(InferenceThreadPool.NAME));
    }

    public void testErrorsBecomeFailuresNotDeadThreads() throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        inference.execute(() -> { throw new NoClassDefFoundError("ai/djl/Missing"); }, ActionListener.wrap(r -> fail(), e -> {
            failure.set(e);
            done.countDown();
        }));
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, ExceptionsHelper.status(failure.get()));
        assertTrue(failure.get().getMessage(), failure.get().getMessage().contains("ai/djl/Missing"));
    }
}
