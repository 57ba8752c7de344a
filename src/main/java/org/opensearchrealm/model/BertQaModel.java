/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.opensearchrealm.model.bert.BertQaBlock;
import org.opensearchrealm.model.bert.ReaderWeights;

import java.nio.file.Path;

/**
 * A {@code djl} reader: an HF-style BERT with a span head, built in Java from DJL blocks ({@link BertQaBlock}) on the
 * PyTorch engine, its weights read from a safetensors file of HF-named tensors (what the project's trainer exports).
 * The trainer also reads its evaluation set through one, over the block it trains.
 */
public final class BertQaModel extends GuardedQaModel {

    private final NDManager manager;
    private final BertQaBlock block;

    private BertQaModel(String id, NDManager manager, BertQaBlock block) {
        super(id);
        this.manager = manager;
        this.block = block;
    }

    /** Runs {@code block}, whose parameters live in {@code manager}'s parent or in it; owns {@code manager}. */
    public static BertQaModel over(String id, NDManager manager, BertQaBlock block) {
        return new BertQaModel(id, manager, block);
    }

    /**
     * Builds the network the descriptor's {@code architecture} describes and sets every parameter from the model file.
     *
     * @throws ModelException 500 naming the model and the file when a tensor is missing, of another shape, or the file
     *                        is not safetensors; nothing is left open
     */
    static BertQaModel load(ModelDescriptor descriptor) {
        Path weights = descriptor.file(ModelDescriptor.ROLE_MODEL);
        NDManager manager = null;
        try {
            NDManager m = NativeLibraries.withPluginClassLoader(() -> NDManager.newBaseManager(Device.cpu(), NativeLibraries.PYTORCH));
            manager = m;
            BertQaBlock block = new BertQaBlock(descriptor.reader().architecture());
            Shape tokens = new Shape(1, 8);
            NativeLibraries.withPluginClassLoader(() -> {
                block.initialize(m, DataType.FLOAT32, tokens, tokens, tokens);
                ReaderWeights.load(ReaderWeights.readSafetensors(weights, null), block.hfParameters());
                // inference only: no autograd graph is recorded, whatever the calling thread's grad mode
                for (Parameter parameter : block.getParameters().values()) {
                    parameter.getArray().setRequiresGradient(false);
                }
                return null;
            });
            return new BertQaModel(descriptor.id(), m, block);
        } catch (Throwable t) { // NOPMD
            ModelLoader.closeQuietly(manager);
            throw ModelException.wrap("model [" + descriptor.id() + "]: cannot load [" + weights + "] as a djl BERT reader", t);
        }
    }

    @Override
    protected float[][][] run(BaseEncoder.Batch batch) {
        try (NDManager m = manager.newSubManager()) {
            Shape shape = new Shape(batch.size(), batch.tokens());
            NDList inputs = new NDList(m.create(batch.ids(), shape), m.create(batch.typeIds(), shape), m.create(batch.mask(), shape));
            NDList outputs = block.forward(new ParameterStore(m, false), inputs, false);
            return rows(outputs.get(0).toFloatArray(), outputs.get(1).toFloatArray(), batch);
        }
    }

    @Override
    protected void release() {
        manager.close();
    }
}
