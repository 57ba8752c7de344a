/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.common.settings.Settings;
import org.opensearch.core.rest.RestStatus;
import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.ModelException;
import org.opensearchrealm.model.ModelFiles;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.model.ModelTestSupport;
import org.opensearchrealm.model.QaModel;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.model.Reader.PassageReading;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.hamcrest.Matchers.containsString;

/**
 * How readers fail on the tiny QA fixtures: the wrong task, outputs that are not start and end logits (and
 * {@code [outputs]} naming them), garbage files and hash mismatches, a model that throws, bad input and a closed
 * registry; each a {@link ModelException} with its status, never an Error.
 */
public class ReaderFailureTests extends ReaderFixtureTestCase {

    public void testRegistryTasks() {
        ModelRegistry models = registry("tiny-qa-onnx");
        ModelException notEncoder = expectThrows(ModelException.class, () -> models.encoder("tiny-qa-onnx"));
        assertEquals(RestStatus.BAD_REQUEST, notEncoder.status());
        assertThat(notEncoder.getMessage(), containsString("model [tiny-qa-onnx] is a reader ([task] [extractive_qa]); an encoder ([task] [embedding]) is needed here"));
        ModelException notReader = expectThrows(ModelException.class, () -> models.reader("all-minilm-l6-v2"));
        assertEquals(RestStatus.BAD_REQUEST, notReader.status());
        assertThat(notReader.getMessage(), containsString("is an encoder"));
        assertFalse(models.isLoaded("all-minilm-l6-v2"));
        assertEquals(RestStatus.NOT_FOUND, expectThrows(ModelException.class, () -> models.reader("nope")).status());
        assertEquals(RestStatus.BAD_REQUEST, expectThrows(ModelException.class, () -> models.descriptor("tiny-qa-onnx", ModelDescriptor.Task.EMBEDDING)).status());
        assertEquals(64, models.descriptor("tiny-qa-onnx", ModelDescriptor.Task.EXTRACTIVE_QA).maxTokens());
    }

    /** An encoder's files with a reader's descriptor: the outputs are not start and end logits. */
    public void testWrongOutputs() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-qa-onnx", "tiny-qa-pt");
        Path models = ModelRegistry.operatorModelsDir(config);
        // swap in the encoder fixtures' model files (same tokenizer)
        Path encoders = ModelTestSupport.fixtures();
        replaceFile(models.resolve("tiny-qa-onnx"), "tiny-qa.onnx", Files.readAllBytes(encoders.resolve("tiny-onnx/tiny.onnx")));
        replaceFile(models.resolve("tiny-qa-pt"), "tiny-qa.pt", Files.readAllBytes(encoders.resolve("tiny-pt/tiny.pt")));
        registry(config, Settings.EMPTY);
        ModelException onnx = expectThrows(ModelException.class, () -> registry.reader("tiny-qa-onnx"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, onnx.status());
        assertThat(onnx.getMessage(), containsString("model [tiny-qa-onnx] returned [last_hidden_state(1, "));
        assertThat(onnx.getMessage(), containsString("an extractive_qa model must return the start and end logits [start_logits, end_logits]"));
        ModelException pt = expectThrows(ModelException.class, () -> registry.reader("tiny-qa-pt"));
        assertThat(pt.getMessage(), containsString("model [tiny-qa-pt]"));
        assertThat(pt.getMessage(), containsString("(TorchScript: a tuple (start_logits, end_logits)"));
        assertFalse(registry.isLoaded("tiny-qa-pt"));
    }

