/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model.bert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.NativeLibraries;
import org.opensearchrealm.model.QaTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The DJL BERT with weights imported from the staged all-MiniLM-L6-v2 ONNX file gives the same last hidden state as
 * ONNX Runtime running that file, on a padded batch of two question/passage pairs; and the weights survive a
 * safetensors round trip.
 */
public class BertParityTests extends OpenSearchTestCase {

    static final float TOLERANCE = 1e-5f;

    public static Path pluginHome() {
        String home = System.getProperty("realm.test.plugin_home");
        assertNotNull("realm.test.plugin_home is not set", home);
        return Path.of(home);
    }

    public static void configureNatives() {
        String cache = System.getProperty("DJL_CACHE_DIR");
        NativeLibraries.configure(pluginHome(), cache != null ? Path.of(cache) : createTempDir(), 1);
    }

    public void testMiniLmMatchesOnnxRuntime() throws Exception {
        configureNatives();
        Path modelDir = pluginHome().resolve("models").resolve("all-minilm-l6-v2");
        Path onnx = modelDir.resolve("model.onnx");
        OnnxGraph graph = OnnxGraph.read(onnx);

        try (QaTokenizer tokenizer = QaTokenizer.create(Files.readAllBytes(modelDir.resolve("tokenizer.json")), 384, 128, 64)) {
            QaTokenizer.Window[] pairs = {
                tokenizer.windows("Which volcano is in Sicily?", "Mount Etna is an active stratovolcano on the east coast of Sicily, Italy.").get(0),
                tokenizer.windows("Who wrote it?", "The book was written by Jane Austen in 1813.").get(0) };
            int t = Math.max(pairs[0].length(), pairs[1].length());
            assertNotEquals("the test needs a padded batch", pairs[0].length(), pairs[1].length());
            long[][] inputIds = new long[2][t];
            long[][] typeIds = new long[2][t];
            long[][] mask = new long[2][t];
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < pairs[b].length(); i++) {
                    inputIds[b][i] = pairs[b].ids()[i];
                    typeIds[b][i] = pairs[b].typeIds()[i];
                    mask[b][i] = 1;
                }
            }

            float[][][] expected = onnxRuntime(onnx, inputIds, typeIds, mask);

            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                BertEncoder encoder = new BertEncoder(BertConfig.miniLmL6());
                encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
                Map<String, Parameter> params = encoder.hfParameters();
                List<String> set = ReaderWeights.importOnnx(graph, params);
                assertEquals(params.size(), set.size());
                assertEquals(5 + 16 * 6, set.size());

                float max = maxDifference(encoder, manager, inputIds, typeIds, mask, expected);
                logger.info("DJL BERT vs ONNX Runtime, max abs difference of the last hidden state: {}", max);
                assertTrue("max abs difference " + max, max < TOLERANCE);

                // safetensors round trip (F32) into a fresh block gives identical outputs
                Path file = createTempDir().resolve("w.safetensors");
                ReaderWeights.writeSafetensors(params, file, false, Map.of("source", "test"));
                Map<String, String> meta = new HashMap<>();
                Map<String, ReaderWeights.Loaded> loaded = ReaderWeights.readSafetensors(file, meta);
                assertEquals("test", meta.get("source"));
                BertEncoder copy = new BertEncoder(BertConfig.miniLmL6());
                copy.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
                ReaderWeights.load(loaded, copy.hfParameters());
                float roundTrip = maxDifference(copy, manager, inputIds, typeIds, mask, expected);
                assertEquals(max, roundTrip, 0f);
            }
        }
    }

    private static float maxDifference(
        BertEncoder encoder,
        NDManager parent,
        long[][] ids,
        long[][] types,
        long[][] mask,
        float[][][] expected
    ) {
        try (NDManager m = parent.newSubManager()) {
            NDList out = encoder.forward(
                new ParameterStore(m, false),
                new NDList(m.create(ids), m.create(types), m.create(mask)),
                false
            );
            NDArray hidden = out.head();
            float[] got = hidden.toFloatArray();
            int t = ids[0].length;
            int h = (int) hidden.getShape().get(2);
            float max = 0;
            for (int b = 0; b < ids.length; b++) {
                for (int i = 0; i < t; i++) {
                    if (mask[b][i] == 0) {
                        continue; // padding positions are not compared
                    }
                    for (int k = 0; k < h; k++) {
                        max = Math.max(max, Math.abs(got[(b * t + i) * h + k] - expected[b][i][k]));
                    }
                }
            }
            return max;
        }
    }

    private static float[][][] onnxRuntime(Path onnx, long[][] ids, long[][] types, long[][] mask) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (
                OrtSession session = env.createSession(onnx.toString(), options);
                OnnxTensor a = OnnxTensor.createTensor(env, ids);
                OnnxTensor b = OnnxTensor.createTensor(env, mask);
                OnnxTensor c = OnnxTensor.createTensor(env, types)
            ) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                inputs.put("input_ids", a);
                inputs.put("attention_mask", b);
                if (session.getInputNames().contains("token_type_ids")) {
                    inputs.put("token_type_ids", c);
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    return (float[][][]) result.get(0).getValue();
                }
            }
        }
    }
}
