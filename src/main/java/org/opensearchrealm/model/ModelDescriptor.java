/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearchrealm.model.bert.BertConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a model is and how to run it, read from the {@code model.json} in the model's directory. Immutable.
 *
 * <pre>{@code
 * {
 *   "id": "all-minilm-l6-v2",
 *   "format": "onnx",                                  // onnx | torchscript
 *   "files": {                                         // role -> file name in the model's directory:
 *     "model": "model.onnx",                           //   model + tokenizer, or
 *     "tokenizer": "tokenizer.json"                    //   archive: a zip holding one .onnx/.pt and tokenizer.json
 *   },
 *   "sha256": {                                        // every file above -> its SHA-256, hex
 *     "model.onnx": "ca46f1a8...",
 *     "tokenizer.json": "754fbace..."
 *   },
 *   "dimension": 384,
 *   "pooling": "mean",                                 // mean | cls | none (the model outputs [batch, dimension])
 *   "normalize": true,                                 // optional, default true: L2-normalise the vectors
 *   "max_tokens": 256,                                 // truncation length, special tokens included
 *   "inputs": ["input_ids", "attention_mask"],         // torchscript only, optional: the inputs, in order
 *   "input_style": "positional",                       // torchscript only, optional: positional | dict (one
 *                                                      //   Dict[str, Tensor] argument, as ml-commons models take)
 *   "query_prefix": "",                                // optional, prepended to queries
 *   "passage_prefix": "",                              // optional, prepended to passages
 *   "license": "Apache-2.0",                           // optional
 *   "source": "..."                                    // optional: where the files come from
 * }
 * }</pre>
 *
 * An extractive question-answering model (a reader, {@code "task": "extractive_qa"}) has no dimension, pooling,
 * normalisation or prefixes; it has instead:
 *
 * <pre>{@code
 * {
 *   "id": "distilbert-squad",
 *   "task": "extractive_qa",                           // embedding (the default) | extractive_qa
 *   "format": "onnx",                                  // onnx | torchscript | djl
 *   "files": { "model": "model.onnx", "tokenizer": "tokenizer.json" },
 *   "sha256": { ... },
 *   "max_tokens": 384,                                 // window length, special tokens included
 *   "doc_stride": 128,                                 // optional, default 128: tokens shared by consecutive windows
 *   "max_question_tokens": 64,                         // optional, default 64: longer questions are cut
 *   "inputs": ["input_ids", "attention_mask"],         // torchscript only, as for encoders
 *   "outputs": ["start_logits", "end_logits"]          // optional: the names of the start and end logits outputs
 * }
 * }</pre>
 *
 * A window is {@code [CLS] question [SEP] passage-part [SEP]}: the passage part holds {@code max_tokens -
 * question tokens - special tokens} word pieces, and consecutive windows share {@code doc_stride} of them (the
 * {@code stride} of Hugging Face tokenizers' overflowing tokens), so {@code doc_stride} must be smaller than
 * {@code max_tokens - max_question_tokens - 4}. An ONNX reader must declare the two outputs by name; a TorchScript
 * reader may return them as a tuple or list (start first), a dict keyed by those names, or one {@code [batch,
 * tokens, 2]} tensor.
 *
 * A reader built in Java from DJL blocks ({@code "format": "djl"}, as the project's trainer writes them) names its
 * safetensors weights as the {@code model} file and gives the network's shape:
 *
 * <pre>{@code
 *   "architecture": {"layers": 6, "hidden": 384, "heads": 12, "intermediate": 1536, "vocab": 30522,
 *                    "max_positions": 512, "type_vocab": 2, "layer_norm_eps": 1e-12}   // the last two optional
 * }</pre>
 *
 * Unknown fields are rejected, so that a misspelt optional field does not silently fall back to its default.
 */
public final class ModelDescriptor {

    public static final String FILE_NAME = "model.json";

    public static final String ROLE_MODEL = "model";
    public static final String ROLE_TOKENIZER = "tokenizer";
    public static final String ROLE_ARCHIVE = "archive";

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final List<String> KNOWN_INPUTS = List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
    static final List<String> DEFAULT_TORCHSCRIPT_INPUTS = List.of(INPUT_IDS, ATTENTION_MASK);
    public static final String START_LOGITS = "start_logits";
    public static final String END_LOGITS = "end_logits";
    static final List<String> DEFAULT_QA_OUTPUTS = List.of(START_LOGITS, END_LOGITS);
    public static final int DEFAULT_DOC_STRIDE = 128;
    public static final int DEFAULT_MAX_QUESTION_TOKENS = 64;
    /** Special tokens a question/passage pair may need at most ({@code <s> q </s></s> p </s>} has four). */
    static final int MAX_PAIR_SPECIAL_TOKENS = 4;

    static final int MAX_DIMENSION = 16_384;
    static final int MAX_TOKENS_LIMIT = 8_192;
    private static final int MAX_DESCRIPTOR_BYTES = 64 * 1024;
    private static final Set<String> ARCHITECTURE_FIELDS = new LinkedHashSet<>(
        List.of("layers", "hidden", "heads", "intermediate", "vocab", "max_positions", "type_vocab", "layer_norm_eps")
    );
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Set<String> FIELDS = new LinkedHashSet<>(
        List.of(
            "id",
            "task",
            "format",
            "files",
            "sha256",
            "dimension",
            "pooling",
            "normalize",
            "max_tokens",
            "doc_stride",
            "max_question_tokens",
            "inputs",
            "input_style",
            "outputs",
            "architecture",
            "query_prefix",
            "passage_prefix",
            "license",
            "source"
        )
    );

    /** What the model does. */
    public enum Task {
        /** A text encoder: texts to vectors ({@link Encoder}). */
        EMBEDDING,
        /** A BERT-style extractive question-answering model: start and end logits over question/passage tokens. */
        EXTRACTIVE_QA;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The engine that runs the model file. */
    public enum Format {
        ONNX,
        TORCHSCRIPT,
        /**
         * An HF-style BERT reader built in Java from DJL blocks ({@link org.opensearchrealm.model.bert.BertQaBlock}) and run on the
         * PyTorch engine: the model file is a safetensors file of HF-named F16/F32 tensors, the shape comes from
         * {@code architecture}. The project's trainer writes readers in this format.
         */
        DJL;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a TorchScript model takes its inputs. */
    public enum InputStyle {
        /** One tensor argument per input, in the order of {@code inputs}. */
        POSITIONAL,
        /** One {@code Dict[str, Tensor]} argument keyed by input name (sentence-transformers models traced for ml-commons). */
        DICT;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How token vectors become one text vector. */
    public enum Pooling {
        /** Average of the token vectors under the attention mask. */
        MEAN,
        /** The first token's vector. */
        CLS,
        /** The model already returns one vector per text. */
        NONE;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String id;
    private final Task task;
    private final Format format;
    private final Map<String, String> files;
    private final Map<String, String> sha256;
    private final int dimension;
    private final Pooling pooling;
    private final boolean normalize;
    private final int maxTokens;
    private final List<String> inputs;
    private final InputStyle inputStyle;
    private final int docStride;
    private final int maxQuestionTokens;
    private final List<String> outputs;
    private final BertConfig architecture;
    private final String queryPrefix;
    private final String passagePrefix;
    private final String license;
    private final String source;
    private final Path directory;

    private ModelDescriptor(
        String id,
        Task task,
        Format format,
        Map<String, String> files,
        Map<String, String> sha256,
        int dimension,
        Pooling pooling,
        boolean normalize,
        int maxTokens,
        List<String> inputs,
        InputStyle inputStyle,
        int docStride,
        int maxQuestionTokens,
        List<String> outputs,
        BertConfig architecture,
        String queryPrefix,
        String passagePrefix,
        String license,
        String source,
        Path directory
    ) {
        this.id = id;
        this.task = task;
        this.format = format;
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        this.sha256 = Collections.unmodifiableMap(new LinkedHashMap<>(sha256));
        this.dimension = dimension;
        this.pooling = pooling;
        this.normalize = normalize;
        this.maxTokens = maxTokens;
        this.inputs = List.copyOf(inputs);
        this.inputStyle = inputStyle;
        this.docStride = docStride;
        this.maxQuestionTokens = maxQuestionTokens;
        this.outputs = List.copyOf(outputs);
        this.architecture = architecture;
        this.queryPrefix = queryPrefix;
        this.passagePrefix = passagePrefix;
        this.license = license;
        this.source = source;
        this.directory = directory;
    }

    /**
     * Reads {@code <dir>/model.json}; the descriptor's id must be the directory's name.
     *
     * @throws ModelException 400 when the file is missing, unreadable or invalid
     */
    public static ModelDescriptor load(Path modelJson) {
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
            throw new ModelException(
                RestStatus.BAD_REQUEST,
                "cannot read model descriptor [" + file + "]: " + ModelException.describe(e),
                e
            );
        }
        ModelDescriptor descriptor = parse(bytes, file.toString(), directory);
        String dirName = directory.getFileName() == null ? "" : directory.getFileName().toString();
        if (descriptor.id().equals(dirName) == false) {
            throw invalid(file.toString(), "[id] is [" + descriptor.id() + "] but the model's directory is named [" + dirName + "]; they must match");
        }
        return descriptor;
    }

    /**
     * Parses a descriptor.
     *
     * @param origin    names the descriptor in error messages (usually its path)
     * @param directory where the model's files are, or {@code null} if unknown
     * @throws ModelException 400 naming the origin and the offending field
     */
    public static ModelDescriptor parse(byte[] json, String origin, Path directory) {
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
            throw new ModelException(
                RestStatus.BAD_REQUEST,
                "invalid model descriptor [" + origin + "]: not valid JSON: " + e.getMessage(),
                e
            );
        }
        return fromMap(map, origin, directory);
    }

    /** Parses a descriptor from a stream (at most 64 KiB). */
    public static ModelDescriptor parse(InputStream json, String origin, Path directory) throws IOException {
        byte[] bytes = json.readNBytes(MAX_DESCRIPTOR_BYTES + 1);
        if (bytes.length > MAX_DESCRIPTOR_BYTES) {
            throw invalid(origin, "the descriptor is larger than " + MAX_DESCRIPTOR_BYTES + " bytes");
        }
        return parse(bytes, origin, directory);
    }

    private static ModelDescriptor fromMap(Map<String, Object> map, String origin, Path directory) {
        Set<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(FIELDS);
        if (unknown.isEmpty() == false) {
            throw invalid(origin, "unknown field(s) " + unknown + "; the known fields are " + FIELDS);
        }

        String id = requiredString(map, "id", origin);
        if (ID.matcher(id).matches() == false) {
            throw invalid(
                origin,
                "[id] must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit, got [" + id + "]"
            );
        }
        Task task = map.containsKey("task") ? enumValue(map, "task", Task.values(), origin, true) : Task.EMBEDDING;
        Format format = enumValue(map, "format", Format.values(), origin, true);

        Map<String, String> files = stringMap(map, "files", origin);
        for (Map.Entry<String, String> e : files.entrySet()) {
            String role = e.getKey();
            if (role.equals(ROLE_MODEL) == false && role.equals(ROLE_TOKENIZER) == false && role.equals(ROLE_ARCHIVE) == false) {
                throw invalid(
                    origin,
                    "[files] has an unknown role [" + role + "]; the roles are [model] and [tokenizer], or [archive] alone"
                );
            }
            checkFileName(e.getValue(), "files." + role, origin);
        }
        boolean archive = files.containsKey(ROLE_ARCHIVE);
        if (archive ? files.size() != 1 : (files.containsKey(ROLE_MODEL) && files.containsKey(ROLE_TOKENIZER)) == false) {
            throw invalid(
                origin,
                "[files] must name either [model] and [tokenizer], or only [archive] (a zip with the model file and tokenizer.json), got "
                    + files.keySet()
            );
        }
        if (new LinkedHashSet<>(files.values()).size() != files.size()) {
            throw invalid(origin, "[files] names the same file for two roles: " + files);
        }

        Map<String, String> sha256 = stringMap(map, "sha256", origin);
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String file : files.values()) {
            String hash = sha256.get(file);
            if (hash == null) {
                throw invalid(origin, "[sha256] has no hash for file [" + file + "]; every file in [files] needs one");
            }
            if (SHA256.matcher(hash).matches() == false) {
                throw invalid(origin, "[sha256] of [" + file + "] must be 64 hexadecimal digits, got [" + hash + "]");
            }
            hashes.put(file, hash.toLowerCase(Locale.ROOT));
        }
        Set<String> extra = new TreeSet<>(sha256.keySet());
        extra.removeAll(files.values());
        if (extra.isEmpty() == false) {
            throw invalid(origin, "[sha256] lists file(s) " + extra + " that [files] does not name");
        }

        boolean qa = task == Task.EXTRACTIVE_QA;
        for (String field : qa
            ? List.of("dimension", "pooling", "normalize", "query_prefix", "passage_prefix")
            : List.of("doc_stride", "max_question_tokens", "outputs")) {
            if (map.containsKey(field)) {
                throw invalid(
                    origin,
                    "[" + field + "] applies only to " + (qa ? Task.EMBEDDING : Task.EXTRACTIVE_QA).jsonName() + " models, and this model's [task] is [" + task.jsonName() + "]"
                );
            }
        }
        int dimension = qa ? 0 : requiredInt(map, "dimension", 1, MAX_DIMENSION, origin);
        Pooling pooling = qa ? null : enumValue(map, "pooling", Pooling.values(), origin, true);
        boolean normalize = qa == false && optionalBoolean(map, "normalize", true, origin);
        int maxTokens = requiredInt(map, "max_tokens", 2, MAX_TOKENS_LIMIT, origin);
        int docStride = 0;
        int maxQuestionTokens = 0;
        List<String> outputs = List.of();
        if (qa) {
            docStride = optionalInt(map, "doc_stride", DEFAULT_DOC_STRIDE, 0, MAX_TOKENS_LIMIT, origin);
            maxQuestionTokens = optionalInt(map, "max_question_tokens", DEFAULT_MAX_QUESTION_TOKENS, 1, MAX_TOKENS_LIMIT, origin);
            int room = maxTokens - maxQuestionTokens - MAX_PAIR_SPECIAL_TOKENS;
            if (docStride >= room) {
                throw invalid(
                    origin,
                    "[doc_stride] ("
                        + docStride
                        + ") must be smaller than [max_tokens] - [max_question_tokens] - "
                        + MAX_PAIR_SPECIAL_TOKENS
                        + " = "
                        + maxTokens
                        + " - "
                        + maxQuestionTokens
                        + " - "
                        + MAX_PAIR_SPECIAL_TOKENS
                        + " = "
                        + room
                        + ", the fewest passage tokens a window holds, so that windows move forward"
                );
            }
            if (map.containsKey("outputs")) {
                outputs = stringList(map, "outputs", origin);
                if (outputs.size() != 2 || outputs.get(0).isEmpty() || outputs.get(1).isEmpty() || outputs.get(0).equals(outputs.get(1))) {
                    throw invalid(origin, "[outputs] must name two different outputs, the start logits and the end logits, got " + outputs);
                }
            } else {
                outputs = DEFAULT_QA_OUTPUTS;
            }
        }

        List<String> inputs;
        if (map.containsKey("inputs")) {
            if (format != Format.TORCHSCRIPT) {
                throw invalid(origin, "[inputs] applies only to torchscript models: an ONNX model declares its inputs by name");
            }
            inputs = stringList(map, "inputs", origin);
            if (inputs.isEmpty() || inputs.get(0).equals(INPUT_IDS) == false) {
                throw invalid(origin, "[inputs] must start with [" + INPUT_IDS + "], got " + inputs);
            }
            if (new LinkedHashSet<>(inputs).size() != inputs.size()) {
                throw invalid(origin, "[inputs] lists an input twice: " + inputs);
            }
            for (String input : inputs) {
                if (KNOWN_INPUTS.contains(input) == false) {
                    throw invalid(origin, "[inputs] has an unknown input [" + input + "]; the known inputs are " + KNOWN_INPUTS);
                }
            }
        } else {
            inputs = format == Format.TORCHSCRIPT ? DEFAULT_TORCHSCRIPT_INPUTS : List.of();
        }
        InputStyle inputStyle = null;
        if (map.containsKey("input_style")) {
            if (format != Format.TORCHSCRIPT) {
                throw invalid(origin, "[input_style] applies only to torchscript models");
            }
            inputStyle = enumValue(map, "input_style", InputStyle.values(), origin, true);
        } else if (format == Format.TORCHSCRIPT) {
            inputStyle = InputStyle.POSITIONAL;
        }

        BertConfig architecture = null;
        if (format == Format.DJL) {
            if (qa == false || archive) {
                throw invalid(origin, "[format] [djl] is for extractive_qa models whose [files] are [model] (safetensors) and [tokenizer]");
            }
            architecture = architecture(map, origin);
        } else if (map.containsKey("architecture")) {
            throw invalid(origin, "[architecture] applies only to djl models: an ONNX or TorchScript file holds its own");
        }

        String queryPrefix = optionalString(map, "query_prefix", "", origin);
        String passagePrefix = optionalString(map, "passage_prefix", "", origin);
        String license = optionalString(map, "license", "", origin);
        String source = optionalString(map, "source", "", origin);
        return new ModelDescriptor(
            id,
            task,
            format,
            files,
            hashes,
            dimension,
            pooling,
            normalize,
            maxTokens,
            inputs,
            inputStyle,
            docStride,
            maxQuestionTokens,
            outputs,
            architecture,
            queryPrefix,
            passagePrefix,
            license,
            source,
            directory
        );
    }

    private static BertConfig architecture(Map<String, Object> map, String origin) {
        Object value = map.get("architecture");
        if (value instanceof Map<?, ?> == false) {
            throw invalid(origin, "[architecture] is required for djl models, an object, got " + typeName(value) + " [" + value + "]");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> shape = (Map<String, Object>) value;
        Set<String> unknown = new TreeSet<>(shape.keySet());
        unknown.removeAll(ARCHITECTURE_FIELDS);
        if (unknown.isEmpty() == false) {
            throw invalid(origin, "[architecture] has unknown field(s) " + unknown + "; the known fields are " + ARCHITECTURE_FIELDS);
        }
        String at = origin + "] [architecture";
        int hidden = requiredInt(shape, "hidden", 1, MAX_DIMENSION, at);
        int heads = requiredInt(shape, "heads", 1, hidden, at);
        if (hidden % heads != 0) {
            throw invalid(origin, "[architecture.hidden] (" + hidden + ") must be a multiple of [architecture.heads] (" + heads + ")");
        }
        Object eps = shape.getOrDefault("layer_norm_eps", 1e-12);
        double epsilon = eps instanceof Number n ? n.doubleValue() : Double.NaN;
        if ((epsilon > 0 && epsilon < 1) == false) {
            throw invalid(origin, "[architecture.layer_norm_eps] must be a number between 0 and 1, got [" + eps + "]");
        }
        return new BertConfig(
            requiredInt(shape, "vocab", 1, 1 << 24, at),
            hidden,
            requiredInt(shape, "layers", 1, 256, at),
            heads,
            requiredInt(shape, "intermediate", 1, 16 * MAX_DIMENSION, at),
            requiredInt(shape, "max_positions", 2, MAX_TOKENS_LIMIT, at),
            optionalInt(shape, "type_vocab", 2, 1, 16, at),
            (float) epsilon,
            0f
        );
    }

    private static ModelException invalid(String origin, String message) {
        return ModelException.badRequest("invalid model descriptor [" + origin + "]: " + message);
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof String) {
            return "a string";
        } else if (value instanceof Number) {
            return "a number";
        } else if (value instanceof Boolean) {
            return "a boolean";
        } else if (value instanceof Map) {
            return "an object";
        } else if (value instanceof List) {
            return "an array";
        }
        return value.getClass().getSimpleName();
    }

    private static String requiredString(Map<String, Object> map, String field, String origin) {
        Object value = map.get(field);
        if (value == null) {
            throw invalid(origin, "[" + field + "] is required");
        }
        if (value instanceof String s) {
            if (s.isEmpty()) {
                throw invalid(origin, "[" + field + "] must not be empty");
            }
            return s;
        }
        throw invalid(origin, "[" + field + "] must be a string, got " + typeName(value) + " [" + value + "]");
    }

    private static String optionalString(Map<String, Object> map, String field, String defaultValue, String origin) {
        Object value = map.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof String s) {
            return s;
        }
        throw invalid(origin, "[" + field + "] must be a string, got " + typeName(value) + " [" + value + "]");
    }

    private static boolean optionalBoolean(Map<String, Object> map, String field, boolean defaultValue, String origin) {
        Object value = map.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw invalid(origin, "[" + field + "] must be true or false, got " + typeName(value) + " [" + value + "]");
    }

    private static int requiredInt(Map<String, Object> map, String field, int min, int max, String origin) {
        Object value = map.get(field);
        if (value == null) {
            throw invalid(origin, "[" + field + "] is required");
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long v = ((Number) value).longValue();
            if (v < min || v > max) {
                throw invalid(origin, "[" + field + "] must be between " + min + " and " + max + ", got [" + v + "]");
            }
            return (int) v;
        }
        throw invalid(origin, "[" + field + "] must be an integer, got " + typeName(value) + " [" + value + "]");
    }

    private static int optionalInt(Map<String, Object> map, String field, int defaultValue, int min, int max, String origin) {
        return map.containsKey(field) ? requiredInt(map, field, min, max, origin) : defaultValue;
    }

    private static <E extends Enum<E>> E enumValue(Map<String, Object> map, String field, E[] values, String origin, boolean required) {
        Object value = map.get(field);
        List<String> names = new ArrayList<>();
        for (E e : values) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        if (value == null) {
            if (required) {
                throw invalid(origin, "[" + field + "] is required, one of " + names);
            }
            return null;
        }
        if (value instanceof String s) {
            for (E e : values) {
                if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                    return e;
                }
            }
        }
        throw invalid(origin, "[" + field + "] must be one of " + names + ", got " + typeName(value) + " [" + value + "]");
    }

    private static Map<String, String> stringMap(Map<String, Object> map, String field, String origin) {
        Object value = map.get(field);
        if (value == null) {
            throw invalid(origin, "[" + field + "] is required");
        }
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                throw invalid(origin, "[" + field + "] must not be empty");
            }
            Map<String, String> result = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getValue() instanceof String s) {
                    result.put((String) e.getKey(), s);
                } else {
                    throw invalid(
                        origin,
                        "[" + field + "." + e.getKey() + "] must be a string, got " + typeName(e.getValue()) + " [" + e.getValue() + "]"
                    );
                }
            }
            return result;
        }
        throw invalid(origin, "[" + field + "] must be an object, got " + typeName(value) + " [" + value + "]");
    }

    private static List<String> stringList(Map<String, Object> map, String field, String origin) {
        Object value = map.get(field);
        if (value instanceof List<?> list) {
            List<String> result = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof String s) {
                    result.add(s);
                } else {
                    throw invalid(origin, "[" + field + "] must hold strings, got " + typeName(o) + " [" + o + "]");
                }
            }
            return result;
        }
        throw invalid(origin, "[" + field + "] must be an array of strings, got " + typeName(value) + " [" + value + "]");
    }

    /** A file name inside the model's directory: no path separators, no "." or "..", nothing hidden. */
    private static void checkFileName(String name, String field, String origin) {
        if (name.isEmpty()
            || name.contains("/")
            || name.contains("\\")
            || name.startsWith(".")
            || name.indexOf('\0') >= 0
            || name.equals(FILE_NAME)) {
            throw invalid(
                origin,
                "[" + field + "] must be a plain file name in the model's directory (no path, not hidden, not model.json), got [" + name + "]"
            );
        }
    }

    public String id() {
        return id;
    }

    /** What the model does: {@code embedding} (the default) or {@code extractive_qa}. */
    public Task task() {
        return task;
    }

    public Format format() {
        return format;
    }

    /** Role ({@code model}, {@code tokenizer} or {@code archive}) to file name. */
    public Map<String, String> files() {
        return files;
    }

    /** File name to lower-case hex SHA-256. */
    public Map<String, String> sha256() {
        return sha256;
    }

    /** The vectors' dimension; 0 for a model that is not an encoder. */
    public int dimension() {
        return dimension;
    }

    /** How token vectors are pooled; {@code null} for a model that is not an encoder. */
    public Pooling pooling() {
        return pooling;
    }

    public boolean normalize() {
        return normalize;
    }

    /** Maximum tokens per text, special tokens included; longer texts are truncated. */
    public int maxTokens() {
        return maxTokens;
    }

    /** For TorchScript models: the names of the positional inputs, in order. Empty for ONNX models. */
    public List<String> inputs() {
        return inputs;
    }

    /** For TorchScript models: how the inputs are passed; {@code null} for ONNX models. */
    public InputStyle inputStyle() {
        return inputStyle;
    }

    /** For djl readers: the shape of the network; {@code null} for other formats. */
    public BertConfig architecture() {
        return architecture;
    }

    /** For readers: how many passage tokens consecutive windows share; 0 for encoders. */
    public int docStride() {
        return docStride;
    }

    /** For readers: questions are cut to this many word pieces; 0 for encoders. */
    public int maxQuestionTokens() {
        return maxQuestionTokens;
    }

    /** For readers: the names of the start and end logits outputs; empty for encoders. */
    public List<String> outputs() {
        return outputs;
    }

    public String queryPrefix() {
        return queryPrefix;
    }

    public String passagePrefix() {
        return passagePrefix;
    }

    public String prefix(Encoder.TextKind kind) {
        return kind == Encoder.TextKind.QUERY ? queryPrefix : passagePrefix;
    }

    public String license() {
        return license;
    }

    public String source() {
        return source;
    }

    public boolean isArchive() {
        return files.containsKey(ROLE_ARCHIVE);
    }

    /** The directory that holds the model's files, or {@code null} for a descriptor parsed without one. */
    public Path directory() {
        return directory;
    }

    /** The path of the file with the given role, or {@code null} if the descriptor has no such role. */
    public Path file(String role) {
        String name = files.get(role);
        if (name == null) {
            return null;
        }
        if (directory == null) {
            throw new IllegalStateException("model [" + id + "] was parsed without a directory");
        }
        return directory.resolve(name);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o instanceof ModelDescriptor == false) {
            return false;
        }
        ModelDescriptor that = (ModelDescriptor) o;
        return dimension == that.dimension
            && normalize == that.normalize
            && maxTokens == that.maxTokens
            && id.equals(that.id)
            && task == that.task
            && format == that.format
            && files.equals(that.files)
            && sha256.equals(that.sha256)
            && pooling == that.pooling
            && inputs.equals(that.inputs)
            && inputStyle == that.inputStyle
            && docStride == that.docStride
            && maxQuestionTokens == that.maxQuestionTokens
            && outputs.equals(that.outputs)
            && Objects.equals(architecture, that.architecture)
            && queryPrefix.equals(that.queryPrefix)
            && passagePrefix.equals(that.passagePrefix)
            && license.equals(that.license)
            && source.equals(that.source)
            && Objects.equals(directory, that.directory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, task, format, files, sha256, dimension, pooling, maxTokens, directory);
    }

    @Override
    public String toString() {
        if (task == Task.EXTRACTIVE_QA) {
            return "model ["
                + id
                + "] (extractive_qa, "
                + format.jsonName()
                + ", "
                + maxTokens
                + " tokens, stride "
                + docStride
                + (directory == null ? "" : ", in " + directory)
                + ")";
        }
        return "model ["
            + id
            + "] ("
            + format.jsonName()
            + ", "
            + dimension
            + " dimensions, "
            + pooling.jsonName()
            + " pooling, "
            + maxTokens
            + " tokens"
            + (directory == null ? "" : ", in " + directory)
            + ")";
    }
}
