/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.settings;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Setting.Property;
import org.opensearch.common.unit.TimeValue;

import java.util.List;

/** Index and cluster settings of REALM indices and of the {@code _realm} endpoint. */
public final class RealmSettings {

    /** The model that embeds an index's passages and its queries; fixed at creation, since vectors depend on it. */
    public static final Setting<String> INDEX_MODEL = Setting.simpleString("index.realm.model", Property.IndexScope, Property.Final);

    /** The text field whose passages are embedded. */
    public static final Setting<String> INDEX_SOURCE_FIELD = Setting.simpleString(
        "index.realm.source_field",
        Property.IndexScope,
        Property.Final
    );

    /**
     * The reader a new REALM index gets when its creation names none: the project's own 12-layer reader, shipped in
     * the plugin zip, in its int8 ONNX export ({@code models/realm-reader-bge-small-int8}: end to end on dev about 4
     * points of EM above the 6-layer {@code realm-reader-minilm-int8}, which ships too, for about twice its reading
     * time; the readers they were exported from ship as well). Creating an index with {@code "reader": ""} gives one
     * that only retrieves.
     */
    public static final String DEFAULT_READER = "realm-reader-bge-small-int8";

    /**
     * The extractive QA model that reads an index's retrieved passages for answers; empty (the default of an index
     * made without the plugin's create API): retrieval only. Dynamic: a
     * reader can be added to, changed on or removed from an existing index, since it does not touch the stored vectors.
     */
    public static final Setting<String> INDEX_READER = Setting.simpleString(
        "index.realm.reader",
        "",
        Property.IndexScope,
        Property.Dynamic
    );

    /**
     * The embedding model that encodes an index's questions; empty (the default): the {@code query_model} that the
     * index's model names in its model.json, else the index's own model. Another model
     * must put its vectors in the same space as the passages': the same network quantized (for example
     * {@code all-minilm-l6-v2-int8} for {@code all-minilm-l6-v2}), since the passages' vectors stay as they are.
     * Dynamic: it only changes how questions are encoded.
     */
    public static final Setting<String> INDEX_QUERY_MODEL = Setting.simpleString(
        "index.realm.query_model",
        "",
        Property.IndexScope,
        Property.Dynamic
    );

    /** Never "no answer" unless nothing was found: for readers whose model.json gives no calibrated threshold. */
    public static final double DEFAULT_NO_ANSWER_THRESHOLD = 1.0;

    /**
     * Answer "no answer" when p(no answer | question) is above this; 1: never (always the best guess). Unset, the
     * index uses its reader's calibrated threshold (model.json {@code no_answer_threshold}), else 1.
     */
    public static final Setting<Double> INDEX_NO_ANSWER_THRESHOLD = Setting.doubleSetting(
        "index.realm.no_answer_threshold",
        DEFAULT_NO_ANSWER_THRESHOLD,
        0.0,
        1.0,
        Property.IndexScope,
        Property.Dynamic
    );

    /** See {@link #INDEX_RETRIEVAL_TEMPERATURE}. */
    public static final double DEFAULT_TEMPERATURE = 0.1;

    /**
     * p(z | q) is the softmax of the retrieval scores divided by this. Scores of unit vectors lie in [-1, 1], so at 1
     * p(z | q) is nearly uniform over the top k and the reader's most confident passage wins whatever its rank; 0.1
     * lets retrieval weigh in (end-to-end F1 on SQuAD dev, first 300 questions, k=5: 45.4 at 1, 53.1 at 0.1).
     */
    public static final Setting<Double> INDEX_RETRIEVAL_TEMPERATURE = Setting.doubleSetting(
        "index.realm.retrieval_temperature",
        DEFAULT_TEMPERATURE,
        0.001,
        100.0,
        Property.IndexScope,
        Property.Dynamic
    );

    /** See {@link #INDEX_READ_MASS}. */
    public static final double DEFAULT_READ_MASS = 0.98;

    /**
     * Adaptive reading: the retrieved passages are read most probable first until the passages read hold this share of
     * p(z | q) (the first is always read); the answers marginalise over the passages read. 1 reads all k passages.
     */
    public static final Setting<Double> INDEX_READ_MASS = Setting.doubleSetting(
        "index.realm.read_mass",
        DEFAULT_READ_MASS,
        0.0,
        1.0,
        Property.IndexScope,
        Property.Dynamic
    );

