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
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Map;

/**
 * One post-LayerNorm transformer layer as in HF {@code BertLayer}: self-attention (query, key, value, output dense),
 * residual + LayerNorm, GELU (erf) feed-forward, residual + LayerNorm. Inputs: hidden states {@code [B, T, H]} and the
 * additive attention bias {@code [B, 1, 1, T]}; output: hidden states.
 */
public final class BertLayer extends AbstractBlock {

    private final BertConfig config;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear attentionOutput;
    private final LayerNorm attentionNorm;
    private final Linear intermediate;
    private final Linear output;
    private final LayerNorm outputNorm;

    @SuppressWarnings("this-escape")
    public BertLayer(BertConfig config) {
        this.config = config;
        query = addChildBlock("query", Linear.builder().setUnits(config.hidden()).build());
        key = addChildBlock("key", Linear.builder().setUnits(config.hidden()).build());
        value = addChildBlock("value", Linear.builder().setUnits(config.hidden()).build());
        attentionOutput = addChildBlock("attention_output", Linear.builder().setUnits(config.hidden()).build());
        attentionNorm = addChildBlock("attention_norm", LayerNorm.builder().axis(2).optEpsilon(config.layerNormEpsilon()).build());
        intermediate = addChildBlock("intermediate", Linear.builder().setUnits(config.intermediate()).build());
        output = addChildBlock("output", Linear.builder().setUnits(config.hidden()).build());
        outputNorm = addChildBlock("output_norm", LayerNorm.builder().axis(2).optEpsilon(config.layerNormEpsilon()).build());
    }

    /** Adds this layer's parameters under their HF names ({@code prefix} is e.g. {@code encoder.layer.3.}). */
    void hfParameters(String prefix, Map<String, Parameter> out) {
        linear(out, prefix + "attention.self.query.", query);
        linear(out, prefix + "attention.self.key.", key);
        linear(out, prefix + "attention.self.value.", value);
        linear(out, prefix + "attention.output.dense.", attentionOutput);
        norm(out, prefix + "attention.output.LayerNorm.", attentionNorm);
        linear(out, prefix + "intermediate.dense.", intermediate);
        linear(out, prefix + "output.dense.", output);
        norm(out, prefix + "output.LayerNorm.", outputNorm);
    }

    static void linear(Map<String, Parameter> out, String prefix, Linear block) {
        out.put(prefix + "weight", block.getParameters().get("weight"));
        out.put(prefix + "bias", block.getParameters().get("bias"));
    }

    static void norm(Map<String, Parameter> out, String prefix, LayerNorm block) {
        out.put(prefix + "weight", block.getParameters().get("gamma"));
        out.put(prefix + "bias", block.getParameters().get("beta"));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray bias = inputs.get(1);
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        int heads = config.heads();
        int hs = config.headSize();
        NDArray q = heads(query.forward(ps, new NDList(x), training).head(), b, t, heads, hs);
        NDArray k = heads(key.forward(ps, new NDList(x), training).head(), b, t, heads, hs);
        NDArray v = heads(value.forward(ps, new NDList(x), training).head(), b, t, heads, hs);
        // [B, nh, T, T]
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(hs)).add(bias);
        NDArray probs = scores.softmax(-1);
        if (training && config.dropout() > 0) {
            probs = Dropout.dropout(probs, config.dropout(), true).head();
        }
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.hidden());
        NDArray attn = attentionOutput.forward(ps, new NDList(context), training).head();
        attn = dropout(attn, training);
        NDArray h = attentionNorm.forward(ps, new NDList(attn.add(x)), training).head();
        NDArray inner = Activation.gelu(intermediate.forward(ps, new NDList(h), training).head());
        NDArray out = dropout(output.forward(ps, new NDList(inner), training).head(), training);
        return outputNorm.forward(ps, new NDList(out.add(h)), training);
    }

    private NDArray dropout(NDArray x, boolean training) {
        return training && config.dropout() > 0 ? Dropout.dropout(x, config.dropout(), true).head() : x;
    }

    private static NDArray heads(NDArray x, long b, long t, int heads, int hs) {
        return x.reshape(b, t, heads, hs).transpose(0, 2, 1, 3);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        for (Linear l : new Linear[] { query, key, value, attentionOutput, intermediate }) {
            l.initialize(manager, dataType, x);
        }
        attentionNorm.initialize(manager, dataType, x);
        outputNorm.initialize(manager, dataType, x);
        output.initialize(manager, dataType, new Shape(x.get(0), x.get(1), config.intermediate()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }
}
