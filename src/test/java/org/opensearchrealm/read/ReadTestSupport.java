/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearchrealm.model.ModelTestSupport;

import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.model.NativeLibraries;
import org.opensearchrealm.model.QaTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Paths and helpers shared by the reader tests (the model package's test helpers are package-private). */
final class ReadTestSupport {

    private ReadTestSupport() {}

    static ModelRegistry registry(Path configDir, Settings settings) {
        return ModelTestSupport.registry(configDir, settings);
    }

    /** The tiny fixtures' tokenizer, for windows of {@code maxTokens} with {@code docStride}. */
    static QaTokenizer tokenizer(int maxTokens, int docStride, int maxQuestionTokens) throws Exception {
        NativeLibraries.configure(ModelTestSupport.pluginHome(), ModelTestSupport.cacheDir(), 1);
        return QaTokenizer.create(
            Files.readAllBytes(ModelTestSupport.fixtures().resolve("tiny-qa-onnx/tokenizer.json")),
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
