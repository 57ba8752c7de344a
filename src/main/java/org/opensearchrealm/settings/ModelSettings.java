/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.settings;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Setting.Property;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.unit.ByteSizeValue;

import java.util.List;

/** Node settings of the model runtime; the plugin registers {@link #settings()}. */
public final class ModelSettings {

    /**
     * Threads one inference call may use inside the engine (ONNX Runtime session option; process-wide for PyTorch).
     * The default of 1 suits a node where the {@code realm_inference} pool runs several calls at once: one thread per
     * call beats several threads per call that stall on each other's barriers.
     */
    public static final Setting<Integer> INTRA_OP_THREADS = Setting.intSetting(
        "plugins.realm.model.intra_op_threads",
        1,
        1,
        1024,
        Property.NodeScope
    );

    /**
     * Texts one forward pass holds at most: longer lists given to an encoder are cut into sub-batches of this size
     * (after sorting by length, so padding stays small). 1 by default: on CPU one text per call is the fastest
     * (no padding at all, and a text's activations stay in the core's cache): on 2 cores the bare encoder embedded
     * 62.6-64.3 passages/s one at a time against 53.0-53.3 in batches of 8; batches pay on a GPU.
     */
    public static final Setting<Integer> MAX_BATCH_SIZE = Setting.intSetting(
        "plugins.realm.model.max_batch_size",
        1,
        1,
        1024,
        Property.NodeScope
    );

    /**
     * The native memory the loaded models of a node may take, by their estimate (twice their files' size, see the model runtime); loading one more
     * model beyond it is refused with 429. Negative (the default): no limit. Dynamic, through the cluster settings API.
     */
    public static final Setting<ByteSizeValue> MEMORY_BUDGET = Setting.byteSizeSetting(
        "plugins.realm.model.memory_budget",
        new ByteSizeValue(-1),
        new ByteSizeValue(-1),
        new ByteSizeValue(Long.MAX_VALUE),
        Property.NodeScope,
        Property.Dynamic
    );

    /**
     * Whether a node loads and warms up the models its cluster's REALM indices name as soon as it joins or an index
     * names them (the readers only on nodes that read), rather than at the first request that needs them.
     */
    public static final Setting<Boolean> PRELOAD = Setting.boolSetting("plugins.realm.model.preload", true, Property.NodeScope);

    /**
     * How long an inference thread holds back the next ingest batch while {@code _realm} requests are in flight on the
     * node (each batch waits at most this long, so ingest always progresses); 0: never. Ingest batches that already run
     * are not stopped, but none starts beside a question, which then has the cores to itself.
     */
    public static final Setting<TimeValue> BULK_YIELD = Setting.timeSetting(
        "plugins.realm.model.bulk_yield",
        TimeValue.timeValueMillis(500),
        TimeValue.ZERO,
        TimeValue.timeValueSeconds(10),
        Property.NodeScope
    );

    /** Where the plugin's natives and bundled models are; defaults to the installed plugin's directory. */
    public static final Setting<String> PLUGIN_HOME = Setting.simpleString("plugins.realm.home", Property.NodeScope);

    private ModelSettings() {}

    public static List<Setting<?>> settings() {
        return List.of(INTRA_OP_THREADS, MAX_BATCH_SIZE, MEMORY_BUDGET, PRELOAD, BULK_YIELD, PLUGIN_HOME);
    }
}