    /** The default longest answer, in word pieces. */
    public static final int DEFAULT_MAX_ANSWER_TOKENS = 30;

    /** The longest answer span, in word pieces of the reader's tokenizer. */
    public static final Setting<Integer> INDEX_MAX_ANSWER_TOKENS = Setting.intSetting(
        "index.realm.max_answer_tokens",
        DEFAULT_MAX_ANSWER_TOKENS,
        1,
        512,
        Property.IndexScope,
        Property.Dynamic
    );

    /** How {@code _realm} finds passages. */
    public enum RetrievalMode implements SettingValue {
        /** Maximum inner product search over the passage vectors (REALM's retriever). */
        DENSE,
        /** BM25 over the passages' text. */
        BM25,
        /** Both, each to its own depth, their scores fused ({@link #INDEX_FUSION}). */
        HYBRID;

        /** The mode a request's {@code retrieval} names. */
        public static RetrievalMode parse(String value) {
            return parse("retrieval", value);
        }

        static RetrievalMode parse(String field, String value) {
            return SettingValue.parse(values(), field, value);
        }
    }

    /** How hybrid retrieval fuses the dense and the BM25 ranking. */
    public enum Fusion implements SettingValue {
        /** Each ranking's scores min-max normalised over its depth, then weighed ({@link #INDEX_HYBRID_WEIGHT}). */
        CONVEX,
        /** Reciprocal rank fusion: the sum over rankings of 1 / (60 + rank), scores ignored. */
        RRF;

        static Fusion parse(String value) {
            return SettingValue.parse(values(), "index.realm.fusion", value);
        }
    }

    /**
     * How {@code _realm} retrieves when the request does not say ({@code "retrieval"}). Hybrid: on the first 300
     * questions of the SQuAD dev split, k=5, end-to-end EM/F1 56.7/66.0 against 49.3/53.6 for dense alone.
     */
    public static final Setting<RetrievalMode> INDEX_RETRIEVAL = new Setting<>(
        "index.realm.retrieval",
        RetrievalMode.HYBRID.jsonName(),
        value -> RetrievalMode.parse("index.realm.retrieval", value),
        Property.IndexScope,
        Property.Dynamic
    );

    public static final Setting<Fusion> INDEX_FUSION = new Setting<>(
        "index.realm.fusion",
        Fusion.CONVEX.jsonName(),
        Fusion::parse,
        Property.IndexScope,
        Property.Dynamic
    );

    /** The dense ranking's weight in convex fusion; the BM25 ranking has 1 minus it. */
    public static final Setting<Double> INDEX_HYBRID_WEIGHT = Setting.doubleSetting(
        "index.realm.hybrid_weight",
        0.5,
        0.0,
        1.0,
        Property.IndexScope,
        Property.Dynamic
    );

    /**
     * How many passages each ranking of hybrid retrieval (and BM25 alone) looks at before the top {@code k} are taken:
     * a passage ranked low by one retriever can still win on the other. At most 100, OpenSearch's default limit of
     * inner hits per document ({@code index.max_inner_result_window}).
     */
    public static final Setting<Integer> INDEX_RETRIEVAL_DEPTH = Setting.intSetting(
        "index.realm.retrieval_depth",
        50,
        1,
        100,
        Property.IndexScope,
        Property.Dynamic
    );

    /**
     * A document field that BM25 (alone or in hybrid retrieval) matches besides the passages' text, its score added to
     * each of the document's passages: a title names what every passage of the document is about. Empty (the default:
     * on the shared SQuAD dev split, where every paragraph of an article shares its title, matching {@code title}
     * moved hybrid recall@1/5 from 79.6/95.9 to 79.2/95.6): none. An index without the field is unaffected.
     */
    public static final Setting<String> INDEX_TITLE_FIELD = Setting.simpleString(
        "index.realm.title_field",
        "",
        Property.IndexScope,
        Property.Dynamic
    );

    /** Where passages are read when the cluster has no node with the {@code ml} role. */
    public enum ReadFallback implements SettingValue {
        /** The node that coordinates the {@code _realm} request, which already holds the passages' texts. */
        COORDINATOR,
        /** The data node that served most of the retrieved passages (then other holders of the same shards). */
        DATA_NODE;

