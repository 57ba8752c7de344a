/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.index.IndexSettings;
import org.opensearchrealm.ingest.PassageProcessorFactory;
import org.opensearchrealm.settings.RealmMapping;
import org.opensearchrealm.settings.RealmSettings;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.opensearch.action.ValidateActions.addValidationError;

/**
 * Creates REALM index {@code index} over text field {@code sourceField}, embedded with model {@code model}, its
 * passages read for answers by {@code reader} (empty: retrieval only).
 */
public final class CreateRealmIndexRequest extends ActionRequest implements IndicesRequest.Replaceable {

    public static final String DEFAULT_SOURCE_FIELD = "text";
    public static final String DEFAULT_MODEL = "all-minilm-l6-v2";

    private String index;
    private final String sourceField;
    private final String model;
    private final String reader;
    private final int passageTokens;
    private final int overlapTokens;
    private final Settings indexSettings;
    private boolean searchPipeline;

    public CreateRealmIndexRequest(String index, String sourceField, String model, int passageTokens, int overlapTokens, Settings indexSettings) {
        this(index, sourceField, model, RealmSettings.DEFAULT_READER, passageTokens, overlapTokens, indexSettings);
    }

    public CreateRealmIndexRequest(
        String index,
        String sourceField,
        String model,
        String reader,
        int passageTokens,
        int overlapTokens,
        Settings indexSettings
    ) {
        this.index = index;
        this.sourceField = sourceField;
        this.model = model;
        this.reader = reader == null ? "" : reader;
        this.passageTokens = passageTokens;
        this.overlapTokens = overlapTokens;
        this.indexSettings = indexSettings;
    }

    public CreateRealmIndexRequest(StreamInput in) throws IOException {
        super(in);
        index = in.readString();
        sourceField = in.readString();
        model = in.readString();
        reader = in.readString();
        passageTokens = in.readVInt();
        overlapTokens = in.readVInt();
        indexSettings = Settings.readSettingsFromStream(in);
        searchPipeline = in.readBoolean();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeString(index);
        out.writeString(sourceField);
        out.writeString(model);
        out.writeString(reader);
        out.writeVInt(passageTokens);
        out.writeVInt(overlapTokens);
        Settings.writeSettingsToStream(indexSettings, out);
        out.writeBoolean(searchPipeline);
    }

    @Override
    public ActionRequestValidationException validate() {
        ActionRequestValidationException e = null;
        if (index == null || index.isBlank()) {
            e = addValidationError("an index name is required", e);
        } else if (index.chars().anyMatch(c -> Character.isISOControl(c) || c == '\uFFFD')) {
            // OpenSearch takes them, but the name (and the pipeline named after it) could hardly be typed or deleted
            e = addValidationError("index name [" + index + "] must not hold control characters or U+FFFD (invalid UTF-8 in the URL)", e);
        }
        if (sourceField == null || sourceField.isBlank()) {
            e = addValidationError("[source_field] must not be empty", e);
        } else if (sourceField.equals(RealmMapping.PASSAGES) || sourceField.startsWith(RealmMapping.PASSAGES + ".") || sourceField.startsWith("_")) {
            e = addValidationError("[source_field] cannot be [" + sourceField + "]: the name is reserved for passages or metadata", e);
        }
        if (model == null || model.isBlank()) {
            e = addValidationError("[model] must not be empty", e);
        }
        if (passageTokens < 1) {
            e = addValidationError("[" + PassageProcessorFactory.PASSAGE_TOKENS + "] must be at least 1, got [" + passageTokens + "]", e);
        }
        if (overlapTokens < 0 || overlapTokens >= passageTokens) {
            e = addValidationError(
                "[" + PassageProcessorFactory.OVERLAP_TOKENS + "] must be at least 0 and less than [passage_tokens], got [" + overlapTokens + "]",
                e
            );
        }
        for (String key : indexSettings.keySet()) {
            String full = key.startsWith("index.") ? key : "index." + key;
            if (full.equals(RealmSettings.INDEX_READER.getKey())) {
                e = addValidationError("setting [" + key + "] cannot be given in [settings]; give the reader as [reader]", e);
            } else if (full.startsWith("index.realm.") && RealmSettings.all().stream().noneMatch(s -> s.getKey().equals(full))) {
                e = addValidationError(UnknownRealmSettingsFilter.unknownSetting(key, List.copyOf(USER_SETTINGS)), e);
            } else if (USER_SETTINGS.contains(full) == false
                && (full.startsWith("index.realm.") || full.equals("index.default_pipeline") || full.equals("index.knn")
                    || (searchPipeline && full.equals(SEARCH_DEFAULT_PIPELINE)))) {
                    e = addValidationError("setting [" + key + "] is set by the plugin and cannot be given", e);
                }
        }
        return e;
    }

