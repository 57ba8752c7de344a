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

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

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

    /** A bulk's texts go one batch at a time per thread: however many there are, they never fill the queue. */
    public void testManyItemsNeverFillTheQueue() throws Exception {
        terminate(threadPool);
        startPool(2);
        List<Integer> items = IntStream.range(0, 50).boxed().toList();
        CompletableFuture<List<Integer>> squares = new CompletableFuture<>();
        inference.eachInParallel(InferenceService.Priority.BULK, items, i -> i * i, ActionListener.wrap(squares::complete, squares::completeExceptionally));
        assertEquals("in item order", items.stream().map(i -> i * i).toList(), squares.get(10, TimeUnit.SECONDS));
    }

    /** Between two items of a bulk, a waiting query goes first. */
    public void testQueryWorkRunsBetweenTwoItems() throws Exception {
        terminate(threadPool);
        startPool(10);
        CountDownLatch releaseThread = occupyTheThread();
        CountDownLatch releaseLane = occupyTheLane(); // so that the query below needs the one inference thread
        releaseThread.countDown();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<List<String>> bulk = new CompletableFuture<>();
        inference.eachInParallel(InferenceService.Priority.BULK, List.of("bulk-1", "bulk-2"), item -> {
            if (item.equals("bulk-1")) {
                firstStarted.countDown();
                assertTrue(releaseFirst.await(10, TimeUnit.SECONDS));
            }
            order.add(item);
            return item;
        }, ActionListener.wrap(bulk::complete, bulk::completeExceptionally));
        assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
        CountDownLatch queryDone = new CountDownLatch(1);
        inference.execute(InferenceService.Priority.QUERY, () -> order.add("query"), ActionListener.wrap(r -> queryDone.countDown(), e -> fail(e.toString())));
        releaseFirst.countDown();
        assertTrue(queryDone.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("bulk-1", "bulk-2"), bulk.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("bulk-1", "query", "bulk-2"), order);
        releaseLane.countDown();
    }

    /** The first failure fails the whole; the items after it are not run. */
    public void testAFailedItemStopsTheRest() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<List<Integer>> result = new CompletableFuture<>();
        inference.eachInParallel(InferenceService.Priority.QUERY, List.of(1, 2, 3), i -> {
            ran.add(i);
            if (i == 2) {
                throw new IllegalStateException("item 2");
            }
            return i;
        }, ActionListener.wrap(result::complete, result::completeExceptionally));
        Exception e = expectThrows(Exception.class, () -> result.get(10, TimeUnit.SECONDS));
        assertTrue(e.toString(), e.getCause().getMessage().contains("item 2"));
        assertEquals(List.of(1, 2), ran);
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
