/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.train;

import ai.djl.nn.Parameter;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearchrealm.model.bert.ReaderWeights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/**
 * The run's checkpoint, {@code <run-dir>/checkpoint/}: fp32 weights and Adam moments as safetensors, and
 * {@code state.json} with the step and what the plan depends on (seed, steps, batch). Written into a sibling directory
 * and moved into place, so an interrupted write leaves the previous checkpoint whole.
 */
final class Checkpoint {

    private final Path dir;
    private final Map<String, Parameter> params;
    private final ReaderAdamW optimizer;
    private final TrainLog log;

    Checkpoint(Path dir, Map<String, Parameter> params, ReaderAdamW optimizer, TrainLog log) {
        this.dir = dir;
        this.params = params;
        this.optimizer = optimizer;
        this.log = log;
    }

    /** The checkpoint's weights file (what --eval-only and --export-only load without --weights). */
    Path weights() {
        return dir.resolve("weights.safetensors");
    }

    boolean exists() {
        return Files.exists(dir.resolve("state.json"));
    }

    void save(int step, int seed, int total, int batch, String commandLine) throws IOException {
        long t0 = System.nanoTime();
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        deleteDir(tmp);
        Files.createDirectories(tmp);
        ReaderWeights.writeSafetensors(params, tmp.resolve("weights.safetensors"), false, Map.of("step", Integer.toString(step)));
        ReaderWeights.writeArrays(optimizer.state(), tmp.resolve("adam.safetensors"), false, Map.of("step", Integer.toString(step)));
        Files.writeString(
            tmp.resolve("state.json"),
            String.format(Locale.ROOT, "{\"step\": %d, \"total_steps\": %d, \"seed\": %d, \"batch\": %d, \"command\": %s}\n", step, total,
                seed, batch, ReaderWeights.jsonString(commandLine))
        );
        deleteDir(old);
        if (Files.exists(dir)) {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteDir(old);
        log.print(String.format(Locale.ROOT, "checkpoint at step %d written to %s (%.1f s)", step, dir, (System.nanoTime() - t0) / 1e9));
    }

    /** Loads weights and moments; the step to continue from. Refuses a checkpoint of another plan. */
    int restore(int seed, int total, int batch) throws IOException {
        Map<String, Object> state;
        try (
            XContentParser p = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                Files.readString(dir.resolve("state.json"))
            )
        ) {
            state = p.map();
        }
        int savedSeed = ((Number) state.get("seed")).intValue();
        int savedTotal = ((Number) state.get("total_steps")).intValue();
        int savedBatch = ((Number) state.get("batch")).intValue();
        if (savedSeed != seed || savedTotal != total || savedBatch != batch) {
            throw new IllegalArgumentException(
                "the checkpoint was taken with seed " + savedSeed + ", " + savedTotal + " steps of " + savedBatch
                    + "; this run has seed " + seed + ", " + total + " steps of " + batch + ": resume with the same options"
            );
        }
        ReaderWeights.load(ReaderWeights.readSafetensors(weights(), null), params);
        optimizer.restore(ReaderWeights.readSafetensors(dir.resolve("adam.safetensors"), null), params);
        return ((Number) state.get("step")).intValue();
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    private static void deleteDir(Path dir) throws IOException {
        if (Files.exists(dir) == false) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
