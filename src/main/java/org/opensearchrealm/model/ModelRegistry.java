/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearchrealm.settings.ModelSettings;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The models a node knows, and their encoders and readers, loaded on first use.
 *
 * <p>Models come from two places: {@code <plugin home>/models/<id>/model.json} (bundled with the plugin) and
 * {@code <config>/realm/models/<id>/model.json} (added by the operator). An operator model whose id is the id of a
 * bundled model is an error: it is logged and ignored, because indices created with the bundled model rely on its
 * vectors, and a silent replacement would make their queries meaningless. A descriptor that cannot be parsed is logged
 * and remembered: asking for its model gives its error (500) rather than "unknown model" (404).
 *
 * <p>A model is an encoder ({@code "task": "embedding"}, the default) or a reader ({@code "task": "extractive_qa"}).
 * An encoder or a reader is loaded once, by the first caller (others wait for it), after its files are verified against the
 * hashes of its descriptor, and runs a warm-up batch ({@link WarmUp}) before anyone uses it, so that no request pays for
 * the engine's first passes. A failed load is reported as a {@link ModelException} and is not cached for good: calls in
 * the next few seconds get the same failure at once (so that a bulk request does not re-hash a broken model for each
 * batch), later calls try again. A broken model never affects the others.
 *
 * <p>Loaded models share the node's memory budget ({@link ModelMemoryBudget}, {@code plugins.realm.model.memory_budget}): a
 * model reserves its estimate (twice the size of its files) before it loads; a load over the budget is refused with 429
 * and not remembered as a failure, so raising the budget takes effect at once.
 */
public final class ModelRegistry implements Closeable {

    private static final Logger logger = LogManager.getLogger(ModelRegistry.class);

    /** How long a failed load is reported without retrying. */
    static final long DEFAULT_RETRY_AFTER_NANOS = 10_000_000_000L;

    private final Map<String, Slot> models;
    private final Map<String, ModelException> invalid;
    private final int intraOpThreads;
    private final int maxBatch;
    private final ReaderFactory readers;
    private final long retryAfterNanos;
    private final ModelMemoryBudget budget;
    private volatile boolean closed;

    /**
     * Reads the descriptors (not the models) and configures the native libraries.
     *
     * @param pluginHome the plugin's directory ({@code native/}, {@code models/})
     * @param configDir  the node's config directory; operator models are in {@code <configDir>/realm/models}
     * @param cacheDir   a writable directory for DJL's caches, e.g. under the node's tmp directory
     * @param settings   the node settings ({@link ModelSettings})
     * @param readers    makes the reader of a loaded extractive QA network
     */
    public ModelRegistry(Path pluginHome, Path configDir, Path cacheDir, Settings settings, ReaderFactory readers) {
        this(pluginHome, configDir, cacheDir, settings, readers, DEFAULT_RETRY_AFTER_NANOS);
    }

    ModelRegistry(Path pluginHome, Path configDir, Path cacheDir, Settings settings, ReaderFactory readers, long retryAfterNanos) {
        this.readers = readers;
        this.intraOpThreads = ModelSettings.INTRA_OP_THREADS.get(settings);
        this.maxBatch = ModelSettings.MAX_BATCH_SIZE.get(settings);
        this.retryAfterNanos = retryAfterNanos;
        this.budget = new ModelMemoryBudget(ModelSettings.MEMORY_BUDGET.get(settings).getBytes());
        NativeLibraries.configure(pluginHome, cacheDir, intraOpThreads);

        Map<String, Slot> found = new TreeMap<>();
        Map<String, ModelException> problems = new TreeMap<>();
        collect(bundledModelsDir(pluginHome), "bundled", found, problems);
        collect(operatorModelsDir(configDir), "operator", found, problems);
        this.models = Collections.unmodifiableMap(found);
        this.invalid = Collections.unmodifiableMap(problems);
        logger.info("models available: {}", models.keySet());
    }

    public static Path bundledModelsDir(Path pluginHome) {
        return pluginHome.resolve("models");
    }

    public static Path operatorModelsDir(Path configDir) {
        return configDir.resolve("realm").resolve("models");
    }

    private void collect(Path dir, String kind, Map<String, Slot> found, Map<String, ModelException> problems) {
        List<ModelFiles.Found> descriptors;
        try {
            descriptors = ModelFiles.scan(dir);
        } catch (Exception e) {
            logger.error("cannot list " + kind + " models in [" + dir + "]", e);
            return;
        }
        for (ModelFiles.Found f : descriptors) {
            String dirName = f.modelJson().getParent().getFileName().toString();
            if (f.ok() == false) {
                logger.error("ignoring {} model [{}]: {}", kind, dirName, f.error().getMessage());
                if (found.containsKey(dirName) == false) {
                    problems.putIfAbsent(dirName, f.error());
                }
                continue;
            }
            ModelDescriptor descriptor = f.descriptor();
            Slot existing = found.get(descriptor.id());
            if (existing != null) {
                logger.error(
                    "ignoring {} model [{}] in [{}]: a bundled model has the same id ([{}]); give the model another id",
                    kind,
                    descriptor.id(),
                    descriptor.directory(),
                    existing.descriptor.directory()
                );
                continue;
            }
            problems.remove(descriptor.id());
            found.put(descriptor.id(), new Slot(descriptor));
        }
    }

