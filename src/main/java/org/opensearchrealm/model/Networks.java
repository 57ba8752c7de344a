/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What encoders and readers share once a network is loaded: which inputs to feed it and how (ONNX by the names the
 * model declares, TorchScript by the descriptor's {@code inputs}, positionally or as one dict), running it, and
 * reading its outputs as plain Java floats.
 */
final class Networks {

    private Networks() {}

    /**
     * The inputs an ONNX model declares, checked against the inputs the runtime can make.
     *
     * @throws ModelException 500 when the model wants an input the runtime cannot make, or lacks {@code input_ids}
     */
    static List<String> onnxInputs(ModelDescriptor descriptor, Model model) {
        List<String> names = List.copyOf(model.getBlock().describeInput().keys());
        if (names.contains(ModelDescriptor.INPUT_IDS) == false || ModelDescriptorParser.KNOWN_INPUTS.containsAll(names) == false) {
            throw ModelException.failed(
                "ONNX model ["
                    + descriptor.id()
                    + "] declares the inputs "
                    + names
                    + "; supported are "
                    + ModelDescriptorParser.KNOWN_INPUTS
                    + ", and [input_ids] is required",
                null
            );
        }
        return names;
    }

    /** Runs an ONNX network: each declared input, by name. */
    static NDList forwardOnnx(Model model, List<String> inputNames, NDManager manager, BaseEncoder.Batch batch) {
        NDList inputs = new NDList(inputNames.size());
        for (String name : inputNames) {
            NDArray array = manager.create(batch.input(name), batch.shape(), DataType.INT64);
            array.setName(name);
            inputs.add(array);
        }
        return model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
    }

    /**
     * Runs a TorchScript network: the descriptor's inputs, positionally in that order, or (input_style "dict") as one
     * {@code Dict[str, Tensor]} argument keyed by name.
     */
    static NDList forwardTorchScript(Model model, ModelDescriptor descriptor, NDManager manager, BaseEncoder.Batch batch) {
        boolean dict = descriptor.inputStyle() == ModelDescriptor.InputStyle.DICT;
        NDList inputs = new NDList(descriptor.inputs().size());
        for (String name : descriptor.inputs()) {
            NDArray array = manager.create(batch.input(name), batch.shape(), DataType.INT64);
            if (dict) {
                // DJL gathers arrays named "<argument>.<key>" into one Dict[str, Tensor] argument
                array.setName("features." + name);
            }
            // unnamed arrays are passed positionally
            inputs.add(array);
        }
        return model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
    }

    /** An array's values as floats (from float32, float64 or float16). */
    static float[] floats(NDArray array, String modelId) {
        DataType type = array.getDataType();
        if (type == DataType.FLOAT32) {
            return array.toFloatArray();
        } else if (type == DataType.FLOAT64) {
            double[] d = array.toDoubleArray();
            float[] values = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                values[i] = (float) d[i];
            }
            return values;
        } else if (type == DataType.FLOAT16) {
            ByteBuffer bb = array.toByteBuffer().order(ByteOrder.nativeOrder());
            float[] values = new float[bb.remaining() / 2];
            for (int i = 0; i < values.length; i++) {
                values[i] = Float.float16ToFloat(bb.getShort());
            }
            return values;
        }
        throw ModelException.failed("model [" + modelId + "] returned " + type + " values; expected floating point", null);
    }

    /** "name(shape)" for each output, for error messages. */
    static List<String> describe(NDList outputs) {
        List<String> described = new ArrayList<>();
        for (NDArray array : outputs) {
            described.add((array.getName() == null ? "output" : array.getName()) + array.getShape());
        }
        return described;
    }
}
