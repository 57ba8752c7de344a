/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One protobuf message being written, in the wire format (varints, fixed32, length-delimited fields), with the field
 * numbers of the ONNX messages the exporter writes ({@code onnx.proto3}: ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto). The counterpart of the reader in
 * {@link org.opensearchrealm.model.bert.OnnxGraph}; no generated ONNX classes.
 */
final class OnnxProto {

    // TensorProto.DataType
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;

    // AttributeProto.AttributeType
    private static final int ATTRIBUTE_FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_GRAPH = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    byte[] bytes() {
        return out.toByteArray();
    }

    OnnxProto varint(int field, long value) {
        tag(field, 0);
        rawVarint(value);
        return this;
    }

    OnnxProto fixed32(int field, float value) {
        tag(field, 5);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
        return this;
    }

    OnnxProto bytes(int field, byte[] value) {
        tag(field, 2);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    OnnxProto string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    OnnxProto message(int field, OnnxProto message) {
        return bytes(field, message.bytes());
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    // ---- ONNX messages

    /** ONNX Runtime's operator domain (its contrib operators, such as {@code MultiHeadAttention}). */
    static final String MICROSOFT_DOMAIN = "com.microsoft";

    /** ModelProto: IR version, the default-domain opset and version 1 of {@link #MICROSOFT_DOMAIN}, the graph. */
    static OnnxProto model(long irVersion, long opset, String producer, OnnxProto graph) {
        OnnxProto opsetImport = new OnnxProto().string(1, "").varint(2, opset);
        OnnxProto microsoft = new OnnxProto().string(1, MICROSOFT_DOMAIN).varint(2, 1);
        return new OnnxProto().varint(1, irVersion).string(2, producer).message(7, graph).message(8, opsetImport).message(8, microsoft);
    }

    /** TensorProto with little-endian {@code raw_data}. */
    static OnnxProto tensor(String name, int dataType, long[] dims, byte[] raw) {
        OnnxProto t = new OnnxProto();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, dataType).string(8, name).bytes(9, raw);
    }

    /** ValueInfoProto of a tensor whose dimensions are named ({@code dim_param}) or fixed ({@code dim_value}). */
    static OnnxProto valueInfo(String name, int elemType, Object... dims) {
        OnnxProto shape = new OnnxProto();
        for (Object d : dims) {
            OnnxProto dim = d instanceof String param ? new OnnxProto().string(2, param) : new OnnxProto().varint(1, ((Number) d).longValue());
            shape.message(1, dim);
        }
        OnnxProto tensorType = new OnnxProto().varint(1, elemType).message(2, shape);
        return new OnnxProto().string(1, name).message(2, new OnnxProto().message(1, tensorType));
    }

    /** NodeProto in {@code domain} ("" is ONNX's own). */
    static OnnxProto node(String domain, String name, String opType, String[] inputs, String[] outputs, OnnxProto... attributes) {
        OnnxProto n = new OnnxProto();
        for (String in : inputs) {
            n.string(1, in);
        }
        for (String o : outputs) {
            n.string(2, o);
        }
        n.string(3, name).string(4, opType);
        for (OnnxProto a : attributes) {
            n.message(5, a);
        }
        return domain.isEmpty() ? n : n.string(7, domain);
    }

    static OnnxProto intAttribute(String name, long value) {
        return new OnnxProto().string(1, name).varint(3, value).varint(20, ATTRIBUTE_INT);
    }

    static OnnxProto floatAttribute(String name, float value) {
        return new OnnxProto().string(1, name).fixed32(2, value).varint(20, ATTRIBUTE_FLOAT);
    }

    static OnnxProto graphAttribute(String name, OnnxProto graph) {
        return new OnnxProto().string(1, name).message(6, graph).varint(20, ATTRIBUTE_GRAPH);
    }
}
