/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.core.rest.RestStatus;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.opensearch.test.OpenSearchTestCase;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.hamcrest.Matchers.containsString;

/** Hashing, verification and the build-time check; no native code. */
// real paths: fixtures are copied from the class path and native code opens model files by name
@LuceneTestCase.SuppressFileSystems("*")
public class ModelFilesTests extends OpenSearchTestCase {

    public void testSha256() throws Exception {
        Path f = createTempDir().resolve("abc");
        Files.writeString(f, "abc");
        // FIPS 180-2 test vector
        String expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertEquals(expected, ModelFiles.sha256(f));
        assertEquals(expected, ModelFiles.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    private static ModelDescriptor fixture(Path configDir, String id) {
        return ModelDescriptor.load(ModelRegistry.operatorModelsDir(configDir).resolve(id).resolve("model.json"));
    }

    public void testVerifyGoodFixtures() {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-pt", "tiny-zip", "tiny-pooled", "tiny-dict");
        for (String id : List.of("tiny-onnx", "tiny-pt", "tiny-zip", "tiny-pooled", "tiny-dict")) {
            ModelFiles.verify(fixture(config, id));
        }
    }

    public void testVerifyWrongHash() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx");
        Path tokenizer = ModelRegistry.operatorModelsDir(config).resolve("tiny-onnx/tokenizer.json");
        Files.writeString(tokenizer, Files.readString(tokenizer).replace("\"cat\"", "\"cow\""));
        ModelException e = expectThrows(ModelException.class, () -> ModelFiles.verify(fixture(config, "tiny-onnx")));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
        assertThat(e.getMessage(), containsString("model [tiny-onnx]: file [" + tokenizer.toAbsolutePath().normalize() + "] has sha256 ["));
        assertThat(e.getMessage(), containsString("but its model.json expects"));
    }

    public void testVerifyTruncated() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-pt");
        Path model = ModelRegistry.operatorModelsDir(config).resolve("tiny-pt/tiny.pt");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        ModelException e = expectThrows(ModelException.class, () -> ModelFiles.verify(fixture(config, "tiny-pt")));
        assertThat(e.getMessage(), containsString("tiny.pt] has sha256"));
        assertThat(e.getMessage(), containsString("corrupt, truncated or was replaced"));
    }

