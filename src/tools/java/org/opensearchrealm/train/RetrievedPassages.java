/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The passages an index retrieved for each training question, best first, as written by
 * {@code integ-test/retrieve-for-training.py}: one JSON line per question, {"id", "passages": [{"score", "text"}]}.
 */
final class RetrievedPassages {

    /** A retrieved passage: its text and its retrieval score. */
    record Passage(String text, float score) {}

    private final Map<String, List<Passage>> byQuestion;

    private RetrievedPassages(Map<String, List<Passage>> byQuestion) {
        this.byQuestion = byQuestion;
    }

    /** None: every question is read in its gold paragraph only. */
    static RetrievedPassages none() {
        return new RetrievedPassages(Map.of());
    }

    /** One question's passages (tests). */
    static RetrievedPassages of(String questionId, List<Passage> passages) {
        return new RetrievedPassages(Map.of(questionId, List.copyOf(passages)));
    }

    @SuppressWarnings("unchecked")
    static RetrievedPassages read(Path file) throws IOException {
        Map<String, List<Passage>> byQuestion = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> record;
                try (XContentParser p = JsonXContent.jsonXContent.createParser(NamedXContentRegistry.EMPTY,
                    DeprecationHandler.THROW_UNSUPPORTED_OPERATION, line)) {
                    record = p.map();
                }
                List<Passage> passages = new ArrayList<>();
                for (Object o : (List<Object>) record.get("passages")) {
                    Map<String, Object> passage = (Map<String, Object>) o;
                    passages.add(new Passage((String) passage.get("text"), ((Number) passage.get("score")).floatValue()));
                }
                byQuestion.put(String.valueOf(record.get("id")), List.copyOf(passages));
            }
        }
        return new RetrievedPassages(byQuestion);
    }

    /** The passages retrieved for the question, best first; empty when it was not asked. */
    List<Passage> of(String questionId) {
        return byQuestion.getOrDefault(questionId, List.of());
    }

    int questions() {
        return byQuestion.size();
    }
}
