/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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
 *   "query_model": "all-minilm-l6-v2-int8",            // optional: the same network in another form, which encodes
 *                                                      //   the questions of this model's indices by default
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
 * Unknown fields are rejected, so that a misspelt optional field does not silently fall back to its default. The
 * fields every model has are here; an encoder's own are its {@link EncoderSpec}, a reader's its {@link ReaderSpec};
 * {@link ModelDescriptorParser} reads them.
 */
public final class ModelDescriptor {

    public static final String FILE_NAME = "model.json";

    public static final String ROLE_MODEL = "model";
    public static final String ROLE_TOKENIZER = "tokenizer";
    public static final String ROLE_ARCHIVE = "archive";

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final int MAX_TOKENS_LIMIT = 8_192;

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
    private final int maxTokens;
    private final List<String> inputs;
    private final InputStyle inputStyle;
    private final EncoderSpec encoder;
    private final ReaderSpec reader;
    private final String license;
    private final String source;
    private final Path directory;

    ModelDescriptor(
        String id,
        Task task,
        Format format,
        Map<String, String> files,
        Map<String, String> sha256,
        int maxTokens,
        List<String> inputs,
        InputStyle inputStyle,
        EncoderSpec encoder,
        ReaderSpec reader,
        String license,
        String source,
        Path directory
    ) {
        this.id = id;
        this.task = task;
        this.format = format;
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        this.sha256 = Collections.unmodifiableMap(new LinkedHashMap<>(sha256));
        this.maxTokens = maxTokens;
        this.inputs = List.copyOf(inputs);
        this.inputStyle = inputStyle;
        this.encoder = encoder;
        this.reader = reader;
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
        return ModelDescriptorParser.load(modelJson);
    }

    /**
     * Parses a descriptor.
     *
     * @param origin    names the descriptor in error messages (usually its path)
     * @param directory where the model's files are, or {@code null} if unknown
     * @throws ModelException 400 naming the origin and the offending field
     */
    public static ModelDescriptor parse(byte[] json, String origin, Path directory) {
        return ModelDescriptorParser.parse(json, origin, directory);
    }

    /** Parses a descriptor from a stream (at most 64 KiB). */
    public static ModelDescriptor parse(InputStream json, String origin, Path directory) throws IOException {
        return ModelDescriptorParser.parse(json, origin, directory);
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

    /** An encoder's dimension, pooling and prefixes; {@code null} for a model that is not an encoder. */
    public EncoderSpec encoder() {
        return encoder;
    }

    /** A reader's windows, outputs and shape; {@code null} for a model that is not a reader. */
    public ReaderSpec reader() {
        return reader;
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
        return maxTokens == that.maxTokens
            && id.equals(that.id)
            && task == that.task
            && format == that.format
            && files.equals(that.files)
            && sha256.equals(that.sha256)
            && inputs.equals(that.inputs)
            && inputStyle == that.inputStyle
            && Objects.equals(encoder, that.encoder)
            && Objects.equals(reader, that.reader)
            && license.equals(that.license)
            && source.equals(that.source)
            && Objects.equals(directory, that.directory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, task, format, files, sha256, maxTokens, encoder, reader, directory);
    }

    @Override
    public String toString() {
        String where = directory == null ? "" : ", in " + directory;
        if (reader != null) {
            return "model [" + id + "] (extractive_qa, " + format.jsonName() + ", " + maxTokens + " tokens, stride " + reader.docStride() + where + ")";
        }
        return "model ["
            + id
            + "] ("
            + format.jsonName()
            + ", "
            + encoder.dimension()
            + " dimensions, "
            + encoder.pooling().jsonName()
            + " pooling, "
            + maxTokens
            + " tokens"
            + where
            + ")";
    }
}
