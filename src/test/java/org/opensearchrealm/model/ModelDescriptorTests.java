/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.bert.BertConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

// real paths: fixtures are copied from the class path and native code opens model files by name
@LuceneTestCase.SuppressFileSystems("*")
public class ModelDescriptorTests extends OpenSearchTestCase {

    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "B".repeat(64);

    static String good() {
        return """
            {
              "id": "my-model",
              "format": "onnx",
              "files": { "model": "model.onnx", "tokenizer": "tokenizer.json" },
              "sha256": {
                "model.onnx": "%s",
                "tokenizer.json": "%s"
              },
              "dimension": 384,
              "pooling": "cls",
              "normalize": false,
              "max_tokens": 512,
              "query_prefix": "query: ",
              "passage_prefix": "passage: ",
              "license": "MIT",
              "source": "somewhere"
            }
            """.formatted(HASH_A, HASH_B);
    }

    private static ModelDescriptor parse(String json) {
        return ModelDescriptor.parse(json.getBytes(StandardCharsets.UTF_8), "test.json", Path.of("/models/my-model"));
    }

    private void assertInvalid(String json, String... expected) {
        ModelException e = expectThrows(ModelException.class, () -> parse(json));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertThat(e.getMessage(), containsString("invalid model descriptor [test.json]"));
        for (String s : expected) {
            assertThat(e.getMessage(), containsString(s));
        }
    }

    /** The good descriptor with one field replaced ({@code value == null}: removed). */
    private static String with(String field, String value) {
        String json = good();
        String pattern = "(?m)^\\s*\"" + field + "\": (\\{[^}]*\\}|\"[^\"]*\"|[^,\\n]*),?\\n";
        String replaced = json.replaceFirst(pattern, value == null ? "" : "  \"" + field + "\": " + value + ",\n");
        assertNotEquals("field [" + field + "] not found", json, replaced);
        return replaced.replaceAll(",\\s*\\n\\s*}\\s*$", "\n}\n");
    }

    public void testGood() {
        ModelDescriptor d = parse(good());
        assertEquals("my-model", d.id());
        assertEquals(ModelDescriptor.Format.ONNX, d.format());
        assertEquals(Map.of("model", "model.onnx", "tokenizer", "tokenizer.json"), d.files());
        assertEquals(Map.of("model.onnx", HASH_A, "tokenizer.json", HASH_B.toLowerCase(java.util.Locale.ROOT)), d.sha256());
        assertEquals(384, d.encoder().dimension());
        assertEquals(ModelDescriptor.Pooling.CLS, d.encoder().pooling());
        assertFalse(d.encoder().normalize());
        assertEquals(512, d.maxTokens());
        assertEquals("query: ", d.encoder().queryPrefix());
        assertEquals("passage: ", d.encoder().passagePrefix());
        assertEquals("query: ", d.encoder().prefix(Encoder.TextKind.QUERY));
        assertEquals("passage: ", d.encoder().prefix(Encoder.TextKind.PASSAGE));
        assertEquals("MIT", d.license());
        assertEquals("somewhere", d.source());
        assertEquals(List.of(), d.inputs());
        assertFalse(d.isArchive());
        assertEquals(Path.of("/models/my-model/model.onnx"), d.file("model"));
        assertNull(d.file("archive"));
        expectThrows(UnsupportedOperationException.class, () -> d.files().put("x", "y"));
    }

    public void testDefaults() {
        String json = with("normalize", null);
        json = json.replaceFirst("(?m)^\\s*\"query_prefix\".*\\n", "").replaceFirst("(?m)^\\s*\"passage_prefix\".*\\n", "");
        json = json.replaceFirst("(?m)^\\s*\"license\".*\\n", "").replaceFirst("(?m)^\\s*\"source\".*\\n", "");
        json = json.replaceAll(",\\s*\\n\\s*}\\s*$", "\n}\n");
        ModelDescriptor d = parse(json);
        assertTrue(d.encoder().normalize());
        assertEquals("", d.encoder().queryPrefix());
        assertEquals("", d.encoder().passagePrefix());
        assertEquals("", d.license());
        assertEquals("", d.source());
    }

