/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import org.opensearchrealm.model.QaTokenizer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line of {@link TrainReader} (see there): {@code --name value} options and three flags. The options read
 * in more than one place (the base model, the data files, the window sizes) have an accessor, so that their defaults
 * are written once.
 */
final class TrainOptions {

    static final List<String> BOOLEAN = List.of("resume", "eval-only", "export-only");
    static final List<String> VALUED = List.of(
        "plugin-home",
        "base",
        "data",
        "train",
        "dev",
        "run-dir",
        "seed",
        "epochs",
        "batch",
        "micro-batch",
        "lr",
        "warmup",
        "weight-decay",
        "clip",
        "max-tokens",
        "doc-stride",
        "max-query",
        "max-answer",
        "threads",
        "checkpoint-every",
        "max-steps",
        "weights",
        "eval-limit",
        "export",
        "log-every",
        "dropout",
        "init",
        "retrieved",
        "negatives",
        "temperature",
        "unanswerable",
        "no-answer-threshold",
        "model"
    );

    private final Map<String, String> opts;

    private TrainOptions(Map<String, String> opts) {
        this.opts = opts;
    }

    static TrainOptions parse(String[] args) {
        Map<String, String> opts = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") == false) {
                throw new IllegalArgumentException("unexpected argument [" + a + "]");
            }
            String key = a.substring(2);
            if (BOOLEAN.contains(key)) {
                opts.put(key, "true");
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option [" + a + "] needs a value");
                }
                opts.put(key, args[++i]);
            }
        }
        for (String k : opts.keySet()) {
            if (BOOLEAN.contains(k) == false && VALUED.contains(k) == false) {
                throw new IllegalArgumentException("unknown option [--" + k + "]");
            }
        }
        return new TrainOptions(opts);
    }

    String get(String key, String def) {
        return opts.getOrDefault(key, def);
    }

    int getInt(String key, int def) {
        return Integer.parseInt(get(key, Integer.toString(def)));
    }

    float getFloat(String key, float def) {
        return Float.parseFloat(get(key, Float.toString(def)));
    }

    /** A flag, or an option without a default (--weights, --export), was given. */
    boolean has(String key) {
        return opts.containsKey(key);
    }

    String base() {
        return get("base", "all-minilm-l6-v2");
    }

    Path data() {
        return Path.of(get("data", "../shared/data/squad"));
    }

    String train() {
        return get("train", "train-v1.1.json");
    }

    String dev() {
        return get("dev", "dev-v1.1.json");
    }

    int seed() {
        return getInt("seed", 42);
    }

    int maxTokens() {
        return getInt("max-tokens", 384);
    }

    int docStride() {
        return getInt("doc-stride", 128);
    }

    int maxQuery() {
        return getInt("max-query", 64);
    }

    /** The windows a node would read, made by the runtime's tokenizer with this run's window options. */
    QaTokenizer tokenizer(byte[] tokenizerJson) throws Exception {
        return QaTokenizer.create(tokenizerJson, maxTokens(), docStride(), maxQuery());
    }
}