    /**
     * Settings of the plugin's that the caller may give in [settings]: the dynamic index settings (how passages are
     * retrieved and answers read), but the reader, which is given as [reader].
     */
    private static final Set<String> USER_SETTINGS = RealmSettings.all()
        .stream()
        .filter(s -> s.hasIndexScope() && s.isDynamic() && s != RealmSettings.INDEX_READER)
        .map(Setting::getKey)
        .collect(Collectors.toUnmodifiableSet());

    /** The index setting that names the search pipeline of searches that name none. */
    static final String SEARCH_DEFAULT_PIPELINE = "index.search.default_pipeline";

    /**
     * Whether to give the index a default search pipeline ({@link #searchPipelineId}) that turns plain query text into
     * a {@code realm} query and adds answers to the response, so that any {@code _search} client gets REALM.
     */
    public boolean searchPipeline() {
        return searchPipeline;
    }

    public CreateRealmIndexRequest searchPipeline(boolean searchPipeline) {
        this.searchPipeline = searchPipeline;
        return this;
    }

    /** The processor types of that pipeline (the {@code search} package's processors). */
    public static final String QUERY_PROCESSOR = "realm_query";
    public static final String ANSWERS_PROCESSOR = "realm_answers";

    /** The index's default search pipeline, when the request asks for one. */
    public static String searchPipelineId(String index) {
        return "realm-" + index + "-search";
    }

    /** The pipeline that cuts and embeds the index's documents. */
    public static String pipelineId(String index) {
        return "realm-" + index;
    }

    public String index() {
        return index;
    }

    public String sourceField() {
        return sourceField;
    }

    public String model() {
        return model;
    }

    /** The reader model's id; empty for retrieval only. */
    public String reader() {
        return reader;
    }

    public int passageTokens() {
        return passageTokens;
    }

    public int overlapTokens() {
        return overlapTokens;
    }

    /** Index settings of the caller's (shards, replicas...) plus the ones that make it a REALM index. */
    public Settings indexSettings() {
        Settings.Builder builder = Settings.builder()
            .put(indexSettings)
            .put("index.knn", true)
            // a document may contribute up to k passages (inner hits), and k goes up to plugins.realm.search.max_k
            .put(IndexSettings.MAX_INNER_RESULT_WINDOW_SETTING.getKey(), RealmSettings.MAX_K_LIMIT)
            .put("index.default_pipeline", pipelineId(index))
            .put(RealmSettings.INDEX_MODEL.getKey(), model)
            .put(RealmSettings.INDEX_SOURCE_FIELD.getKey(), sourceField);
        if (reader.isEmpty() == false) {
            builder.put(RealmSettings.INDEX_READER.getKey(), reader);
        }
        if (searchPipeline) {
            builder.put(SEARCH_DEFAULT_PIPELINE, searchPipelineId(index));
        }
        return builder.build();
    }

    @Override
    public String[] indices() {
        return new String[] { index };
    }

    /**
     * Replaceable so that the security plugin checks index permissions on the name: it resolves the indices of the
     * requests it knows and of replaceable ones, and checks any other request against all indices ({@code *}), so
     * that a role could only grant creating REALM indices everywhere. It may only hand back one name.
     */
    @Override
    public CreateRealmIndexRequest indices(String... indices) {
        if (indices == null || indices.length != 1) {
            throw new IllegalArgumentException("a REALM index is created one at a time, got " + Arrays.toString(indices));
        }
        this.index = indices[0];
        return this;
    }

    @Override
    public IndicesOptions indicesOptions() {
        return IndicesOptions.strictSingleIndexNoExpandForbidClosed();
    }
}
