/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.Encoder.TextKind;
import org.opensearchrealm.settings.ModelSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;

/**
 * The model runtime end to end on the tiny fixtures made by src/test/resources/models/make_fixtures.py: both engines,
 * the archive layout, Java pooling, truncation, word pieces and the failure paths.
 */
@LuceneTestCase.SuppressFileSystems("*")
public class TinyModelTests extends OpenSearchTestCase {

    private static final List<String> ALL = List.of("tiny-onnx", "tiny-pt", "tiny-zip", "tiny-pooled", "tiny-dict");

    private ModelRegistry registry;

    @Override
    public void tearDown() throws Exception {
        if (registry != null) {
            registry.close();
        }
        super.tearDown();
    }

    private ModelRegistry registry(String... ids) {
        registry = ModelTestSupport.registry(ModelTestSupport.installFixtures(createTempDir(), ids));
        return registry;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> expected() throws Exception {
        try (
            XContentParser parser = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                Files.readAllBytes(ModelTestSupport.fixtures().resolve("expected.json"))
            )
        ) {
            return parser.map();
        }
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }

    /** Every fixture loads through the registry and reproduces the embeddings PyTorch computed at export time. */
    @SuppressWarnings("unchecked")
    public void testFixturesMatchReference() throws Exception {
        ModelRegistry models = registry(ALL.toArray(new String[0]));
        assertEquals(List.of("all-minilm-l6-v2", "all-minilm-l6-v2-int8", "bge-small-en-v15", "realm-reader-bge-small", "realm-reader-bge-small-int8", "realm-reader-minilm", "realm-reader-minilm-int8", "tiny-dict", "tiny-onnx", "tiny-pooled", "tiny-pt", "tiny-zip"),
            models.descriptors().stream().map(ModelDescriptor::id).toList());
        Map<String, Object> expected = expected();
        List<String> texts = new ArrayList<>(expected.keySet());
        for (String id : ALL) {
            Encoder encoder = models.encoder(id);
            assertEquals(16, encoder.dimension());
            assertTrue(models.isLoaded(id));
            float[][] vectors = encoder.embed(texts, TextKind.PASSAGE);
            assertEquals(texts.size(), vectors.length);
            for (int i = 0; i < texts.size(); i++) {
                float[] reference = floats(((Map<String, Object>) expected.get(texts.get(i))).get("embedding"));
                assertEquals(16, vectors[i].length);
                assertEquals(1.0, ModelTestSupport.norm(vectors[i]), 1e-5);
                assertThat(id + " / " + texts.get(i), ModelTestSupport.maxAbsDiff(reference, vectors[i]), lessThan(1e-4));
            }
        }
        assertSame(models.encoder("tiny-onnx"), models.encoder("tiny-onnx"));
    }

