/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.admin.indices.create.CreateIndexAction;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.admin.indices.settings.put.UpdateSettingsAction;
import org.opensearch.action.admin.indices.settings.put.UpdateSettingsRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.action.support.ActionRequestMetadata;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.tasks.Task;
import org.opensearchrealm.settings.RealmSettings;

import java.util.List;

/**
 * Refuses an {@code index.realm.*} setting that the plugin does not have, in the create-index and update-settings APIs,
 * naming the {@code index.realm.*} settings that can be given there. OpenSearch would call it unknown too, but suggest
 * the nearest key by spelling ({@code index.realm.model}, which can never be updated) instead of those that can be set.
 */
public final class UnknownRealmSettingsFilter implements ActionFilter {

    private static final String PREFIX = "index.realm.";

    @Override
    public int order() {
        return Integer.MAX_VALUE; // after any filter that authorizes the request: a refused caller learns nothing here
    }

    @Override
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(
        Task task,
        String action,
        Request request,
        ActionRequestMetadata<Request, Response> metadata,
        ActionListener<Response> listener,
        ActionFilterChain<Request, Response> chain
    ) {
        String unknown = null;
        if (UpdateSettingsAction.NAME.equals(action) && request instanceof UpdateSettingsRequest update) {
            unknown = unknown(update.settings(), RealmSettings.all().stream().filter(Setting::isDynamic).toList());
        } else if (CreateIndexAction.NAME.equals(action) && request instanceof CreateIndexRequest create) {
            unknown = unknown(create.settings(), RealmSettings.all());
        }
        if (unknown != null) {
            listener.onFailure(new IllegalArgumentException(unknown));
            return;
        }
        chain.proceed(task, action, request, listener);
    }

    /** The refusal of the first {@code index.realm.*} key of {@code settings} the plugin has no setting for, or null. */
    private static String unknown(Settings settings, List<Setting<?>> settable) {
        for (String key : settings.keySet()) {
            String full = key.startsWith("index.") ? key : "index." + key;
            if (full.startsWith(PREFIX) && RealmSettings.all().stream().noneMatch(s -> s.getKey().equals(full))) {
                return unknownSetting(key, settable.stream().map(Setting::getKey).toList());
            }
        }
        return null;
    }

    /** "unknown setting [key]", and the index.realm.* settings that can be given where it was. */
    public static String unknownSetting(String key, List<String> settable) {
        return "unknown setting ["
            + key
            + "]: the plugin has no such setting; the "
            + PREFIX
            + "* settings that can be given here are "
            + settable.stream().filter(k -> k.startsWith(PREFIX)).sorted().toList();
    }
}
