/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.onnx;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.BertQaModel;
import org.opensearchrealm.model.bert.BertConfig;
import org.opensearchrealm.model.bert.BertParityTests;
import org.opensearchrealm.model.bert.BertQaBlock;
import org.opensearchrealm.model.bert.OnnxGraph;
import org.opensearchrealm.model.bert.ReaderWeights;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The ONNX export of a BERT span reader computes what the Java block computes: a small reader with random weights,
 * exported in fp32, gives the block's start and end logits under ONNX Runtime; its int8 export stays close to them and
 * quantizes exactly the linear layers it should; the same weights give the same bytes.
 */
public class BertQaOnnxTests extends OpenSearchTestCase {

    private static final BertConfig TINY = new BertConfig(40, 16, 2, 2, 32, 24, 2, 1e-12f, 0f);
    private static final long[][] IDS = { { 2, 7, 9, 3, 11, 5, 6, 3 }, { 2, 8, 3, 13, 14, 3, 0, 0 } };
    private static final long[][] TYPES = { { 0, 0, 0, 0, 1, 1, 1, 1 }, { 0, 0, 0, 1, 1, 1, 0, 0 } };
    private static final long[][] MASK = { { 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1, 1, 0, 0 } };

    public void testFp32ExportGivesTheBlocksLogits() throws Exception {
        Map<String, ReaderWeights.Loaded> weights = randomWeights();
        byte[] fp32 = BertQaOnnx.export(TINY, weights, BertQaOnnx.Precision.FP32, List.of());
        // a batch with padding, and one without (the attention's other branch)
        for (int rows : new int[] { 2, 1 }) {
            float[][][] expected = blockLogits(weights, rows);
            float difference = maxDifference(expected, onnxLogits(fp32, rows));
            assertTrue(rows + " rows: max abs difference of the logits " + difference, difference < 1e-4f);
        }
        assertEquals("one attention per layer, fused", TINY.layers(), count(fp32, "If"));
    }

    public void testInt8ExportStaysCloseAndQuantizesTheEncodersLinearLayers() throws Exception {
        Map<String, ReaderWeights.Loaded> weights = randomWeights();
        float[][][] expected = blockLogits(weights);
        byte[] int8 = BertQaOnnx.export(TINY, weights, BertQaOnnx.Precision.INT8, List.of());
        float difference = maxDifference(expected, onnxLogits(int8));
        float range = maxAbs(expected);
        assertTrue("int8 logits differ by " + difference + " of a range of " + range, difference < 0.1f * range);
        assertNotEquals("int8 is not fp32", 0f, difference);

        // 6 linear layers per encoder layer are int8; the span head is not
        assertEquals(6 * TINY.layers(), count(int8, "MatMulInteger"));
        assertEquals("the span head stays fp32", 1, count(int8, "MatMul"));
        byte[] keeping = BertQaOnnx.export(TINY, weights, BertQaOnnx.Precision.INT8, List.of("layer.0.intermediate.dense."));
        assertEquals(6 * TINY.layers() - 1, count(keeping, "MatMulInteger"));
        assertEquals(2, count(keeping, "MatMul"));
        assertTrue(maxDifference(expected, onnxLogits(keeping)) < 0.1f * range);
    }

    public void testTheSameWeightsGiveTheSameBytes() throws Exception {
        Map<String, ReaderWeights.Loaded> weights = randomWeights();
        for (BertQaOnnx.Precision precision : BertQaOnnx.Precision.values()) {
            assertArrayEquals(
                BertQaOnnx.export(TINY, weights, precision, List.of()),
                BertQaOnnx.export(TINY, new LinkedHashMap<>(weights), precision, List.of())
            );
        }
    }

    public void testAMissingTensorIsNamed() throws Exception {
        Map<String, ReaderWeights.Loaded> weights = new HashMap<>(randomWeights());
        weights.remove("bert.encoder.layer.1.output.dense.weight");
        Exception e = expectThrows(Exception.class, () -> BertQaOnnx.export(TINY, weights, BertQaOnnx.Precision.INT8, List.of()));
        assertTrue(e.getMessage(), e.getMessage().contains("[bert.encoder.layer.1.output.dense.weight]"));
    }

    /** Every parameter of the block, HF-named, random: LayerNorm scales near 1, everything else around 0. */
    private Map<String, ReaderWeights.Loaded> randomWeights() {
        BertParityTests.configureNatives();
        Random random = new Random(randomLong());
        Map<String, ReaderWeights.Loaded> weights = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            BertQaBlock block = new BertQaBlock(TINY);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
            for (Map.Entry<String, Parameter> e : block.hfParameters().entrySet()) {
                long[] shape = e.getValue().getArray().getShape().getShape();
                float[] data = new float[(int) e.getValue().getArray().size()];
                boolean scale = e.getKey().endsWith("LayerNorm.weight");
                for (int i = 0; i < data.length; i++) {
                    data[i] = (scale ? 1f : 0f) + (float) random.nextGaussian() * 0.3f;
                }
                weights.put(e.getKey(), new ReaderWeights.Loaded(shape, data));
            }
        }
        return weights;
    }

    private static float[][][] blockLogits(Map<String, ReaderWeights.Loaded> weights) throws Exception {
        return blockLogits(weights, IDS.length);
    }

    /** The logits of the first {@code rows} rows of the fixture batch. */
    private static float[][][] blockLogits(Map<String, ReaderWeights.Loaded> weights, int rows) throws Exception {
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        BertQaBlock block = new BertQaBlock(TINY);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
        ReaderWeights.load(weights, block.hfParameters());
        try (BertQaModel model = BertQaModel.over("tiny", manager, block)) {
            return model.logits(Arrays.copyOf(IDS, rows), Arrays.copyOf(MASK, rows), Arrays.copyOf(TYPES, rows));
        }
    }

    private static float[][][] onnxLogits(byte[] onnx) throws Exception {
        return onnxLogits(onnx, IDS.length);
    }

    private static float[][][] onnxLogits(byte[] onnx, int rows) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            OrtSession session = env.createSession(onnx, options);
            OnnxTensor ids = OnnxTensor.createTensor(env, Arrays.copyOf(IDS, rows));
            OnnxTensor mask = OnnxTensor.createTensor(env, Arrays.copyOf(MASK, rows));
            OnnxTensor types = OnnxTensor.createTensor(env, Arrays.copyOf(TYPES, rows));
            OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))
        ) {
            float[][] start = (float[][]) result.get("start_logits").orElseThrow().getValue();
            float[][] end = (float[][]) result.get("end_logits").orElseThrow().getValue();
            float[][][] logits = new float[rows][][];
            for (int b = 0; b < rows; b++) {
                logits[b] = new float[][] { start[b], end[b] };
            }
            return logits;
        }
    }

    /** Over the attended positions only: padding logits are never read. */
    private static float maxDifference(float[][][] a, float[][][] b) {
        float max = 0;
        for (int row = 0; row < a.length; row++) {
            for (int which = 0; which < 2; which++) {
                for (int t = 0; t < a[row][which].length; t++) {
                    if (MASK[row][t] == 1) {
                        max = Math.max(max, Math.abs(a[row][which][t] - b[row][which][t]));
                    }
                }
            }
        }
        return max;
    }

    private static float maxAbs(float[][][] logits) {
        float max = 0;
        for (float[][] row : logits) {
            for (float[] values : row) {
                for (float v : values) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        return max;
    }

    private static long count(byte[] onnx, String opType) throws Exception {
        return OnnxGraph.parse(onnx).nodes().stream().filter(n -> n.opType().equals(opType)).count();
    }
}
