/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.common.settings.Settings;
import org.opensearchrealm.read.ExtractiveReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Paths and helpers shared by the model tests. */
public final class ModelTestSupport {

    private ModelTestSupport() {}

    /** The staged plugin home (natives and default models), set by Surefire. */
    public static Path pluginHome() {
        String home = System.getProperty("realm.test.plugin_home");
        if (home == null || Files.isDirectory(Path.of(home, "native")) == false) {
            throw new AssertionError("system property realm.test.plugin_home must point at the staged plugin (got [" + home + "])");
        }
        return Path.of(home);
    }

    public static Path cacheDir() {
        String dir = System.getProperty("DJL_CACHE_DIR");
        return dir != null ? Path.of(dir) : pluginHome().resolveSibling("djl-cache");
    }

    /** src/test/resources/models as copied to the test class path. */
    public static Path fixtures() {
        URL url = ModelTestSupport.class.getResource("/models/tiny-onnx/model.json");
        if (url == null) {
            throw new AssertionError("test fixtures not found on the class path");
        }
        try {
            return Path.of(url.toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Copies fixture models into {@code <configDir>/realm/models/<id>}; returns the config dir. */
    public static Path installFixtures(Path configDir, String... ids) {
        try {
            for (String id : ids) {
                Path target = ModelRegistry.operatorModelsDir(configDir).resolve(id);
                Files.createDirectories(target);
                try (Stream<Path> files = Files.list(fixtures().resolve(id))) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.copy(f, target.resolve(f.getFileName().toString())); // by name: createTempDir paths are of another file system
                    }
                }
            }
            return configDir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A registry over the staged plugin home and the given config dir that retries failed loads at once. */
    public static ModelRegistry registry(Path configDir) {
        return registry(configDir, Settings.EMPTY);
    }

    public static ModelRegistry registry(Path configDir, Settings settings) {
        return registry(pluginHome(), configDir, cacheDir(), settings, 0);
    }

    /** The one way tests make a registry: with the runtime's reader, and a chosen wait before a failed load is retried. */
    static ModelRegistry registry(Path home, Path configDir, Path cacheDir, Settings settings, long retryAfterNanos) {
        return registry(home, configDir, cacheDir, settings, retryAfterNanos, ExtractiveReader::new);
    }

    /** A registry whose readers {@code readers} makes, retrying failed loads at once. */
    static ModelRegistry registry(Path configDir, ReaderFactory readers) {
        return registry(pluginHome(), configDir, cacheDir(), Settings.EMPTY, 0, readers);
    }

    private static ModelRegistry registry(Path home, Path configDir, Path cacheDir, Settings settings, long retryAfterNanos, ReaderFactory readers) {
        return new ModelRegistry(home, configDir, cacheDir, settings, readers, retryAfterNanos);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
