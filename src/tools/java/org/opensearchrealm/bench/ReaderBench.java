/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.bench;

import org.opensearch.common.settings.Settings;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.model.QaTokenizer.Window;
import org.opensearchrealm.read.ExtractiveReader;
import org.opensearchrealm.settings.ModelSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reader latency per window, without OpenSearch around it: loads an extractive_qa model through {@link ModelRegistry}
 * and times {@link ExtractiveReader#read} on passages that each fill exactly one window of the model's max_tokens
 * (tokenising, the model, span decoding), and the model call alone. Not a test: a main.
 *
 * <pre>
 * ReaderBench --home PLUGIN_HOME --config CONFIG_DIR --model ID [--rounds 10] [--batches 1,4,8] [--intra-op 1]
 *   [--json FILE] [--cache DIR]
 * </pre>
 *
 * {@code --json} writes the medians: {@code {"model": ID, "format": F, "windows": {"5": {"read_ms": ..., "model_ms":
 * ...}}}}, milliseconds for the whole batch (not per window).
 */
public final class ReaderBench {

    private static final String QUESTION = "Which volcano on the east coast of Sicily erupted in the seventeenth century?";
    private static final String[] WORDS = (
        "mount etna is an active stratovolcano on the east coast of sicily italy in the province of catania between "
            + "the cities of messina and catania it lies above the convergent plate margin between the african plate and "
            + "the eurasian plate it is one of the tallest active volcanoes in europe and the tallest peak in italy south "
            + "of the alps with a current height of metres though this varies with summit eruptions"
    ).split(" ");

    private ReaderBench() {}

    public static void main(String[] args) throws Exception {
        String home = null;
        String config = null;
        String model = null;
        int rounds = 10;
        int intraOp = 1;
        int[] batches = { 1, 4, 8 };
        Path json = null;
        Path cache = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--home" -> home = args[i + 1];
                case "--config" -> config = args[i + 1];
                case "--model" -> model = args[i + 1];
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--intra-op" -> intraOp = Integer.parseInt(args[i + 1]);
                case "--json" -> json = Path.of(args[i + 1]);
                case "--cache" -> cache = Path.of(args[i + 1]);
                case "--batches" -> batches = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int maxBatch = Arrays.stream(batches).max().orElse(1);
        Settings settings = Settings.builder()
            .put(ModelSettings.INTRA_OP_THREADS.getKey(), intraOp)
            .put(ModelSettings.MAX_BATCH_SIZE.getKey(), maxBatch)
            .build();
        Path homePath = Path.of(home);
        try (ModelRegistry registry = new ModelRegistry(homePath, Path.of(config), cache != null ? cache : homePath.resolveSibling("djl-cache"), settings, ExtractiveReader::new)) {
            long loadStart = System.nanoTime();
            ExtractiveReader reader = (ExtractiveReader) registry.reader(model);
            System.out.printf(Locale.ROOT, "loaded %s in %d ms%n", model, (System.nanoTime() - loadStart) / 1_000_000);
            int maxTokens = reader.tokenizer().maxTokens();
            List<String> passages = new ArrayList<>();
            for (int p = 0; p < maxBatch; p++) {
                passages.add(fullWindow(reader, p));
            }
            for (String p : passages) {
                List<Window> w = reader.tokenizer().windows(QUESTION, p);
                if (w.size() != 1 || w.get(0).length() != maxTokens) {
                    throw new AssertionError("passage does not fill one window: " + w.size() + " windows, " + w.get(0).length() + " tokens");
                }
            }
            for (int i = 0; i < 3; i++) {
                reader.read(QUESTION, passages.subList(0, 1), 30, 3);
            }
            StringBuilder medians = new StringBuilder();
            for (int batch : batches) {
                List<String> some = passages.subList(0, batch);
                double[] perWindow = new double[rounds];
                double[] modelOnly = new double[rounds];
                Window[] windows = some.stream().map(p -> reader.tokenizer().windows(QUESTION, p).get(0)).toArray(Window[]::new);
                long[][] ids = new long[batch][];
                long[][] mask = new long[batch][maxTokens];
                long[][] types = new long[batch][];
                for (int b = 0; b < batch; b++) {
                    ids[b] = windows[b].ids();
                    types[b] = windows[b].typeIds();
                    Arrays.fill(mask[b], 1L);
                }
                reader.read(QUESTION, some, 30, 3);
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    reader.read(QUESTION, some, 30, 3);
                    long t1 = System.nanoTime();
                    reader.model().logits(ids, mask, types);
                    long t2 = System.nanoTime();
                    perWindow[r] = (t1 - t0) / 1e6 / batch;
                    modelOnly[r] = (t2 - t1) / 1e6 / batch;
                }
                Arrays.sort(perWindow);
                Arrays.sort(modelOnly);
                System.out.printf(
                    Locale.ROOT,
                    "%s batch %d x %d tokens, %d intra-op thread(s): read %.1f ms/window (median, best %.1f); model alone %.1f ms/window (best %.1f)%n",
                    model,
                    batch,
                    maxTokens,
                    intraOp,
                    perWindow[rounds / 2],
                    perWindow[0],
                    modelOnly[rounds / 2],
                    modelOnly[0]
                );
                medians.append(medians.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "\"%d\": {\"read_ms\": %.2f, \"model_ms\": %.2f}", batch,
                        perWindow[rounds / 2] * batch, modelOnly[rounds / 2] * batch));
            }
            if (json != null) {
                Files.writeString(json, String.format(Locale.ROOT, "{\"model\": \"%s\", \"format\": \"%s\", \"intra_op\": %d, \"windows\": {%s}}%n",
                    model, registry.descriptor(model).format().jsonName(), intraOp, medians));
            }
        }
    }

    /** A passage that fills exactly one window: words until the window is full, cut after its last passage token. */
    private static String fullWindow(ExtractiveReader reader, int seed) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append(WORDS[(i * 7 + seed * 13) % WORDS.length]).append(' ');
        }
        String text = sb.toString();
        Window first = reader.tokenizer().windows(QUESTION, text).get(0);
        int end = 0;
        for (int t = 0; t < first.length(); t++) {
            if (first.inPassage(t)) {
                end = first.ends()[t];
            }
        }
        return text.substring(0, end);
    }
}
