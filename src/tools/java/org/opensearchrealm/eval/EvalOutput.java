/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearchrealm.eval.QuestionAsker.Task;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of {@code --out}: results.json and results.md (the summary), predictions.jsonl (one line per question),
 * and predictions_gold.json / predictions_e2e.json in the official SQuAD evaluation's format.
 */
final class EvalOutput {

    private static final String[] FILES = { "results.json", "results.md", "predictions.jsonl", "predictions_gold.json", "predictions_e2e.json" };

    private final Path dir;

    EvalOutput(Path dir) {
        this.dir = dir;
    }

    /** Creates the directory and removes the files of an earlier run, so that none is mistaken for this run's. */
    void clear() throws IOException {
        Files.createDirectories(dir);
        for (String f : FILES) {
            Files.deleteIfExists(dir.resolve(f));
        }
    }

    /** One line per question asked (in file order; records[task.pos()], null for a question not asked). */
    void writePredictions(List<Task> tasks, Map<String, Object>[] records) throws IOException {
        Map<String, Object> gold = new LinkedHashMap<>();
        Map<String, Object> e2e = new LinkedHashMap<>();
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("predictions.jsonl"), StandardCharsets.UTF_8)) {
            for (Task t : tasks) {
                Map<String, Object> rec = records[t.pos()];
                if (rec == null) {
                    continue;
                }
                w.write(Json.write(rec, false));
                w.write('\n');
                if (rec.containsKey("gold_prediction")) {
                    gold.put(t.q().id(), rec.get("gold_prediction"));
                    e2e.put(t.q().id(), rec.get("e2e_prediction"));
                }
            }
        }
        // The official SQuAD evaluation's prediction format ({question id: answer text}), to cross-check with its script.
        if (gold.isEmpty() == false) {
            writeJson(dir.resolve("predictions_gold.json"), gold, false);
            writeJson(dir.resolve("predictions_e2e.json"), e2e, false);
        }
    }

    /** results.json (the summary, the Markdown included) and results.md (the Markdown alone). */
    void writeResults(Map<String, Object> results, String markdown) throws IOException {
        writeJson(dir.resolve("results.json"), results, true);
        Files.writeString(dir.resolve("results.md"), markdown, StandardCharsets.UTF_8);
    }

    private static void writeJson(Path path, Map<String, ?> map, boolean pretty) throws IOException {
        Files.writeString(path, Json.write(map, pretty) + "\n", StandardCharsets.UTF_8);
    }
}
