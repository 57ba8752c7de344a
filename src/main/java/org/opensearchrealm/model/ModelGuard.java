/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The boundary around a loaded model's native resources: calls run together, closing waits for the calls in flight and
 * frees the resources once, later calls fail cleanly, and every {@link Throwable} of a call (an Error from native code
 * included, which must never reach the node's uncaught-exception handler) becomes a {@link ModelException}.
 */
public final class ModelGuard {

    private final String modelId;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    public ModelGuard(String modelId) {
        this.modelId = modelId;
    }

    /**
     * Runs {@code work} unless the model is closed.
     *
     * @param failure what failed, for the error message: "model [id] " + failure
     * @throws ModelException the model is closed, or {@code work} threw (a {@link ModelException} keeps its status)
     */
    public <T> T call(String failure, Callable<T> work) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw ModelException.failed("model [" + modelId + "] is closed", null);
            }
            return work.call();
        } catch (Throwable t) { // NOPMD
            throw ModelException.wrap("model [" + modelId + "] " + failure, t);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Once no call runs, runs every release in order (all of them, even if one throws); later calls fail. */
    public void close(Runnable... releases) {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            release(releases, 0);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void release(Runnable[] releases, int from) {
        if (from < releases.length) {
            try {
                releases[from].run();
            } finally {
                release(releases, from + 1);
            }
        }
    }

    public boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }
}