    /** TorchScript (PyTorch engine) and ONNX (ONNX Runtime) exports of the same weights agree. */
    public void testEnginesAgree() {
        ModelRegistry models = registry("tiny-onnx", "tiny-pt", "tiny-zip", "tiny-dict");
        List<String> texts = List.of("the cat sat on the mat", "a dog ran in the park and the bird flew", "Café 中文 😀 tea", "", "red");
        float[][] onnx = models.encoder("tiny-onnx").embed(texts, TextKind.PASSAGE);
        float[][] pt = models.encoder("tiny-pt").embed(texts, TextKind.PASSAGE);
        float[][] zip = models.encoder("tiny-zip").embed(texts, TextKind.PASSAGE);
        float[][] dict = models.encoder("tiny-dict").embed(texts, TextKind.PASSAGE);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(texts.get(i), ModelTestSupport.maxAbsDiff(onnx[i], pt[i]), lessThan(1e-4));
            assertArrayEquals(pt[i], zip[i], 0f);
            // pooled inside the model (dict output "sentence_embedding") vs. pooled in Java
            assertThat(texts.get(i), ModelTestSupport.maxAbsDiff(pt[i], dict[i]), lessThan(1e-5));
        }
        // different texts give clearly different vectors
        assertThat(ModelTestSupport.dot(onnx[0], onnx[1]), lessThan(0.999));
    }

    /** Padding to a longer batch member and cutting into sub-batches do not change a text's vector; order is kept. */
    public void testBatchEqualsOneByOne() {
        registry = ModelTestSupport.registry(
            ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-pt"),
            Settings.builder().put(ModelSettings.MAX_BATCH_SIZE.getKey(), 3).build()
        );
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            texts.add(String.join(" ", Collections.nCopies(1 + (i * 7) % 9, i % 2 == 0 ? "the cat" : "fish swim")) + " " + i);
        }
        for (String id : List.of("tiny-onnx", "tiny-pt")) {
            Encoder encoder = registry.encoder(id);
            float[][] batch = encoder.embed(texts, TextKind.PASSAGE);
            for (int i = 0; i < texts.size(); i++) {
                float[] single = encoder.embed(List.of(texts.get(i)), TextKind.PASSAGE)[0];
                assertThat(id + " text " + i, ModelTestSupport.maxAbsDiff(single, batch[i]), lessThan(1e-5));
            }
        }
        assertEquals(0, registry.encoder("tiny-onnx").embed(List.of(), TextKind.QUERY).length);
    }

    /** The tokenizer.json truncates at 8 and pads to 8: the descriptor's max_tokens (32) replaces both. */
    public void testTruncatesAtMaxTokens() {
        Encoder encoder = registry("tiny-onnx").encoder("tiny-onnx");
        // 40 single-piece words: [CLS] + 30 words + [SEP] = 32 tokens are seen
        List<String> words = new ArrayList<>(Collections.nCopies(40, "cat"));
        String base = String.join(" ", words);
        float[] v = encoder.embed(List.of(base), TextKind.PASSAGE)[0];
        // a change at word 20 (inside 8..30) is seen: the tokenizer.json's truncation at 8 is overridden
        List<String> changed = new ArrayList<>(words);
        changed.set(20, "dog");
        assertThat(ModelTestSupport.maxAbsDiff(v, encoder.embed(List.of(String.join(" ", changed)), TextKind.PASSAGE)[0]), org.hamcrest.Matchers.greaterThan(1e-4));
        // a change at word 35 (beyond 30) is not
        List<String> late = new ArrayList<>(words);
        late.set(35, "dog");
        assertThat(ModelTestSupport.maxAbsDiff(v, encoder.embed(List.of(String.join(" ", late)), TextKind.PASSAGE)[0]), lessThan(1e-6));
    }

    /** The query prefix of tiny-onnx ("a ") is applied to queries only. */
    public void testPrefixes() {
        Encoder encoder = registry("tiny-onnx").encoder("tiny-onnx");
        float[] query = encoder.embed(List.of("cat"), TextKind.QUERY)[0];
        float[] passage = encoder.embed(List.of("cat"), TextKind.PASSAGE)[0];
        float[] prefixed = encoder.embed(List.of("a cat"), TextKind.PASSAGE)[0];
        assertThat(ModelTestSupport.maxAbsDiff(query, prefixed), lessThan(1e-6));
        assertThat(ModelTestSupport.maxAbsDiff(query, passage), org.hamcrest.Matchers.greaterThan(1e-3));
    }

    public void testWordPiecesOffsets() {
        Encoder encoder = registry("tiny-pt").encoder("tiny-pt");
        String text = "Café played, 中文字 naïve 😀 x\uD835\uDC00y ok.";
        WordPieces pieces = encoder.wordPieces(text);
        List<String> covered = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            covered.add(text.substring(pieces.starts()[i], pieces.ends()[i]) + "/" + pieces.wordIds()[i]);
        }
        assertEquals(
            List.of(
                "Café/0", // normalised to "cafe": one piece, offsets still on the original text
                "play/1",
                "ed/1",
                ",/2",
                "中/3",
                "文/4",
                "字/5",
                "n/6", "a/6", "ï/6", "v/6", "e/6",
                "😀/7", // [UNK], two UTF-16 units
                "x\uD835\uDC00y/8", // [UNK] over a character outside the BMP
                "o/9", "k/9",
                "./10"
            ),
            covered
        );
        // no special tokens, no truncation at max_tokens (32)
        String longText = String.join(" ", Collections.nCopies(100, "cat"));
        WordPieces many = encoder.wordPieces(longText);
        assertEquals(100, many.size());
        assertEquals(99, many.wordIds()[99]);
        assertEquals(longText.length(), many.ends()[99]);
        assertEquals(0, encoder.wordPieces("").size());
        assertEquals(0, encoder.wordPieces("  \n\t ").size());
    }

    public void testUnknownModel() {
        ModelRegistry models = registry("tiny-onnx");
        ModelException e = expectThrows(ModelException.class, () -> models.encoder("nope"));
        assertEquals(RestStatus.NOT_FOUND, e.status());
        assertThat(e.getMessage(), containsString("unknown model [nope]"));
        assertEquals(RestStatus.NOT_FOUND, expectThrows(ModelException.class, () -> models.descriptor("nope")).status());
        assertEquals(RestStatus.BAD_REQUEST, expectThrows(ModelException.class, () -> models.descriptor(null)).status());
    }

    public void testBadInput() {
        Encoder encoder = registry("tiny-onnx").encoder("tiny-onnx");
        ModelException e = expectThrows(ModelException.class, () -> encoder.embed(java.util.Arrays.asList("a", null), TextKind.PASSAGE));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertThat(e.getMessage(), containsString("text [1] of 2 is null"));
        assertEquals(RestStatus.BAD_REQUEST, expectThrows(ModelException.class, () -> encoder.embed(null, TextKind.PASSAGE)).status());
        assertEquals(RestStatus.BAD_REQUEST, expectThrows(ModelException.class, () -> encoder.wordPieces(null)).status());
    }

    /** Garbage model files make the engines throw all sorts of things; the registry turns them into ModelExceptions. */
    public void testGarbageModelFiles() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-pt", "tiny-pooled");
        Path models = ModelRegistry.operatorModelsDir(config);
        byte[] garbage = new byte[4096];
        random().nextBytes(garbage);
        // garbage with hashes that match: the engines, not the hash check, must reject them
        for (String[] f : new String[][] { { "tiny-onnx", "tiny.onnx" }, { "tiny-pt", "tiny.pt" } }) {
            Path file = models.resolve(f[0]).resolve(f[1]);
            Path json = models.resolve(f[0]).resolve("model.json");
            String oldHash = ModelFiles.sha256(file);
            Files.write(file, garbage);
            Files.writeString(json, Files.readString(json).replace(oldHash, ModelFiles.sha256(file)));
        }
        registry = ModelTestSupport.registry(config);
        ModelException onnx = expectThrows(ModelException.class, () -> registry.encoder("tiny-onnx"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, onnx.status());
        assertThat(onnx.getMessage(), containsString("model [tiny-onnx]: cannot load [" + models.resolve("tiny-onnx/tiny.onnx").toAbsolutePath().normalize() + "] with OnnxRuntime"));
        ModelException pt = expectThrows(ModelException.class, () -> registry.encoder("tiny-pt"));
        assertThat(pt.getMessage(), containsString("model [tiny-pt]: cannot load [" + models.resolve("tiny-pt/tiny.pt").toAbsolutePath().normalize() + "] with PyTorch"));
        assertFalse(registry.isLoaded("tiny-pt"));
        // the others still work
        assertEquals(1, registry.encoder("tiny-pooled").embed(List.of("cat"), TextKind.PASSAGE).length);
    }

    /** A tokenizer.json that is valid JSON but not a tokenizer (hash matching) fails cleanly, not in native code. */
    public void testGarbageTokenizer() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-pt");
        Path dir = ModelRegistry.operatorModelsDir(config).resolve("tiny-onnx");
        Path tokenizer = dir.resolve("tokenizer.json");
        String oldHash = ModelFiles.sha256(tokenizer);
        Files.writeString(tokenizer, randomBoolean() ? "{\"model\": {\"type\": \"Nonsense\"}}" : "not json at all \u0000");
        Files.writeString(dir.resolve("model.json"), Files.readString(dir.resolve("model.json")).replace(oldHash, ModelFiles.sha256(tokenizer)));
        registry = ModelTestSupport.registry(config);
        ModelException e = expectThrows(ModelException.class, () -> registry.encoder("tiny-onnx"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
        assertThat(e.getMessage(), containsString("model [tiny-onnx]: cannot load tokenizer [" + tokenizer.toAbsolutePath().normalize() + "]"));
        assertEquals(16, registry.encoder("tiny-pt").dimension());
    }

    /** Errors from inside the engines (here thrown on purpose) come out as ModelExceptions. */
    public void testErrorsBecomeModelExceptions() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx");
        ModelDescriptor descriptor = ModelDescriptor.load(ModelRegistry.operatorModelsDir(config).resolve("tiny-onnx/model.json"));
        registry = ModelTestSupport.registry(config); // configures the natives
        Throwable[] errors = {
            new UnsatisfiedLinkError("no libtorch in java.library.path"),
            new NoClassDefFoundError("ai/djl/pytorch/jni/PyTorchLibrary"),
            new AssertionError("Failed to config OrtEnvironment"),
            new ExceptionInInitializerError("static init"),
            new ai.djl.engine.EngineException("native crash avoided") };
        for (Throwable error : errors) {
            TextTokenizer tokenizer = NativeLibraries.withPluginClassLoader(
                () -> TextTokenizer.create(Files.readAllBytes(descriptor.directory().resolve("tokenizer.json")), descriptor.maxTokens())
            );
            ai.djl.Model model = NativeLibraries.withPluginClassLoader(
                () -> ai.djl.Model.newInstance("throwing", ai.djl.Device.cpu(), NativeLibraries.ONNX_RUNTIME)
            );
            try (BaseEncoder encoder = new BaseEncoder(descriptor, tokenizer, model, 4) {
                @Override
                protected ai.djl.ndarray.NDList forward(ai.djl.ndarray.NDManager manager, Batch batch) throws Exception {
                    if (error instanceof Error e) {
                        throw e;
                    }
                    throw (Exception) error;
                }
            }) {
                ModelException e = expectThrows(ModelException.class, () -> encoder.embed(List.of("cat", "dog"), TextKind.QUERY));
                assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
                assertSame(error, e.getCause());
                assertThat(e.getMessage(), containsString("model [tiny-onnx] failed to embed 2 text(s): " + error.getClass().getSimpleName()));
            }
        }
    }

    /** A model whose file does not match its hash fails; the registry keeps serving the others, and retries later. */
    public void testHashMismatchAndRetry() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-pt", "tiny-zip");
        Path models = ModelRegistry.operatorModelsDir(config);
        Path onnx = models.resolve("tiny-onnx/tiny.onnx");
        byte[] good = Files.readAllBytes(onnx);
        Files.write(onnx, java.util.Arrays.copyOf(good, good.length - 100)); // truncated
        Files.delete(models.resolve("tiny-zip/tiny-pt.zip"));
        registry = ModelTestSupport.registry(config);

        ModelException e = expectThrows(ModelException.class, () -> registry.encoder("tiny-onnx"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
        assertThat(e.getMessage(), containsString("model [tiny-onnx]: file [" + onnx.toAbsolutePath().normalize() + "] has sha256"));
        ModelException missing = expectThrows(ModelException.class, () -> registry.encoder("tiny-zip"));
        assertThat(missing.getMessage(), containsString("tiny-pt.zip] listed in its model.json does not exist"));

        assertEquals(16, registry.encoder("tiny-pt").embed(List.of("cat"), TextKind.QUERY)[0].length);

        Files.write(onnx, good); // repaired: the next call loads it
        assertEquals(16, registry.encoder("tiny-onnx").embed(List.of("cat"), TextKind.QUERY)[0].length);
    }

    /** Within the retry delay a failed load is reported again without reloading. */
    public void testFailureIsRememberedBriefly() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx");
        Path onnx = ModelRegistry.operatorModelsDir(config).resolve("tiny-onnx/tiny.onnx");
        byte[] good = Files.readAllBytes(onnx);
        Files.write(onnx, new byte[] { 1 });
        registry = ModelTestSupport.registry(ModelTestSupport.pluginHome(), config, ModelTestSupport.cacheDir(), Settings.EMPTY, TimeUnit.HOURS.toNanos(1));
        ModelException first = expectThrows(ModelException.class, () -> registry.encoder("tiny-onnx"));
        Files.write(onnx, good);
        ModelException second = expectThrows(ModelException.class, () -> registry.encoder("tiny-onnx"));
        assertEquals(first.getMessage(), second.getMessage());
    }

    public void testInvalidDescriptorAndDuplicateId() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx");
        Path models = ModelRegistry.operatorModelsDir(config);
        Files.createDirectories(models.resolve("broken"));
        Files.writeString(models.resolve("broken/model.json"), "{ \"id\": \"broken\", \"format\": \"onnx\" }");
        // an operator model with a bundled model's id is ignored
        Path dup = models.resolve("all-minilm-l6-v2");
        Files.createDirectories(dup);
        Files.writeString(
            dup.resolve("model.json"),
            Files.readString(models.resolve("tiny-onnx/model.json")).replace("\"tiny-onnx\"", "\"all-minilm-l6-v2\"")
        );
        registry = ModelTestSupport.registry(config);
        ModelException e = expectThrows(ModelException.class, () -> registry.descriptor("broken"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
        assertThat(e.getMessage(), containsString("model [broken] is not usable: invalid model descriptor"));
        assertThat(e.getMessage(), containsString("[files] is required"));
        assertTrue(registry.invalidModels().containsKey("broken"));
        assertEquals(384, registry.descriptor("all-minilm-l6-v2").encoder().dimension());
        assertEquals(
            ModelTestSupport.pluginHome().resolve("models/all-minilm-l6-v2").toAbsolutePath().normalize(),
            registry.descriptor("all-minilm-l6-v2").directory()
        );
    }

    /** Many threads asking for a model at once get one encoder, loaded once, and can embed concurrently. */
    public void testConcurrentFirstUse() throws Exception {
        ModelRegistry models = registry("tiny-pt", "tiny-onnx");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Encoder>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = i % 2 == 0 ? "tiny-pt" : "tiny-onnx";
                futures.add(pool.submit(() -> {
                    Encoder encoder = models.encoder(id);
                    for (int j = 0; j < 5; j++) {
                        assertEquals(3, encoder.embed(List.of("cat", "the dog ran", "fish " + j), TextKind.PASSAGE).length);
                    }
                    return encoder;
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertSame(futures.get(i % 2).get(), futures.get(i).get());
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    public void testClosed() {
        ModelRegistry models = registry("tiny-onnx");
        Encoder encoder = models.encoder("tiny-onnx");
        models.close();
        ModelException e = expectThrows(ModelException.class, () -> encoder.embed(List.of("cat"), TextKind.PASSAGE));
        assertThat(e.getMessage(), containsString("model [tiny-onnx] is closed"));
        expectThrows(ModelException.class, () -> models.encoder("tiny-onnx"));
    }

    /** A descriptor whose dimension is not the model's is caught at load time. */
    public void testDimensionMismatch() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx");
        Path json = ModelRegistry.operatorModelsDir(config).resolve("tiny-onnx/model.json");
        Files.writeString(json, Files.readString(json).replace("\"dimension\": 16", "\"dimension\": 384"));
        registry = ModelTestSupport.registry(config);
        ModelException e = expectThrows(ModelException.class, () -> registry.encoder("tiny-onnx"));
        assertThat(e.getMessage(), containsString("model [tiny-onnx] returned vectors of dimension [16] but its model.json says [384]"));
    }

    /** Pooling "none" on a model that returns token vectors is reported clearly. */
    public void testWrongPooling() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx");
        Path json = ModelRegistry.operatorModelsDir(config).resolve("tiny-onnx/model.json");
        Files.writeString(json, Files.readString(json).replace("\"pooling\": \"mean\"", "\"pooling\": \"none\""));
        registry = ModelTestSupport.registry(config);
        ModelException e = expectThrows(ModelException.class, () -> registry.encoder("tiny-onnx"));
        assertThat(e.getMessage(), containsString("has no output of shape [batch, dimension] (pooling [none]); its outputs are [last_hidden_state(1, 8, 16)]"));
    }
}