    /** Other output names are found through [outputs]. */
    public void testOutputNames() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-qa-onnx");
        Path json = ModelRegistry.operatorModelsDir(config).resolve("tiny-qa-onnx/model.json");
        // swapped: start is read from end_logits
        Files.writeString(json, Files.readString(json).replace("\"max_tokens\": 64", "\"max_tokens\": 64,\n  \"outputs\": [\"end_logits\", \"start_logits\"]"));
        registry(config, Settings.EMPTY);
        Reader swapped = registry.reader("tiny-qa-onnx");
        List<PassageReading> r = swapped.read("q", List.of("the cat sat on the mat"), 1, 1);
        assertEquals(1, r.get(0).spans().size());
        Path json2 = ModelRegistry.operatorModelsDir(config).resolve("tiny-qa-onnx/model.json");
        Files.writeString(json2, Files.readString(json2).replace("\"end_logits\", \"start_logits\"", "\"start\", \"end\""));
        ModelRegistry other = ReadTestSupport.registry(config, Settings.EMPTY);
        try {
            ModelException e = expectThrows(ModelException.class, () -> other.reader("tiny-qa-onnx"));
            assertThat(e.getMessage(), containsString("must return the start and end logits [start, end]"));
        } finally {
            other.close();
        }
    }

    private static void replaceFile(Path dir, String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        String oldHash = ModelFiles.sha256(file);
        Files.write(file, bytes);
        Path json = dir.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace(oldHash, ModelFiles.sha256(file)));
    }

    public void testGarbageFilesAndHashMismatch() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-qa-onnx", "tiny-qa-pt", "tiny-qa-pick");
        Path models = ModelRegistry.operatorModelsDir(config);
        byte[] garbage = new byte[4096];
        random().nextBytes(garbage);
        replaceFile(models.resolve("tiny-qa-onnx"), "tiny-qa.onnx", garbage);
        replaceFile(models.resolve("tiny-qa-pt"), "tiny-qa.pt", garbage);
        Path pick = models.resolve("tiny-qa-pick/tiny-qa-pick.onnx");
        byte[] good = Files.readAllBytes(pick);
        Files.write(pick, Arrays.copyOf(good, good.length - 10));
        registry(config, Settings.EMPTY);
        ModelException onnx = expectThrows(ModelException.class, () -> registry.reader("tiny-qa-onnx"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, onnx.status());
        assertThat(onnx.getMessage(), containsString("model [tiny-qa-onnx]: cannot load [" + models.resolve("tiny-qa-onnx/tiny-qa.onnx").toAbsolutePath().normalize() + "] with OnnxRuntime"));
        ModelException pt = expectThrows(ModelException.class, () -> registry.reader("tiny-qa-pt"));
        assertThat(pt.getMessage(), containsString("model [tiny-qa-pt]: cannot load [" + models.resolve("tiny-qa-pt/tiny-qa.pt").toAbsolutePath().normalize() + "] with PyTorch"));
        ModelException hash = expectThrows(ModelException.class, () -> registry.reader("tiny-qa-pick"));
        assertThat(hash.getMessage(), containsString("model [tiny-qa-pick]: file [" + pick.toAbsolutePath().normalize() + "] has sha256"));
        assertFalse(registry.isLoaded("tiny-qa-pick"));
    }

    /** A QaModel that fails in any way: the reader reports a ModelException, never an Error. */
    public void testModelFailuresBecomeModelExceptions() throws Exception {
        Throwable[] failures = {
            new UnsatisfiedLinkError("no libtorch"),
            new OutOfMemoryError("native"),
            new ai.djl.engine.EngineException("ort failed"),
            new IllegalStateException("bad state") };
        for (Throwable failure : failures) {
            try (ExtractiveReader reader = new ExtractiveReader("fake", ReadTestSupport.tokenizer(64, 16, 16), new FakeModel(failure), 4)) {
                ModelException e = expectThrows(ModelException.class, () -> reader.read("q", List.of("the cat", "the dog"), 30, 3));
                assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
                assertSame(failure, e.getCause());
                assertThat(e.getMessage(), containsString("model [fake] failed to read 2 passage(s): " + failure.getClass().getSimpleName()));
            }
        }
        // logits of the wrong shape
        try (ExtractiveReader reader = new ExtractiveReader("fake", ReadTestSupport.tokenizer(64, 16, 16), new FakeModel(null), 4)) {
            ModelException e = expectThrows(ModelException.class, () -> reader.read("q", List.of("the cat"), 30, 3));
            assertThat(e.getMessage(), containsString("model [fake] returned logits that are not [2]["));
        }
    }

    /** Throws {@code failure}, or returns one logit too few per row when it is null. */
    private static final class FakeModel implements QaModel {
        private final Throwable failure;

        FakeModel(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public float[][][] logits(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
            if (failure instanceof Error e) {
                throw e;
            } else if (failure instanceof RuntimeException e) {
                throw e;
            }
            float[][][] logits = new float[inputIds.length][2][inputIds[0].length - 1];
            return logits;
        }

        @Override
        public void close() {}
    }

    public void testBadInputAndClosed() {
        ModelRegistry models = registry("tiny-qa-pick");
        Reader reader = models.reader("tiny-qa-pick");
        assertEquals(RestStatus.BAD_REQUEST, expectThrows(ModelException.class, () -> reader.read(null, List.of("x"), 30, 3)).status());
        assertEquals(RestStatus.BAD_REQUEST, expectThrows(ModelException.class, () -> reader.read("q", null, 30, 3)).status());
        ModelException nullPassage = expectThrows(ModelException.class, () -> reader.read("q", Arrays.asList("x", null), 30, 3));
        assertEquals(RestStatus.BAD_REQUEST, nullPassage.status());
        assertThat(nullPassage.getMessage(), containsString("passage [1] of 2 is null"));
        assertEquals(RestStatus.BAD_REQUEST, expectThrows(ModelException.class, () -> reader.read("q", List.of("x"), 0, 3)).status());
        assertEquals(RestStatus.BAD_REQUEST, expectThrows(ModelException.class, () -> reader.read("q", List.of("x"), 30, 0)).status());
        models.close();
        ModelException closed = expectThrows(ModelException.class, () -> reader.read("q", List.of("moon"), 30, 3));
        assertThat(closed.getMessage(), containsString("model [tiny-qa-pick] is closed"));
        expectThrows(ModelException.class, () -> models.reader("tiny-qa-pick"));
    }

}
