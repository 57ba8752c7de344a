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

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.bert.BertConfig;
import org.opensearchrealm.model.bert.BertQaBlock;
import org.opensearchrealm.model.bert.OnnxGraph;
import org.opensearchrealm.model.bert.ReaderWeights;
import org.opensearchrealm.read.ExtractiveReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;

/**
 * A {@code djl} reader as the trainer exports it (fp16 safetensors + tokenizer.json + model.json) loads through the
 * registry like any reader: its logits match the fp32 block it was written from to fp16 precision, its answers are
 * exact substrings of the passage, and weights that do not fit the architecture are refused with the tensor named.
 */
@LuceneTestCase.SuppressFileSystems("*")
public class BertQaModelTests extends OpenSearchTestCase {

    private static final String QUESTION = "Which volcano is in Sicily?";
    private static final String PASSAGE = "Mount Etna \uD83C\uDF0B is an active stratovolcano on the east coast of Sicily, Italy.";

    public void testExportedReaderLoadsAndMatchesTheBlock() throws Exception {
        Path config = createTempDir();
        configureNatives();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            BertQaBlock block = miniLmReader(manager);
            install(config, "test-reader", block.hfParameters());

            try (ModelRegistry registry = ModelTestSupport.registry(config)) { // lists the models it finds when made
                ExtractiveReader reader = (ExtractiveReader) registry.reader("test-reader");
                QaTokenizer.Window w = reader.tokenizer().windows(QUESTION, PASSAGE).get(0);
                long[][] mask = { new long[w.length()] };
                java.util.Arrays.fill(mask[0], 1);
                float[] half = reader.model().logits(new long[][] { w.ids() }, mask, new long[][] { w.typeIds() })[0][0];
                float[] full;
                try (NDManager m = manager.newSubManager()) {
                    NDList in = new NDList(m.create(new long[][] { w.ids() }), m.create(new long[][] { w.typeIds() }), m.create(mask));
                    full = block.forward(new ParameterStore(m, false), in, false).get(0).toFloatArray();
                }
                float max = 0;
                for (int i = 0; i < full.length; i++) {
                    max = Math.max(max, Math.abs(full[i] - half[i]));
                }
                logger.info("fp16 reader vs fp32 block: max abs start-logit difference {}", max);
                assertThat(max, lessThan(0.05f));

                Reader.Span best = reader.read(QUESTION, List.of(PASSAGE), 30, 1).get(0).spans().get(0);
                assertEquals(PASSAGE.substring(best.start(), best.end()), best.text());
            }
        }
    }

    public void testWeightsThatDoNotFitAreRefused() throws Exception {
        Path config = createTempDir();
        configureNatives();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, Parameter> params = new LinkedHashMap<>(miniLmReader(manager).hfParameters());
            params.remove("qa_outputs.bias");
            install(config, "no-head", params);
        }
        try (ModelRegistry registry = ModelTestSupport.registry(config)) {
            ModelException e = expectThrows(ModelException.class, () -> registry.reader("no-head"));
            assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
            assertThat(e.getMessage(), containsString("model [no-head]"));
            assertThat(e.getMessage(), containsString("the weights have no tensor [qa_outputs.bias]"));
        }
    }

    private static void configureNatives() {
        NativeLibraries.configure(ModelTestSupport.pluginHome(), ModelTestSupport.cacheDir(), 1);
    }

    private static BertQaBlock miniLmReader(NDManager manager) throws Exception {
        Path base = ModelTestSupport.pluginHome().resolve("models").resolve("all-minilm-l6-v2");
        BertQaBlock block = new BertQaBlock(BertConfig.miniLmL6().withDropout(0f));
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(1, 8));
        ReaderWeights.importOnnx(OnnxGraph.read(base.resolve("model.onnx")), block.encoder().hfParameters());
        return block;
    }

    /** Writes the parameters as the trainer exports a reader, into the node's operator model directory. */
    private static void install(Path config, String id, Map<String, Parameter> params) throws Exception {
        Path dir = ModelRegistry.operatorModelsDir(config).resolve(id);
        Files.createDirectories(dir);
        Path weights = dir.resolve("reader.safetensors");
        ReaderWeights.writeSafetensors(params, weights, true, Map.of());
        Path tokenizer = dir.resolve("tokenizer.json");
        Files.copy(ModelTestSupport.pluginHome().resolve("models/all-minilm-l6-v2/tokenizer.json"), tokenizer);
        Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), """
            {"id": "%s", "task": "extractive_qa", "format": "djl",
             "files": {"model": "reader.safetensors", "tokenizer": "tokenizer.json"},
             "sha256": {"reader.safetensors": "%s", "tokenizer.json": "%s"},
             "architecture": {"layers": 6, "hidden": 384, "heads": 12, "intermediate": 1536, "vocab": 30522, "max_positions": 512},
             "max_tokens": 384}
            """.formatted(id, ModelFiles.sha256(weights), ModelFiles.sha256(tokenizer)));
    }
}
