/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.common.lease.Releasable;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The {@code _realm} requests in flight on this node, which ingest batches give way to: an inference thread about to
 * start one waits until none is in flight, for at most the yield time, so that ingest keeps going under any query load.
 */
final class QueriesInFlight {

    private final long yieldNanos;
    private int inFlight;

    QueriesInFlight(long yieldMillis) {
        this.yieldNanos = TimeUnit.MILLISECONDS.toNanos(yieldMillis);
    }

    /** A request starts; closing the handle (once; again is a no-op) ends it. */
    Releasable start() {
        synchronized (this) {
            inFlight++;
        }
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                end();
            }
        };
    }

    private synchronized void end() {
        if (--inFlight == 0) {
            notifyAll();
        }
    }

    /**
     * Waits until no request is in flight, query work waits for a thread ({@link #wake} tells), or the yield time has
     * passed.
     */
    synchronized void awaitNone(BooleanSupplier queryWorkWaiting) {
        long deadline = System.nanoTime() + yieldNanos;
        long left = yieldNanos;
        while (inFlight > 0 && left > 0 && queryWorkWaiting.getAsBoolean() == false) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            left = deadline - System.nanoTime();
        }
    }

    /** Query work was queued: a thread that holds back ingest takes it. */
    synchronized void wake() {
        notifyAll();
    }
}
