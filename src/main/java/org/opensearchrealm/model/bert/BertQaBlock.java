/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Extractive QA reader as HF {@code BertForQuestionAnswering}: a {@link BertEncoder} and a span head
 * {@code Linear(hidden, 2)}. Inputs as the encoder's; outputs: start logits and end logits, {@code [B, T]} each.
 */
public final class BertQaBlock extends AbstractBlock {

    private final BertEncoder bert;
    private final Linear qaOutputs;

    @SuppressWarnings("this-escape")
    public BertQaBlock(BertConfig config) {
        bert = addChildBlock("bert", new BertEncoder(config));
        qaOutputs = addChildBlock("qa_outputs", Linear.builder().setUnits(2).build());
        qaOutputs.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    public BertEncoder encoder() {
        return bert;
    }

    public BertConfig config() {
        return bert.config();
    }

    /** HF {@code BertForQuestionAnswering} names: {@code bert.*} and {@code qa_outputs.weight/bias}. */
    public Map<String, Parameter> hfParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : bert.hfParameters().entrySet()) {
            out.put("bert." + e.getKey(), e.getValue());
        }
        BertLayer.linear(out, "qa_outputs.", qaOutputs);
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = bert.forward(ps, inputs, training).head();
        NDArray logits = qaOutputs.forward(ps, new NDList(hidden), training).head(); // [B, T, 2]
        NDList split = logits.split(2, 2);
        return new NDList(split.get(0).squeeze(2), split.get(1).squeeze(2));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        bert.initialize(manager, dataType, inputShapes);
        Shape ids = inputShapes[0];
        qaOutputs.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), bert.config().hidden()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] { ids, ids };
    }
}
