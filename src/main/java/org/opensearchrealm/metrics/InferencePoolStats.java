/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.metrics;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.threadpool.ThreadPoolStats;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.model.InferenceThreadPool;

import java.io.IOException;

/**
 * The {@code realm_inference} pool of one node: its threads, its queue (tasks waiting, of which query work and ingest
 * work, and how many may wait before a task is rejected with 429), tasks running, rejected and completed since the
 * node started.
 */
public record InferencePoolStats(
    int threads,
    int queue,
    int queuedQueries,
    int queuedBulk,
    long queueCapacity,
    int active,
    long rejected,
    long completed
)
    implements
        Writeable,
        ToXContentObject {

    public static InferencePoolStats of(ThreadPool threadPool, InferenceService inference) {
        long capacity = threadPool.info(InferenceThreadPool.NAME).getQueueSize().singles();
        for (ThreadPoolStats.Stats s : threadPool.stats()) {
            if (InferenceThreadPool.NAME.equals(s.getName())) {
                return new InferencePoolStats(
                    s.getThreads(),
                    s.getQueue(),
                    inference.waiting(InferenceService.Priority.QUERY),
                    inference.waiting(InferenceService.Priority.BULK),
                    capacity,
                    s.getActive(),
                    s.getRejected(),
                    s.getCompleted()
                );
            }
        }
        throw new IllegalStateException("no thread pool [" + InferenceThreadPool.NAME + "]");
    }

    public InferencePoolStats(StreamInput in) throws IOException {
        this(in.readVInt(), in.readVInt(), in.readVInt(), in.readVInt(), in.readLong(), in.readVInt(), in.readVLong(), in.readVLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVInt(threads);
        out.writeVInt(queue);
        out.writeVInt(queuedQueries);
        out.writeVInt(queuedBulk);
        out.writeLong(queueCapacity);
        out.writeVInt(active);
        out.writeVLong(rejected);
        out.writeVLong(completed);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject()
            .field("threads", threads)
            .field("queue", queue)
            .field("queued_queries", queuedQueries)
            .field("queued_bulk", queuedBulk)
            .field("queue_size", queueCapacity)
            .field("active", active)
            .field("rejected", rejected)
            .field("completed", completed)
            .endObject();
    }
}
