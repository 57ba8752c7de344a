/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Runs work items with at most {@code --clients} in flight (the node's cores are the limit, not the client's), printing
 * progress while they run; after the first failure no further item starts.
 */
final class InFlight {

    interface Work<T> {
        void run(T item) throws Exception;
    }

    private InFlight() {}

    /**
     * @param done  how many units are done, for the progress lines
     * @param extra what the progress lines add (null for nothing)
     * @return the first failure, or null; the caller decides what it still writes before reporting it
     */
    static <T> Exception run(List<T> items, int clients, Work<T> work, Progress progress, IntSupplier done, Supplier<String> extra)
        throws InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    if (failure.get() != null) {
                        return;
                    }
                    try {
                        work.run(item);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            while (true) {
                boolean all = futures.stream().allMatch(Future::isDone);
                progress.update(done.getAsInt(), all, extra.get());
                if (all || failure.get() != null) {
                    break;
                }
                Thread.sleep(200);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
        return failure.get();
    }
}