    /**
     * The descriptor of a model.
     *
     * @throws ModelException 404 for an unknown id, 500 for a model whose model.json is invalid
     */
    public ModelDescriptor descriptor(String id) {
        return slot(id).descriptor;
    }

    /** The descriptors of all models with a valid model.json, sorted by id (whether their files load is known on first use). */
    public Collection<ModelDescriptor> descriptors() {
        return models.values().stream().map(s -> s.descriptor).toList();
    }

    /** Models whose model.json could not be read, by directory name, with the reason. */
    public Map<String, ModelException> invalidModels() {
        return invalid;
    }

    /**
     * The encoder of a model, loaded (once) if needed. Blocks while the model loads: call it on the inference pool.
     *
     * @throws ModelException 404 for an unknown id; 500 for a model that cannot be loaded (missing file, hash mismatch,
     *                        corrupt file, native library failure), with a message naming the model and the file
     */
    public Encoder encoder(String id) {
        return (Encoder) slot(id, ModelDescriptor.Task.EMBEDDING).get();
    }

    /**
     * The reader of an extractive QA model, loaded (once) if needed. Blocks while the model loads: call it on the
     * inference pool.
     *
     * @throws ModelException 404 for an unknown id; 400 for a model that is not an extractive_qa model; 500 for a model
     *                        that cannot be loaded, with a message naming the model and the file
     */
    public Reader reader(String id) {
        return (Reader) slot(id, ModelDescriptor.Task.EXTRACTIVE_QA).get();
    }

    /**
     * The descriptor of a model that must do {@code task}.
     *
     * @throws ModelException 404 for an unknown id, 400 for a model of another task, 500 for an invalid model.json
     */
    public ModelDescriptor descriptor(String id, ModelDescriptor.Task task) {
        return slot(id, task).descriptor;
    }

    /** Whether the model's encoder or reader is loaded. */
    public boolean isLoaded(String id) {
        Slot slot = models.get(id);
        return slot != null && slot.loaded != null;
    }

    /** The encoders and readers loaded now, by id, with their memory. */
    public List<LoadedModel> loadedModels() {
        return models.values().stream().map(s -> s.info).filter(Objects::nonNull).toList();
    }

    /** Sets {@code plugins.realm.model.memory_budget} (negative: no limit); models already loaded stay loaded. */
    public void setMemoryBudget(ByteSizeValue budget) {
        this.budget.setLimit(budget.getBytes());
        logger.info("[{}] set to [{}]", ModelSettings.MEMORY_BUDGET.getKey(), budget);
    }

    /** The memory budget of loaded models in bytes, negative for none. */
    public long memoryBudgetBytes() {
        return budget.limitBytes();
    }

    /** The estimated memory of the models loaded (or loading) now, in bytes. */
    public long memoryUsedBytes() {
        return budget.reservedBytes();
    }

    /**
     * Native bytes a model takes per byte of its files. Measured on a node (resident memory before and after the load,
     * GET _plugins/_realm/stats): all-MiniLM-L6-v2 (92 MB file) grew it by 171 MB as the first ONNX model, and
     * bge-small-en-v1.5 (134 MB) by 245 MB as the second: ONNX Runtime holds the weights and pre-packed copies of them.
     * The fp16 weights of a {@code djl} reader are held as fp32: twice the file as well.
     */
    static final long MEMORY_PER_FILE_BYTE = 2;

    /**
     * The estimate charged to the budget: {@link #MEMORY_PER_FILE_BYTE} times the total size of the model's files
     * (a file that cannot be read counts 0: loading then fails anyway).
     */
    static long memoryEstimate(ModelDescriptor descriptor) {
        long bytes = 0;
        for (String role : descriptor.files().keySet()) {
            try {
                bytes += Files.size(descriptor.file(role));
            } catch (IOException | RuntimeException e) {
                logger.debug("cannot size file [{}] of model [{}]: {}", role, descriptor.id(), e.toString());
            }
        }
        return MEMORY_PER_FILE_BYTE * bytes;
    }

    private Slot slot(String id, ModelDescriptor.Task task) {
        Slot slot = slot(id);
        if (slot.descriptor.task() != task) {
            throw ModelException.badRequest(
                "model ["
                    + id
                    + "] is "
                    + (slot.descriptor.task() == ModelDescriptor.Task.EMBEDDING ? "an encoder" : "a reader")
                    + " ([task] ["
                    + slot.descriptor.task().jsonName()
                    + "]); "
                    + (task == ModelDescriptor.Task.EMBEDDING ? "an encoder" : "a reader")
                    + " ([task] ["
                    + task.jsonName()
                    + "]) is needed here"
            );
        }
        return slot;
    }

