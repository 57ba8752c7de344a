/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.common.util.concurrent.AbstractRunnable;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;

/**
 * The inference work waiting for a thread, one FIFO per {@link InferenceService.Priority}: a thread takes the oldest
 * work of the highest priority; when the pool's queue is full, the newest work of the lowest priority is shed. Tiny
 * critical sections under one lock.
 */
final class WaitingWork {

    private final Map<InferenceService.Priority, ArrayDeque<AbstractRunnable>> queues = new EnumMap<>(InferenceService.Priority.class);

    WaitingWork() {
        for (InferenceService.Priority p : InferenceService.Priority.values()) {
            queues.put(p, new ArrayDeque<>());
        }
    }

    synchronized void add(InferenceService.Priority priority, AbstractRunnable work) {
        queues.get(priority).addLast(work);
    }

    /** The oldest work of the highest priority; null when none waits. */
    synchronized AbstractRunnable next() {
        for (InferenceService.Priority p : InferenceService.Priority.values()) {
            AbstractRunnable work = queues.get(p).pollFirst();
            if (work != null) {
                return work;
            }
        }
        return null;
    }

    /** The oldest work of {@code priority}; null when none waits. */
    synchronized AbstractRunnable next(InferenceService.Priority priority) {
        return queues.get(priority).pollFirst();
    }

    /** The newest work of the lowest priority, taken out to be rejected; null when none waits. */
    synchronized AbstractRunnable shed() {
        InferenceService.Priority[] all = InferenceService.Priority.values();
        for (int i = all.length - 1; i >= 0; i--) {
            AbstractRunnable work = queues.get(all[i]).pollLast();
            if (work != null) {
                return work;
            }
        }
        return null;
    }

    /** How much work of a priority waits. */
    synchronized int size(InferenceService.Priority priority) {
        return queues.get(priority).size();
    }
}
