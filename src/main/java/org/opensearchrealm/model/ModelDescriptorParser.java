/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import static org.opensearchrealm.model.DescriptorFields.invalid;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearchrealm.model.ModelDescriptor.Format;
import org.opensearchrealm.model.ModelDescriptor.InputStyle;
import org.opensearchrealm.model.ModelDescriptor.Task;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads {@code model.json} into a {@link ModelDescriptor}: the common fields here, each task's own in its spec. */
final class ModelDescriptorParser {

    static final int MAX_DESCRIPTOR_BYTES = 64 * 1024;
    static final List<String> KNOWN_INPUTS = List.of(ModelDescriptor.INPUT_IDS, ModelDescriptor.ATTENTION_MASK, ModelDescriptor.TOKEN_TYPE_IDS);
    static final List<String> DEFAULT_TORCHSCRIPT_INPUTS = List.of(ModelDescriptor.INPUT_IDS, ModelDescriptor.ATTENTION_MASK);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Set<String> FIELDS = new LinkedHashSet<>();
    static {
        FIELDS.addAll(List.of("id", "task", "format", "files", "sha256", "max_tokens", "inputs", "input_style", "architecture"));
        FIELDS.addAll(EncoderSpec.FIELDS);
        FIELDS.addAll(ReaderSpec.FIELDS);
        FIELDS.addAll(List.of("license", "source"));
    }

    private ModelDescriptorParser() {}

