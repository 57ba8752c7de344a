/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model.bert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few parts of an ONNX model file that importing weights needs, read with a minimal protobuf wire-format parser
 * (no generated ONNX classes): {@code ModelProto.graph} (field 7), and of the graph its {@code node}s (field 1: name,
 * op type, inputs, outputs) and {@code initializer}s (field 5: TensorProto with dims, data type, name, and the data
 * as {@code raw_data} or {@code float_data}/{@code int64_data}/{@code int32_data}). Weights stored outside the file
 * ({@code external_data}) are not supported.
 */
public final class OnnxGraph {

    /** ONNX TensorProto.DataType values used here. */
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int FLOAT16 = 10;

    /** A graph node. */
    public record Node(String name, String opType, List<String> inputs, List<String> outputs) {}

    /** An initializer. Floating point data is converted to float; integer data to long. */
    public record Tensor(String name, int dataType, long[] dims, float[] floats, long[] longs) {
        public long size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    private final Map<String, Tensor> initializers;
    private final List<Node> nodes;

    private OnnxGraph(Map<String, Tensor> initializers, List<Node> nodes) {
        this.initializers = Collections.unmodifiableMap(initializers);
        this.nodes = Collections.unmodifiableList(nodes);
    }

    public static OnnxGraph read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    public static OnnxGraph parse(byte[] model) throws IOException {
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        Reader m = new Reader(model, 0, model.length);
        boolean sawGraph = false;
        while (m.more()) {
            int tag = m.tag();
            if (tag >>> 3 == 7 && (tag & 7) == 2) {
                sawGraph = true;
                Reader g = m.sub();
                while (g.more()) {
                    int gt = g.tag();
                    int field = gt >>> 3;
                    if (field == 1 && (gt & 7) == 2) {
                        nodes.add(node(g.sub()));
                    } else if (field == 5 && (gt & 7) == 2) {
                        Tensor t = tensor(g.sub());
                        initializers.put(t.name(), t);
                    } else {
                        g.skip(gt);
                    }
                }
            } else {
                m.skip(tag);
            }
        }
        if (sawGraph == false) {
            throw new IOException("not an ONNX model: no graph");
        }
        return new OnnxGraph(initializers, nodes);
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The initializer with this name; throws if there is none. */
    public Tensor initializer(String name) throws IOException {
        Tensor t = initializers.get(name);
        if (t == null) {
            throw new IOException("the ONNX graph has no initializer [" + name + "]");
        }
        return t;
    }

    /** The node with this name; throws if there is none. */
    public Node node(String name) throws IOException {
        for (Node n : nodes) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new IOException("the ONNX graph has no node [" + name + "]");
    }

    /** The first input of {@code node} that is an initializer (e.g. the weight of a MatMul). */
    public Tensor initializerInput(String nodeName) throws IOException {
        Node n = node(nodeName);
        for (String in : n.inputs()) {
            Tensor t = initializers.get(in);
            if (t != null) {
                return t;
            }
        }
        throw new IOException("node [" + nodeName + "] (" + n.opType() + ") has no initializer among its inputs " + n.inputs());
    }

    private static Node node(Reader r) throws IOException {
        String name = "";
        String op = "";
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            switch (tag >>> 3) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                default -> r.skip(tag);
            }
        }
        return new Node(name, op, in, out);
    }

    private static Tensor tensor(Reader r) throws IOException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floatData = new ArrayList<>();
        List<Long> intData = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            switch (field) {
                case 1 -> {
                    if (wire == 2) {
                        Reader p = r.sub();
                        while (p.more()) {
                            dims.add(p.varint());
                        }
                    } else {
                        dims.add(r.varint());
                    }
                }
                case 2 -> type = (int) r.varint();
                case 4 -> {
                    if (wire == 2) {
                        Reader p = r.sub();
                        while (p.more()) {
                            floatData.add(Float.intBitsToFloat(p.fixed32()));
                        }
                    } else {
                        floatData.add(Float.intBitsToFloat(r.fixed32()));
                    }
                }
                case 5, 7 -> {
                    if (wire == 2) {
                        Reader p = r.sub();
                        while (p.more()) {
                            intData.add(p.varint());
                        }
                    } else {
                        intData.add(r.varint());
                    }
                }
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 13 -> throw new IOException("tensor with external data is not supported");
                default -> r.skip(tag);
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long x : d) {
            n *= x;
        }
        float[] floats = null;
        long[] longs = null;
        if (type == FLOAT || type == FLOAT16) {
            if (raw != null) {
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                floats = new float[(int) n];
                for (int i = 0; i < n; i++) {
                    floats[i] = type == FLOAT ? b.getFloat() : Float.float16ToFloat(b.getShort());
                }
            } else if (type == FLOAT) {
                floats = new float[floatData.size()];
                for (int i = 0; i < floats.length; i++) {
                    floats[i] = floatData.get(i);
                }
            } else { // float16 values are stored in int32_data
                floats = new float[intData.size()];
                for (int i = 0; i < floats.length; i++) {
                    floats[i] = Float.float16ToFloat((short) intData.get(i).longValue());
                }
            }
            if (floats.length != n) {
                throw new IOException("tensor [" + name + "] has " + floats.length + " values for " + n + " elements");
            }
        } else if (type == INT64 || type == INT32) {
            if (raw != null) {
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                longs = new long[(int) n];
                for (int i = 0; i < n; i++) {
                    longs[i] = type == INT64 ? b.getLong() : b.getInt();
                }
            } else {
                longs = intData.stream().mapToLong(Long::longValue).toArray();
            }
        }
        return new Tensor(name, type, d, floats, longs);
    }

    /** Protobuf wire format over a byte range. */
    private static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() throws IOException {
            return (int) varint();
        }

        long varint() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IOException("truncated varint");
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new IOException("malformed varint");
        }

        int fixed32() throws IOException {
            if (pos + 4 > end) {
                throw new IOException("truncated fixed32");
            }
            int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
            pos += 4;
            return v;
        }

        int length() throws IOException {
            long len = varint();
            if (len < 0 || pos + len > end) {
                throw new IOException("length-delimited field of " + len + " bytes past the end of its message");
            }
            return (int) len;
        }

        Reader sub() throws IOException {
            int len = length();
            Reader r = new Reader(buf, pos, pos + len);
            pos += len;
            return r;
        }

        byte[] bytes() throws IOException {
            int len = length();
            byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return b;
        }

        String string() throws IOException {
            int len = length();
            String s = new String(buf, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }

        void skip(int tag) throws IOException {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int len = length(); // not 'pos += length()': that adds to the position before the length
                    pos += len;
                }
                case 5 -> pos += 4;
                default -> throw new IOException("unsupported wire type " + (tag & 7));
            }
            if (pos > end) {
                throw new IOException("field past the end of its message");
            }
        }
    }
}
