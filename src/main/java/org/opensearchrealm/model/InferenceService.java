/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.CheckedFunction;
import org.opensearch.common.CheckedSupplier;
import org.opensearch.common.lease.Releasable;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.AbstractRunnable;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.threadpool.ThreadPool;
import org.opensearchrealm.model.Encoder.TextKind;
import org.opensearchrealm.settings.ModelSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Runs model work on the bounded inference pool, never on the caller's (transport, search or write) thread. A full
 * queue fails the listener with a 429 that carries a {@code Retry-After} header, which the REST layer sends as is.
 *
 * <p>Queries first: work a search waits for (query encodings, reads) has {@link Priority#QUERY}, ingest has
 * {@link Priority#BULK}. The pool's queue holds one anonymous slot per waiting piece of work; whichever thread frees
 * up takes the oldest query work if any, else the oldest bulk work ({@link WaitingWork}); and when the queue is full,
 * the newest bulk work is refused with the 429 rather than the query that arrives. Work never preempts work that runs,
 * so query work is also offered to the query lane ({@link InferenceThreadPool#QUERY_LANE}), whose threads take only
 * query work: when every inference thread runs an ingest batch, a query runs beside them, sharing the cores, rather
 * than waiting for one of them to finish its model call. Each piece of work runs
 * in the thread context of its caller, whichever slot runs it. And while {@code _realm} requests are in flight
 * ({@link #queryInFlight}), an inference thread holds back the next ingest batch ({@link QueriesInFlight}, at most
 * {@code plugins.realm.model.bulk_yield}), so that a question has the cores to itself once the running batches end.
 */
public final class InferenceService {

    /** Which waiting work a free inference thread takes first. */
    public enum Priority {
        /** Work a search request waits for: query encodings, reads. */
        QUERY,
        /** Ingest: splitting and embedding documents. */
        BULK
    }

    private static final Logger logger = LogManager.getLogger(InferenceService.class);

    /** Seconds a client is asked to wait after a full queue: inference tasks take milliseconds to a second each. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final ModelRegistry models;
    private final ThreadPool threadPool;
    private final int batchSize;
    private final WaitingWork waiting = new WaitingWork();
    private final QueriesInFlight queries;

    public InferenceService(ModelRegistry models, ThreadPool threadPool, Settings settings) {
        this.models = models;
        this.threadPool = threadPool;
        this.batchSize = ModelSettings.MAX_BATCH_SIZE.get(settings);
        this.queries = new QueriesInFlight(ModelSettings.BULK_YIELD.get(settings).millis());
    }

    /**
     * A {@code _realm} request starts on this node: until the returned handle is closed, inference threads hold back
     * ingest batches ({@link ModelSettings#BULK_YIELD}).
     */
    public Releasable queryInFlight() {
        return queries.start();
    }

    /** The descriptor of a model that does {@code task}: 404 for an unknown id, 400 for a model of another task. */
    public ModelDescriptor descriptor(String modelId, ModelDescriptor.Task task) {
        return models.descriptor(modelId, task);
    }

    /**
     * A text's word pieces under an encoder's tokenizer, with their offsets. Blocking (the encoder may load first): call
     * it from work given to {@link #execute}.
     */
    public WordPieces wordPieces(String modelId, String text) {
        return models.encoder(modelId).wordPieces(text);
    }

    /**
     * Loads a model of {@code task} (and runs its warm-up batches) on the inference pool, in the background: a failure
     * or a full queue is logged, and the first request that needs the model loads it (or reports why it cannot).
     */
    public void preload(String modelId, ModelDescriptor.Task task) {
        preload(modelId, task, true);
    }

    private void preload(String modelId, ModelDescriptor.Task task, boolean withQueryModel) {
        execute(Priority.BULK, () -> task == ModelDescriptor.Task.EMBEDDING ? models.encoder(modelId) : models.reader(modelId), ActionListener.wrap(
            model -> {
                logger.debug("preloaded model [{}]", modelId);
                String queryModel = task == ModelDescriptor.Task.EMBEDDING ? models.descriptor(modelId, task).encoder().queryModel() : "";
                if (withQueryModel && queryModel.isEmpty() == false) {
                    preload(queryModel, task, false); // it encodes the questions of this model's indices
                }
            },
            e -> logger.warn("could not preload model [{}]; the first request that needs it loads it: {}", modelId, e.getMessage())
        ));
    }

    /** The models loaded on this node, with their memory estimates. */
    public List<LoadedModel> loadedModels() {
        return models.loadedModels();
    }

    /** The node's model memory budget in bytes; negative: none. */
    public long memoryBudgetBytes() {
        return models.memoryBudgetBytes();
    }

    /** The memory estimates of the loaded models, added up. */
    public long memoryUsedBytes() {
        return models.memoryUsedBytes();
    }

    /**
     * Runs {@code work} on the inference pool, before any waiting work of a lower priority; an {@link Error} it throws
     * becomes a failure, not a dead node.
     */
    public <T> void execute(Priority priority, CheckedSupplier<T, Exception> work, ActionListener<T> listener) {
        waiting.add(priority, task(threadPool.getThreadContext().newRestorableContext(false), work, listener));
        threadPool.executor(InferenceThreadPool.NAME).execute(new Slot(null));
        if (priority == Priority.QUERY) {
            queries.wake();
            // a second slot for the same work, on the lane; whichever slot runs first takes it, the other finds
            // nothing (or the next query); the work's own slot keeps it reachable when the lane is full
            threadPool.executor(InferenceThreadPool.QUERY_LANE).execute(new Slot(Priority.QUERY));
        }
    }

    /**
     * A pool slot: runs the oldest waiting work of the highest priority, or of {@code only} (the query lane). A
     * rejected slot of the inference pool sheds the newest work of the lowest priority, so that every waiting piece of
     * work keeps a slot; a rejected lane slot sheds nothing.
     */
    private final class Slot extends AbstractRunnable {

        private final Priority only;

        Slot(Priority only) {
            this.only = only;
        }

        @Override
        protected void doRun() {
            AbstractRunnable next = only == null ? waiting.next(Priority.QUERY) : waiting.next(only);
            if (next == null && only == null) {
                if (waiting.size(Priority.BULK) > 0) {
                    queries.awaitNone(() -> waiting.size(Priority.QUERY) > 0); // a question in flight has the cores first
                }
                next = waiting.next();
            }
            if (next != null) {
                next.run();
            }
        }

        @Override
        public void onRejection(Exception e) {
            if (only != null) {
                logger.debug("the query lane is full; the query waits for an inference thread");
                return;
            }
            AbstractRunnable shed = waiting.shed();
            if (shed != null) {
                shed.onRejection(e);
            }
        }

        @Override
        public void onFailure(Exception e) {
            logger.warn("inference work failed outside its own handling", e);
        }
    }

    /** How much work of a priority waits for an inference thread on this node. */
    public int waiting(Priority priority) {
        return waiting.size(priority);
    }

    /** The work and its listener, run (or rejected) in the caller's thread context, whichever pool slot takes it. */
    private static <T> AbstractRunnable task(
        Supplier<ThreadContext.StoredContext> callerContext,
        CheckedSupplier<T, Exception> work,
        ActionListener<T> listener
    ) {
        return new AbstractRunnable() {
            @Override
            public void onFailure(Exception e) {
                try (ThreadContext.StoredContext ignored = callerContext.get()) {
                    listener.onFailure(e);
                }
            }

            @Override
            public void onRejection(Exception e) {
                onFailure(overloaded(e));
            }

            @Override
            protected void doRun() {
                try (ThreadContext.StoredContext ignored = callerContext.get()) {
                    T result;
                    try {
                        result = work.get();
                    } catch (Exception e) {
                        listener.onFailure(e);
                        return;
                    } catch (Throwable t) { // NOPMD: an Error escaping plugin code would take the node down
                        listener.onFailure(new ModelException(RestStatus.INTERNAL_SERVER_ERROR, "inference failed: " + t, t));
                        return;
                    }
                    listener.onResponse(result);
                }
            }
        };
    }

    private static ModelException overloaded(Exception rejection) {
        ModelException e = new ModelException(
            RestStatus.TOO_MANY_REQUESTS,
            "the [" + InferenceThreadPool.NAME + "] queue is full; retry in " + RETRY_AFTER_SECONDS + "s or send fewer requests at once",
            rejection
        );
        e.addHeader("Retry-After", RETRY_AFTER_SECONDS);
        return e;
    }

    /**
     * Embeds texts with a model, in batches of {@code plugins.realm.model.max_batch_size} texts of about the same length
     * (so that padding stays small) run on every inference thread ({@link #eachInParallel}). Queries are embedded with
     * {@link Priority#QUERY}, passages with {@link Priority#BULK}.
     */
    public void embed(String modelId, List<String> texts, TextKind kind, ActionListener<float[][]> listener) {
        int n = texts.size();
        if (n == 0) {
            listener.onResponse(new float[0][]);
            return;
        }
        List<Integer> shortestFirst = shortestFirst(texts);
        List<List<Integer>> batches = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            batches.add(shortestFirst.subList(from, Math.min(n, from + batchSize)));
        }
        Priority priority = kind == TextKind.QUERY ? Priority.QUERY : Priority.BULK;
        eachInParallel(priority, batches, batch -> models.encoder(modelId).embed(batch.stream().map(texts::get).toList(), kind), ActionListener.map(listener, embedded -> {
            float[][] vectors = new float[n][];
            for (int b = 0; b < batches.size(); b++) {
                for (int i = 0; i < batches.get(b).size(); i++) {
                    vectors[batches.get(b).get(i)] = embedded.get(b)[i];
                }
            }
            return vectors;
        }));
    }

    /**
     * Reads passages for a question with a reader model ({@link Reader#read}), a passage at a time, the longest first,
     * on every inference thread ({@link #eachInParallel}); the readings come back in passage order.
     */
    public void read(
        String modelId,
        String question,
        List<String> passages,
        int maxAnswerTokens,
        int topSpans,
        ActionListener<List<Reader.PassageReading>> listener
    ) {
        if (passages.isEmpty()) {
            execute(Priority.QUERY, () -> models.reader(modelId).read(question, passages, maxAnswerTokens, topSpans), listener);
            return;
        }
        List<Integer> longestFirst = shortestFirst(passages).reversed();
        eachInParallel(Priority.QUERY, longestFirst, i -> models.reader(modelId).read(question, List.of(passages.get(i)), maxAnswerTokens, topSpans).get(0), ActionListener.map(listener, read -> {
            Reader.PassageReading[] readings = new Reader.PassageReading[passages.size()];
            for (int r = 0; r < read.size(); r++) {
                readings[longestFirst.get(r)] = read.get(r);
            }
            return List.of(readings);
        }));
    }

    /** The positions of {@code texts}, the shortest text's first. */
    private static List<Integer> shortestFirst(List<String> texts) {
        return IntStream.range(0, texts.size()).boxed().sorted(Comparator.comparingInt(i -> texts.get(i).length())).toList();
    }

    /**
     * Runs {@code work} on each item, in their order, each as work of its own ({@link #execute}), by as many workers
     * as the inference pool has threads (at most one per item): a worker gives its next item to the pool when the
     * last one is done. So whichever thread is free takes the next item (one held by an ingest batch or slowed by a
     * search beside it holds nothing back), a request never has more than that many pieces of work waiting (a large
     * bulk cannot fill the queue by itself), and work of a higher priority can run between two items. The results come
     * back in item order; the first failure fails the listener and no further item is given.
     */
    <T, R> void eachInParallel(Priority priority, List<T> items, CheckedFunction<T, R, Exception> work, ActionListener<List<R>> listener) {
        int n = items.size();
        Object[] results = new Object[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        Runnable worker = new Runnable() {
            @Override
            public void run() {
                int i = next.getAndIncrement();
                if (i >= n || failed.get()) {
                    return;
                }
                execute(priority, () -> work.apply(items.get(i)), ActionListener.wrap(result -> {
                    results[i] = result;
                    if (done.incrementAndGet() == n) {
                        @SuppressWarnings("unchecked")
                        List<R> inOrder = (List<R>) Arrays.asList(results);
                        listener.onResponse(inOrder);
                    } else {
                        run();
                    }
                }, e -> {
                    if (failed.compareAndSet(false, true)) {
                        listener.onFailure(e);
                    }
                }));
            }
        };
        int workers = Math.min(n, Math.max(1, threadPool.info(InferenceThreadPool.NAME).getMax()));
        for (int w = 0; w < workers; w++) {
            worker.run();
        }
    }
}
