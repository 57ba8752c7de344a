/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** SQuAD v1.1 / v2.0 JSON: questions with their paragraph and answers (char offsets resolved to UTF-16). */
public final class SquadData {

    /** An answer as {@code [start, end)} UTF-16 offsets in its context. */
    public record Answer(String text, int start, int end) {}

    /** A question; {@code answers} is empty for an unanswerable (v2.0) question. */
    public record Question(String id, String title, String context, String question, List<Answer> answers, boolean impossible) {}

    private SquadData() {}

    @SuppressWarnings("unchecked")
    public static List<Question> read(Path file) throws IOException {
        Map<String, Object> root;
        try (
            InputStream in = Files.newInputStream(file);
            XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                in
            )
        ) {
            root = p.map();
        }
        List<Question> out = new ArrayList<>();
        for (Object a : (List<Object>) root.get("data")) {
            Map<String, Object> article = (Map<String, Object>) a;
            String title = String.valueOf(article.get("title"));
            for (Object pa : (List<Object>) article.get("paragraphs")) {
                Map<String, Object> paragraph = (Map<String, Object>) pa;
                String context = (String) paragraph.get("context");
                for (Object qo : (List<Object>) paragraph.get("qas")) {
                    Map<String, Object> q = (Map<String, Object>) qo;
                    List<Answer> answers = new ArrayList<>();
                    for (Object ao : (List<Object>) q.getOrDefault("answers", List.of())) {
                        Map<String, Object> answer = (Map<String, Object>) ao;
                        String text = (String) answer.get("text");
                        int start = ((Number) answer.get("answer_start")).intValue();
                        Answer resolved = resolve(context, text, start);
                        if (resolved != null) {
                            answers.add(resolved);
                        }
                    }
                    boolean impossible = Boolean.TRUE.equals(q.get("is_impossible"));
                    out.add(new Question(String.valueOf(q.get("id")), title, context, (String) q.get("question"), answers, impossible));
                }
            }
        }
        return out;
    }

    /**
     * SQuAD's {@code answer_start} counts Python characters (code points); Java strings index UTF-16 units. Returns
     * the answer at its position, or at the occurrence of its text nearest to it, or {@code null}.
     */
    static Answer resolve(String context, String text, int start) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        int cp = context.codePointCount(0, context.length());
        if (start >= 0 && start <= cp) {
            int utf16 = context.offsetByCodePoints(0, start);
            if (context.startsWith(text, utf16)) {
                return new Answer(text, utf16, utf16 + text.length());
            }
        }
        if (start >= 0 && start <= context.length() && context.startsWith(text, start)) {
            return new Answer(text, start, start + text.length());
        }
        int best = -1;
        for (int i = context.indexOf(text); i >= 0; i = context.indexOf(text, i + 1)) {
            if (best < 0 || Math.abs(i - start) < Math.abs(best - start)) {
                best = i;
            }
        }
        return best < 0 ? null : new Answer(text, best, best + text.length());
    }
}