    static ModelDescriptor load(Path modelJson) {
        Path file = modelJson.toAbsolutePath().normalize();
        Path directory = file.getParent();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_DESCRIPTOR_BYTES) {
                throw invalid(file.toString(), "the file has " + size + " bytes, more than the limit of " + MAX_DESCRIPTOR_BYTES);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw ModelException.badRequest("model descriptor [" + file + "] does not exist");
        } catch (IOException e) {
            throw new ModelException(RestStatus.BAD_REQUEST, "cannot read model descriptor [" + file + "]: " + ModelException.describe(e), e);
        }
        ModelDescriptor descriptor = parse(bytes, file.toString(), directory);
        String dirName = directory.getFileName() == null ? "" : directory.getFileName().toString();
        if (descriptor.id().equals(dirName) == false) {
            throw invalid(file.toString(), "[id] is [" + descriptor.id() + "] but the model's directory is named [" + dirName + "]; they must match");
        }
        return descriptor;
    }

    static ModelDescriptor parse(InputStream json, String origin, Path directory) throws IOException {
        byte[] bytes = json.readNBytes(MAX_DESCRIPTOR_BYTES + 1);
        if (bytes.length > MAX_DESCRIPTOR_BYTES) {
            throw invalid(origin, "the descriptor is larger than " + MAX_DESCRIPTOR_BYTES + " bytes");
        }
        return parse(bytes, origin, directory);
    }

    static ModelDescriptor parse(byte[] json, String origin, Path directory) {
        Map<String, Object> map;
        try (
            XContentParser parser = JsonXContent.jsonXContent.createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                json
            )
        ) {
            if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
                throw invalid(origin, "the file must hold one JSON object");
            }
            map = parser.mapOrdered();
            if (parser.nextToken() != null) {
                throw invalid(origin, "unexpected content after the JSON object");
            }
        } catch (ModelException e) {
            throw e;
        } catch (Exception e) { // Jackson parse errors, duplicate keys, ...
            throw new ModelException(RestStatus.BAD_REQUEST, "invalid model descriptor [" + origin + "]: not valid JSON: " + e.getMessage(), e);
        }
        return fromFields(new DescriptorFields(map, origin), directory);
    }

    private static ModelDescriptor fromFields(DescriptorFields fields, Path directory) {
        fields.rejectUnknown(FIELDS, "");
        String id = fields.requiredString("id");
        if (ID.matcher(id).matches() == false) {
            throw fields.invalid("[id] must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit, got [" + id + "]");
        }
        Task task = fields.has("task") ? fields.requiredEnum("task", Task.values()) : Task.EMBEDDING;
        Format format = fields.requiredEnum("format", Format.values());
        Map<String, String> files = files(fields);
        Map<String, String> hashes = hashes(fields, files);
        boolean qa = task == Task.EXTRACTIVE_QA;
        for (String field : qa ? EncoderSpec.FIELDS : ReaderSpec.FIELDS) {
            if (fields.has(field)) {
                Task other = qa ? Task.EMBEDDING : Task.EXTRACTIVE_QA;
                throw fields.invalid(
                    "[" + field + "] applies only to " + other.jsonName() + " models, and this model's [task] is [" + task.jsonName() + "]"
                );
            }
        }
        boolean archive = files.containsKey(ModelDescriptor.ROLE_ARCHIVE);
        if (format == Format.DJL && (qa == false || archive)) {
            throw fields.invalid("[format] [djl] is for extractive_qa models whose [files] are [model] (safetensors) and [tokenizer]");
        }
        EncoderSpec encoder = qa ? null : EncoderSpec.parse(fields);
        int maxTokens = fields.requiredInt("max_tokens", 2, ModelDescriptor.MAX_TOKENS_LIMIT);
        ReaderSpec reader = qa ? ReaderSpec.parse(fields, maxTokens, format == Format.DJL) : null;
        if (qa == false && fields.has("architecture")) {
            throw fields.invalid("[architecture] applies only to djl models: an ONNX or TorchScript file holds its own");
        }
        return new ModelDescriptor(
            id,
            task,
            format,
            files,
            hashes,
            maxTokens,
            inputs(fields, format),
            inputStyle(fields, format),
            encoder,
            reader,
            fields.optionalString("license", ""),
            fields.optionalString("source", ""),
            directory
        );
    }

    private static Map<String, String> files(DescriptorFields fields) {
        Map<String, String> files = fields.stringMap("files");
        for (Map.Entry<String, String> e : files.entrySet()) {
            String role = e.getKey();
            if (role.equals(ModelDescriptor.ROLE_MODEL) == false
                && role.equals(ModelDescriptor.ROLE_TOKENIZER) == false
                && role.equals(ModelDescriptor.ROLE_ARCHIVE) == false) {
                throw fields.invalid("[files] has an unknown role [" + role + "]; the roles are [model] and [tokenizer], or [archive] alone");
            }
            checkFileName(fields, e.getValue(), "files." + role);
        }
        boolean archive = files.containsKey(ModelDescriptor.ROLE_ARCHIVE);
        if (archive
            ? files.size() != 1
            : (files.containsKey(ModelDescriptor.ROLE_MODEL) && files.containsKey(ModelDescriptor.ROLE_TOKENIZER)) == false) {
            throw fields.invalid(
                "[files] must name either [model] and [tokenizer], or only [archive] (a zip with the model file and tokenizer.json), got "
                    + files.keySet()
            );
        }
        if (new LinkedHashSet<>(files.values()).size() != files.size()) {
            throw fields.invalid("[files] names the same file for two roles: " + files);
        }
        return files;
    }

    /** Every file's lower-case SHA-256, and no hash for a file that is not named. */
    private static Map<String, String> hashes(DescriptorFields fields, Map<String, String> files) {
        Map<String, String> sha256 = fields.stringMap("sha256");
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String file : files.values()) {
            String hash = sha256.get(file);
            if (hash == null) {
                throw fields.invalid("[sha256] has no hash for file [" + file + "]; every file in [files] needs one");
            }
            if (SHA256.matcher(hash).matches() == false) {
                throw fields.invalid("[sha256] of [" + file + "] must be 64 hexadecimal digits, got [" + hash + "]");
            }
            hashes.put(file, hash.toLowerCase(Locale.ROOT));
        }
        Set<String> extra = new TreeSet<>(sha256.keySet());
        extra.removeAll(files.values());
        if (extra.isEmpty() == false) {
            throw fields.invalid("[sha256] lists file(s) " + extra + " that [files] does not name");
        }
        return hashes;
    }

    private static List<String> inputs(DescriptorFields fields, Format format) {
        if (fields.has("inputs") == false) {
            return format == Format.TORCHSCRIPT ? DEFAULT_TORCHSCRIPT_INPUTS : List.of();
        }
        if (format != Format.TORCHSCRIPT) {
            throw fields.invalid("[inputs] applies only to torchscript models: an ONNX model declares its inputs by name");
        }
        List<String> inputs = fields.stringList("inputs");
        if (inputs.isEmpty() || inputs.get(0).equals(ModelDescriptor.INPUT_IDS) == false) {
            throw fields.invalid("[inputs] must start with [" + ModelDescriptor.INPUT_IDS + "], got " + inputs);
        }
        if (new LinkedHashSet<>(inputs).size() != inputs.size()) {
            throw fields.invalid("[inputs] lists an input twice: " + inputs);
        }
        for (String input : inputs) {
            if (KNOWN_INPUTS.contains(input) == false) {
                throw fields.invalid("[inputs] has an unknown input [" + input + "]; the known inputs are " + KNOWN_INPUTS);
            }
        }
        return inputs;
    }

    private static InputStyle inputStyle(DescriptorFields fields, Format format) {
        if (fields.has("input_style")) {
            if (format != Format.TORCHSCRIPT) {
                throw fields.invalid("[input_style] applies only to torchscript models");
            }
            return fields.requiredEnum("input_style", InputStyle.values());
        }
        return format == Format.TORCHSCRIPT ? InputStyle.POSITIONAL : null;
    }

    /** A file name inside the model's directory: no path separators, no "." or "..", nothing hidden. */
    private static void checkFileName(DescriptorFields fields, String name, String field) {
        if (name.isEmpty()
            || name.contains("/")
            || name.contains("\\")
            || name.startsWith(".")
            || name.indexOf('\0') >= 0
            || name.equals(ModelDescriptor.FILE_NAME)) {
            throw fields.invalid(
                "[" + field + "] must be a plain file name in the model's directory (no path, not hidden, not model.json), got [" + name + "]"
            );
        }
    }
}
