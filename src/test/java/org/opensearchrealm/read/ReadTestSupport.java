/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.model.NativeLibraries;
import org.opensearchrealm.model.QaTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Paths and helpers shared by the reader tests (the model package's test helpers are package-private). */
final class ReadTestSupport {

    private ReadTestSupport() {}

    static Path pluginHome() {
        String home = System.getProperty("realm.test.plugin_home");
        if (home == null || Files.isDirectory(Path.of(home, "native")) == false) {
            throw new AssertionError("system property realm.test.plugin_home must point at the staged plugin (got [" + home + "])");
        }
        return Path.of(home);
    }

    static Path cacheDir() {
        String dir = System.getProperty("DJL_CACHE_DIR");
        return dir != null ? Path.of(dir) : pluginHome().resolveSibling("djl-cache");
    }

    /** src/test/resources/models as copied to the test class path. */
    static Path fixtures() {
        URL url = ReadTestSupport.class.getResource("/models/tiny-qa-onnx/model.json");
        if (url == null) {
            throw new AssertionError("test fixtures not found on the class path");
        }
        try {
            return Path.of(url.toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Copies fixture models into {@code <configDir>/realm/models/<id>}; returns the config dir. */
    static Path installFixtures(Path configDir, String... ids) {
        try {
            for (String id : ids) {
                Path target = ModelRegistry.operatorModelsDir(configDir).resolve(id);
                Files.createDirectories(target);
                try (Stream<Path> files = Files.list(fixtures().resolve(id))) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.copy(f, target.resolve(f.getFileName()));
                    }
                }
            }
            return configDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelRegistry registry(Path configDir, Settings settings) {
        return new ModelRegistry(pluginHome(), configDir, cacheDir(), settings);
    }

    /** The tiny fixtures' tokenizer, for windows of {@code maxTokens} with {@code docStride}. */
    static QaTokenizer tokenizer(int maxTokens, int docStride, int maxQuestionTokens) throws Exception {
        NativeLibraries.configure(pluginHome(), cacheDir(), 1);
        return QaTokenizer.create(
            Files.readAllBytes(fixtures().resolve("tiny-qa-onnx/tokenizer.json")),
            maxTokens,
            docStride,
            maxQuestionTokens
        );
    }

    static Map<String, Object> json(Path file) throws IOException {
        try (
            XContentParser parser = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                Files.readAllBytes(file)
            )
        ) {
            return parser.map();
        }
    }

    static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }

    static long[] longs(Object list) {
        List<?> l = (List<?>) list;
        long[] f = new long[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).longValue();
        }
        return f;
    }
}
