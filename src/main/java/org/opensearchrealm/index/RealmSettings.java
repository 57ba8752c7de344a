/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.index;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Setting.Property;

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

    /** The highest value {@link #MAX_K} can be given. */
    public static final int MAX_K_LIMIT = 10_000;

    /** Largest {@code k} a {@code _realm} request may ask for. */
    public static final Setting<Integer> MAX_K = Setting.intSetting(
        "realm.search.max_k",
        100,
        1,
        MAX_K_LIMIT,
        Property.NodeScope,
        Property.Dynamic
    );

    /** Longest query, in characters, that {@code _realm} accepts. */
    public static final Setting<Integer> MAX_QUERY_CHARS = Setting.intSetting(
        "realm.search.max_query_chars",
        1_000,
        1,
        100_000,
        Property.NodeScope,
        Property.Dynamic
    );

    private RealmSettings() {}

    public static List<Setting<?>> all() {
        return List.of(INDEX_MODEL, INDEX_SOURCE_FIELD, MAX_K, MAX_QUERY_CHARS);
    }
}
