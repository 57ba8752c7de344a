/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.core.rest.RestStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finding model descriptors, verifying model files against the hashes in their descriptors, and reading model files
 * (from a model's directory or from a zip archive). Shared by the runtime ({@link ModelRegistry}) and the build-time
 * check ({@link ModelFilesCheck}).
 */
public final class ModelFiles {

    /** Largest model file read into memory from an archive. */
    static final long MAX_ARCHIVE_ENTRY_BYTES = Integer.MAX_VALUE - 64;
    /** Largest tokenizer.json read into memory. */
    static final long MAX_TOKENIZER_BYTES = 64L * 1024 * 1024;

    private ModelFiles() {}

    /** One {@code <dir>/<id>/model.json} found by {@link #scan}: its descriptor, or why it could not be read. */
    public record Found(Path modelJson, ModelDescriptor descriptor, ModelException error) {
        public boolean ok() {
            return descriptor != null;
        }
    }

    /**
     * Reads every {@code <modelsDir>/<id>/model.json}, sorted by directory name. A directory without a
     * {@code model.json} is skipped; a missing {@code modelsDir} gives an empty list.
     */
    public static List<Found> scan(Path modelsDir) throws IOException {
        List<Found> found = new ArrayList<>();
        if (Files.isDirectory(modelsDir) == false) {
            return found;
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(modelsDir)) {
            for (Path dir : stream) {
                if (Files.isDirectory(dir) && dir.getFileName().toString().startsWith(".") == false) {
                    dirs.add(dir);
                }
            }
        }
        dirs.sort(null);
        for (Path dir : dirs) {
            Path json = dir.resolve(ModelDescriptor.FILE_NAME);
            if (Files.isRegularFile(json) == false) {
                continue;
            }
            try {
                found.add(new Found(json, ModelDescriptor.load(json), null));
            } catch (ModelException e) {
                found.add(new Found(json, null, e));
            }
        }
        return found;
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Lower-case hex SHA-256 of bytes. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    /**
     * Checks that every file of the model exists, is a regular file and has the SHA-256 its descriptor lists.
     *
     * @throws ModelException 500 naming the model and the file
     */
    public static void verify(ModelDescriptor model) {
        for (Map.Entry<String, String> e : model.sha256().entrySet()) {
            Path file = model.directory().resolve(e.getKey());
            String actual;
            try {
                if (Files.isRegularFile(file) == false) {
                    throw new NoSuchFileException(file.toString());
                }
                actual = sha256(file);
            } catch (NoSuchFileException ex) {
                throw ModelException.failed(
                    "model [" + model.id() + "]: file [" + file + "] listed in its model.json does not exist or is not a file",
                    null
                );
            } catch (IOException ex) {
                throw ModelException.failed(
                    "model [" + model.id() + "]: cannot read file [" + file + "]: " + ModelException.describe(ex),
                    ex
                );
            }
            if (actual.equals(e.getValue()) == false) {
                throw ModelException.failed(
                    "model ["
                        + model.id()
                        + "]: file ["
                        + file
                        + "] has sha256 ["
                        + actual
                        + "] but its model.json expects ["
                        + e.getValue()
                        + "]; the file is corrupt, truncated or was replaced",
                    null
                );
            }
        }
    }

    /** The bytes of a model's network and tokenizer, from its directory or from its archive. */
    record Contents(String modelName, byte[] model, Path modelPath, byte[] tokenizer) {}

    /**
     * Reads the tokenizer (and, for an archive, the model file) of a model whose files were verified. A model in its
     * own file is left on disk ({@code modelPath}) for the engine to read; one in an archive is read into memory and
     * never extracted.
     */
    static Contents read(ModelDescriptor model) {
        if (model.isArchive()) {
            return readArchive(model);
        }
        Path tokenizer = model.file(ModelDescriptor.ROLE_TOKENIZER);
        try {
            long size = Files.size(tokenizer);
            if (size > MAX_TOKENIZER_BYTES) {
                throw ModelException.failed("model [" + model.id() + "]: tokenizer [" + tokenizer + "] is too large (" + size + " bytes)", null);
            }
            Path modelPath = model.file(ModelDescriptor.ROLE_MODEL);
            return new Contents(modelPath.toString(), null, modelPath, Files.readAllBytes(tokenizer));
        } catch (IOException e) {
            throw ModelException.failed("model [" + model.id() + "]: cannot read [" + tokenizer + "]: " + ModelException.describe(e), e);
        }
    }

    private static Contents readArchive(ModelDescriptor model) {
        Path zip = model.file(ModelDescriptor.ROLE_ARCHIVE);
        String extension = model.format() == ModelDescriptor.Format.ONNX ? ".onnx" : ".pt";
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry modelEntry = null;
            ZipEntry tokenizerEntry = null;
            List<String> names = new ArrayList<>();
            var entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                names.add(name);
                String base = name.substring(name.lastIndexOf('/') + 1);
                if (base.startsWith(".") || name.startsWith("__MACOSX/")) {
                    continue;
                }
                if (base.endsWith(extension)) {
                    if (modelEntry != null) {
                        throw ModelException.failed(
                            "model ["
                                + model.id()
                                + "]: archive ["
                                + zip
                                + "] holds more than one "
                                + extension
                                + " file (["
                                + modelEntry.getName()
                                + "], ["
                                + name
                                + "])",
                            null
                        );
                    }
                    modelEntry = entry;
                } else if (base.equals("tokenizer.json")) {
                    if (tokenizerEntry != null) {
                        throw ModelException.failed("model [" + model.id() + "]: archive [" + zip + "] holds more than one tokenizer.json", null);
                    }
                    tokenizerEntry = entry;
                }
            }
            if (modelEntry == null || tokenizerEntry == null) {
                throw ModelException.failed(
                    "model ["
                        + model.id()
                        + "]: archive ["
                        + zip
                        + "] must hold one "
                        + extension
                        + " file (format ["
                        + model.format().jsonName()
                        + "]) and one tokenizer.json, but holds "
                        + names,
                    null
                );
            }
            byte[] modelBytes = readEntry(model, zip, file, modelEntry, MAX_ARCHIVE_ENTRY_BYTES);
            byte[] tokenizerBytes = readEntry(model, zip, file, tokenizerEntry, MAX_TOKENIZER_BYTES);
            return new Contents(zip + "!/" + modelEntry.getName(), modelBytes, null, tokenizerBytes);
        } catch (ModelException e) {
            throw e;
        } catch (IOException e) {
            throw ModelException.failed("model [" + model.id() + "]: cannot read archive [" + zip + "]: " + ModelException.describe(e), e);
        }
    }

    private static byte[] readEntry(ModelDescriptor model, Path zip, ZipFile file, ZipEntry entry, long limit) throws IOException {
        try (InputStream in = file.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 64) + 1);
            if (bytes.length > limit) {
                throw new ModelException(
                    RestStatus.INTERNAL_SERVER_ERROR,
                    "model [" + model.id() + "]: [" + entry.getName() + "] in archive [" + zip + "] is larger than " + limit + " bytes"
                );
            }
            return bytes;
        }
    }
}
