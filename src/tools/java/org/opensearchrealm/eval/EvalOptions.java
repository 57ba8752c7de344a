/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** The command line of {@link SquadEval} (see there); eval.sh passes its evaluation options through unchanged. */
final class EvalOptions {
    String url = "http://127.0.0.1:9200";
    String index = "eval";
    Path corpus;
    Path questions;
    Path out;
    String model = "all-minilm-l6-v2";
    String reader;
    int k = 5;
    int maxK = 10;
    List<String> modes = ModeSweep.MODES;
    int clients = 2;
    int bulkSize = 32;
    int maxQuestions = 0;
    boolean reuseIndex;
    boolean noReader;

    static EvalOptions parse(String[] args) {
        EvalOptions o = new EvalOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            Supplier<String> value = valueOf(args, i, a);
            switch (a) {
                case "--url" -> o.url = value.get();
                case "--index" -> o.index = value.get();
                case "--corpus" -> o.corpus = Path.of(value.get());
                case "--questions" -> o.questions = Path.of(value.get());
                case "--out" -> o.out = Path.of(value.get());
                case "--model" -> o.model = value.get();
                case "--reader" -> o.reader = value.get();
                case "--k" -> o.k = positive(a, value.get());
                case "--max-k" -> o.maxK = positive(a, value.get());
                case "--modes" -> o.modes = modes(value.get());
                case "--clients" -> o.clients = positive(a, value.get());
                case "--bulk-size" -> o.bulkSize = positive(a, value.get());
                case "--max-questions" -> o.maxQuestions = Integer.parseInt(value.get());
                case "--reuse-index" -> o.reuseIndex = true;
                case "--no-reader" -> o.noReader = true;
                default -> throw new EvalException("unknown argument " + a);
            }
            if (a.equals("--reuse-index") == false && a.equals("--no-reader") == false) {
                i++;
            }
        }
        if (o.corpus == null || o.questions == null || o.out == null) {
            throw new EvalException("--corpus, --questions and --out are required");
        }
        return o;
    }

    /** A comma-separated list of retrieval modes, or "none". */
    private static List<String> modes(String v) {
        if (v.equals("none")) {
            return List.of();
        }
        List<String> out = List.of(v.split(","));
        for (String m : out) {
            if (ModeSweep.MODES.contains(m) == false) {
                throw new EvalException("--modes takes dense, bm25, hybrid (comma-separated) or none, got " + m);
            }
        }
        return out;
    }

    private static Supplier<String> valueOf(String[] args, int i, String name) {
        return () -> {
            if (i + 1 >= args.length) {
                throw new EvalException(name + " needs a value");
            }
            return args[i + 1];
        };
    }

    private static int positive(String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new EvalException(name + " needs a positive integer, got " + v);
    }
}
