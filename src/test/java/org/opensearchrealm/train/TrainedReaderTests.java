/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearchrealm.read.BertConfig;
import org.opensearchrealm.read.BertParityTests;
import org.opensearchrealm.read.BertQaBlock;
import org.opensearchrealm.read.OnnxGraph;
import org.opensearchrealm.read.ReaderWeights;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.opensearch.test.OpenSearchTestCase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A reader written in the export layout (fp16 safetensors + reader.json + tokenizer.json) loads back into the DJL
 * block: its logits match the fp32 block's to fp16 precision and its answers are exact substrings of the passage.
 * When the project's trained reader is present in {@code models/}, it must answer easy questions.
 */
public class TrainedReaderTests extends OpenSearchTestCase {

    public void testFp16ExportLoadsBack() throws Exception {
        BertParityTests.configureNatives();
        Path base = BertParityTests.pluginHome().resolve("models").resolve("all-minilm-l6-v2");
        Path dir = createTempDir().resolve("reader");
        Files.createDirectories(dir);
        String question = "Which volcano is in Sicily?";
        String passage = "Mount Etna \uD83C\uDF0B is an active stratovolcano on the east coast of Sicily, Italy.";
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            BertQaBlock block = new BertQaBlock(BertConfig.miniLmL6().withDropout(0f));
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
            ReaderWeights.importOnnx(OnnxGraph.read(base.resolve("model.onnx")), block.encoder().hfParameters());
            ReaderWeights.writeSafetensors(block.hfParameters(), dir.resolve("reader.safetensors"), true, Map.of());
            Files.copy(base.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
            Files.writeString(dir.resolve("reader.json"), """
                {"id": "test-reader", "format": "djl-bert-qa",
                 "files": {"weights": "reader.safetensors", "tokenizer": "tokenizer.json"},
                 "architecture": {"layers": 6, "hidden": 384, "heads": 12, "intermediate": 1536, "vocab": 30522,
                                  "max_positions": 512, "layer_norm_eps": 1e-12},
                 "max_tokens": 384, "doc_stride": 128, "max_query_tokens": 64, "max_answer_tokens": 30}
                """);
            assertEquals(45_000_000, Files.size(dir.resolve("reader.safetensors")), 500_000); // 22.7M parameters at 2 bytes

            try (TrainedReader reader = TrainedReader.load(dir); TrainTokenizer tokenizer = TrainTokenizer.create(Files.readAllBytes(base.resolve("tokenizer.json")))) {
                TrainedReader.Answer answer = reader.read(question, passage);
                assertNotNull(answer);
                assertEquals(passage.substring(answer.start(), answer.end()), answer.text());
                assertTrue(answer.end() > answer.start());

                SpanWindows.Window w = new SpanWindows(384, 128, 64).windows(
                    tokenizer.clsId(), tokenizer.sepId(), tokenizer.pieces(question), tokenizer.pieces(passage)).get(0);
                try (NDManager m = manager.newSubManager()) {
                    NDList in = new NDList(m.create(new long[][] { w.ids() }), m.create(new long[][] { w.typeIds() }),
                        m.ones(new Shape(1, w.length()), DataType.INT64));
                    float[] full = block.forward(new ParameterStore(m, false), in, false).get(0).toFloatArray();
                    float[] half = reader.block().forward(new ParameterStore(m, false), in, false).get(0).toFloatArray();
                    float max = 0;
                    for (int i = 0; i < full.length; i++) {
                        max = Math.max(max, Math.abs(full[i] - half[i]));
                    }
                    logger.info("fp16 vs fp32 reader: max abs start-logit difference {}", max);
                    assertTrue("fp16 logits differ by " + max, max < 0.05f);
                }
            }
        }
    }
}
