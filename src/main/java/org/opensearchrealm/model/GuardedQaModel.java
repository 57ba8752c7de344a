/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.util.Arrays;

/**
 * What every QA network shares around its engine call: the windows checked and flattened into one row-major batch,
 * the plugin's class loader set for the engine, and the {@link ModelGuard} boundary.
 */
abstract class GuardedQaModel implements QaModel {

    protected final String id;
    private final ModelGuard guard;

    GuardedQaModel(String id) {
        this.id = id;
        this.guard = new ModelGuard(id);
    }

    /** Runs the engine on a non-empty batch; returns {@code [batch][2][tokens]}. */
    protected abstract float[][][] run(BaseEncoder.Batch batch) throws Exception;

    /** Frees the engine's resources; called once, with no call in flight. */
    protected abstract void release();

    @Override
    public final float[][][] logits(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
        BaseEncoder.Batch batch = batch(inputIds, attentionMask, tokenTypeIds);
        return guard.call(
            "failed to read " + batch.size() + " window(s) of " + batch.tokens() + " tokens",
            () -> batch.size() == 0 ? new float[0][][] : NativeLibraries.withPluginClassLoader(() -> run(batch))
        );
    }

    @Override
    public final void close() {
        guard.close(this::release);
    }

    private BaseEncoder.Batch batch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
        int size = inputIds.length;
        if (attentionMask.length != size || tokenTypeIds.length != size) {
            throw ModelException.badRequest("model [" + id + "]: input_ids, attention_mask and token_type_ids have different batch sizes");
        }
        int tokens = size == 0 ? 0 : inputIds[0].length;
        long[] ids = new long[size * tokens];
        long[] mask = new long[size * tokens];
        long[] types = new long[size * tokens];
        for (int b = 0; b < size; b++) {
            if (inputIds[b].length != tokens || attentionMask[b].length != tokens || tokenTypeIds[b].length != tokens) {
                throw ModelException.badRequest("model [" + id + "]: the rows of a batch must all have " + tokens + " tokens (pad them)");
            }
            System.arraycopy(inputIds[b], 0, ids, b * tokens, tokens);
            System.arraycopy(attentionMask[b], 0, mask, b * tokens, tokens);
            System.arraycopy(tokenTypeIds[b], 0, types, b * tokens, tokens);
        }
        return new BaseEncoder.Batch(size, tokens, ids, mask, types);
    }

    /** {@code [batch][2][tokens]} from the flat row-major start and end logits of a batch. */
    static float[][][] rows(float[] start, float[] end, BaseEncoder.Batch batch) {
        int tokens = batch.tokens();
        float[][][] logits = new float[batch.size()][2][];
        for (int b = 0; b < batch.size(); b++) {
            logits[b][0] = Arrays.copyOfRange(start, b * tokens, (b + 1) * tokens);
            logits[b][1] = Arrays.copyOfRange(end, b * tokens, (b + 1) * tokens);
        }
        return logits;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + id + "]";
    }
}