        static ReadFallback parse(String value) {
            return SettingValue.parse(values(), "plugins.realm.read.fallback", value);
        }
    }

    public static final Setting<ReadFallback> READ_FALLBACK = new Setting<>(
        "plugins.realm.read.fallback",
        ReadFallback.COORDINATOR.jsonName(),
        ReadFallback::parse,
        Property.NodeScope,
        Property.Dynamic
    );

    /** How the coordinator picks one of several {@code ml} nodes. */
    public enum NodeSelection implements SettingValue {
        /** The node with the fewest reads in flight from this coordinator; ties go round-robin. */
        LEAST_LOADED,
        /** Each node in turn. */
        ROUND_ROBIN;

        static NodeSelection parse(String value) {
            return SettingValue.parse(values(), "plugins.realm.read.node_selection", value);
        }
    }

    public static final Setting<NodeSelection> READ_NODE_SELECTION = new Setting<>(
        "plugins.realm.read.node_selection",
        NodeSelection.LEAST_LOADED.jsonName(),
        NodeSelection::parse,
        Property.NodeScope,
        Property.Dynamic
    );

    /** How long the coordinator waits for one node's reading before trying another node. */
    public static final Setting<TimeValue> READ_TIMEOUT = Setting.timeSetting(
        "plugins.realm.read.timeout",
        TimeValue.timeValueSeconds(60),
        TimeValue.timeValueMillis(1),
        Property.NodeScope,
        Property.Dynamic
    );

    /**
     * How long a node whose read failed (an error, a timeout, a rejection) is passed over while another eligible node
     * has not failed; 0 turns this off.
     */
    public static final Setting<TimeValue> READ_FAILURE_COOLDOWN = Setting.timeSetting(
        "plugins.realm.read.failure_cooldown",
        TimeValue.timeValueSeconds(10),
        TimeValue.ZERO,
        Property.NodeScope,
        Property.Dynamic
    );

    /** The highest value {@link #MAX_K} can be given. */
    public static final int MAX_K_LIMIT = 10_000;

    /** Largest {@code k} a {@code _realm} request may ask for. */
    public static final Setting<Integer> MAX_K = Setting.intSetting(
        "plugins.realm.search.max_k",
        100,
        1,
        MAX_K_LIMIT,
        Property.NodeScope,
        Property.Dynamic
    );

    /** Longest query, in characters, that {@code _realm} accepts. */
    public static final Setting<Integer> MAX_QUERY_CHARS = Setting.intSetting(
        "plugins.realm.search.max_query_chars",
        1_000,
        1,
        100_000,
        Property.NodeScope,
        Property.Dynamic
    );

    /**
     * How many {@code _realm} requests a node sends, as itself, to each REALM index that existed before it started,
     * once the index's shards on it have started: the first searches of a node pay for class loading and JIT
     * compilation of the search path, which the models' own warm-up cannot reach. 0 turns the warm-up off.
     */
    public static final Setting<Integer> SEARCH_WARM_UP_SEARCHES = Setting.intSetting(
        "plugins.realm.search.warm_up_searches",
        64,
        0,
        1_000,
        Property.NodeScope
    );

    private RealmSettings() {}

    public static List<Setting<?>> all() {
        return List.of(
            INDEX_MODEL,
            INDEX_SOURCE_FIELD,
            INDEX_READER,
            INDEX_QUERY_MODEL,
            INDEX_NO_ANSWER_THRESHOLD,
            INDEX_MAX_ANSWER_TOKENS,
            INDEX_RETRIEVAL_TEMPERATURE,
            INDEX_READ_MASS,
            INDEX_RETRIEVAL,
            INDEX_FUSION,
            INDEX_HYBRID_WEIGHT,
            INDEX_RETRIEVAL_DEPTH,
            INDEX_TITLE_FIELD,
            MAX_K,
            MAX_QUERY_CHARS,
            SEARCH_WARM_UP_SEARCHES,
            READ_FALLBACK,
            READ_NODE_SELECTION,
            READ_TIMEOUT,
            READ_FAILURE_COOLDOWN
        );
    }
}
