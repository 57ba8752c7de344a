/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.opensearchrealm.settings.ModelSettings;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Points DJL at the native libraries shipped in the plugin's {@code native/} directory, keeps it offline and keeps
 * it from writing anything under the user's home directory. This is the one piece of process-wide state of the model
 * runtime: DJL reads its configuration from system properties (through {@code Utils.getEnvOrSystemProperty}, where an
 * environment variable of the same name wins) and loads each native library once per process.
 *
 * <p>Layout expected under the plugin's home: {@code native/pytorch/} (libtorch, libc10, libtorch_cpu, libgomp,
 * libdjl_torch), {@code native/onnxruntime/} (libonnxruntime, libonnxruntime4j_jni),
 * {@code native/tokenizers/libtokenizers.so}.
 */
public final class NativeLibraries {

    private static final Logger logger = LogManager.getLogger(NativeLibraries.class);

    public static final String PYTORCH_VERSION = "2.7.1";
    public static final String ONNX_RUNTIME = "OnnxRuntime";
    public static final String PYTORCH = "PyTorch";

    private static Path home;
    private static Path cacheDir;
    private static int intraOpThreads = 1;
    private static boolean torchThreadsChecked;
    /** The first failure of each engine: later attempts only see "Could not initialize class ...". */
    private static final Map<String, String> firstFailures = new java.util.concurrent.ConcurrentHashMap<>();

    private NativeLibraries() {}

