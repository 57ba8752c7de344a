/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.FixedExecutorBuilder;

/**
 * The fixed thread pool that runs model inference, registered by the plugin from {@code getExecutorBuilders}.
 * Settings: {@code thread_pool.realm_inference.size} (default: the node's allocated processors) and
 * {@code thread_pool.realm_inference.queue_size} (default 1000). A full queue rejects the task with an
 * {@code OpenSearchRejectedExecutionException}, which clients receive as HTTP 429.
 */
public final class InferenceThreadPool {

    public static final String NAME = "realm_inference";
    public static final String SETTINGS_PREFIX = "thread_pool." + NAME;
    public static final int DEFAULT_QUEUE_SIZE = 1000;

    private InferenceThreadPool() {}

    public static int defaultSize(Settings settings) {
        return Math.max(1, OpenSearchExecutors.allocatedProcessors(settings));
    }

    public static ExecutorBuilder<?> executorBuilder(Settings settings) {
        return new FixedExecutorBuilder(settings, NAME, defaultSize(settings), DEFAULT_QUEUE_SIZE, SETTINGS_PREFIX);
    }
}
