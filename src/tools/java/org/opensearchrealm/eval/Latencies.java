/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.opensearchrealm.eval.EvalReport.round;

/** Request latencies per kind of request, milliseconds; their p50 and p90 go into {@code results.json}'s timing. */
final class Latencies {
    private final Map<String, List<Double>> ms = new LinkedHashMap<>();

    synchronized void add(String kind, double v) {
        ms.computeIfAbsent(kind, x -> new ArrayList<>()).add(v);
    }

    synchronized Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        ms.forEach((kind, values) -> {
            List<Double> v = new ArrayList<>(values);
            Collections.sort(v);
            out.put(kind + "_ms_p50", round(v.get(v.size() / 2), 1));
            out.put(kind + "_ms_p90", round(v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.9) - 1)), 1));
        });
        return out;
    }
}
