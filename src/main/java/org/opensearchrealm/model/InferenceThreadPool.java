/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.FixedExecutorBuilder;

/**
 * The fixed thread pools that run model inference, registered by the plugin from {@code getExecutorBuilders}.
 * {@code realm_inference} runs all of it: {@code thread_pool.realm_inference.size} (default: the node's allocated
 * processors) and {@code thread_pool.realm_inference.queue_size} (default 1000); a full queue rejects the task with an
 * {@code OpenSearchRejectedExecutionException}, which clients receive as HTTP 429. {@code realm_query} is the query
 * lane: threads ({@code thread_pool.realm_query.size}, default 1) that run only work a search waits for, so that a
 * query does not wait for the ingest batches that occupy every {@code realm_inference} thread (it shares the cores
 * with them instead).
 */
public final class InferenceThreadPool {

    public static final String NAME = "realm_inference";
    public static final String SETTINGS_PREFIX = "thread_pool." + NAME;
    public static final int DEFAULT_QUEUE_SIZE = 1000;
    public static final String QUERY_LANE = "realm_query";
    public static final String QUERY_LANE_SETTINGS_PREFIX = "thread_pool." + QUERY_LANE;

    private InferenceThreadPool() {}

    public static int defaultSize(Settings settings) {
        return Math.max(1, OpenSearchExecutors.allocatedProcessors(settings));
    }

    /** Both pools: {@code realm_inference}, then the query lane. */
    public static ExecutorBuilder<?>[] executorBuilders(Settings settings) {
        return new ExecutorBuilder<?>[] {
            new FixedExecutorBuilder(settings, NAME, defaultSize(settings), DEFAULT_QUEUE_SIZE, SETTINGS_PREFIX),
            new FixedExecutorBuilder(settings, QUERY_LANE, 1, DEFAULT_QUEUE_SIZE, QUERY_LANE_SETTINGS_PREFIX) };
    }
}