    public void testTorchScriptInputs() {
        String ts = with("format", "\"torchscript\"");
        assertEquals(List.of("input_ids", "attention_mask"), parse(ts).inputs());
        String three = ts.replaceFirst("\"dimension\"", "\"inputs\": [\"input_ids\", \"attention_mask\", \"token_type_ids\"],\n  \"dimension\"");
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), parse(three).inputs());
        assertInvalid(ts.replaceFirst("\"dimension\"", "\"inputs\": [\"attention_mask\"],\n  \"dimension\""), "[inputs] must start with [input_ids]");
        assertInvalid(ts.replaceFirst("\"dimension\"", "\"inputs\": [\"input_ids\", \"pixels\"],\n  \"dimension\""), "unknown input [pixels]");
        assertInvalid(ts.replaceFirst("\"dimension\"", "\"inputs\": [\"input_ids\", \"input_ids\"],\n  \"dimension\""), "lists an input twice");
        assertInvalid(ts.replaceFirst("\"dimension\"", "\"inputs\": \"input_ids\",\n  \"dimension\""), "[inputs] must be an array of strings");
        assertInvalid(good().replaceFirst("\"dimension\"", "\"inputs\": [\"input_ids\"],\n  \"dimension\""), "[inputs] applies only to torchscript");
        assertEquals(ModelDescriptor.InputStyle.POSITIONAL, parse(ts).inputStyle());
        assertNull(parse(good()).inputStyle());
        String dict = ts.replaceFirst("\"dimension\"", "\"input_style\": \"dict\",\n  \"dimension\"");
        assertEquals(ModelDescriptor.InputStyle.DICT, parse(dict).inputStyle());
        assertInvalid(ts.replaceFirst("\"dimension\"", "\"input_style\": \"named\",\n  \"dimension\""), "[input_style] must be one of [positional, dict]");
        assertInvalid(good().replaceFirst("\"dimension\"", "\"input_style\": \"dict\",\n  \"dimension\""), "[input_style] applies only to torchscript");
    }

    static String reader() {
        return """
            {
              "id": "my-model",
              "task": "extractive_qa",
              "format": "onnx",
              "files": { "model": "model.onnx", "tokenizer": "tokenizer.json" },
              "sha256": {
                "model.onnx": "%s",
                "tokenizer.json": "%s"
              },
              "max_tokens": 384
            }
            """.formatted(HASH_A, HASH_B);
    }

    public void testReader() {
        ModelDescriptor d = parse(reader());
        assertEquals(ModelDescriptor.Task.EXTRACTIVE_QA, d.task());
        assertEquals(384, d.maxTokens());
        assertEquals(128, d.reader().docStride());
        assertEquals(64, d.reader().maxQuestionTokens());
        assertEquals(List.of("start_logits", "end_logits"), d.reader().outputs());
        assertNull("a reader has no encoder fields", d.encoder());
        assertNotNull(d.reader());
        assertEquals(List.of(), d.inputs());
        assertThat(d.toString(), containsString("extractive_qa"));
        assertEquals(d, parse(reader()));

        String custom = reader().replace(
            "\"max_tokens\": 384",
            "\"max_tokens\": 256, \"doc_stride\": 64, \"max_question_tokens\": 32, \"outputs\": [\"s\", \"e\"]"
        );
        ModelDescriptor c = parse(custom);
        assertEquals(64, c.reader().docStride());
        assertEquals(32, c.reader().maxQuestionTokens());
        assertEquals(List.of("s", "e"), c.reader().outputs());
        assertNotEquals(d, c);

        String ts = reader().replace("\"onnx\",", "\"torchscript\",").replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"inputs\": [\"input_ids\", \"attention_mask\", \"token_type_ids\"]");
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), parse(ts).inputs());
        assertEquals(List.of("input_ids", "attention_mask"), parse(reader().replace("\"onnx\",", "\"torchscript\",")).inputs());

        // the default task is embedding
        assertEquals(ModelDescriptor.Task.EMBEDDING, parse(good()).task());
        assertEquals(ModelDescriptor.Task.EMBEDDING, parse(good().replaceFirst("\"format\"", "\"task\": \"embedding\",\n  \"format\"")).task());
        assertInvalid(reader().replace("extractive_qa", "qa"), "[task] must be one of [embedding, extractive_qa], got a string [qa]");

        // encoder fields on a reader, reader fields on an encoder
        for (String field : List.of("\"dimension\": 384", "\"pooling\": \"cls\"", "\"normalize\": true", "\"query_prefix\": \"q\"", "\"passage_prefix\": \"p\"", "\"query_model\": \"m\"")) {
            assertInvalid(
                reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, " + field),
                "applies only to embedding models, and this model's [task] is [extractive_qa]"
            );
        }
        for (String field : List.of("\"doc_stride\": 16", "\"max_question_tokens\": 16", "\"outputs\": [\"a\", \"b\"]")) {
            assertInvalid(
                good().replaceFirst("\"dimension\"", field + ",\n  \"dimension\""),
                "applies only to extractive_qa models, and this model's [task] is [embedding]"
            );
        }

        // a calibrated no-answer threshold: optional, a number in [0, 1]
        assertEquals(1.0, d.reader().noAnswerThreshold(), 0.0);
        assertEquals(0.55, parse(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"no_answer_threshold\": 0.55")).reader().noAnswerThreshold(), 1e-12);
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"no_answer_threshold\": 1.5"), "[no_answer_threshold] must be between 0.0 and 1.0");
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"no_answer_threshold\": \"high\""), "[no_answer_threshold] must be a number");
        assertInvalid(
            good().replaceFirst("\"dimension\"", "\"no_answer_threshold\": 0.5,\n  \"dimension\""),
            "applies only to extractive_qa models, and this model's [task] is [embedding]"
        );

        // windows must move forward
        assertInvalid(
            reader().replace("\"max_tokens\": 384", "\"max_tokens\": 128"),
            "[doc_stride] (128) must be smaller than [max_tokens] - [max_question_tokens] - 4 = 128 - 64 - 4 = 60"
        );
        parse(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 128, \"doc_stride\": 59"));
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 128, \"doc_stride\": 60"), "must be smaller than");
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"doc_stride\": -1"), "[doc_stride] must be between 0 and");
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"max_question_tokens\": 0"), "[max_question_tokens] must be between 1 and");
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"doc_stride\": \"128\""), "[doc_stride] must be an integer");

        // outputs: two different names
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"outputs\": [\"logits\"]"), "[outputs] must name two different outputs");
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"outputs\": [\"a\", \"a\"]"), "[outputs] must name two different outputs");
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, \"outputs\": \"a\""), "[outputs] must be an array of strings");
    }

    /** A reader built from DJL blocks: safetensors weights and the network's shape. */
    public void testDjlReader() {
        String architecture = "\"architecture\": {\"layers\": 2, \"hidden\": 32, \"heads\": 4, \"intermediate\": 64, \"vocab\": 100, \"max_positions\": 64}";
        String djl = reader().replace("\"onnx\",", "\"djl\",").replace("\"max_tokens\": 384", "\"max_tokens\": 384, " + architecture);
        ModelDescriptor d = parse(djl);
        assertEquals(ModelDescriptor.Format.DJL, d.format());
        assertEquals(new BertConfig(100, 32, 2, 4, 64, 64, 2, 1e-12f, 0f), d.reader().architecture());
        assertEquals(d, parse(djl));
        assertNotEquals(d, parse(djl.replace("\"layers\": 2", "\"layers\": 3")));
        assertNull(parse(reader()).reader().architecture());
        assertEquals(1e-5f, parse(djl.replace("\"max_positions\": 64", "\"max_positions\": 64, \"layer_norm_eps\": 1e-5, \"type_vocab\": 1")).reader().architecture().layerNormEpsilon(), 0f);

        assertInvalid(reader().replace("\"onnx\",", "\"djl\","), "[architecture] is required for djl models");
        assertInvalid(reader().replace("\"max_tokens\": 384", "\"max_tokens\": 384, " + architecture), "[architecture] applies only to djl models");
        assertInvalid(djl.replace("\"heads\": 4", "\"heads\": 5"), "[architecture.hidden] (32) must be a multiple of [architecture.heads] (5)");
        assertInvalid(djl.replace("\"layers\": 2, ", ""), "[architecture]: [layers] is required");
        assertInvalid(djl.replace("\"layers\": 2", "\"layers\": \"2\""), "[layers] must be an integer");
        assertInvalid(djl.replace("\"layers\": 2", "\"layers\": 2, \"dropout\": 0.1"), "[architecture] has unknown field(s) [dropout]");
        assertInvalid(djl.replace("\"max_positions\": 64", "\"max_positions\": 64, \"layer_norm_eps\": 0"), "[architecture.layer_norm_eps] must be a number between 0 and 1");
        assertInvalid(djl.replace(architecture, "\"architecture\": \"minilm\""), "[architecture] is required for djl models, an object, got a string");
        // only readers, and not from an archive
        assertInvalid(
            good().replace("\"onnx\",", "\"djl\",").replaceFirst("\"dimension\"", architecture + ",\n  \"dimension\""),
            "[format] [djl] is for extractive_qa models"
        );
    }

    /** The project's own reader, shipped as the default. */
    public void testDefaultReaderDescriptor() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir"));
        ModelDescriptor d = ModelDescriptor.load(repo.resolve("models/realm-reader-minilm/model.json"));
        assertEquals(ModelDescriptor.Task.EXTRACTIVE_QA, d.task());
        assertEquals(ModelDescriptor.Format.DJL, d.format());
        assertEquals(BertConfig.miniLmL6().withDropout(0f), d.reader().architecture());
        assertEquals(384, d.maxTokens());
        assertEquals("reader.safetensors", d.files().get(ModelDescriptor.ROLE_MODEL));
    }

    /** The QA fixtures' descriptors parse. */
    public void testReaderFixtures() throws Exception {
        for (String id : List.of("tiny-qa-onnx", "tiny-qa-pt", "tiny-qa-pick")) {
            ModelDescriptor d = ModelDescriptor.load(ModelTestSupport.fixtures().resolve(id).resolve("model.json"));
            assertEquals(ModelDescriptor.Task.EXTRACTIVE_QA, d.task());
            assertEquals(64, d.maxTokens());
            assertEquals(16, d.reader().docStride());
            assertEquals(16, d.reader().maxQuestionTokens());
        }
    }

    public void testArchive() {
        String json = with("files", "{ \"archive\": \"model.zip\" }").replaceFirst(
            "(?s)\"sha256\": \\{[^}]*\\}",
            "\"sha256\": { \"model.zip\": \"" + HASH_A + "\" }"
        );
        ModelDescriptor d = parse(json);
        assertTrue(d.isArchive());
        assertEquals(Map.of("model.zip", HASH_A), d.sha256());
    }

    public void testBadJson() {
        assertInvalid("{ \"id\": ", "not valid JSON");
        assertInvalid("[1, 2]", "must hold one JSON object");
        assertInvalid(good() + "{}", "unexpected content after the JSON object");
        assertInvalid(good().replaceFirst("\"id\": \"my-model\",", "\"id\": \"my-model\", \"id\": \"other\","), "not valid JSON", "Duplicate field 'id'");
    }

    public void testUnknownField() {
        assertInvalid(good().replaceFirst("\"id\"", "\"normalise\": true,\n  \"id\""), "unknown field(s) [normalise]");
    }

    public void testId() {
        assertInvalid(with("id", null), "[id] is required");
        assertInvalid(with("id", "\"\""), "[id] must not be empty");
        assertInvalid(with("id", "42"), "[id] must be a string, got a number [42]");
        assertInvalid(with("id", "\"../escape\""), "[id] must be 1 to 128 letters");
        assertInvalid(with("id", "\"a b\""), "[id] must be 1 to 128 letters");
    }

    public void testFormat() {
        assertInvalid(with("format", null), "[format] is required, one of [onnx, torchscript, djl]");
        assertInvalid(with("format", "\"tensorflow\""), "[format] must be one of [onnx, torchscript, djl], got a string [tensorflow]");
        assertInvalid(with("format", "\"ONNX\""), "[format] must be one of");
    }

    public void testFiles() {
        assertInvalid(with("files", null), "[files] is required");
        assertInvalid(with("files", "\"model.onnx\""), "[files] must be an object");
        assertInvalid(with("files", "{}"), "[files] must not be empty");
        assertInvalid(with("files", "{ \"model\": \"model.onnx\" }"), "[files] must name either [model] and [tokenizer], or only [archive]");
        assertInvalid(
            with("files", "{ \"model\": \"model.onnx\", \"tokenizer\": \"tokenizer.json\", \"archive\": \"m.zip\" }"),
            "[files] must name either"
        );
        assertInvalid(with("files", "{ \"model\": \"model.onnx\", \"vocab\": \"vocab.txt\" }"), "[files] has an unknown role [vocab]");
        assertInvalid(with("files", "{ \"model\": \"../model.onnx\", \"tokenizer\": \"tokenizer.json\" }"), "[files.model] must be a plain file name");
        assertInvalid(with("files", "{ \"model\": \"/etc/passwd\", \"tokenizer\": \"tokenizer.json\" }"), "[files.model] must be a plain file name");
        assertInvalid(with("files", "{ \"model\": \".hidden\", \"tokenizer\": \"tokenizer.json\" }"), "[files.model] must be a plain file name");
        assertInvalid(with("files", "{ \"model\": \"model.onnx\", \"tokenizer\": 7 }"), "[files.tokenizer] must be a string, got a number [7]");
        assertInvalid(with("files", "{ \"model\": \"x.onnx\", \"tokenizer\": \"x.onnx\" }"), "names the same file for two roles");
    }

    public void testSha256() {
        assertInvalid(with("sha256", null), "[sha256] is required");
        assertInvalid(with("sha256", "{ \"model.onnx\": \"" + HASH_A + "\" }"), "[sha256] has no hash for file [tokenizer.json]");
        assertInvalid(
            with("sha256", "{ \"model.onnx\": \"" + HASH_A + "\", \"tokenizer.json\": \"abc\" }"),
            "[sha256] of [tokenizer.json] must be 64 hexadecimal digits, got [abc]"
        );
        assertInvalid(
            with("sha256", "{ \"model.onnx\": \"" + "g".repeat(64) + "\", \"tokenizer.json\": \"" + HASH_A + "\" }"),
            "[sha256] of [model.onnx] must be 64 hexadecimal digits"
        );
        assertInvalid(
            with("sha256", "{ \"model.onnx\": \"" + HASH_A + "\", \"tokenizer.json\": \"" + HASH_A + "\", \"extra.bin\": \"" + HASH_A + "\" }"),
            "[sha256] lists file(s) [extra.bin] that [files] does not name"
        );
    }

    public void testDimension() {
        assertInvalid(with("dimension", null), "[dimension] is required");
        assertInvalid(with("dimension", "0"), "[dimension] must be between 1 and 16384, got [0]");
        assertInvalid(with("dimension", "100000"), "[dimension] must be between 1 and 16384, got [100000]");
        assertInvalid(with("dimension", "384.5"), "[dimension] must be an integer, got a number [384.5]");
        assertInvalid(with("dimension", "\"384\""), "[dimension] must be an integer, got a string [384]");
        assertInvalid(with("dimension", "99999999999"), "[dimension] must be between 1 and 16384, got [99999999999]");
    }

    public void testPooling() {
        assertInvalid(with("pooling", null), "[pooling] is required, one of [mean, cls, none]");
        assertInvalid(with("pooling", "\"max\""), "[pooling] must be one of [mean, cls, none], got a string [max]");
        assertEquals(ModelDescriptor.Pooling.MEAN, parse(with("pooling", "\"mean\"")).encoder().pooling());
        assertEquals(ModelDescriptor.Pooling.NONE, parse(with("pooling", "\"none\"")).encoder().pooling());
    }

    public void testNormalize() {
        assertInvalid(with("normalize", "\"yes\""), "[normalize] must be true or false, got a string [yes]");
        assertInvalid(with("normalize", "1"), "[normalize] must be true or false, got a number [1]");
    }

    public void testMaxTokens() {
        assertInvalid(with("max_tokens", null), "[max_tokens] is required");
        assertInvalid(with("max_tokens", "1"), "[max_tokens] must be between 2 and 8192, got [1]");
        assertInvalid(with("max_tokens", "-5"), "[max_tokens] must be between 2 and 8192, got [-5]");
        assertInvalid(with("max_tokens", "true"), "[max_tokens] must be an integer, got a boolean [true]");
    }

    public void testStrings() {
        assertInvalid(with("query_prefix", "3"), "[query_prefix] must be a string, got a number [3]");
        assertInvalid(with("passage_prefix", "[\"a\"]"), "[passage_prefix] must be a string, got an array");
        assertInvalid(with("license", "{}"), "[license] must be a string, got an object");
        assertInvalid(with("source", "false"), "[source] must be a string, got a boolean [false]");
    }

    public void testLoadChecksDirectoryName() throws Exception {
        Path dir = createTempDir().resolve("other-name");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.json"), good());
        ModelException e = expectThrows(ModelException.class, () -> ModelDescriptor.load(dir.resolve("model.json")));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertThat(e.getMessage(), containsString("[id] is [my-model] but the model's directory is named [other-name]"));

        Path good = createTempDir().resolve("my-model");
        Files.createDirectories(good);
        Files.writeString(good.resolve("model.json"), good());
        ModelDescriptor d = ModelDescriptor.load(good.resolve("model.json"));
        assertEquals(good.toAbsolutePath().normalize(), d.directory());
        assertEquals(good.toAbsolutePath().normalize().resolve("model.onnx"), d.file("model"));

        ModelException missing = expectThrows(ModelException.class, () -> ModelDescriptor.load(good.resolve("nope.json")));
        assertThat(missing.getMessage(), containsString("does not exist"));
    }

    /** The shipped default descriptors parse and say what the issue asks for. */
    public void testDefaultDescriptors() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir"));
        ModelDescriptor minilm = ModelDescriptor.load(repo.resolve("models/all-minilm-l6-v2/model.json"));
        assertEquals(ModelDescriptor.Pooling.MEAN, minilm.encoder().pooling());
        assertEquals(256, minilm.maxTokens());
        assertEquals(384, minilm.encoder().dimension());
        assertTrue(minilm.encoder().normalize());
        assertEquals("its questions are encoded by its int8 form", "all-minilm-l6-v2-int8", minilm.encoder().queryModel());
        assertEquals("Apache-2.0", minilm.license());
        ModelDescriptor bge = ModelDescriptor.load(repo.resolve("models/bge-small-en-v15/model.json"));
        assertEquals(ModelDescriptor.Pooling.CLS, bge.encoder().pooling());
        assertEquals(512, bge.maxTokens());
        assertEquals(384, bge.encoder().dimension());
        assertEquals("Represent this sentence for searching relevant passages: ", bge.encoder().queryPrefix());
        assertEquals("", bge.encoder().passagePrefix());
        assertEquals("MIT", bge.license());
        // one "file": "hash" pair per line
        for (String id : List.of("all-minilm-l6-v2", "bge-small-en-v15")) {
            List<String> lines = Files.readAllLines(repo.resolve("models/" + id + "/model.json"));
            long hashLines = lines.stream().filter(l -> l.matches("\\s*\"[^\"]+\": \"[0-9a-f]{64}\",?")).count();
            assertEquals(2, hashLines);
        }
    }

    public void testModelException() {
        ModelException e = new ModelException(RestStatus.NOT_FOUND, "text with {} braces");
        assertEquals("text with {} braces", e.getMessage());
        assertEquals(RestStatus.NOT_FOUND, e.status());
        assertEquals(RestStatus.NOT_FOUND, ModelException.unknownModel("x").status());
        ModelException wrapped = ModelException.wrap("loading failed", new UnsatisfiedLinkError("no libfoo"));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, wrapped.status());
        assertEquals("loading failed: UnsatisfiedLinkError: no libfoo", wrapped.getMessage());
        assertSame(e, ModelException.wrap("ignored", e));
    }
}
