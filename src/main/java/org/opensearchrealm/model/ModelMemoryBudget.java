/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearchrealm.settings.ModelSettings;

/**
 * The off-heap memory that loaded models may take on a node ({@code plugins.realm.model.memory_budget}; negative: no limit).
 * A model reserves its estimate before it loads and keeps it while loaded; a load that would take the total over the
 * budget is refused with 429, as OpenSearch's circuit breakers refuse work that would exceed a memory limit: the
 * node and the models already loaded are untouched. Lowering the budget unloads nothing, it only refuses new loads.
 */
final class ModelMemoryBudget {

    private volatile long limitBytes;
    private long reservedBytes; // guarded by this

    ModelMemoryBudget(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    void setLimit(long bytes) {
        limitBytes = bytes;
    }

    long limitBytes() {
        return limitBytes;
    }

    synchronized long reservedBytes() {
        return reservedBytes;
    }

    /** Takes {@code bytes} for model {@code id} or throws, taking nothing, when that would exceed the budget. */
    synchronized void reserve(String id, long bytes) {
        long limit = limitBytes;
        if (limit >= 0 && reservedBytes + bytes > limit) {
            throw new ModelException(
                RestStatus.TOO_MANY_REQUESTS,
                "cannot load model ["
                    + id
                    + "]: it needs an estimated ["
                    + new ByteSizeValue(bytes)
                    + "] and the models loaded on this node take ["
                    + new ByteSizeValue(reservedBytes)
                    + "] of the ["
                    + new ByteSizeValue(limit)
                    + "] allowed by ["
                    + ModelSettings.MEMORY_BUDGET.getKey()
                    + "]; raise the budget or use a loaded model"
            );
        }
        reservedBytes += bytes;
    }

    synchronized void release(long bytes) {
        reservedBytes -= bytes;
    }
}