    private Slot slot(String id) {
        if (id == null || id.isEmpty()) {
            throw ModelException.badRequest("a model id is required");
        }
        Slot slot = models.get(id);
        if (slot == null) {
            ModelException problem = invalid.get(id);
            if (problem != null) {
                throw ModelException.failed("model [" + id + "] is not usable: " + problem.getMessage(), null);
            }
            throw new ModelException(RestStatus.NOT_FOUND, "unknown model [" + id + "]; known models are " + models.keySet());
        }
        return slot;
    }

    /** Closes every loaded encoder and reader (waiting for calls in flight); later calls fail. */
    @Override
    public void close() {
        closed = true;
        for (Slot slot : models.values()) {
            slot.close();
        }
    }

    /** One model: its descriptor and, once loaded, its encoder or reader. */
    private final class Slot {
        final ModelDescriptor descriptor;
        volatile AutoCloseable loaded; // a BaseEncoder or a Reader
        volatile LoadedModel info;     // set with loaded
        private ModelException lastFailure; // guarded by this
        private long lastFailureNanos;      // guarded by this

        Slot(ModelDescriptor descriptor) {
            this.descriptor = descriptor;
        }

        Object get() {
            AutoCloseable current = loaded;
            if (current != null) {
                return current;
            }
            synchronized (this) {
                if (loaded != null) {
                    return loaded;
                }
                checkOpen();
                if (lastFailure != null && System.nanoTime() - lastFailureNanos < retryAfterNanos) {
                    throw new ModelException(lastFailure.status(), lastFailure.getMessage(), lastFailure);
                }
                long estimate = memoryEstimate(descriptor);
                budget.reserve(descriptor.id(), estimate); // refused: nothing loaded, nothing remembered
                long start = System.nanoTime();
                long rssBefore = ResidentMemory.bytes();
                AutoCloseable created;
                try {
                    created = switch (descriptor.task()) {
                        case EMBEDDING -> EncoderLoader.load(descriptor, intraOpThreads, maxBatch);
                        case EXTRACTIVE_QA -> ReaderLoader.load(descriptor, intraOpThreads, maxBatch, readers);
                    };
                } catch (Throwable t) { // NOPMD: EncoderLoader converts, this is a last guard
                    throw failed("failed to load", ModelException.wrap("model [" + descriptor.id() + "] failed to load", t), estimate);
                }
                long loadMillis = (System.nanoTime() - start) / 1_000_000;
                long warmStart = System.nanoTime();
                try {
                    WarmUp.run(created);
                } catch (Throwable t) { // NOPMD: a model that cannot run a dummy batch would fail every request
                    ModelLoader.closeQuietly(created);
                    String message = "model [" + descriptor.id() + "] failed its warm-up batch: " + ModelException.describe(t);
                    throw failed("failed its warm-up batch", ModelException.failed(message, t), estimate);
                }
                long warmUpMillis = (System.nanoTime() - warmStart) / 1_000_000;
                if (closed) {
                    budget.release(estimate);
                    ModelLoader.closeQuietly(created);
                    checkOpen();
                }
                long rssAfter = ResidentMemory.bytes();
                lastFailure = null;
                info = new LoadedModel(
                    descriptor.id(),
                    descriptor.task().jsonName(),
                    descriptor.format().jsonName(),
                    estimate,
                    rssBefore < 0 || rssAfter < 0 ? -1 : rssAfter - rssBefore,
                    loadMillis,
                    warmUpMillis
                );
                loaded = created;
                logger.info(
                    "loaded model [{}] ({}) from [{}] in {} ms, warmed up in {} ms, memory estimate [{}] bytes, resident memory grew by [{}] bytes",
                    descriptor.id(),
                    descriptor.task() == ModelDescriptor.Task.EMBEDDING
                        ? descriptor.format().jsonName() + ", " + descriptor.encoder().dimension() + " dimensions"
                        : descriptor.task().jsonName() + ", " + descriptor.format().jsonName(),
                    descriptor.directory(),
                    loadMillis,
                    warmUpMillis,
                    estimate,
                    info.rssDeltaBytes()
                );
                return created;
            }
        }

        /** Logs the failure, gives the estimate back and remembers the failure for the retry delay; the caller throws it. */
        private ModelException failed(String what, ModelException e, long estimate) {
            budget.release(estimate);
            lastFailure = e;
            lastFailureNanos = System.nanoTime();
            logger.warn("model [" + descriptor.id() + "] " + what, e);
            return e;
        }

        private void checkOpen() {
            if (closed) {
                throw ModelException.failed("the model registry is closed", null);
            }
        }

        synchronized void close() {
            AutoCloseable e = loaded;
            LoadedModel was = info;
            loaded = null;
            info = null;
            if (was != null) {
                budget.release(was.memoryBytes());
            }
            if (e != null) {
                try {
                    e.close();
                } catch (Throwable t) { // NOPMD
                    logger.warn("failed to close model [" + descriptor.id() + "]", t);
                }
            }
        }
    }

    @Override
    public String toString() {
        Map<String, Boolean> state = new LinkedHashMap<>();
        for (Map.Entry<String, Slot> e : models.entrySet()) {
            state.put(e.getKey(), e.getValue().loaded != null);
        }
        return "ModelRegistry" + state;
    }
}