    public void testVerifyMissing() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-zip");
        Path zip = ModelRegistry.operatorModelsDir(config).resolve("tiny-zip/tiny-pt.zip");
        Files.delete(zip);
        ModelException e = expectThrows(ModelException.class, () -> ModelFiles.verify(fixture(config, "tiny-zip")));
        assertThat(e.getMessage(), containsString("model [tiny-zip]: file [" + zip.toAbsolutePath().normalize() + "] listed in its model.json does not exist"));
        // a directory where the file should be
        Files.createDirectories(zip);
        e = expectThrows(ModelException.class, () -> ModelFiles.verify(fixture(config, "tiny-zip")));
        assertThat(e.getMessage(), containsString("does not exist or is not a file"));
    }

    public void testArchiveContents() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-zip", "tiny-pt");
        ModelFiles.Contents zipped = ModelFiles.read(fixture(config, "tiny-zip"));
        ModelFiles.Contents plain = ModelFiles.read(fixture(config, "tiny-pt"));
        assertNull(zipped.modelPath());
        assertArrayEquals(Files.readAllBytes(plain.modelPath()), zipped.model());
        assertArrayEquals(plain.tokenizer(), zipped.tokenizer());
        assertThat(zipped.modelName(), containsString("tiny-pt.zip!/tiny.pt"));
    }

    public void testArchiveWithoutTokenizer() throws Exception {
        Path dir = createTempDir().resolve("bad-zip");
        Files.createDirectories(dir);
        Path zip = dir.resolve("m.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("model.pt"));
            out.write(new byte[] { 1, 2, 3 });
            out.closeEntry();
            out.putNextEntry(new java.util.zip.ZipEntry("README.md"));
            out.closeEntry();
        }
        Files.writeString(
            dir.resolve("model.json"),
            """
                {"id": "bad-zip", "format": "torchscript", "files": {"archive": "m.zip"}, "sha256": {"m.zip": "%s"},
                 "dimension": 4, "pooling": "mean", "max_tokens": 16}
                """.formatted(ModelFiles.sha256(zip))
        );
        ModelDescriptor d = ModelDescriptor.load(dir.resolve("model.json"));
        ModelFiles.verify(d);
        ModelException e = expectThrows(ModelException.class, () -> ModelFiles.read(d));
        assertThat(e.getMessage(), containsString("must hold one .pt file (format [torchscript]) and one tokenizer.json, but holds [model.pt, README.md]"));
    }

    public void testScan() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-pt");
        Path models = ModelRegistry.operatorModelsDir(config);
        Files.createDirectories(models.resolve("broken"));
        Files.writeString(models.resolve("broken/model.json"), "{ \"id\": \"broken\" }");
        Files.createDirectories(models.resolve("empty-dir"));
        List<ModelFiles.Found> found = ModelFiles.scan(models);
        assertEquals(3, found.size());
        assertFalse(found.get(0).ok());
        assertThat(found.get(0).error().getMessage(), containsString("[format] is required"));
        assertEquals("tiny-onnx", found.get(1).descriptor().id());
        assertEquals("tiny-pt", found.get(2).descriptor().id());
        assertEquals(List.of(), ModelFiles.scan(models.resolve("does-not-exist")));
    }

    public void testModelFilesCheck() throws Exception {
        Path config = ModelTestSupport.installFixtures(createTempDir(), "tiny-onnx", "tiny-zip");
        Path models = ModelRegistry.operatorModelsDir(config);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ModelFilesCheck.run(new String[] { models.toString() }, new PrintStream(out, true, "UTF-8"), new PrintStream(err, true, "UTF-8"));
        assertEquals(err.toString(StandardCharsets.UTF_8), 0, status);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(printed, 2, printed.lines().count());
        assertThat(printed, containsString("ok     tiny-onnx: 2 file(s) match"));
        assertThat(printed, containsString("ok     tiny-zip: 1 file(s) match"));

        Path model = models.resolve("tiny-onnx/tiny.onnx");
        Files.write(model, new byte[] { 0, 1, 2 });
        out.reset();
        err.reset();
        status = ModelFilesCheck.run(new String[] { models.toString() }, new PrintStream(out, true, "UTF-8"), new PrintStream(err, true, "UTF-8"));
        assertEquals(1, status);
        assertThat(err.toString(StandardCharsets.UTF_8), containsString("FAILED tiny-onnx: model [tiny-onnx]: file ["));
        assertThat(err.toString(StandardCharsets.UTF_8), containsString("1 of 2 model(s)"));
        assertThat(out.toString(StandardCharsets.UTF_8), containsString("ok     tiny-zip"));

        assertEquals(1, ModelFilesCheck.run(new String[] { createTempDir().toString() }, new PrintStream(out), new PrintStream(err)));
        assertEquals(2, ModelFilesCheck.run(new String[0], new PrintStream(out), new PrintStream(err)));
    }

    /** The staged default models match their descriptors (what the build's check does at prepare-package). */
    public void testStagedDefaultModels() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path models = ModelTestSupport.pluginHome().resolve("models");
        int status = ModelFilesCheck.run(new String[] { models.toString() }, new PrintStream(out, true, "UTF-8"), new PrintStream(err, true, "UTF-8"));
        assertEquals(err.toString(StandardCharsets.UTF_8), 0, status);
        assertThat(out.toString(StandardCharsets.UTF_8), containsString("ok     all-minilm-l6-v2"));
        assertThat(out.toString(StandardCharsets.UTF_8), containsString("ok     bge-small-en-v15"));
    }
}