    /**
     * Sets DJL's system properties, then starts DJL's ONNX Runtime engine so that its {@code OrtEnvironment} is the
     * process's first (ONNX Runtime has one environment per process and keeps the first one's options). Idempotent:
     * the first call wins; a later call with other paths only logs a warning. A failure to start ONNX Runtime is
     * logged, not thrown: it is reported again when an ONNX model is loaded.
     *
     * @param pluginHome     the plugin's directory, holding {@code native/}
     * @param cacheDir       a writable directory for DJL's caches (under the node's data or tmp directory)
     * @param intraOpThreads threads per inference call, see {@link ModelSettings#INTRA_OP_THREADS}
     */
    public static synchronized void configure(Path pluginHome, Path cacheDir, int intraOpThreads) {
        Path absoluteHome = pluginHome.toAbsolutePath().normalize();
        Path absoluteCache = cacheDir.toAbsolutePath().normalize();
        if (home != null) {
            if (home.equals(absoluteHome) == false || NativeLibraries.cacheDir.equals(absoluteCache) == false) {
                logger.warn(
                    "native libraries are already configured from [{}] (cache [{}]); ignoring [{}] (cache [{}])",
                    home,
                    NativeLibraries.cacheDir,
                    absoluteHome,
                    absoluteCache
                );
            }
            return;
        }
        Path natives = absoluteHome.resolve("native");
        Map<String, String> properties = new LinkedHashMap<>();
        // never download anything (engines, models, tokenizers) and never call home
        properties.put("ai.djl.offline", "true");
        properties.put("OPT_OUT_TRACKING", "true");
        properties.put("PYTORCH_LIBRARY_PATH", natives.resolve("pytorch").toString());
        properties.put("PYTORCH_VERSION", PYTORCH_VERSION);
        properties.put("PYTORCH_FLAVOR", "cpu");
        // a FILE path: a directory makes DJL probe for CUDA variants
        properties.put("RUST_LIBRARY_PATH", natives.resolve("tokenizers").resolve("libtokenizers.so").toString());
        properties.put("onnxruntime.native.path", natives.resolve("onnxruntime").toString());
        properties.put("DJL_CACHE_DIR", absoluteCache.toString());
        properties.put("ENGINE_CACHE_DIR", absoluteCache.toString());
        // pooling is plain Java: ONNX Runtime must not load PyTorch as its "alternative engine" for NDArray math
        properties.put("ai.djl.onnx.disable_alternative", "true");
        // inputs change shape with every batch: TorchScript's profiling optimiser would re-specialise all the time
        properties.put("ai.djl.pytorch.graph_optimizer", "false");
        properties.put("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        properties.put("ai.djl.pytorch.num_interop_threads", "1");
        for (Map.Entry<String, String> e : properties.entrySet()) {
            try {
                String env = System.getenv(e.getKey());
                if (env != null && env.equals(e.getValue()) == false) {
                    logger.warn("environment variable [{}={}] overrides the plugin's value [{}] for DJL", e.getKey(), env, e.getValue());
                }
                String old = System.setProperty(e.getKey(), e.getValue());
                if (old != null && old.equals(e.getValue()) == false) {
                    logger.info("system property [{}] changed from [{}] to [{}]", e.getKey(), old, e.getValue());
                }
            } catch (RuntimeException ex) { // e.g. a security policy without this property's write permission
                logger.warn("cannot set system property [" + e.getKey() + "=" + e.getValue() + "] for DJL", ex);
            }
        }
        for (Path p : new Path[] { natives.resolve("pytorch"), natives.resolve("onnxruntime"), natives.resolve("tokenizers") }) {
            if (Files.isDirectory(p) == false) {
                logger.warn("native library directory [{}] is missing: models that need it will fail to load", p);
            }
        }
        try {
            Files.createDirectories(absoluteCache);
        } catch (Exception e) {
            logger.warn("cannot create DJL cache directory [" + absoluteCache + "]", e);
        }
        home = absoluteHome;
        NativeLibraries.cacheDir = absoluteCache;
        NativeLibraries.intraOpThreads = intraOpThreads;
        try {
            engine(ONNX_RUNTIME);
            logger.debug("ONNX Runtime engine started");
        } catch (ModelException e) {
            logger.warn("cannot start the ONNX Runtime engine; ONNX models will fail to load", e);
        }
    }

    /** Whether {@link #configure} was called. */
    public static synchronized boolean configured() {
        return home != null;
    }

    /** The plugin home the natives come from, or {@code null} before {@link #configure}. */
    public static synchronized Path home() {
        return home;
    }

    /**
     * Starts (once) and returns a DJL engine, {@value #ONNX_RUNTIME} or {@value #PYTORCH}.
     *
     * @throws ModelException 500 when the engine's native libraries cannot be loaded
     */
    static Engine engine(String name) {
        Path natives;
        synchronized (NativeLibraries.class) {
            if (home == null) {
                throw ModelException.failed("the model runtime is not configured: NativeLibraries.configure was not called", null);
            }
            natives = home.resolve("native");
        }
        try {
            return withPluginClassLoader(() -> {
                Engine engine = Engine.getEngine(name);
                if (PYTORCH.equals(name)) {
                    applyTorchThreads();
                }
                return engine;
            });
        } catch (Throwable t) { // NOPMD: UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError, ...
            String description = ModelException.describe(t);
            String first = firstFailures.putIfAbsent(name, description);
            String message = "cannot start the [" + name + "] engine with native libraries from [" + natives + "]: " + description;
            if (first != null && first.equals(description) == false) {
                message += "; the first attempt failed with: " + first;
            }
            throw ModelException.failed(message, t);
        }
    }

    /**
     * The PyTorch engine reads its thread counts when it starts; if something else started it first, set the intra-op
     * count now (the inter-op count can only be set before the first parallel work, so it is left alone).
     */
    private static synchronized void applyTorchThreads() {
        if (torchThreadsChecked) {
            return;
        }
        torchThreadsChecked = true;
        int current = JniUtils.getNumThreads();
        if (current != intraOpThreads) {
            logger.info("PyTorch uses [{}] intra-op threads; setting [{}]", current, intraOpThreads);
            JniUtils.setNumThreads(intraOpThreads);
        }
    }

    /**
     * Runs {@code work} with the plugin's class loader as the thread's context class loader: DJL finds its engines with
     * a {@link java.util.ServiceLoader} and its {@code native/lib/*.properties} through the context class loader, which
     * on a node's threads is not the plugin's.
     */
    static <T> T withPluginClassLoader(Callable<T> work) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader plugin = NativeLibraries.class.getClassLoader();
        if (previous == plugin) {
            return work.call();
        }
        thread.setContextClassLoader(plugin);
        try {
            return work.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
