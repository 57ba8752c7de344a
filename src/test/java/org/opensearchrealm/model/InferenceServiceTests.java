/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.ExceptionsHelper;
import org.opensearch.common.lease.Releasable;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.hamcrest.Matchers.greaterThanOrEqualTo;

public class InferenceServiceTests extends OpenSearchTestCase {

    private ThreadPool threadPool;
    private InferenceService inference;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        startPool(1);
    }

    @Override
    public void tearDown() throws Exception {
        terminate(threadPool);
        super.tearDown();
    }

    /** A reading's passages are shared among the threads by length, so that no thread reads much more than another. */
    public void testPassagesAreGroupedByLength() {
        String longest = "x".repeat(900);
        List<String> passages = List.of("x".repeat(300), longest, "x".repeat(400), "x".repeat(200), "");
        int[][] groups = InferenceService.groups(passages, 2);
        // the longest and the empty one (900) against 400 + 300 + 200; cut in halves by count: 1200 against 600
        assertArrayEquals(new int[] { 1, 4 }, groups[0]);
        assertArrayEquals(new int[] { 0, 2, 3 }, groups[1]);

        for (int count = 1; count <= passages.size(); count++) {
            int[][] some = InferenceService.groups(passages, count);
            assertEquals(count, some.length);
            int[] all = Arrays.stream(some).peek(g -> assertTrue("no empty group", g.length > 0)).flatMapToInt(Arrays::stream).sorted().toArray();
            assertArrayEquals("every passage once", new int[] { 0, 1, 2, 3, 4 }, all);
            for (int[] g : some) {
                assertTrue("each group in passage order", Arrays.equals(g, Arrays.stream(g).sorted().toArray()));
            }
        }
    }

    public void testWorkRunsOnTheInferencePool() throws Exception {
        String thread = threadThatRuns(InferenceService.Priority.QUERY).get(10, TimeUnit.SECONDS);
        assertTrue(thread, thread.contains("[" + InferenceThreadPool.NAME + "]") || thread.contains("[" + InferenceThreadPool.QUERY_LANE + "]"));
    }

    public void testAQueryRunsWhileBulkWorkOccupiesEveryInferenceThread() throws Exception {
        CountDownLatch release = occupyTheThread();
        String thread = threadThatRuns(InferenceService.Priority.QUERY).get(10, TimeUnit.SECONDS); // not after the bulk work
        assertTrue(thread, thread.contains("[" + InferenceThreadPool.QUERY_LANE + "]"));
        release.countDown();
    }

    public void testTheQueryLaneNeverRunsBulkWork() throws Exception {
        terminate(threadPool);
        startPool(10);
        CountDownLatch release = occupyTheThread();
        CompletableFuture<String> bulkThread = threadThatRuns(InferenceService.Priority.BULK);
        threadThatRuns(InferenceService.Priority.QUERY).get(10, TimeUnit.SECONDS);
        expectThrows(TimeoutException.class, () -> bulkThread.get(200, TimeUnit.MILLISECONDS)); // the lane is free, but not for it
        assertEquals(1, inference.waiting(InferenceService.Priority.BULK));
        release.countDown();
        String thread = bulkThread.get(10, TimeUnit.SECONDS);
        assertTrue(thread, thread.contains("[" + InferenceThreadPool.NAME + "]"));
    }

    public void testFullQueueRejectsWith429() throws Exception {
        CountDownLatch release = occupyTheThread();
        inference.execute(InferenceService.Priority.QUERY, () -> true, ActionListener.wrap(r -> {}, e -> {})); // fills the queue of one
        AtomicReference<Exception> rejected = new AtomicReference<>();
        inference.execute(InferenceService.Priority.QUERY, () -> true, ActionListener.wrap(r -> fail("must be rejected"), rejected::set));
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
        inference.execute(InferenceService.Priority.QUERY, () -> { throw new NoClassDefFoundError("ai/djl/Missing"); }, ActionListener.wrap(r -> fail(), e -> {
            failure.set(e);
            done.countDown();
        }));
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, ExceptionsHelper.status(failure.get()));
        assertTrue(failure.get().getMessage(), failure.get().getMessage().contains("ai/djl/Missing"));
    }

    /** Work of {@code priority} whose result is the name of the thread that ran it. */
    private CompletableFuture<String> threadThatRuns(InferenceService.Priority priority) {
        CompletableFuture<String> thread = new CompletableFuture<>();
        inference.execute(priority, () -> Thread.currentThread().getName(), ActionListener.wrap(thread::complete, thread::completeExceptionally));
        return thread;
    }

    /** Blocks the one inference thread until the returned latch is counted down. */
    private CountDownLatch occupyTheThread() throws InterruptedException {
        return occupy(InferenceService.Priority.BULK);
    }

    /** Blocks the query lane's thread (the inference thread must be occupied) until the returned latch is counted down. */
    private CountDownLatch occupyTheLane() throws InterruptedException {
        return occupy(InferenceService.Priority.QUERY);
    }

    /** Work of {@code priority} that blocks the thread that takes it until the returned latch is counted down. */
    private CountDownLatch occupy(InferenceService.Priority priority) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        inference.execute(priority, () -> {
            started.countDown();
            return release.await(10, TimeUnit.SECONDS);
        }, ActionListener.wrap(r -> {}, e -> {}));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        return release;
    }

    /** One inference thread and a queue of {@code queueSize}; the query lane's default of one thread. */
    private void startPool(int queueSize) {
        startPool(queueSize, "500ms");
    }

    private void startPool(int queueSize, String bulkYield) {
        Settings settings = Settings.builder()
            .put(InferenceThreadPool.SETTINGS_PREFIX + ".size", 1)
            .put(InferenceThreadPool.SETTINGS_PREFIX + ".queue_size", queueSize)
            .put("plugins.realm.model.bulk_yield", bulkYield)
            .build();
        threadPool = new TestThreadPool(getTestName(), settings, InferenceThreadPool.executorBuilders(settings));
        inference = new InferenceService(null, threadPool, settings);
    }

    public void testIngestWaitsWhileAQuestionIsInFlight() throws Exception {
        terminate(threadPool);
        startPool(10, "10s");
        Releasable question = inference.queryInFlight();
        CountDownLatch bulkDone = new CountDownLatch(1);
        inference.execute(InferenceService.Priority.BULK, () -> "bulk", ActionListener.wrap(r -> bulkDone.countDown(), e -> fail(e.toString())));
        CountDownLatch queryDone = new CountDownLatch(1);
        inference.execute(InferenceService.Priority.QUERY, () -> "query", ActionListener.wrap(r -> queryDone.countDown(), e -> fail(e.toString())));
        assertTrue("query work is not held back", queryDone.await(10, TimeUnit.SECONDS));
        assertFalse("the ingest batch waits for the question", bulkDone.await(300, TimeUnit.MILLISECONDS));
        question.close();
        assertTrue(bulkDone.await(10, TimeUnit.SECONDS));
        question.close(); // a second close changes nothing
    }

    public void testIngestGoesOnAfterTheYieldTimeWhateverTheQuestions() throws Exception {
        terminate(threadPool);
        startPool(10, "200ms");
        try (Releasable question = inference.queryInFlight()) {
            long start = System.nanoTime();
            CountDownLatch bulkDone = new CountDownLatch(1);
            inference.execute(InferenceService.Priority.BULK, () -> "bulk", ActionListener.wrap(r -> bulkDone.countDown(), e -> fail(e.toString())));
            assertTrue(bulkDone.await(10, TimeUnit.SECONDS));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), greaterThanOrEqualTo(150L));
        }
    }

    public void testQueryWorkOvertakesWaitingBulkWork() throws Exception {
        terminate(threadPool);
        startPool(10);
        CountDownLatch release = occupyTheThread();
        CountDownLatch releaseLane = occupyTheLane();
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(4);
        ActionListener<String> record = ActionListener.wrap(name -> {
            order.add(name);
            done.countDown();
        }, e -> fail(e.toString()));
        inference.execute(InferenceService.Priority.BULK, () -> "bulk-1", record);
        inference.execute(InferenceService.Priority.BULK, () -> "bulk-2", record);
        inference.execute(InferenceService.Priority.QUERY, () -> "query-1", record);
        inference.execute(InferenceService.Priority.QUERY, () -> "query-2", record);
        assertEquals(2, inference.waiting(InferenceService.Priority.QUERY));
        assertEquals(2, inference.waiting(InferenceService.Priority.BULK));
        release.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("query-1", "query-2", "bulk-1", "bulk-2"), order);
        releaseLane.countDown();
    }

    public void testAFullQueueShedsTheNewestBulkWorkNotTheQuery() throws Exception {
        CountDownLatch release = occupyTheThread();
        AtomicReference<Exception> bulkFailure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(2);
        inference.execute(InferenceService.Priority.BULK, () -> "bulk", ActionListener.wrap(r -> fail("must be shed"), e -> {
            bulkFailure.set(e);
            done.countDown();
        })); // fills the queue of one
        AtomicReference<String> query = new AtomicReference<>();
        inference.execute(InferenceService.Priority.QUERY, () -> "query", ActionListener.wrap(r -> {
            query.set(r);
            done.countDown();
        }, e -> fail("the query must run: " + e)));
        release.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals("query", query.get());
        assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(bulkFailure.get()));
    }

    public void testWorkRunsInItsCallersThreadContext() throws Exception {
        terminate(threadPool);
        startPool(10);
        CountDownLatch release = occupyTheThread();
        ThreadContext context = threadPool.getThreadContext();
        Map<String, String> seen = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(2);
        for (String caller : List.of("alice", "bob")) {
            try (ThreadContext.StoredContext ignored = context.stashContext()) {
                context.putHeader("caller", caller);
                // bob's query runs first, in the slot that alice's bulk work queued: it must still see bob
                InferenceService.Priority priority = caller.equals("alice") ? InferenceService.Priority.BULK : InferenceService.Priority.QUERY;
                inference.execute(priority, () -> context.getHeader("caller"), ActionListener.wrap(header -> {
                    seen.put(caller, header + "/" + context.getHeader("caller"));
                    done.countDown();
                }, e -> fail(e.toString())));
            }
        }
        release.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals("the work and its listener see their caller", Map.of("alice", "alice/alice", "bob", "bob/bob"), seen);
    }
}
